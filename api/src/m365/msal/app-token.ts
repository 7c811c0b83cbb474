/**
 * One client-credentials token for a scope (docs/entra.md sections 3, 6 and 8): msal-node's ConfidentialClientApplication
 * with the client secret, built with the shared options over the one transport (timeouts, status and cause kept:
 * section 7), a new instance per request (msal throttles and caches per instance), never from cache. The answer is a
 * value, never a throw and never the secret: the token with its decoded claims, or Entra's error by number, or the
 * network's cause. The secret rotation (its Graph token) and the readiness report (Graph and the Teams admin API)
 * ask through here; the validator's token check keeps its own classification of the same request.
 */
import { ConfidentialClientApplication, InteractionRequiredAuthError, ServerError } from "@azure/msal-node";
import { readAadsts } from "../aadsts.catalogue.js";
import type { ValidatorLogger } from "../checks/check.types.js";
import { decodeJwtPayload } from "../checks/permissions.check.js";
import type { CloudEndpoints } from "../clouds.js";
import { type AppCredential, credentialSecrets, msalCredential, secretCredential } from "../credentials/credential.js";
import type { Transport, TransportError, TransportResponse } from "../http/transport.js";
import { redactText } from "../redact.js";
import { msalOptions, networkClientOver } from "./msal.options.js";

/** A token with its decoded claims, or why none came. */
export type AppOnlyToken =
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
export interface AppOnlyTokenRequest {
  transport: Transport;
  endpoints: CloudEndpoints;
  /** The tenant as parsed: its GUID or a verified domain. */
  tenant: string;
  clientId: string;
  /** The client secret (a string), or the credential (a secret or a certificate: docs/entra.md section 13). */
  clientSecret: string | AppCredential;
  /** `<resource>/.default`. */
  scope: string;
  correlationId: string;
  logger?: ValidatorLogger;
}

/** One client-credentials token for `scope`. Never throws for Entra's or the network's answer. */
export async function acquireAppOnlyToken(request: AppOnlyTokenRequest): Promise<AppOnlyToken> {
  const { endpoints, tenant, clientId } = request;
  const credential =
    typeof request.clientSecret === "string" ? secretCredential(request.clientSecret) : request.clientSecret;
  const secrets = credentialSecrets({}, credential);
  const network = networkClientOver(request.transport);
  try {
    // A new instance per request: msal throttles and caches per instance (docs/entra.md section 6).
    const app = new ConfidentialClientApplication(
      msalOptions({
        loginUrl: endpoints.loginUrl,
        tenant,
        clientId,
        ...msalCredential(credential),
        networkClient: network.client,
        logger: request.logger,
        redact: (message) => redactText(message, secrets),
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
