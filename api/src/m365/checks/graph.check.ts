/**
 * The `graph` check: GET /organization shows which company the tenant is and its verified domains, which the
 * wizard offers (docs/entra.md section 9). It runs beside the `secret_expiry` read, both after the token.
 */
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
      return {
        result: {
          status: "fail",
          code: "graph_denied",
          message:
            response.status === 403
              ? "Microsoft Graph refused to read the organization (insufficient privileges)."
              : "Microsoft Graph did not accept the access token.",
          remedy: "Grant the application permission Organization.Read.All with admin consent, then validate again.",
          detail: {
            httpStatus: response.status,
            graphCode: graphErrorCode(response.json),
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
