/**
 * The `graph` check: GET /organization shows which company the tenant is and its verified domains, which the
 * wizard offers (docs/entra.md section 9). It runs beside the `secret_expiry` read, both after the token.
 */
import { adminConsentUrlAt } from "@dr/contract";
import { createGraphClient, graphErrorCode, graphRequestId } from "../graph/graph.client.js";
import { getOrganization, organizationOf } from "../graph/graph.reads.js";
import { networkResult, serviceTrouble } from "./check.results.js";
import { missingFact, type ValidatorCheck } from "./check.types.js";

export const graphCheck: ValidatorCheck = {
  id: "graph",
  after: ["tenant", "token"],
  skipCause: "the graph check did not pass",
  async run({ transport, endpoints, correlationId, facts }) {
    const { tenantGuid, accessToken } = facts;
    if (tenantGuid === undefined) return missingFact("tenantGuid");
    if (accessToken === undefined) return missingFact("accessToken");
    const graph = createGraphClient({ transport, graphUrl: endpoints.graphUrl, accessToken, correlationId });
    const answer = await getOrganization(graph);
    if ("failure" in answer) return { result: networkResult(answer.failure, "Microsoft Graph") };
    const { response } = answer;
    if (response.status === 401 || response.status === 403) {
      const graphCode = graphErrorCode(response.json);
      // AccessDenied: the token has neither `roles` nor `scp`, so no application permission has admin consent at all
      // (docs/entra.md section 9); Authorization_RequestDenied: the roles lack Organization.Read.All.
      const noConsent = response.status === 403 && graphCode === "AccessDenied";
      return {
        result: {
          status: "fail",
          code: "graph_denied",
          message: noConsent
            ? "Microsoft Graph refused the access token: it carries no application permissions (admin consent has not been granted)."
            : response.status === 403
              ? "Microsoft Graph refused to read the organization (insufficient privileges)."
              : "Microsoft Graph did not accept the access token.",
          remedy: noConsent
            ? `In the Entra admin center, App registrations > the app > API permissions, select "Grant admin consent for <tenant>" for its Microsoft Graph application permissions${facts.clientId !== undefined ? ` (the admin-consent link ${adminConsentUrlAt(endpoints.loginUrl, tenantGuid, facts.clientId)} works only when the app has a redirect URI; without one Entra answers AADSTS500113)` : ""}. Consent can take a few minutes to show; then validate again.`
            : "Grant the application permission Organization.Read.All with admin consent, then validate again.",
          detail: {
            httpStatus: response.status,
            graphCode,
            ...(noConsent ? { consent: "none" } : {}),
            ...graphRequestId(response),
          },
        },
      };
    }
    const org = response.status === 200 ? organizationOf(response.json) : undefined;
    if (!org) return { result: serviceTrouble(response, "Microsoft Graph", "graph_unavailable") };
    const domains = org.verifiedDomains;
    const initial = domains.find((d) => d.isInitial)?.name ?? domains[0]?.name ?? "";
    const defaultDomain = domains.find((d) => d.isDefault)?.name;
    return {
      facts: {
        organization: {
          id: org.id !== undefined ? org.id.toLowerCase() : tenantGuid,
          displayName: org.displayName,
          domains: domains.map((d) => d.name),
          initialDomain: initial,
          ...(defaultDomain ? { defaultDomain } : {}),
        },
      },
      result: {
        status: "pass",
        message: `Connected to "${org.displayName}" (${initial}).`,
        detail: { domains: domains.length, ...graphRequestId(response) },
      },
    };
  },
};
