/**
 * GET /v1.0/domains/{name} and GET /v1.0/domains/{name}/verificationDnsRecords: a domain of the tenant, verified or
 * only added, and the DNS records that prove it (docs/entra.md section 16). A name the tenant does not have answers
 * 404 Request_ResourceNotFound.
 */
import { sha256 } from "../emulator.directory.js";
import { type GraphContext, graphNotFound, graphOk, type Response } from "../emulator.responses.js";
import type { DomainFixture, TenantFixture } from "../emulator.types.js";
import { type GraphRoute, select } from "./graph.route.types.js";

/** Application permissions that read domains, least privileged first. */
const DOMAIN_ROLES = ["Domain.Read.All", "Domain.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];
const DOMAIN_SCOPES = ["Domain.Read.All", "Domain.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];

function findDomain(tenant: TenantFixture, name: string): DomainFixture | undefined {
  const lower = name.toLowerCase();
  return tenant.domains.find((d) => d.name.toLowerCase() === lower);
}

/** The domain as Graph's domain resource has it. */
function domainEntity(d: DomainFixture): Record<string, unknown> {
  const verified = d.isVerified !== false;
  return {
    authenticationType: "Managed",
    availabilityStatus: null,
    id: d.name,
    isAdminManaged: true,
    isDefault: d.isDefault,
    isInitial: d.isInitial,
    isRoot: true,
    isVerified: verified,
    passwordNotificationWindowInDays: null,
    passwordValidityPeriodInDays: null,
    // An added domain serves nothing until it is verified.
    supportedServices: d.supportedServices ?? (verified ? ["Email", "OfficeCommunicationsOnline"] : []),
    state: null,
  };
}

/** The `MS=ms…` TXT value Microsoft asks to publish for a domain; stable per tenant and name. */
export function verificationText(tenant: TenantFixture, name: string): string {
  const digits = sha256(`${tenant.id}|${name.toLowerCase()}`).readUInt32BE(0) % 100_000_000;
  return `MS=ms${String(digits).padStart(8, "0")}`;
}

function notFound(g: GraphContext, name: string): Response {
  return graphNotFound(g, name);
}

export const domainRoute: GraphRoute = {
  name: "domains",
  method: "GET",
  path: /^\/domains\/([^/]+)\/?$/i,
  roles: DOMAIN_ROLES,
  scopes: DOMAIN_SCOPES,
  answer({ g, caller, match, query }) {
    const name = match[1] ?? "";
    const domain = findDomain(caller.tenant, name);
    if (domain === undefined) return notFound(g, name);
    return graphOk(g, {
      "@odata.context": `${g.base}/v1.0/$metadata#domains/$entity`,
      ...select(domainEntity(domain), query),
    });
  },
};

export const verificationDnsRecordsRoute: GraphRoute = {
  name: "domains",
  method: "GET",
  path: /^\/domains\/([^/]+)\/verificationDnsRecords\/?$/i,
  roles: DOMAIN_ROLES,
  scopes: DOMAIN_SCOPES,
  answer({ g, caller, match }) {
    const name = match[1] ?? "";
    const domain = findDomain(caller.tenant, name);
    if (domain === undefined) return notFound(g, name);
    const text = verificationText(caller.tenant, domain.name);
    return graphOk(g, {
      "@odata.context": `${g.base}/v1.0/$metadata#domains('${domain.name}')/verificationDnsRecords`,
      value: [
        {
          "@odata.type": "#microsoft.graph.domainDnsTxtRecord",
          id: `aceff52c-06a5-447f-ac5f-256ad243cc5c-${text.slice(5)}`,
          isOptional: false,
          label: domain.name,
          recordType: "Txt",
          supportedService: "Email",
          ttl: 3600,
          text,
        },
        {
          "@odata.type": "#microsoft.graph.domainDnsMxRecord",
          id: `5fbde38c-0865-497f-82b1-126f596bcee9-${text.slice(5)}`,
          isOptional: false,
          label: domain.name,
          recordType: "Mx",
          supportedService: "Email",
          ttl: 3600,
          mailExchange: `${text.slice(3)}.msv1.invalid`,
          preference: 32767,
        },
      ],
    });
  },
};
