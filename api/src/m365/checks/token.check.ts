/**
 * The `token` check: a client-credentials token for the cloud's Graph from msal-node 7 (docs/entra.md sections 3
 * and 6), never from cache. It goes out beside the tenant lookup (one round trip less) and its answer is dropped
 * when the tenant check does not pass, since an error about an app in a tenant that is not there says nothing new.
 */
import {
  AuthError,
  ConfidentialClientApplication,
  type INetworkModule,
  InteractionRequiredAuthError,
  LogLevel,
  type NetworkRequestOptions,
  type NetworkResponse,
  ServerError,
} from "@azure/msal-node";
import { classifyTokenError, readAadsts } from "../aadsts.catalogue.js";
import { type Transport, TransportError, type TransportResponse } from "../http/transport.js";
import { redactText } from "../redact.js";
import { networkResult, serviceTrouble } from "./check.results.js";
import { missingFact, type ValidatorCheck, type ValidatorCheckOutcome } from "./check.types.js";

/**
 * msal's network client over our transport, remembering the last answer or failure for classification. Also used by
 * the secret rotation (api/src/rotation/), whose tokens go over the same transport.
 */
export function networkClientOver(transport: Transport): {
  client: INetworkModule;
  last: { response?: TransportResponse; failure?: TransportError };
} {
  const last: { response?: TransportResponse; failure?: TransportError } = {};
  const lowerHeaders = (headers: Record<string, string> | undefined) =>
    Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const send = async <T>(
    method: "GET" | "POST",
    url: string,
    requestOptions?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> => {
    try {
      const response = await transport.send({
        method,
        url,
        headers: lowerHeaders(requestOptions?.headers),
        ...(requestOptions?.body !== undefined ? { body: requestOptions.body } : {}),
      });
      last.response = response;
      // msal parses every body as JSON; a proxy's HTML page becomes a classified error with its status kept
      // (docs/entra.md section 7).
      const body = (
        response.json !== undefined && !Array.isArray(response.json)
          ? response.json
          : { error: "non_json_response", error_description: `HTTP ${response.status} with a body that is not JSON` }
      ) as T;
      return { status: response.status, headers: response.headers, body };
    } catch (error) {
      if (error instanceof TransportError) last.failure = error;
      throw error;
    }
  };
  return {
    last,
    client: {
      sendGetRequestAsync: (url, requestOptions) => send("GET", url, requestOptions),
      sendPostRequestAsync: (url, requestOptions) => send("POST", url, requestOptions),
    },
  };
}

export const tokenCheck: ValidatorCheck = {
  id: "token",
  after: ["format", "tenant"],
  alongside: ["tenant"],
  skipCause: "no access token was issued",
  async run({ input, transport, endpoints, correlationId, logger, facts }) {
    const { tenant, clientId } = facts;
    if (tenant === undefined) return missingFact("tenant");
    if (clientId === undefined) return missingFact("clientId");
    const secret = input.clientSecret;
    const network = networkClientOver(transport);
    const authority = `${endpoints.loginUrl}/${tenant}`;
    const host = new URL(endpoints.loginUrl).host;
    // Handing msal the endpoints keeps it from fetching the openid-configuration the tenant check already reads
    // (docs/entra.md section 6, "Which requests msal sends").
    const authorityMetadata = JSON.stringify({
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      issuer: `${authority}/v2.0`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
    });
    const started = performance.now();
    try {
      // A fresh instance per run: msal throttles and caches per instance (docs/entra.md section 6).
      const app = new ConfidentialClientApplication({
        auth: { clientId, authority, clientSecret: secret, knownAuthorities: [host], authorityMetadata },
        system: {
          networkClient: network.client,
          loggerOptions: {
            piiLoggingEnabled: false,
            logLevel: LogLevel.Error,
            loggerCallback: (level, message) => {
              if (level <= LogLevel.Error) logger?.warn({ source: "msal" }, redactText(message, [secret]));
            },
          },
        },
      });
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
      return tokenFailure(error, network.last, correlationId);
    }
  },
};

/** Classifies why no token came: no answer, a non-JSON answer, or Entra's refusal by its AADSTS number. */
function tokenFailure(
  error: unknown,
  last: { response?: TransportResponse; failure?: TransportError },
  correlationId: string,
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
    const classified = classifyTokenError({
      ...(status !== undefined ? { status } : {}),
      error: error.errorCode,
      ...(aadsts !== undefined ? { aadsts } : {}),
    });
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
