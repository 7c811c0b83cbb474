/**
 * `sbc_domain`: the service's SBC FQDN is a domain of the tenant and verified, read from `GET /domains/{fqdn}`
 * (Domain.Read.All; docs/entra.md section 16). Not there: the steps to add it. Not verified: the TXT record from
 * `verificationDnsRecords`, one more round trip, only in that case.
 */
import { graphRequestId } from "../../m365/graph/graph.client.js";
import {
  graphTrouble,
  listOf,
  noGraphToken,
  permissionMissing,
  type ReadinessCheckDefinition,
  type ReadinessOutcome,
} from "./readiness.types.js";

const ADD_DOMAIN_STEPS = (fqdn: string) =>
  `In the Microsoft 365 admin center, go to Settings > Domains > Add domain, enter ${fqdn}, and verify it with the ` +
  "TXT record the wizard shows (the provider publishes it in the SBC domain's DNS zone). Then add a licensed user on " +
  "the domain (see the activation user check).";

export const sbcDomainCheck: ReadinessCheckDefinition = {
  id: "sbc_domain",
  after: [],
  skipCause: "the SBC domain is not ready",
  async run({ reads, sbcFqdn }): Promise<ReadinessOutcome> {
    if (sbcFqdn === undefined) {
      return {
        result: {
          status: "fail",
          code: "sbc_fqdn_missing",
          message: "The service has no SBC sub-domain, so there is no SBC FQDN to look for in the tenant.",
          remedy: "Give the service an SBC sub-domain label (Direct Routing settings), then check readiness again.",
        },
      };
    }
    if (reads === undefined) return noGraphToken();
    const answer = await reads.domain();
    if ("failure" in answer) return { result: graphTrouble(answer, `the domain ${sbcFqdn}`) };
    const { response } = answer;
    if (response.status === 403)
      return { result: permissionMissing("Domain.Read.All", "the tenant's domains", response) };
    if (response.status === 404) {
      return {
        result: {
          status: "fail",
          code: "domain_not_added",
          message: `The SBC domain ${sbcFqdn} is not added to the tenant.`,
          remedy: ADD_DOMAIN_STEPS(sbcFqdn),
          detail: { fqdn: sbcFqdn, httpStatus: 404, ...graphRequestId(response) },
        },
      };
    }
    const domain = response.json as { isVerified?: unknown; supportedServices?: unknown } | undefined;
    if (response.status !== 200 || domain === undefined || typeof domain.isVerified !== "boolean") {
      return { result: graphTrouble(answer, `the domain ${sbcFqdn}`) };
    }
    const supportedServices = Array.isArray(domain.supportedServices) ? domain.supportedServices : [];
    if (domain.isVerified) {
      return {
        result: {
          status: "pass",
          message: `The SBC domain ${sbcFqdn} is added to the tenant and verified.`,
          detail: { fqdn: sbcFqdn, supportedServices },
        },
      };
    }
    const records = await reads.verificationRecords();
    const txt =
      "response" in records && records.response.status === 200
        ? listOf(records.response.json).find((r) => String(r.recordType).toLowerCase() === "txt")
        : undefined;
    const text = typeof txt?.text === "string" ? txt.text : undefined;
    const ttl = typeof txt?.ttl === "number" ? txt.ttl : 3600;
    return {
      result: {
        status: "fail",
        code: "domain_not_verified",
        message: `The SBC domain ${sbcFqdn} is added to the tenant but not verified.`,
        remedy: text
          ? `Publish a TXT record at ${sbcFqdn} with the value ${text} (TTL ${ttl}), then in the Microsoft 365 admin ` +
            `center open Settings > Domains > ${sbcFqdn} and select Verify.`
          : `In the Microsoft 365 admin center open Settings > Domains > ${sbcFqdn}, publish the TXT record it shows, ` +
            "and select Verify.",
        detail: {
          fqdn: sbcFqdn,
          ...(text ? { txtRecord: { name: sbcFqdn, type: "TXT", value: text, ttl } } : {}),
        },
      },
    };
  },
};
