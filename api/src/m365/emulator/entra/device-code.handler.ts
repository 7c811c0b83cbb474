/**
 * Device-code sign-in of a customer's admin (docs/entra.md section 14): POST /{tenant}/oauth2/v2.0/devicecode
 * starts it, the token endpoint's `urn:ietf:params:oauth:grant-type:device_code` grant polls it, and
 * {@link signInWithDeviceCode} stands for what the admin does at microsoft.com/devicelogin. Errors use the token
 * endpoint's envelope (section 3). The approved answer carries a delegated v1 Graph token (`scp`, the user's
 * `wids`), an id token and client_info, as msal-node expects them.
 */
import { randomBytes } from "node:crypto";
import { sha256 } from "../emulator.directory.js";
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
import { type DeviceCodeRecord, type EmulatorState, GRAPH_APP_ID } from "../emulator.state.js";
import type {
  DeviceSignInAction,
  DeviceSignInResult,
  EmulatorResponse,
  TenantFixture,
  UserFixture,
} from "../emulator.types.js";

export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/**
 * The grant types of a device-code poll: Microsoft's page names the URN (docs/entra.md section 14); msal-node 7
 * sends the short `device_code` (msal-common's GrantType.DEVICE_CODE_GRANT), which Entra accepts as well.
 */
export const DEVICE_CODE_GRANTS: readonly string[] = [DEVICE_CODE_GRANT, "device_code"];
const VERIFICATION_URI = "https://microsoft.com/devicelogin";
/** Letters and digits that cannot be mistaken for one another (no I, O, 0, 1). */
const USER_CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const USER_CODE_LENGTH = 9;
/** Sign-in scopes: they name no resource and do not appear in `scp`. */
const OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);
/** The tenant every Microsoft account lives in (what `consumers` names). */
const MSA_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad";
/**
 * What `<graph>/.default` stands for with the sandbox provider's app: the delegated permissions its registration
 * declares for provisioning (docs/entra.md section 15).
 */
const PROVISIONING_DEFAULT_SCOPES = [
  "Application.ReadWrite.All",
  "AppRoleAssignment.ReadWrite.All",
  "RoleManagement.ReadWrite.Directory",
  "Directory.Read.All",
];

/** What a device-code request's tenant segment allows: one tenant, any work account, or an answer. */
type Authority = { pinned?: TenantFixture } | Response;

function authorityOf(state: EmulatorState, ctx: EntraContext, segment: string, clientId: string): Authority {
  const found = state.lookupTenant(segment);
  if (found.kind === "invalid") return invalidTenant(ctx, segment);
  if (found.kind === "unknown") return tenantNotFound(ctx, segment, "invalid_request");
  if (found.kind === "reserved") {
    // (unverified) The provider's app is for work accounts: Microsoft accounts do not know it.
    if (found.name === "consumers") return appNotFound(ctx, clientId, MSA_TENANT_ID);
    // `organizations` (and `common`): any work account; the token is for the tenant signed into.
    return {};
  }
  if (found.tenant.cloud !== "global") {
    // The provider's app is registered in the global cloud (docs/entra.md section 1); the number and text are the
    // token route's for a cross-cloud request (unverified for a public client).
    return entraError(
      ctx,
      400,
      "invalid_request",
      900432,
      "Confidential Client is not supported in Cross Cloud request.",
    );
  }
  return { pinned: found.tenant };
}

/** The Graph permission names a scope list asks for (prefix removed), or the answer refusing the list. */
function graphScopes(state: EmulatorState, ctx: EntraContext, raw: string): string[] | Response {
  const names: string[] = [];
  const prefixes = [`${state.graphResource.toLowerCase()}/`, `${GRAPH_APP_ID}/`];
  for (const scope of raw.split(/\s+/).filter((s) => s !== "")) {
    if (OIDC_SCOPES.has(scope.toLowerCase())) continue;
    const prefix = prefixes.find((p) => scope.toLowerCase().startsWith(p));
    const name = prefix === undefined ? scope : scope.slice(prefix.length);
    // Another resource: only Graph is provisioned here.
    if (name.includes("/") || name.includes(":")) {
      return entraError(
        ctx,
        400,
        "invalid_scope",
        70011,
        `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
      );
    }
    const expanded = name.toLowerCase() === ".default" ? PROVISIONING_DEFAULT_SCOPES : [name];
    for (const n of expanded) if (!names.some((x) => x.toLowerCase() === n.toLowerCase())) names.push(n);
  }
  return names;
}

/** The `sub` of a user's tokens for one client: stable, and different for each client (pairwise). */
function pairwiseSub(userId: string, clientId: string): string {
  return sha256(`sub|${userId.toLowerCase()}|${clientId.toLowerCase()}`).toString("base64url").slice(0, 43);
}

/** Forgets codes that expired more than an hour ago, so a long-running sandbox does not grow. */
function prune(state: EmulatorState, now: number): void {
  for (const [code, record] of state.deviceCodes)
    if (record.expiresAt < now - 3_600_000) state.deviceCodes.delete(code);
}

function newUserCode(): string {
  const bytes = randomBytes(USER_CODE_LENGTH);
  let code = "";
  for (const b of bytes) code += USER_CODE_CHARS[b % USER_CODE_CHARS.length];
  return code;
}

/** A user code as typed: case, spaces and dashes do not matter. */
function normalizeUserCode(text: string): string {
  return text.replace(/[\s-]+/g, "").toUpperCase();
}

/** POST /{tenant}/oauth2/v2.0/devicecode (docs/entra.md section 14). */
export function handleDeviceCode(
  state: EmulatorState,
  ctx: EntraContext,
  method: string,
  segment: string,
  params: URLSearchParams,
): EmulatorResponse {
  if (method !== "POST") {
    return entraError(
      ctx,
      400,
      "invalid_request",
      900561,
      `The endpoint only accepts POST, OPTIONS requests. Received a ${method} request.`,
    );
  }
  const clientId = params.get("client_id") ?? "";
  const authority = authorityOf(state, ctx, segment, clientId);
  if ("kind" in authority) return authority;
  let faultDelay = 0;
  if (authority.pinned !== undefined) {
    const fault = preFault(state, authority.pinned, "devicecode", entraRetryAnswer(ctx), true);
    if (typeof fault !== "number") return fault;
    faultDelay = fault;
  }

  if (clientId === "") return missingParameter(ctx, "client_id");
  const client = state.provisioningClient;
  // The provider's app is registered in the global cloud only: another cloud's login host does not know it.
  if (clientId.toLowerCase() !== client.appId.toLowerCase() || ctx.host.instance !== "global") {
    return appNotFound(ctx, clientId, authority.pinned?.displayName ?? segment);
  }
  const rawScope = params.get("scope") ?? "";
  if (rawScope.trim() === "") return missingParameter(ctx, "scope");
  const scopes = graphScopes(state, ctx, rawScope);
  if (!Array.isArray(scopes)) return scopes;

  prune(state, ctx.now.getTime());
  const deviceCode = `DAQABIQEAAAD${randomBytes(160).toString("base64url")}`;
  let userCode = newUserCode();
  const inUse = new Set([...state.deviceCodes.values()].map((r) => r.userCode));
  while (inUse.has(userCode)) userCode = newUserCode();
  const record: DeviceCodeRecord = {
    deviceCode,
    userCode,
    clientId: client.appId,
    scopes: rawScope.split(/\s+/).filter((s) => s !== ""),
    expiresAt: ctx.now.getTime() + state.deviceCodeLifetimeSeconds * 1000,
    intervalSeconds: state.deviceCodeIntervalSeconds,
    status: "pending",
  };
  if (authority.pinned !== undefined) record.pinned = authority.pinned;
  state.deviceCodes.set(deviceCode, record);
  const ok = json(
    200,
    ENTRA_JSON,
    {
      user_code: userCode,
      device_code: deviceCode,
      verification_uri: VERIFICATION_URI,
      expires_in: state.deviceCodeLifetimeSeconds,
      interval: state.deviceCodeIntervalSeconds,
      message:
        `To sign in, use a web browser to open the page ${VERIFICATION_URI} and enter the code ${userCode} to ` +
        "authenticate.",
    },
    entraHeaders(ctx),
  );
  return delayed(ok, faultDelay);
}

/** What the admin does at microsoft.com/devicelogin; see Emulator.signInWithDeviceCode. */
export function signInWithDeviceCode(
  state: EmulatorState,
  userCode: string,
  action: DeviceSignInAction,
): DeviceSignInResult {
  const wanted = normalizeUserCode(userCode);
  const record = [...state.deviceCodes.values()].find((r) => r.userCode === wanted);
  if (record === undefined || wanted === "") return { ok: false, reason: "unknown_code" };
  const now = state.now().getTime();
  if (record.status !== "pending") return { ok: false, reason: "already_signed_in" };
  if (now >= record.expiresAt) return { ok: false, reason: "expired" };
  if ("expire" in action) {
    record.expiresAt = now;
    return { ok: true, tenantId: record.pinned?.id ?? "" };
  }
  if ("decline" in action) {
    record.status = "declined";
    return { ok: true, tenantId: record.pinned?.id ?? "" };
  }
  const upn = action.userPrincipalName.trim().toLowerCase();
  let found: { tenant: TenantFixture; user: UserFixture } | undefined;
  for (const tenant of state.tenants) {
    const user = tenant.users?.find((u) => u.userPrincipalName.toLowerCase() === upn);
    if (user !== undefined) {
      found = { tenant, user };
      break;
    }
  }
  if (found === undefined) return { ok: false, reason: "unknown_user" };
  if (record.pinned !== undefined && record.pinned !== found.tenant) return { ok: false, reason: "wrong_tenant" };
  record.status = "approved";
  record.signedIn = found;
  return { ok: true, tenantId: found.tenant.id, userPrincipalName: found.user.userPrincipalName };
}

/** The token answer of an approved code: delegated Graph token, id token and client_info. */
async function redeem(
  state: EmulatorState,
  ctx: EntraContext,
  record: DeviceCodeRecord,
  tenant: TenantFixture,
  user: UserFixture,
): Promise<Response> {
  const nowSec = Math.floor(ctx.now.getTime() / 1000);
  const client = state.provisioningClient;
  const rawScopes = record.scopes;
  const names = graphScopes(state, ctx, rawScopes.join(" "));
  const granted = Array.isArray(names) && names.length > 0 ? names : ["User.Read"];
  const iss = `https://sts.windows.net/${tenant.id}/`;
  const accessToken = await state.sign({
    aud: state.graphResource,
    iss,
    // As the app-only token (docs/entra.md section 8): iat/nbf 5 minutes back, exp an hour ahead.
    iat: nowSec - 300,
    nbf: nowSec - 300,
    exp: nowSec + 3600,
    acr: "1",
    aio: randomBytes(48).toString("base64"),
    amr: ["pwd"],
    app_displayname: client.displayName,
    appid: client.appId,
    // A public client has no credential.
    appidacr: "0",
    idtyp: "user",
    name: user.displayName,
    oid: user.id,
    rh: `1.${randomBytes(40).toString("base64url")}.`,
    scp: granted.join(" "),
    sub: pairwiseSub(user.id, client.appId),
    tenant_region_scope: tenant.regionScope,
    tid: tenant.id,
    unique_name: user.userPrincipalName,
    upn: user.userPrincipalName,
    uti: randomBytes(16).toString("base64url"),
    ver: "1.0",
    wids: [...user.directoryRoles],
  });
  const idToken = await state.sign({
    aud: client.appId,
    iss: `${ctx.base}/${tenant.id}/v2.0`,
    iat: nowSec,
    nbf: nowSec,
    exp: nowSec + 3600,
    name: user.displayName,
    oid: user.id,
    preferred_username: user.userPrincipalName,
    sub: pairwiseSub(user.id, client.appId),
    tid: tenant.id,
    ver: "2.0",
  });
  const oidc = rawScopes.filter((s) => OIDC_SCOPES.has(s.toLowerCase()) && s.toLowerCase() !== "offline_access");
  return json(
    200,
    ENTRA_JSON,
    {
      token_type: "Bearer",
      scope: [...granted, ...oidc].join(" "),
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: accessToken,
      refresh_token: `1.AQ${randomBytes(180).toString("base64url")}`,
      id_token: idToken,
      client_info: Buffer.from(JSON.stringify({ uid: user.id, utid: tenant.id })).toString("base64url"),
    },
    entraHeaders(ctx),
  );
}

/** POST /{tenant}/oauth2/v2.0/token with the device-code grant: one poll. */
export async function handleDeviceCodeToken(
  state: EmulatorState,
  ctx: EntraContext,
  segment: string,
  params: URLSearchParams,
): Promise<EmulatorResponse> {
  const clientId = params.get("client_id") ?? "";
  const authority = authorityOf(state, ctx, segment, clientId);
  if ("kind" in authority) return authority;
  let faultDelay = 0;
  // A poll is a token request: the tenant's "token" faults apply when the path names the tenant.
  if (authority.pinned !== undefined) {
    const fault = preFault(state, authority.pinned, "token", entraRetryAnswer(ctx), true);
    if (typeof fault !== "number") return fault;
    faultDelay = fault;
  }
  if (clientId === "") return missingParameter(ctx, "client_id");
  const deviceCode = params.get("device_code") ?? "";
  if (deviceCode === "") return missingParameter(ctx, "device_code");

  const record = state.deviceCodes.get(deviceCode);
  const now = ctx.now.getTime();
  // The code must be polled by its client, on its tenant (or on `organizations`).
  const samePlace =
    record !== undefined &&
    record.clientId.toLowerCase() === clientId.toLowerCase() &&
    (authority.pinned === undefined || record.pinned === undefined || authority.pinned === record.pinned);
  if (record === undefined || !samePlace) {
    // (unverified) Microsoft's page names the error for an unknown device_code; the number is a stand-in.
    return entraError(
      ctx,
      400,
      "bad_verification_code",
      70018,
      "Invalid verification code due to User typing in wrong user code for device code flow. Authorization is not " +
        "approved.",
    );
  }
  if (record.status === "redeemed") {
    // (unverified) A code gives one token answer.
    return entraError(
      ctx,
      400,
      "invalid_grant",
      70000,
      "The provided value for the 'device_code' is already redeemed.",
    );
  }
  if (now >= record.expiresAt) {
    return entraError(
      ctx,
      400,
      "expired_token",
      70020,
      "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
    );
  }
  const previous = record.lastPollAt;
  record.lastPollAt = now;
  if (previous !== undefined && now - previous < (record.intervalSeconds - 1) * 1000) {
    // RFC 8628 section 3.5; not on Microsoft's page (unverified), nor its number.
    return entraError(
      ctx,
      400,
      "slow_down",
      70000,
      "The client is polling too quickly and should back off at a reasonable rate.",
    );
  }
  if (record.status === "declined") {
    // (unverified) The error is Microsoft's page's; the number is a stand-in.
    return entraError(ctx, 400, "authorization_declined", 70000, "The end user denied the authorization request.");
  }
  if (record.status === "pending" || record.signedIn === undefined) {
    return entraError(
      ctx,
      400,
      "authorization_pending",
      70016,
      "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
    );
  }
  const { tenant, user } = record.signedIn;
  if (tenant.provisioning?.consentBlocked === true) {
    // The tenant's policy keeps anyone from consenting to the provider's app (docs/entra.md section 12).
    return entraError(
      ctx,
      400,
      "invalid_grant",
      65001,
      `The user or administrator has not consented to use the application with ID '${record.clientId}' named ` +
        `'${state.provisioningClient.displayName}'. Send an interactive authorization request for this user and ` +
        "resource.",
      { suberror: "consent_required" },
    );
  }
  record.status = "redeemed";
  return delayed(await redeem(state, ctx, record, tenant, user), faultDelay);
}
