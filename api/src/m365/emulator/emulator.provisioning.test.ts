/**
 * Automatic App registration against the emulator: the device-code sign-in of a customer's admin, the Graph writes
 * made with the admin's delegated token, Entra's replication delays, the self-rotation of a secret by an app that
 * owns itself, and the sandbox's provisioning scenarios. Through the core's handle(); emulator.server.test.ts runs
 * the device-code flow with msal-node over HTTPS.
 */
import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { createEmulator } from "./emulator.core.js";
import { SANDBOX, SANDBOX_ADMINS, SANDBOX_PROVISIONING_CLIENT_ID, sandboxTenants } from "./emulator.fixtures.js";
import type { Emulator, TenantFixture } from "./emulator.types.js";

const HOST = "login.emulator.test";
const GRAPH = "https://graph.microsoft.com";
const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
const CLIENT = SANDBOX_PROVISIONING_CLIENT_ID;
const GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10";
const APPLICATION_ADMIN = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3";
const TEAMS_ADMIN = "69091246-20e8-4a56-aa4d-066075b2a7a8";
/** Graph app role ids (docs/entra.md section 11). */
const ROLE_IDS: Record<string, string> = {
  "Organization.Read.All": "498476ce-e0fe-48b0-b801-37ba7e2685c6",
  "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
  "Application.ReadWrite.OwnedBy": "18a4783c-866b-4cc7-a460-3d5e5662c884",
  "Application.ReadWrite.All": "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
  "Domain.Read.All": "dbb9058a-0e50-45d7-ae91-66909b5d4664",
  "User.Read.All": "df021288-bdef-4463-88db-98f22de89214",
  "Directory.Read.All": "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
};
const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const ADMIN_SCOPES = [
  `${GRAPH}/Application.ReadWrite.All`,
  `${GRAPH}/AppRoleAssignment.ReadWrite.All`,
  `${GRAPH}/RoleManagement.ReadWrite.Directory`,
  "openid",
  "profile",
  "offline_access",
].join(" ");
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SECRET_RE = /^[A-Za-z0-9]{3}8Q~[A-Za-z0-9~._-]{34}$/;
const GRAPH_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are read loosely
  json: any;
}

async function call(
  emu: Emulator,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const raw = await emu.handle({ method, path, headers: { host: HOST, ...init.headers }, body: init.body ?? "" });
  if (raw.kind !== "response") throw new Error(`no answer: ${raw.kind}`);
  let json: unknown = {};
  try {
    json = JSON.parse(raw.body);
  } catch {
    json = {};
  }
  return { status: raw.status, headers: raw.headers, body: raw.body, json };
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

const FORM = { "content-type": "application/x-www-form-urlencoded;charset=utf-8" };

function startDeviceCode(emu: Emulator, segment = "organizations", fields: Record<string, string> = {}) {
  return call(emu, "POST", `/${segment}/oauth2/v2.0/devicecode`, {
    headers: FORM,
    body: form({ client_id: CLIENT, scope: ADMIN_SCOPES, ...fields }),
  });
}

/** One poll as msal-node sends it (with its extras). */
function poll(emu: Emulator, deviceCode: string, segment = "organizations", fields: Record<string, string> = {}) {
  return call(emu, "POST", `/${segment}/oauth2/v2.0/token`, {
    headers: FORM,
    body: form({
      client_id: CLIENT,
      grant_type: DEVICE_GRANT,
      device_code: deviceCode,
      scope: ADMIN_SCOPES,
      client_info: "1",
      "client-request-id": "0b7b6a55-1111-4222-8333-444455556666",
      "x-client-SKU": "msal.js.node",
      ...fields,
    }),
  });
}

function aadsts(res: Answer): number | undefined {
  return Array.isArray(res.json.error_codes) ? res.json.error_codes[0] : undefined;
}

function graph(emu: Emulator, method: string, path: string, token: string, body?: unknown): Promise<Answer> {
  return call(emu, method, `/v1.0${path}`, {
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? "" : JSON.stringify(body),
  });
}

function clientCredentials(emu: Emulator, tenantId: string, clientId: string, secret: string): Promise<Answer> {
  return call(emu, "POST", `/${tenantId}/oauth2/v2.0/token`, {
    headers: FORM,
    body: form({
      client_id: clientId,
      client_secret: secret,
      scope: `${GRAPH}/.default`,
      grant_type: "client_credentials",
    }),
  });
}

function tenantOf(tenants: TenantFixture[], scenario: string): TenantFixture {
  const t = tenants.find((x) => x.scenario === scenario);
  if (t === undefined) throw new Error(`no tenant ${scenario}`);
  return t;
}

function upnOf(tenant: TenantFixture): string {
  const upn = tenant.users?.[0]?.userPrincipalName;
  if (upn === undefined) throw new Error(`no user in ${tenant.scenario}`);
  return upn;
}

const T0 = Date.parse("2026-03-01T10:00:00.000Z");

/** A fresh emulator over fresh sandbox tenants with a clock the test moves. */
async function rig(change?: (tenants: TenantFixture[]) => void) {
  const tenants = sandboxTenants();
  change?.(tenants);
  let clock = T0;
  const emu = await createEmulator({ tenants, now: () => new Date(clock) });
  return {
    emu,
    tenants,
    advance(ms: number) {
      clock += ms;
    },
    tenant: (scenario: string) => tenantOf(tenants, scenario),
    /** Signs `upn` in with a device code and returns the delegated Graph token. */
    async adminToken(upn: string, scope = ADMIN_SCOPES): Promise<string> {
      const start = await startDeviceCode(emu, "organizations", { scope });
      expect(start.status).toBe(200);
      expect(emu.signInWithDeviceCode(start.json.user_code, { userPrincipalName: upn })).toMatchObject({ ok: true });
      const res = await poll(emu, start.json.device_code);
      expect(res.status, res.body).toBe(200);
      return res.json.access_token as string;
    },
  };
}

describe("device-code sign-in", () => {
  it("starts with Entra's documented answer", async () => {
    const { emu } = await rig();
    const res = await startDeviceCode(emu);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.headers["x-ms-request-id"]).toMatch(GUID_RE);
    expect(res.headers["cache-control"]).toBe("no-store, no-cache");
    expect(Object.keys(res.json).sort()).toEqual(
      ["device_code", "expires_in", "interval", "message", "user_code", "verification_uri"].sort(),
    );
    expect(res.json.user_code).toMatch(/^[A-HJ-NP-Z2-9]{9}$/);
    expect(res.json.device_code.length).toBeGreaterThan(100);
    expect(res.json.verification_uri).toBe("https://microsoft.com/devicelogin");
    expect(res.json.expires_in).toBe(900);
    expect(res.json.interval).toBe(5);
    expect(res.json.message).toBe(
      "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code " +
        `${res.json.user_code} to authenticate.`,
    );
    const other = await startDeviceCode(emu);
    expect(other.json.user_code).not.toBe(res.json.user_code);
    expect(other.json.device_code).not.toBe(res.json.device_code);
  });

  it("honours the interval and lifetime options", async () => {
    const emu = await createEmulator({
      tenants: sandboxTenants(),
      deviceCodeIntervalSeconds: 1,
      deviceCodeLifetimeSeconds: 60,
    });
    const res = await startDeviceCode(emu);
    expect(res.json).toMatchObject({ interval: 1, expires_in: 60 });
  });

  it("refuses an unknown client, missing fields, a bad tenant and consumers", async () => {
    const { emu } = await rig();
    const unknown = await startDeviceCode(emu, "organizations", { client_id: "11111111-2222-4333-8444-555555555555" });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toBe("unauthorized_client");
    expect(aadsts(unknown)).toBe(700016);
    expect(unknown.json.error_description).toMatch(/^AADSTS700016: Application with identifier '11111111-/);
    const noScope = await call(emu, "POST", "/organizations/oauth2/v2.0/devicecode", {
      headers: FORM,
      body: form({ client_id: CLIENT }),
    });
    expect(noScope.json).toMatchObject({ error: "invalid_request", error_codes: [900144] });
    expect(noScope.json.error_description).toContain("'scope'");
    const noClient = await call(emu, "POST", "/organizations/oauth2/v2.0/devicecode", {
      headers: FORM,
      body: form({ scope: ADMIN_SCOPES }),
    });
    expect(noClient.json).toMatchObject({ error: "invalid_request", error_codes: [900144] });
    expect(aadsts(await startDeviceCode(emu, "not_a_tenant"))).toBe(900023);
    expect(aadsts(await startDeviceCode(emu, "nosuchtenant.onmicrosoft.com"))).toBe(90002);
    expect(aadsts(await startDeviceCode(emu, "consumers"))).toBe(700016);
    const get = await call(emu, "GET", "/organizations/oauth2/v2.0/devicecode");
    expect(aadsts(get)).toBe(900561);
  });

  it("answers pending, slow_down when polled too soon, then the tokens", async () => {
    const { emu, advance, tenant } = await rig();
    const lamna = tenant("provision");
    const start = await startDeviceCode(emu);
    const code = start.json.device_code as string;

    const pending = await poll(emu, code);
    expect(pending.status).toBe(400);
    expect(pending.json.error).toBe("authorization_pending");
    expect(pending.json.error_description).toMatch(
      /^AADSTS70016: OAuth 2\.0 device flow error\. Authorization is pending\. Continue polling\.\r\nTrace ID: /,
    );
    expect(pending.json.correlation_id).toBe("0b7b6a55-1111-4222-8333-444455556666");
    advance(2000);
    const slow = await poll(emu, code);
    expect(slow.status).toBe(400);
    expect(slow.json.error).toBe("slow_down");
    advance(5000);
    expect((await poll(emu, code)).json.error).toBe("authorization_pending");

    const signed = emu.signInWithDeviceCode(start.json.user_code.toLowerCase(), { userPrincipalName: upnOf(lamna) });
    expect(signed).toEqual({ ok: true, tenantId: lamna.id, userPrincipalName: "admin@lamna.onmicrosoft.com" });
    advance(5000);
    const ok = await poll(emu, code);
    expect(ok.status).toBe(200);
    expect(ok.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(ok.json).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    expect(ok.json.scope).toBe(
      "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All RoleManagement.ReadWrite.Directory openid profile",
    );
    expect(typeof ok.json.refresh_token).toBe("string");
    expect(ok.json.refresh_token.length).toBeGreaterThan(100);

    const keys = createLocalJWKSet(emu.jwks());
    const user = lamna.users?.[0];
    const at = await jwtVerify(ok.json.access_token, keys, { currentDate: new Date(T0 + 12_000) });
    expect(at.payload).toMatchObject({
      aud: GRAPH,
      iss: `https://sts.windows.net/${lamna.id}/`,
      appid: CLIENT,
      app_displayname: "Direct Routing Onboarding (sandbox provider)",
      idtyp: "user",
      scp: "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All RoleManagement.ReadWrite.Directory",
      oid: user?.id,
      tid: lamna.id,
      upn: "admin@lamna.onmicrosoft.com",
      name: user?.displayName,
      wids: [GLOBAL_ADMIN],
      ver: "1.0",
    });
    expect(at.payload.roles).toBeUndefined();
    expect(typeof at.payload.sub).toBe("string");
    const nowSec = Math.floor((T0 + 12_000) / 1000);
    expect(at.payload.exp).toBe(nowSec + 3600);
    expect(at.payload.iat).toBe(nowSec - 300);

    const id = await jwtVerify(ok.json.id_token, keys, { currentDate: new Date(T0 + 12_000) });
    expect(id.payload).toMatchObject({
      ver: "2.0",
      aud: CLIENT,
      iss: `https://${HOST}/${lamna.id}/v2.0`,
      tid: lamna.id,
      oid: user?.id,
      preferred_username: "admin@lamna.onmicrosoft.com",
      name: user?.displayName,
    });
    expect(id.payload.sub).toBe(at.payload.sub);
    expect(JSON.parse(Buffer.from(ok.json.client_info, "base64url").toString("utf8"))).toEqual({
      uid: user?.id,
      utid: lamna.id,
    });

    // A code answers with tokens once.
    advance(5000);
    const again = await poll(emu, code);
    expect(again.status).toBe(400);
    expect(again.json.error).toBe("invalid_grant");
    expect(again.json.error_description).toContain("already redeemed");
  });

  it("answers an unknown code, a declined and an expired sign-in", async () => {
    const { emu, advance } = await rig();
    const unknown = await poll(emu, "DAQABIQEAAADnosuchcode");
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toBe("bad_verification_code");
    expect(aadsts(await poll(emu, ""))).toBe(900144);

    const declined = await startDeviceCode(emu);
    expect(emu.signInWithDeviceCode(declined.json.user_code, { decline: true })).toMatchObject({ ok: true });
    const refused = await poll(emu, declined.json.device_code);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe("authorization_declined");
    expect(refused.json.error_description).toContain("The end user denied the authorization request.");

    const expired = await startDeviceCode(emu);
    expect(emu.signInWithDeviceCode(expired.json.user_code, { expire: true })).toMatchObject({ ok: true });
    const gone = await poll(emu, expired.json.device_code);
    expect(gone.status).toBe(400);
    expect(gone.json.error).toBe("expired_token");
    expect(aadsts(gone)).toBe(70020);
    expect(gone.json.error_description).toContain("This device code has expired.");
    expect(
      emu.signInWithDeviceCode(expired.json.user_code, { userPrincipalName: "admin@lamna.onmicrosoft.com" }),
    ).toEqual({ ok: false, reason: "expired" });

    // The clock expires a code too, after expires_in.
    const late = await startDeviceCode(emu);
    advance(900_000);
    expect(aadsts(await poll(emu, late.json.device_code))).toBe(70020);
    expect(emu.signInWithDeviceCode(late.json.user_code, { decline: true })).toEqual({ ok: false, reason: "expired" });
  });

  it("answers AADSTS65001 where a tenant policy blocks consent", async () => {
    const { emu, tenant } = await rig();
    const blocked = tenant("provision-consent-blocked");
    const start = await startDeviceCode(emu);
    expect(emu.signInWithDeviceCode(start.json.user_code, { userPrincipalName: upnOf(blocked) })).toMatchObject({
      ok: true,
      tenantId: blocked.id,
    });
    const res = await poll(emu, start.json.device_code);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: "invalid_grant", suberror: "consent_required", error_codes: [65001] });
    expect(res.json.error_description).toContain(
      `AADSTS65001: The user or administrator has not consented to use the application with ID '${CLIENT}' named ` +
        "'Direct Routing Onboarding (sandbox provider)'. Send an interactive authorization request for this user " +
        "and resource.",
    );
  });

  it("pins the tenant named by GUID or domain, and reports what the sign-in page would", async () => {
    const { emu, tenant } = await rig();
    const lamna = tenant("provision");
    const other = tenant("provision-app-admin");
    for (const segment of [lamna.id, "lamna.onmicrosoft.com"]) {
      const start = await startDeviceCode(emu, segment);
      expect(start.status).toBe(200);
      const code = start.json.user_code as string;
      expect(emu.signInWithDeviceCode(code, { userPrincipalName: upnOf(other) })).toEqual({
        ok: false,
        reason: "wrong_tenant",
      });
      expect(emu.signInWithDeviceCode(code, { userPrincipalName: "nobody@lamna.onmicrosoft.com" })).toEqual({
        ok: false,
        reason: "unknown_user",
      });
      const spaced = `${code.slice(0, 3)}-${code.slice(3, 6)} ${code.slice(6).toLowerCase()}`;
      expect(emu.signInWithDeviceCode(spaced, { userPrincipalName: upnOf(lamna) })).toMatchObject({ ok: true });
      expect(emu.signInWithDeviceCode(code, { decline: true })).toEqual({ ok: false, reason: "already_signed_in" });
      // Polled on its own tenant; another tenant does not know the code.
      expect((await poll(emu, start.json.device_code, other.id)).json.error).toBe("bad_verification_code");
      // msal-node 7 sends the short grant type `device_code`.
      const ok = await poll(emu, start.json.device_code, segment, { grant_type: "device_code" });
      expect(ok.status).toBe(200);
      expect(decodeJwt(ok.json.access_token).tid).toBe(lamna.id);
    }
    expect(emu.signInWithDeviceCode("ZZZZZZZZZ", { decline: true })).toEqual({ ok: false, reason: "unknown_code" });
  });

  it("injects faults on the devicecode route of a named tenant", async () => {
    const { emu, tenant } = await rig((tenants) => {
      tenantOf(tenants, "provision").faults = { devicecode: { kind: "throttle", retryAfterSeconds: 4, times: 1 } };
    });
    const lamna = tenant("provision");
    const first = await startDeviceCode(emu, lamna.id);
    expect(first.status).toBe(429);
    expect(first.headers["retry-after"]).toBe("4");
    expect(first.json.error).toBe("temporarily_unavailable");
    expect((await startDeviceCode(emu, lamna.id)).status).toBe(200);
  });
});

describe("App registration through Graph", () => {
  let r: Awaited<ReturnType<typeof rig>>;
  beforeEach(async () => {
    r = await rig();
  });

  it("creates the app, its service principal, grants, role and secret, within Entra's replication delay", async () => {
    const { emu, advance } = r;
    const lamna = r.tenant("provision");
    const userId = lamna.users?.[0]?.id ?? "";
    const admin = await r.adminToken(upnOf(lamna));

    const created = await graph(emu, "POST", "/applications", admin, {
      displayName: "Lamna Direct Routing",
      signInAudience: "AzureADMyOrg",
      requiredResourceAccess: [
        { resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: ROLE_IDS["Organization.Read.All"], type: "Role" }] },
      ],
    });
    expect(created.status, created.body).toBe(201);
    expect(created.headers["content-type"]).toBe(GRAPH_JSON);
    expect(created.json).toMatchObject({
      "@odata.context": `https://${HOST}/v1.0/$metadata#applications/$entity`,
      displayName: "Lamna Direct Routing",
      signInAudience: "AzureADMyOrg",
      passwordCredentials: [],
      keyCredentials: [],
      createdDateTime: "2026-03-01T10:00:00Z",
    });
    expect(created.json.requiredResourceAccess[0].resourceAppId).toBe(GRAPH_APP_ID);
    const appObjectId = created.json.id as string;
    const appId = created.json.appId as string;
    expect(appObjectId).toMatch(GUID_RE);
    expect(appId).toMatch(GUID_RE);
    // The creating user owns it.
    expect(emu.directory(lamna.id).applications).toEqual([
      {
        id: appObjectId,
        appId,
        displayName: "Lamna Direct Routing",
        owners: [userId],
        graphRoles: [],
        directoryRoles: [],
        passwords: [],
      },
    ]);

    // Found by its display name, or its object id.
    const found = await graph(emu, "GET", "/applications?$filter=displayName eq 'Lamna Direct Routing'", admin);
    expect(found.status).toBe(200);
    expect(found.json["@odata.context"]).toBe(`https://${HOST}/v1.0/$metadata#applications`);
    expect(found.json.value.map((a: { appId: string }) => a.appId)).toEqual([appId]);
    const none = await graph(emu, "GET", "/applications?$filter=displayName eq 'Nothing'", admin);
    expect(none.json.value).toEqual([]);
    const unsupported = await graph(emu, "GET", "/applications?$filter=startswith(displayName,'L')", admin);
    expect(unsupported.status).toBe(400);
    expect(unsupported.json.error.code).toBe("Request_UnsupportedQuery");
    expect((await graph(emu, "GET", `/applications/${appObjectId}?$select=id,appId`, admin)).json).toEqual({
      "@odata.context": `https://${HOST}/v1.0/$metadata#applications/$entity`,
      id: appObjectId,
      appId,
    });

    // The service principal: refused until the app has replicated, then created once.
    const early = await graph(emu, "POST", "/servicePrincipals", admin, { appId });
    expect(early.status).toBe(400);
    expect(early.json.error).toMatchObject({
      code: "Request_BadRequest",
      message: `Resource '${appId}' does not exist or one of its queried reference-property objects are not present.`,
    });
    // Nor does the token endpoint know the app yet.
    expect((await clientCredentials(emu, lamna.id, appId, "x")).json.error_codes).toEqual([700016]);
    advance(1500);
    const sp = await graph(emu, "POST", "/servicePrincipals", admin, { appId });
    expect(sp.status, sp.body).toBe(201);
    expect(sp.json).toMatchObject({
      appId,
      accountEnabled: true,
      servicePrincipalType: "Application",
      appOwnerOrganizationId: lamna.id,
      displayName: "Lamna Direct Routing",
    });
    const spId = sp.json.id as string;
    expect(spId).toMatch(GUID_RE);
    const twice = await graph(emu, "POST", "/servicePrincipals", admin, { appId });
    expect(twice.status).toBe(409);
    expect(twice.json.error.code).toBe("Request_MultipleObjectsWithSameKeyValue");

    // Microsoft Graph's service principal and its app roles.
    const graphSp = await graph(emu, "GET", `/servicePrincipals(appId='${GRAPH_APP_ID}')?$select=id,appRoles`, admin);
    expect(graphSp.status).toBe(200);
    expect(Object.keys(graphSp.json).sort()).toEqual(["@odata.context", "appRoles", "id"]);
    const graphSpId = graphSp.json.id as string;
    expect(graphSpId).toMatch(GUID_RE);
    for (const [value, id] of Object.entries(ROLE_IDS)) {
      expect(graphSp.json.appRoles).toContainEqual(
        expect.objectContaining({ id, value, allowedMemberTypes: ["Application"], isEnabled: true }),
      );
    }

    // Granting a Graph app role: the new service principal is unknown for a while.
    const grant = (appRoleId: string) =>
      graph(emu, "POST", `/servicePrincipals/${graphSpId}/appRoleAssignedTo`, admin, {
        principalId: spId,
        resourceId: graphSpId,
        appRoleId,
      });
    const unknownYet = await grant(ROLE_IDS["Organization.Read.All"] as string);
    expect(unknownYet.status).toBe(404);
    expect(unknownYet.json.error).toMatchObject({
      code: "Request_ResourceNotFound",
      message: `Resource '${spId}' does not exist or one of its queried reference-property objects are not present.`,
    });
    advance(1500);
    const granted = await grant(ROLE_IDS["Organization.Read.All"] as string);
    expect(granted.status, granted.body).toBe(201);
    expect(granted.json).toMatchObject({
      appRoleId: ROLE_IDS["Organization.Read.All"],
      createdDateTime: "2026-03-01T10:00:03Z",
      principalDisplayName: "Lamna Direct Routing",
      principalId: spId,
      principalType: "ServicePrincipal",
      resourceDisplayName: "Microsoft Graph",
      resourceId: graphSpId,
    });
    expect(typeof granted.json.id).toBe("string");
    const repeat = await grant(ROLE_IDS["Organization.Read.All"] as string);
    expect(repeat.status).toBe(400);
    expect(repeat.json.error).toMatchObject({
      code: "Request_BadRequest",
      message: "Permission being assigned already exists on the object.",
    });
    expect((await grant("12345678-1234-4234-8234-123456789012")).json.error.code).toBe("Request_BadRequest");
    expect((await grant(ROLE_IDS["Application.Read.All"] as string)).status).toBe(201);

    // The Teams Administrator directory role.
    const assign = () =>
      graph(emu, "POST", "/roleManagement/directory/roleAssignments", admin, {
        "@odata.type": "#microsoft.graph.unifiedRoleAssignment",
        principalId: spId,
        roleDefinitionId: TEAMS_ADMIN,
        directoryScopeId: "/",
      });
    const assigned = await assign();
    expect(assigned.status, assigned.body).toBe(201);
    expect(assigned.json).toMatchObject({
      "@odata.context": `https://${HOST}/v1.0/$metadata#roleManagement/directory/roleAssignments/$entity`,
      principalId: spId,
      roleDefinitionId: TEAMS_ADMIN,
      directoryScopeId: "/",
    });
    const conflict = await assign();
    expect(conflict.status).toBe(400);
    expect(conflict.json.error).toMatchObject({
      code: "Request_BadRequest",
      message: "A conflicting object with one or more of the specified property values is present in the directory.",
    });

    // The app owns itself.
    const ownSelf = () =>
      graph(emu, "POST", `/applications/${appObjectId}/owners/$ref`, admin, {
        "@odata.id": `${GRAPH}/v1.0/directoryObjects/${spId}`,
      });
    const owned = await ownSelf();
    expect(owned.status).toBe(204);
    expect(owned.body).toBe("");
    expect(owned.headers["content-type"]).toBeUndefined();
    const ownedAgain = await ownSelf();
    expect(ownedAgain.status).toBe(400);
    expect(ownedAgain.json.error.message).toBe(
      "One or more added object references already exist for the following modified properties: 'owners'.",
    );

    // A secret: shown once, refused by the token endpoint until it has replicated.
    const added = await graph(emu, "POST", `/applications/${appObjectId}/addPassword`, admin, {
      passwordCredential: { displayName: "dr-onboarding" },
    });
    expect(added.status, added.body).toBe(200);
    const secretText = added.json.secretText as string;
    expect(secretText).toMatch(SECRET_RE);
    expect(added.json).toMatchObject({
      customKeyIdentifier: null,
      displayName: "dr-onboarding",
      hint: secretText.slice(0, 3),
      startDateTime: "2026-03-01T10:00:03.000Z",
      endDateTime: "2028-03-01T10:00:03.000Z",
    });
    expect(added.json.keyId).toMatch(GUID_RE);
    const refused = await clientCredentials(emu, lamna.id, appId, secretText);
    expect(refused.status).toBe(401);
    expect(refused.json.error_codes).toEqual([7000215]);
    advance(1500);
    const token = await clientCredentials(emu, lamna.id, appId, secretText);
    expect(token.status, token.body).toBe(200);
    const claims = decodeJwt(token.json.access_token);
    expect(claims).toMatchObject({ appid: appId, oid: spId, sub: spId, tid: lamna.id, idtyp: "app" });
    expect(claims.roles).toEqual(["Organization.Read.All", "Application.Read.All"]);
    expect(claims.wids).toEqual([TEAMS_ADMIN, "0997a1d0-0d1d-4acb-b408-d5ca73121e90"]);

    // The snapshot: plain data, no secret.
    const snapshot = emu.directory(lamna.id);
    expect(snapshot.applications[0]).toMatchObject({
      id: appObjectId,
      appId,
      owners: [userId, spId],
      servicePrincipalId: spId,
      graphRoles: ["Organization.Read.All", "Application.Read.All"],
      directoryRoles: [TEAMS_ADMIN],
      passwords: [
        {
          keyId: added.json.keyId,
          hint: secretText.slice(0, 3),
          displayName: "dr-onboarding",
          startDateTime: "2026-03-01T10:00:03.000Z",
          endDateTime: "2028-03-01T10:00:03.000Z",
        },
      ],
    });
    expect(JSON.stringify(snapshot)).not.toContain(secretText);
    expect(snapshot.calls).toEqual({
      createApplication: 1,
      createServicePrincipal: 3,
      appRoleAssignedTo: 5,
      roleAssignments: 2,
      addOwner: 2,
      addPassword: 1,
    });
    // Graph reads list the secret without its text.
    const read = await graph(emu, "GET", `/applications/${appObjectId}`, admin);
    expect(read.json.passwordCredentials).toEqual([
      expect.objectContaining({ keyId: added.json.keyId, secretText: null, hint: secretText.slice(0, 3) }),
    ]);
    expect(read.body).not.toContain(secretText);

    // The role assignment removed: the next token has no Teams Administrator.
    const removed = await graph(emu, "DELETE", `/roleManagement/directory/roleAssignments/${assigned.json.id}`, admin);
    expect(removed.status).toBe(204);
    const after = decodeJwt((await clientCredentials(emu, lamna.id, appId, secretText)).json.access_token);
    expect(after.wids).toEqual(["0997a1d0-0d1d-4acb-b408-d5ca73121e90"]);
    expect(
      (await graph(emu, "DELETE", `/roleManagement/directory/roleAssignments/${assigned.json.id}`, admin)).status,
    ).toBe(404);

    // Remove the service principal, then the application.
    expect((await graph(emu, "DELETE", `/servicePrincipals/${spId}`, admin)).status).toBe(204);
    expect((await clientCredentials(emu, lamna.id, appId, secretText)).json.error_codes).toEqual([7000229]);
    expect(emu.directory(lamna.id).applications[0]).toMatchObject({ owners: [userId], graphRoles: [] });
    expect((await graph(emu, "DELETE", `/applications/${appObjectId}`, admin)).status).toBe(204);
    expect((await clientCredentials(emu, lamna.id, appId, secretText)).json.error_codes).toEqual([700016]);
    expect(emu.directory(lamna.id).applications).toEqual([]);
    const missing = await graph(emu, "DELETE", `/applications/${appObjectId}`, admin);
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe("Request_ResourceNotFound");
    expect((await graph(emu, "GET", `/applications/${appObjectId}`, admin)).status).toBe(404);
    expect(emu.directory(lamna.id).calls).toMatchObject({
      deleteRoleAssignment: 2,
      deleteServicePrincipal: 1,
      deleteApplication: 2,
    });
  });

  it("removes a password: the old secret is refused afterwards", async () => {
    const { emu } = r;
    const bellows = r.tenant("provision-app-admin");
    const admin = await r.adminToken(upnOf(bellows));
    const app = await graph(emu, "POST", "/applications", admin, { displayName: "Bellows Direct Routing" });
    const sp = await graph(emu, "POST", "/servicePrincipals", admin, { appId: app.json.appId });
    expect(sp.status).toBe(201);
    const first = await graph(emu, "POST", `/applications/${app.json.id}/addPassword`, admin, {});
    const second = await graph(emu, "POST", `/applications/${app.json.id}/addPassword`, admin, {
      passwordCredential: { displayName: "next", endDateTime: "2026-09-01T00:00:00Z" },
    });
    expect(second.json.endDateTime).toBe("2026-09-01T00:00:00.000Z");
    expect(first.json.displayName).toBeNull();
    const tokenWith = (secret: string) => clientCredentials(emu, bellows.id, app.json.appId, secret);
    expect((await tokenWith(first.json.secretText)).status).toBe(200);
    const removed = await graph(emu, "POST", `/applications/${app.json.id}/removePassword`, admin, {
      keyId: first.json.keyId,
    });
    expect(removed.status).toBe(204);
    expect((await tokenWith(first.json.secretText)).json.error_codes).toEqual([7000215]);
    expect((await tokenWith(second.json.secretText)).status).toBe(200);
    const unknown = await graph(emu, "POST", `/applications/${app.json.id}/removePassword`, admin, {
      keyId: first.json.keyId,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe("Request_BadRequest");
    expect(emu.directory(bellows.id).applications[0]?.passwords.map((p) => p.keyId)).toEqual([second.json.keyId]);
  });

  it("lets an Application Administrator create but not grant Graph app roles or assign directory roles", async () => {
    const { emu } = r;
    const bellows = r.tenant("provision-app-admin");
    expect(bellows.users?.[0]?.directoryRoles).toEqual([APPLICATION_ADMIN]);
    const admin = await r.adminToken(upnOf(bellows));
    const app = await graph(emu, "POST", "/applications", admin, { displayName: "Bellows Direct Routing" });
    expect(app.status).toBe(201);
    const sp = await graph(emu, "POST", "/servicePrincipals", admin, { appId: app.json.appId });
    expect(sp.status).toBe(201);
    const graphSpId = (await graph(emu, "GET", `/servicePrincipals(appId='${GRAPH_APP_ID}')`, admin)).json.id;
    const grant = await graph(emu, "POST", `/servicePrincipals/${graphSpId}/appRoleAssignedTo`, admin, {
      principalId: sp.json.id,
      resourceId: graphSpId,
      appRoleId: ROLE_IDS["Organization.Read.All"],
    });
    expect(grant.status).toBe(403);
    expect(grant.json.error).toMatchObject({
      code: "Authorization_RequestDenied",
      message: "Insufficient privileges to complete the operation.",
    });
    const role = await graph(emu, "POST", "/roleManagement/directory/roleAssignments", admin, {
      principalId: sp.json.id,
      roleDefinitionId: TEAMS_ADMIN,
      directoryScopeId: "/",
    });
    expect(role.status).toBe(403);
    // "Remove what was created".
    expect((await graph(emu, "DELETE", `/applications/${app.json.id}`, admin)).status).toBe(204);
    expect(emu.directory(bellows.id).applications).toEqual([]);
  });

  it("refuses app creation to a user without an admin role where users may not register apps", async () => {
    const { emu } = r;
    const munson = r.tenant("provision-no-role");
    const user = await r.adminToken(upnOf(munson));
    const res = await graph(emu, "POST", "/applications", user, { displayName: "Munson Direct Routing" });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe("Authorization_RequestDenied");
    expect(emu.directory(munson.id)).toEqual({ applications: [], calls: { createApplication: 1 } });
    // Reading is allowed to any user.
    expect((await graph(emu, "GET", "/applications?$filter=displayName eq 'x'", user)).status).toBe(200);
  });

  it("authorizes delegated writes by scp, and validates bodies", async () => {
    const { emu } = r;
    const lamna = r.tenant("provision");
    const readOnly = await r.adminToken(upnOf(lamna), `${GRAPH}/Application.Read.All openid profile offline_access`);
    expect(decodeJwt(readOnly).scp).toBe("Application.Read.All");
    expect((await graph(emu, "POST", "/applications", readOnly, { displayName: "X" })).status).toBe(403);
    expect((await graph(emu, "GET", "/applications", readOnly)).status).toBe(200);

    const admin = await r.adminToken(upnOf(lamna));
    const noName = await graph(emu, "POST", "/applications", admin, { signInAudience: "AzureADMyOrg" });
    expect(noName.status).toBe(400);
    expect(noName.json.error.code).toBe("Request_BadRequest");
    expect(noName.json.error.message).toContain("'displayName'");
    const bad = await call(emu, "POST", "/v1.0/applications", {
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("BadRequest");
    expect((await graph(emu, "POST", "/servicePrincipals", admin, { appId: GUID_FOR_NOTHING })).status).toBe(400);
    expect((await graph(emu, "POST", "/applications/not-a-guid/addPassword", admin, {})).status).toBe(400);
    expect((await graph(emu, "POST", `/applications/${GUID_FOR_NOTHING}/addPassword`, admin, {})).status).toBe(404);
    // A known path with another method keeps 405.
    const patch = await graph(emu, "PATCH", `/applications/${GUID_FOR_NOTHING}`, admin, {});
    expect(patch.status).toBe(405);
    expect((await graph(emu, "PUT", "/organization", admin)).status).toBe(405);
    expect((await graph(emu, "POST", "/groups", admin, {})).status).toBe(404);
  });

  it("throttles Graph writes with the graphWrite fault, in Graph's envelope, with Retry-After", async () => {
    const t = await rig((tenants) => {
      tenantOf(tenants, "provision").faults = { graphWrite: { kind: "throttle", retryAfterSeconds: 3, times: 1 } };
    });
    const lamna = t.tenant("provision");
    const admin = await t.adminToken(upnOf(lamna));
    const first = await graph(t.emu, "POST", "/applications", admin, { displayName: "Lamna Direct Routing" });
    expect(first.status).toBe(429);
    expect(first.headers["retry-after"]).toBe("3");
    expect(first.headers["content-type"]).toBe(GRAPH_JSON);
    expect(first.json.error.code).toBe("TooManyRequests");
    expect(first.json.error.innerError["request-id"]).toMatch(GUID_RE);
    // Reads are another route.
    expect((await graph(t.emu, "GET", "/applications", admin)).status).toBe(200);
    expect(t.emu.directory(lamna.id).applications).toEqual([]);
    const retried = await graph(t.emu, "POST", "/applications", admin, { displayName: "Lamna Direct Routing" });
    expect(retried.status).toBe(201);
    expect(t.emu.directory(lamna.id).calls.createApplication).toBe(2);
  });

  it("adds the emulator latency to writes", async () => {
    const tenants = sandboxTenants();
    const emu = await createEmulator({ tenants, latencyMs: 7 });
    const start = await startDeviceCode(emu);
    emu.signInWithDeviceCode(start.json.user_code, { userPrincipalName: "admin@lamna.onmicrosoft.com" });
    const token = (await poll(emu, start.json.device_code)).json.access_token;
    const raw = await emu.handle({
      method: "POST",
      path: "/v1.0/applications",
      headers: { host: HOST, authorization: `Bearer ${token}` },
      body: JSON.stringify({ displayName: "Lamna Direct Routing" }),
    });
    expect(raw).toMatchObject({ kind: "response", status: 201, delayMs: 7 });
  });
});

const GUID_FOR_NOTHING = "0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f";

describe("self-rotation with Application.ReadWrite.OwnedBy", () => {
  const creds = () => {
    const c = SANDBOX["self-rotation"];
    if (c === undefined) throw new Error("no self-rotation scenario");
    return c;
  };
  /** Another app in the same tenant that the rotating app does not own. */
  const OTHER_APP = "7a0c6f55-51a3-4e8e-9b1d-3f2e6c4d5a10";

  it("adds and removes its own secret, but may not touch an app it does not own nor add owners", async () => {
    const c = creds();
    const t = await rig((tenants) => {
      tenantOf(tenants, "self-rotation").apps.push({
        appId: OTHER_APP,
        displayName: "Someone else's app",
        enabled: true,
        registeredHere: true,
        secrets: [],
        graphRoles: [],
        directoryRoles: [],
      });
    });
    const { emu } = t;
    const first = await clientCredentials(emu, c.tenantId, c.clientId, c.clientSecret);
    expect(first.status).toBe(200);
    const token = first.json.access_token as string;
    expect(decodeJwt(token).roles).toEqual([
      "Organization.Read.All",
      "Application.Read.All",
      "Application.ReadWrite.OwnedBy",
    ]);
    expect(decodeJwt(token).wids).toEqual([TEAMS_ADMIN, "0997a1d0-0d1d-4acb-b408-d5ca73121e90"]);

    const self = await graph(emu, "GET", `/applications(appId='${c.clientId}')`, token);
    expect(self.status).toBe(200);
    const before = emu.directory(c.tenantId).applications.find((a) => a.appId === c.clientId);
    expect(before?.owners).toEqual([before?.servicePrincipalId]);
    expect(before?.passwords).toHaveLength(1);
    expect(before?.passwords[0]?.endDateTime).toBe(new Date(T0 + 20 * 86_400_000).toISOString());

    const added = await graph(emu, "POST", `/applications/${self.json.id}/addPassword`, token, {
      passwordCredential: { displayName: "dr-onboarding (rotated)" },
    });
    expect(added.status, added.body).toBe(200);
    expect(added.json.secretText).toMatch(SECRET_RE);
    expect((await clientCredentials(emu, c.tenantId, c.clientId, added.json.secretText)).status).toBe(200);
    const removed = await graph(emu, "POST", `/applications/${self.json.id}/removePassword`, token, {
      keyId: before?.passwords[0]?.keyId,
    });
    expect(removed.status).toBe(204);
    expect((await clientCredentials(emu, c.tenantId, c.clientId, c.clientSecret)).json.error_codes).toEqual([7000215]);

    // OwnedBy can read any app, change none it does not own, and add no owners.
    const other = await graph(emu, "GET", `/applications(appId='${OTHER_APP}')`, token);
    expect(other.status).toBe(200);
    expect((await graph(emu, "GET", `/applications/${other.json.id}`, token)).status).toBe(200);
    const denied = await graph(emu, "POST", `/applications/${other.json.id}/addPassword`, token, {});
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe("Authorization_RequestDenied");
    expect((await graph(emu, "DELETE", `/applications/${other.json.id}`, token)).status).toBe(403);
    const owner = await graph(emu, "POST", `/applications/${other.json.id}/owners/$ref`, token, {
      "@odata.id": `${GRAPH}/v1.0/directoryObjects/${before?.servicePrincipalId}`,
    });
    expect(owner.status).toBe(403);
    // An app with Application.Read.All only cannot write at all.
    const valid = SANDBOX.valid;
    if (valid === undefined) throw new Error("no valid scenario");
    const reader = (await clientCredentials(emu, valid.tenantId, valid.clientId, valid.clientSecret)).json.access_token;
    const validApp = await graph(emu, "GET", `/applications(appId='${valid.clientId}')`, reader);
    expect((await graph(emu, "POST", `/applications/${validApp.json.id}/addPassword`, reader, {})).status).toBe(403);
  });
});

describe("sandbox provisioning scenarios", () => {
  it("lists the admins the sandbox can sign in as", () => {
    expect(SANDBOX_ADMINS.map((a) => [a.scenario, a.userPrincipalName, a.action])).toEqual([
      ["provision", "admin@lamna.onmicrosoft.com", "approve"],
      ["provision-app-admin", "appadmin@bellowscollege.onmicrosoft.com", "approve"],
      ["provision-no-role", "user@munsonspickles.onmicrosoft.com", "approve"],
      ["provision-consent-blocked", "admin@wideworldimporters.onmicrosoft.com", "approve"],
      ["provision-slow-replication", "admin@fincherarchitects.onmicrosoft.com", "approve"],
      ["provision-declined", null, "decline"],
      ["provision-expired", null, "expire"],
    ]);
    const tenants = sandboxTenants();
    for (const admin of SANDBOX_ADMINS) {
      expect(admin.label.length).toBeGreaterThan(5);
      expect(admin.description.length).toBeGreaterThan(10);
      if (admin.userPrincipalName === null) continue;
      const t = tenantOf(tenants, admin.scenario);
      expect(t.apps).toEqual([]);
      expect(t.users?.map((u) => u.userPrincipalName)).toEqual([admin.userPrincipalName]);
      expect(t.users?.[0]?.id).toMatch(GUID_RE);
      expect(t.domains).toEqual([{ name: admin.userPrincipalName.split("@")[1], isDefault: true, isInitial: true }]);
      // Not credential scenarios.
      expect(SANDBOX[admin.scenario]).toBeUndefined();
    }
    const ids = tenants.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  /** Runs one sandbox admin through sign-in and the first writes; returns what happened. */
  async function outcome(scenario: string): Promise<string> {
    const admin = SANDBOX_ADMINS.find((a) => a.scenario === scenario);
    if (admin === undefined) throw new Error(`no admin ${scenario}`);
    const t = await rig();
    const start = await startDeviceCode(t.emu);
    const code = start.json.user_code as string;
    const action =
      admin.action === "approve"
        ? { userPrincipalName: admin.userPrincipalName ?? "" }
        : admin.action === "decline"
          ? ({ decline: true } as const)
          : ({ expire: true } as const);
    expect(t.emu.signInWithDeviceCode(code, action)).toMatchObject({ ok: true });
    const polled = await poll(t.emu, start.json.device_code);
    if (polled.status !== 200) return `${polled.json.error} ${aadsts(polled)}`;
    const token = polled.json.access_token as string;
    const app = await graph(t.emu, "POST", "/applications", token, { displayName: "Direct Routing" });
    if (app.status !== 201) return `createApplication ${app.status}`;
    const steps: string[] = [];
    let sp = await graph(t.emu, "POST", "/servicePrincipals", token, { appId: app.json.appId });
    let waited = 0;
    while (sp.status === 400 && waited < 60_000) {
      t.advance(1000);
      waited += 1000;
      sp = await graph(t.emu, "POST", "/servicePrincipals", token, { appId: app.json.appId });
    }
    steps.push(`servicePrincipal ${sp.status} after ${waited / 1000} s`);
    const tenant = t.tenant(scenario);
    const graphSpId = (await graph(t.emu, "GET", `/servicePrincipals(appId='${GRAPH_APP_ID}')`, token)).json.id;
    t.advance(tenant.provisioning?.replicationDelayMs ?? 0);
    const grant = await graph(t.emu, "POST", `/servicePrincipals/${graphSpId}/appRoleAssignedTo`, token, {
      principalId: sp.json.id,
      resourceId: graphSpId,
      appRoleId: ROLE_IDS["Organization.Read.All"],
    });
    steps.push(`appRoleAssignedTo ${grant.status}`);
    return steps.join(", ");
  }

  it.each([
    ["provision", "servicePrincipal 201 after 2 s, appRoleAssignedTo 201"],
    ["provision-app-admin", "servicePrincipal 201 after 0 s, appRoleAssignedTo 403"],
    ["provision-no-role", "createApplication 403"],
    ["provision-consent-blocked", "invalid_grant 65001"],
    ["provision-slow-replication", "servicePrincipal 201 after 20 s, appRoleAssignedTo 201"],
    ["provision-declined", "authorization_declined 70000"],
    ["provision-expired", "expired_token 70020"],
  ])("%s: %s", async (scenario, expected) => {
    expect(await outcome(scenario)).toBe(expected);
  });
});
