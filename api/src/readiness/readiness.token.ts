/**
 * The readiness report's two client-credentials tokens (docs/entra.md sections 8 and 16): one for the cloud's Graph,
 * whose `wids` show the app's directory roles, and one for the Skype and Teams Tenant Admin API, which is what
 * Teams PowerShell app-only needs. msal-node over the run's one transport (timeouts, status and cause kept: sections
 * 6 and 7), a new instance per request, never from cache. The answer is a value, never a throw, never the secret.
 */
import { ConfidentialClientApplication, InteractionRequiredAuthError, ServerError } from "@azure/msal-node";
import { readAadsts } from "../m365/aadsts.catalogue.js";
import type { ValidatorLogger } from "../m365/checks/check.types.js";
import type { CloudEndpoints } from "../m365/clouds.js";
import type { Transport, TransportError, TransportResponse } from "../m365/http/transport.js";
import { msalOptions, networkClientOver } from "../m365/msal/msal.options.js";
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

/** One client-credentials token for `scope`. Never throws for Entra's or the network's answer. */
export async function acquireReadinessToken(request: ReadinessTokenRequest): Promise<ReadinessToken> {
  const { endpoints, tenant, clientId, clientSecret } = request;
  const network = networkClientOver(request.transport);
  try {
    // A new instance per request: msal throttles and caches per instance (docs/entra.md section 6).
    const app = new ConfidentialClientApplication(
      msalOptions({
        loginUrl: endpoints.loginUrl,
        tenant,
        clientId,
        clientSecret,
        networkClient: network.client,
        logger: request.logger,
        redact: (message) => redactText(message, [clientSecret]),
      }),
    );
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
