/**
 * POST /{tenant}/oauth2/v2.0/token. Client credentials: walks Entra's checks in the order of docs/entra.md
 * section 5 and stops at the first that fails, with that step's AADSTS answer (section 4); otherwise issues an
 * RS256-signed v1 app-only Graph token shaped like a real one (section 8). The apps and secrets are the tenant's
 * current directory: a new app or secret is refused until it has replicated (section 15). The device-code grant
 * goes to device-code.handler.ts (section 14).
 */
import { randomBytes } from "node:crypto";
import { crossCloudRefusal, tokenStateAt } from "../emulator.clouds.js";
import { type AppRecord, matchingSecrets } from "../emulator.directory.js";
import { preFault } from "../emulator.faults.js";
import {
  appNotFound,
  delayed,
  ENTRA_JSON,
  type EntraContext,
  entraError,
  entraHeaders,
  entraRetryAnswer,
  invalidTenant,
  json,
  missingParameter,
  type Response,
  tenantNotFound,
} from "../emulator.responses.js";
import { type EmulatorState, GRAPH_APP_ID } from "../emulator.state.js";
import type { EmulatorResponse, TenantFixture } from "../emulator.types.js";
import { verifyClientAssertion } from "./client-assertion.js";
import { DEVICE_CODE_GRANTS, handleDeviceCodeToken } from "./device-code.handler.js";

/** Present in `wids` of every app-only token (docs/entra.md section 8); not an assignable role. */
const IMPLICIT_WID = "0997a1d0-0d1d-4acb-b408-d5ca73121e90";

/**
 * The Skype and Teams Tenant Admin API's application id: a client-credentials token for it is what Teams PowerShell
 * app-only needs (docs/entra.md section 16). Its tokens carry the app id as `aud`.
 */
export const TEAMS_ADMIN_API_APP_ID = "48ac35b8-9aa8-4d74-927d-1f4a14a0b239";

/** The resource a scope names, when it is the Teams Tenant Admin API (by its application id). */
function isTeamsAdminResource(resource: string): boolean {
  return resource.replace(/\/+$/, "").toLowerCase() === TEAMS_ADMIN_API_APP_ID;
}

/** The resource a scope names, when it is Microsoft Graph (by URI or by its application id). */
export function isGraphResource(state: EmulatorState, resource: string): boolean {
  const r = resource.replace(/\/+$/, "").toLowerCase();
  return r === state.graphResource.toLowerCase() || r === GRAPH_APP_ID;
}

async function issueToken(
  state: EmulatorState,
  tenant: TenantFixture,
  record: AppRecord,
  at: Date,
  audience: string = state.graphResource,
  appidacr = "1",
): Promise<string> {
  const { app } = record;
  const nowSec = Math.floor(at.getTime() / 1000);
  // The service principal's object id (a fixture app's is stableGuid("sp", tenant id, app id)).
  const oid = record.sp?.id ?? "";
  const iss = `https://sts.windows.net/${tenant.id}/`;
  const claims: Record<string, unknown> = {
    aud: audience,
    iss,
    // Observed on real tokens: iat/nbf backdated 5 minutes, exp - iat = 3900 while expires_in = 3599.
    iat: nowSec - 300,
    nbf: nowSec - 300,
    exp: nowSec + 3600,
    aio: randomBytes(48).toString("base64"),
    app_displayname: app.displayName,
    appid: app.appId,
    // "1": a client secret; "2": a certificate (docs/entra.md section 7).
    appidacr,
    idp: iss,
    idtyp: "app",
    oid,
    rh: `1.${randomBytes(40).toString("base64url")}.`,
  };
  // No consent, no `roles` claim at all (docs/entra.md section 8). The Teams Tenant Admin API has no application
  // permissions the app could hold: its token has no `roles`, only the directory roles in `wids` (section 16).
  if (app.graphRoles.length > 0 && audience === state.graphResource) claims.roles = [...app.graphRoles];
  Object.assign(claims, {
    sub: oid,
    tenant_region_scope: tenant.regionScope,
    tid: tenant.id,
    uti: randomBytes(16).toString("base64url"),
    ver: "1.0",
    wids: [...app.directoryRoles, IMPLICIT_WID],
    xms_tcdt: Math.floor(state.anchor / 1000) - 400 * 86_400,
  });
  return state.sign(claims);
}

/** Steps 3 to 8 of the order: app, enabled, credential, secret, expiry, scope. An answer ends the request. */
async function refuseClient(
  state: EmulatorState,
  ctx: EntraContext,
  tenant: TenantFixture,
  params: URLSearchParams,
): Promise<Response | { record: AppRecord; audience: string; appidacr?: string }> {
  const missing = (name: string): Response => missingParameter(ctx, name);
  const grantType = params.get("grant_type");
  if (grantType === null || grantType === "") return missing("grant_type");
  if (grantType !== "client_credentials") {
    return entraError(
      ctx,
      400,
      "unsupported_grant_type",
      70003,
      `The app requested an unsupported grant type '${grantType}'.`,
    );
  }
  const clientId = params.get("client_id");
  if (clientId === null || clientId === "") return missing("client_id");

  // 3. app exists (and has replicated, docs/entra.md section 15), 4. enabled.
  const dir = state.directoryOf(tenant);
  const record = dir.byAppId(clientId);
  if (record === undefined || !dir.replicated(record.createdAt, ctx.now)) {
    return appNotFound(ctx, clientId, tenant.displayName);
  }
  const { app } = record;
  if (record.sp === undefined) {
    // The app is registered but has no service principal here (docs/entra.md section 4; status unverified).
    return entraError(
      ctx,
      401,
      "invalid_client",
      7000229,
      `The client application ${app.appId} is missing service principal in the tenant ${tenant.id}. See ` +
        "instructions here: https://go.microsoft.com/fwlink/?linkid=2225119",
    );
  }
  // A new service principal is not known to the token endpoint yet either (docs/entra.md section 15).
  if (!dir.replicated(record.sp.createdAt, ctx.now)) return appNotFound(ctx, clientId, tenant.displayName);
  if (!app.enabled) {
    return entraError(
      ctx,
      400,
      "unauthorized_client",
      7000112,
      `Application '${app.appId}'(${app.displayName}) is disabled.`,
    );
  }

  // 5. credential present, 6. matches, 7. not expired.
  const secretValue = params.get("client_secret") ?? "";
  let appidacr: string | undefined;
  if (secretValue === "" && (params.get("client_assertion") ?? "") !== "") {
    // A certificate (docs/entra.md section 13): client-assertion.ts checks it.
    const assertion = params.get("client_assertion") ?? "";
    const verified = await verifyClientAssertion(ctx, tenant, record, params.get("client_assertion_type"), assertion);
    if ("kind" in verified) return verified;
    appidacr = "2";
  } else if (secretValue === "") {
    return entraError(
      ctx,
      401,
      "invalid_client",
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  // A removed secret is gone; a new one matches only once replicated (docs/entra.md section 15).
  const matches = appidacr === undefined ? matchingSecrets(record, secretValue, ctx.now) : [];
  if (appidacr === undefined && matches.length === 0) {
    return entraError(
      ctx,
      401,
      "invalid_client",
      7000215,
      "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, " +
        `not the client secret ID, for a secret added to app '${app.appId}'.`,
    );
  }
  if (appidacr === undefined && !matches.some((s) => s.end >= ctx.now)) {
    return entraError(
      ctx,
      401,
      "invalid_client",
      7000222,
      `The provided client secret keys for app '${app.appId}' are expired. Visit the Azure portal to create new ` +
        "keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added " +
        "security: https://aka.ms/certCreds.",
    );
  }

  // 8. scope: /.default, then a resource known in the tenant (only Graph is provisioned here).
  const rawScope = params.get("scope");
  if (rawScope === null || rawScope.trim() === "") return missing("scope");
  const scopes = rawScope
    .split(/\s+/)
    .filter((s) => s !== "" && !["openid", "profile", "offline_access"].includes(s.toLowerCase()));
  const scope = scopes[0] ?? rawScope.trim();
  if (scopes.length > 1) {
    return entraError(
      ctx,
      400,
      "invalid_scope",
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope ${rawScope.trim()} is not valid.`,
    );
  }
  if (!scope.toLowerCase().endsWith("/.default")) {
    return entraError(
      ctx,
      400,
      "invalid_scope",
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with ` +
        "/.default suffixed to the resource identifier (application ID URI).",
    );
  }
  const resource = scope.slice(0, -"/.default".length);
  // The Teams Tenant Admin API is provisioned in every tenant with Teams, unless the fixture says it is not.
  if (isTeamsAdminResource(resource) && tenant.teamsAdminApiMissing !== true) {
    return { record, audience: TEAMS_ADMIN_API_APP_ID, ...(appidacr ? { appidacr } : {}) };
  }
  if (!isGraphResource(state, resource)) {
    return entraError(
      ctx,
      400,
      "invalid_resource",
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant.displayName}. This can ` +
        "happen if the application has not been installed by the administrator of the tenant or consented to by " +
        "any user in the tenant. You might have sent your authentication request to the wrong tenant.",
    );
  }
  return { record, audience: state.graphResource, ...(appidacr ? { appidacr } : {}) };
}

export async function handleToken(
  state: EmulatorState,
  ctx: EntraContext,
  method: string,
  segment: string,
  params: URLSearchParams,
): Promise<EmulatorResponse> {
  if (method !== "POST") {
    return entraError(
      ctx,
      400,
      "invalid_request",
      900561,
      `The endpoint only accepts POST, OPTIONS requests. Received a ${method} request.`,
    );
  }
  // A public client's device-code poll has its own handler (it may name `organizations`).
  if (DEVICE_CODE_GRANTS.includes(params.get("grant_type") ?? "")) {
    return handleDeviceCodeToken(state, ctx, segment, params);
  }
  // 1. and 2.: tenant syntax, then existence in this host's cloud.
  const found = state.lookupTenant(segment);
  if (found.kind === "invalid") return invalidTenant(ctx, segment);
  if (found.kind === "unknown") return tenantNotFound(ctx, segment, "invalid_request");
  if (found.kind === "reserved") {
    // (unverified) App-only requests cannot name a tenant through /common or /organizations.
    return entraError(
      ctx,
      400,
      "invalid_request",
      50059,
      "No tenant-identifying information found in either the request or implied by any provided credentials.",
    );
  }
  const tenant = found.tenant;
  // A confidential client cannot cross clouds (docs/entra.md section 1).
  const crossCloud = crossCloudRefusal(ctx, ctx.host, tenant, segment);
  if (crossCloud !== undefined) return crossCloud;
  const fault = preFault(state, tenant, "token", entraRetryAnswer(ctx), false);
  if (typeof fault !== "number") return fault;

  // This host's Graph resources: the token's audience is the one the scope names (docs/entra.md section 1).
  const local = tokenStateAt(state, ctx.host, tenant, params.get("scope"));
  const refused = await refuseClient(local, ctx, tenant, params);
  if ("kind" in refused) return refused;
  const { record, audience, appidacr } = refused;

  // 9. policy, then throttling.
  if (record.app.blockedByPolicy === true) {
    return entraError(
      ctx,
      400,
      "invalid_grant",
      53003,
      "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
      { suberror: "message_only" },
    );
  }
  const throttle = tenant.faults?.token;
  if (throttle?.kind === "throttle" && state.consumeFault(tenant, "token", throttle.times)) {
    return entraRetryAnswer(ctx)(429, throttle.retryAfterSeconds);
  }

  const accessToken = await issueToken(local, tenant, record, ctx.now, audience, appidacr);
  state.countToken(tenant, record.app.appId);
  const ok = json(
    200,
    ENTRA_JSON,
    { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken },
    entraHeaders(ctx),
  );
  return delayed(ok, fault);
}
