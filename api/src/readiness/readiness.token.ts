/**
 * The readiness report's two client-credentials tokens (docs/entra.md sections 8 and 16): one for the cloud's Graph,
 * whose `wids` show the app's directory roles, and one for the Skype and Teams Tenant Admin API, which is what
 * Teams PowerShell app-only needs. msal-node over the run's one transport (timeouts, status and cause kept: sections
 * 6 and 7), a new instance per request, never from cache. The answer is a value, never a throw, never the secret.
 */
import {
  ConfidentialClientApplication,
  type INetworkModule,
  InteractionRequiredAuthError,
  LogLevel,
  type NetworkRequestOptions,
  type NetworkResponse,
  ServerError,
} from "@azure/msal-node";
import { readAadsts } from "../m365/aadsts.catalogue.js";
import type { ValidatorLogger } from "../m365/checks/check.types.js";
import type { CloudEndpoints } from "../m365/clouds.js";
import { type Transport, TransportError, type TransportResponse } from "../m365/http/transport.js";
import { redactText } from "../m365/redact.js";
import { decodeJwtPayload } from "../m365/validator.js";

/** The Skype and Teams Tenant Admin API's application id (docs/entra.md sections 11 and 16). */
export const TEAMS_ADMIN_API_APP_ID = "48ac35b8-9aa8-4d74-927d-1f4a14a0b239";

/** A token with its decoded claims, or why none came. */
export type ReadinessToken =
  | { ok: true; accessToken: string; claims: Record<string, unknown> }
  | {
      ok: false;
      /** No HTTP answer (timeout, refused, …). */
      failure?: TransportError;
      /** The last HTTP answer, when there was one. */
      response?: TransportResponse;
      /** The OAuth error (`invalid_client`, …) or `non_json_response`. */
      error: string;
      aadsts?: number;
      httpStatus?: number;
    };

/** What a token request needs. */
export interface ReadinessTokenRequest {
  transport: Transport;
  endpoints: CloudEndpoints;
  /** The tenant as parsed: its GUID or a verified domain. */
  tenant: string;
  clientId: string;
  clientSecret: string;
  /** `<resource>/.default`. */
  scope: string;
  correlationId: string;
  logger?: ValidatorLogger;
}

/**
 * msal's network client over the run's transport, remembering the last answer or failure for the classification
 * (as the token check's does): a non-JSON answer becomes an error with its status kept (docs/entra.md section 7).
 */
function networkClient(transport: Transport): {
  client: INetworkModule;
  last: { response?: TransportResponse; failure?: TransportError };
} {
  const last: { response?: TransportResponse; failure?: TransportError } = {};
  const send = async <T>(
    method: "GET" | "POST",
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> => {
    try {
      const headers = Object.fromEntries(Object.entries(options?.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      const response = await transport.send({
        method,
        url,
        headers,
        ...(options?.body !== undefined ? { body: options.body } : {}),
      });
      last.response = response;
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
      sendGetRequestAsync: (url, options) => send("GET", url, options),
      sendPostRequestAsync: (url, options) => send("POST", url, options),
    },
  };
}

/** One client-credentials token for `scope`. Never throws for Entra's or the network's answer. */
export async function acquireReadinessToken(request: ReadinessTokenRequest): Promise<ReadinessToken> {
  const { endpoints, tenant, clientId, clientSecret } = request;
  const network = networkClient(request.transport);
  const authority = `${endpoints.loginUrl}/${tenant}`;
  // The endpoints handed over, so msal makes no discovery call of its own (docs/entra.md section 6).
  const authorityMetadata = JSON.stringify({
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
    issuer: `${authority}/v2.0`,
    jwks_uri: `${authority}/discovery/v2.0/keys`,
  });
  try {
    const app = new ConfidentialClientApplication({
      auth: {
        clientId,
        authority,
        clientSecret,
        knownAuthorities: [new URL(endpoints.loginUrl).host],
        authorityMetadata,
      },
      system: {
        networkClient: network.client,
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Error,
          loggerCallback: (level, message) => {
            if (level <= LogLevel.Error) request.logger?.warn({ source: "msal" }, redactText(message, [clientSecret]));
          },
        },
      },
    });
    const result = await app.acquireTokenByClientCredential({
      scopes: [request.scope],
      skipCache: true,
      correlationId: request.correlationId,
    });
    if (!result?.accessToken) return { ok: false, error: "no_access_token" };
    return { ok: true, accessToken: result.accessToken, claims: decodeJwtPayload(result.accessToken) ?? {} };
  } catch (error) {
    const last = network.last;
    if (error instanceof ServerError || error instanceof InteractionRequiredAuthError) {
      // By number, never by text; msal's errorNo is a number at run time (docs/entra.md sections 4 and 6).
      const aadsts = readAadsts(error.errorNo, undefined, error.errorMessage);
      const httpStatus = (error instanceof ServerError ? error.status : undefined) ?? last.response?.status;
      return {
        ok: false,
        error: error.errorCode,
        ...(last.response ? { response: last.response } : {}),
        ...(aadsts !== undefined ? { aadsts } : {}),
        ...(httpStatus !== undefined ? { httpStatus } : {}),
      };
    }
    if (last.failure) return { ok: false, failure: last.failure, error: last.failure.kind };
    return { ok: false, error: (error as { errorCode?: string })?.errorCode ?? "unexpected_error" };
  }
}
