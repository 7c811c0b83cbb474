/**
 * The `secret_expiry` check: finds the entered secret among the app's password credentials by its three-character
 * hint and counts the days left (docs/entra.md section 10). Reading them needs Application.Read.All; without it,
 * or for an app registered in another tenant, the expiry is only unreadable (a warning), not a failure.
 */
import { createGraphClient, graphErrorCode, graphRequestId } from "../graph/graph.client.js";
import { getApplicationSecrets, passwordCredentialsOf } from "../graph/graph.reads.js";
import { certificateExpiry } from "./certificate-expiry.js";
import { networkResult, serviceTrouble } from "./check.results.js";
import { missingFact, type ValidatorCheck } from "./check.types.js";
import { type ExpiryWording, expiryOutcome } from "./expiry-outcome.js";

const SECRET_WORDING: ExpiryWording = {
  name: "client secret",
  expired: {
    code: "secret_expired",
    message: (date) => `The client secret expired on ${date}.`,
    remedy: "Create a new client secret and replace this one.",
  },
  expiring: {
    code: "secret_expiring",
    remedy: "Ask the customer admin for a new client secret soon and use Replace secret.",
  },
};

export const secretExpiryCheck: ValidatorCheck = {
  id: "secret_expiry",
  after: ["format", "token"],
  skipCause: "the secret expiry check did not pass",
  async run({ transport, endpoints, correlationId, now, facts }) {
    const { clientId, secretHint: hint, accessToken } = facts;
    if (clientId === undefined) return missingFact("clientId");
    if (hint === undefined) return missingFact("secretHint");
    if (accessToken === undefined) return missingFact("accessToken");
    const at = now();
    const credentialName = facts.credential?.kind === "certificate" ? "certificate" : "secret";
    const graph = createGraphClient({ transport, graphUrl: endpoints.graphUrl, accessToken, correlationId });
    const answer = await getApplicationSecrets(graph, clientId);
    if ("failure" in answer) return { result: networkResult(answer.failure, "Microsoft Graph") };
    const { response } = answer;
    const graphCode = graphErrorCode(response.json);
    if (response.status === 403 || response.status === 401) {
      return {
        result: {
          status: "warn",
          code: "expiry_unreadable",
          message: `The ${credentialName}'s expiry date could not be read: the app lacks the permission Application.Read.All.`,
          remedy: "Grant Application.Read.All with admin consent so that expiry can be watched, then validate again.",
          detail: { httpStatus: response.status, graphCode, ...graphRequestId(response) },
        },
      };
    }
    if (response.status === 404) {
      return {
        result: {
          status: "warn",
          code: "expiry_unreadable",
          message: `The app registration is not in this tenant (a multi-tenant app registered elsewhere), so its ${credentialName}'s expiry cannot be read here.`,
          remedy:
            "Ask the app's owner for the secret's expiry date, or use an app registered in the customer's tenant.",
          detail: { httpStatus: 404, graphCode, ...graphRequestId(response) },
        },
      };
    }
    const credentials = response.status === 200 ? passwordCredentialsOf(response.json) : undefined;
    if (!credentials) return { result: serviceTrouble(response, "Microsoft Graph", "graph_unavailable") };
    // A certificate is matched by thumbprint among the keyCredentials instead (docs/entra.md section 13).
    if (facts.credential?.kind === "certificate")
      return certificateExpiry(response.json, facts.credential.certificate, at);
    // A secret not started yet is not the one entered; with several matches, the one ending last is reported.
    const matches = credentials.usable
      .filter((c) => c.hint === hint && (!c.startDateTime || Date.parse(c.startDateTime) <= at.getTime()))
      .sort((a, b) => Date.parse(b.endDateTime) - Date.parse(a.endDateTime));
    const match = matches[0];
    if (!match) {
      return {
        result: {
          status: "warn",
          code: "secret_not_found",
          message: `No secret starting with "${hint}" is listed on the app registration (was it rotated?).`,
          remedy: "Check the app's Certificates & secrets page; enter the Value of a current secret.",
          detail: { secretsOnApp: credentials.all.length },
        },
      };
    }
    return expiryOutcome(
      match,
      at,
      SECRET_WORDING,
      matches.length > 1 ? { ambiguous: true, candidates: matches.length } : {},
    );
  },
};
