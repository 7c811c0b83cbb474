/**
 * The `token` check: a client-credentials token for the cloud's Graph from msal-node 7 (docs/entra.md sections 3
 * and 6), never from cache. It goes out beside the tenant lookup (one round trip less). Its answer is dropped when
 * the tenant check fails, since an error about an app in a tenant that is not there says nothing new; when the
 * tenant check is only unknown (the lookup failed on the network), a definite refusal from Entra (e.g. 7000215) is
 * kept, and anything else is dropped (docs/validation.md, "The checks").
 */
import { AuthError, ConfidentialClientApplication, InteractionRequiredAuthError, ServerError } from "@azure/msal-node";
import type { Cloud } from "@dr/contract";
import { classifyTokenError, readAadsts } from "../aadsts.catalogue.js";
import { credentialSecrets, msalCredential } from "../credentials/credential.js";
import type { TransportError, TransportResponse } from "../http/transport.js";
import { msalOptions, networkClientOver } from "../msal/msal.options.js";
import { redactText } from "../redact.js";
import { networkResult, serviceTrouble } from "./check.results.js";
import { missingFact, type ValidatorCheck, type ValidatorCheckOutcome } from "./check.types.js";

export const tokenCheck: ValidatorCheck = {
  id: "token",
  after: ["format", "tenant"],
  alongside: ["tenant"],
  skipCause: "no access token was issued",
  async run({ input, transport, endpoints, cloud, correlationId, logger, facts }) {
    const { tenant, clientId, credential } = facts;
    if (tenant === undefined) return missingFact("tenant");
    if (clientId === undefined) return missingFact("clientId");
    if (credential === undefined) return missingFact("credential");
    const secrets = credentialSecrets(input, credential);
    const network = networkClientOver(transport);
    // The endpoints handed over keep msal from fetching the openid-configuration the tenant check already reads.
    const options = msalOptions({
      loginUrl: endpoints.loginUrl,
      tenant,
      clientId,
      ...msalCredential(credential),
      networkClient: network.client,
      logger,
      redact: (message) => redactText(message, secrets),
    });
    const started = performance.now();
    try {
      // A fresh instance per run: msal throttles and caches per instance (docs/entra.md section 6).
      const app = new ConfidentialClientApplication(options);
      const result = await app.acquireTokenByClientCredential({
        scopes: [`${endpoints.graphResource}/.default`],
        skipCache: true,
        correlationId,
      });
      if (!result?.accessToken) {
        return {
          result: {
            status: "fail",
            code: "token_rejected",
            message: "Entra ID answered without an access token.",
            remedy: "Try again; if it persists, report it to the provider's support.",
          },
        };
      }
      const attempts = network.last.response?.attempts ?? 1;
      return {
        facts: { accessToken: result.accessToken },
        result: {
          status: "pass",
          message: "Entra ID issued an access token for Microsoft Graph with these credentials.",
          detail: {
            correlationId,
            elapsedMs: Math.round(performance.now() - started),
            ...(attempts > 1 ? { attempts } : {}),
          },
        },
      };
    } catch (error) {
      return tokenFailure(error, network.last, correlationId, cloud);
    }
  },
};

/** Classifies why no token came: no answer, a non-JSON answer, or Entra's refusal by its AADSTS number. */
function tokenFailure(
  error: unknown,
  last: { response?: TransportResponse; failure?: TransportError },
  correlationId: string,
  cloud: Cloud,
): ValidatorCheckOutcome {
  // invalid_grant answers (Conditional Access) come back as InteractionRequiredAuthError, the rest as ServerError.
  const answered = error instanceof ServerError || error instanceof InteractionRequiredAuthError;
  if (last.failure && !answered) {
    const result = networkResult(last.failure, "The Microsoft login service");
    return { result: { ...result, detail: { ...result.detail, correlationId } } };
  }
  if (answered) {
    if (error.errorCode === "non_json_response" && last.response) {
      const result = serviceTrouble(last.response, "The Microsoft login service", "entra_unreachable");
      return { result: { ...result, detail: { ...result.detail, correlationId } } };
    }
    // By number, never by text (docs/entra.md section 4); msal's errorNo is a number at run time (section 6).
    const aadsts = readAadsts(error.errorNo, undefined, error.errorMessage);
    const status = (error instanceof ServerError ? error.status : undefined) ?? last.response?.status;
    const classified = classifyTokenError(
      {
        ...(status !== undefined ? { status } : {}),
        error: error.errorCode,
        ...(aadsts !== undefined ? { aadsts } : {}),
      },
      cloud,
    );
    const retryAfterSeconds = last.response?.retryAfterSeconds;
    return {
      result: {
        ...classified,
        detail: {
          ...(aadsts !== undefined ? { aadsts } : {}),
          error: error.errorCode,
          ...(error.subError ? { suberror: error.subError } : {}),
          ...(status !== undefined ? { httpStatus: status } : {}),
          ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
          correlationId,
        },
      },
    };
  }
  const code = error instanceof AuthError ? error.errorCode : "unexpected_error";
  return {
    result: {
      status: "unknown",
      code: "entra_unreachable",
      message: "The token request could not be completed.",
      remedy: "Try again later. If it persists, check the login URL and the network.",
      detail: { error: code, correlationId },
    },
  };
}
