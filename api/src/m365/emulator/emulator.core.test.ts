import { decodeJwt, decodeProtectedHeader } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createEmulator } from "./emulator.core.js";
import { emulatorDispatch } from "./emulator.dispatch.js";
import { SANDBOX, type SandboxCredentials, sandboxTenants } from "./emulator.fixtures.js";
import type { Emulator, EmulatorResponse, TenantFixture } from "./emulator.types.js";

const HOST = "login.emulator.test";
const BASE = `https://${HOST}`;
const GRAPH = "https://graph.microsoft.com";
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENTRA_TS_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/;
const GRAPH_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

function sb(name: string): SandboxCredentials {
  const creds = SANDBOX[name];
  if (creds === undefined) throw new Error(`no scenario ${name}`);
  return creds;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  json: Record<string, unknown>;
  raw: EmulatorResponse;
}

async function call(
  emu: Emulator,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const raw = await emu.handle({ method, path, headers: { host: HOST, ...init.headers }, body: init.body ?? "" });
  if (raw.kind !== "response") return { status: 0, headers: {}, body: "", json: {}, raw };
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(raw.body) as Record<string, unknown>;
  } catch {
    parsed = {};
  }
  return { status: raw.status, headers: raw.headers, body: raw.body, json: parsed, raw };
}

function form(fields: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) p.set(k, v);
  return p.toString();
}

/** A token request as msal-node 7 sends it, with overrides. */
function tokenRequest(
  emu: Emulator,
  tenant: string,
  fields: Record<string, string | undefined>,
  opts: { query?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const body = form({
    client_id: undefined,
    scope: `${GRAPH}/.default`,
    grant_type: "client_credentials",
    "x-client-SKU": "msal.js.node",
    "x-client-VER": "7.2.3",
    "x-ms-lib-capability": "retry-after, h429",
    "x-client-current-telemetry": "5|771,2,,,|,",
    ...fields,
  });
  return call(emu, "POST", `/${tenant}/oauth2/v2.0/token${opts.query ?? ""}`, {
    headers: { "content-type": "application/x-www-form-urlencoded;charset=utf-8", ...opts.headers },
    body,
  });
}

function credsRequest(emu: Emulator, name: string, overrides: Record<string, string | undefined> = {}) {
  const c = sb(name);
  return tokenRequest(emu, c.tenantId, { client_id: c.clientId, client_secret: c.clientSecret, ...overrides });
}

async function tokenFor(emu: Emulator, name: string): Promise<string> {
  const res = await credsRequest(emu, name);
  expect(res.status).toBe(200);
  return String(res.json.access_token);
}

function errorCode(res: Answer): number | undefined {
  const codes = res.json.error_codes;
  return Array.isArray(codes) ? (codes[0] as number) : undefined;
}

function graphGet(emu: Emulator, path: string, token: string | undefined, headers: Record<string, string> = {}) {
  return call(emu, "GET", path, {
    headers: token === undefined ? headers : { authorization: `Bearer ${token}`, ...headers },
  });
}

const T0 = new Date("2026-03-01T10:00:00.000Z");

describe("emulator core", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await createEmulator({ tenants: sandboxTenants(), now: () => T0 });
  });

  describe("openid-configuration", () => {
    it("answers a tenant GUID like the real document", async () => {
      const c = sb("valid");
      const res = await call(emu, "GET", `/${c.tenantId}/v2.0/.well-known/openid-configuration`);
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(res.headers["cache-control"]).toBe("max-age=86400");
      expect(res.json).toMatchObject({
        issuer: `${BASE}/${c.tenantId}/v2.0`,
        token_endpoint: `${BASE}/${c.tenantId}/oauth2/v2.0/token`,
        authorization_endpoint: `${BASE}/${c.tenantId}/oauth2/v2.0/authorize`,
        jwks_uri: `${BASE}/${c.tenantId}/discovery/v2.0/keys`,
        end_session_endpoint: `${BASE}/${c.tenantId}/oauth2/v2.0/logout`,
        tenant_region_scope: "NA",
        cloud_instance_name: "microsoftonline.com",
        cloud_graph_host_name: "graph.windows.net",
        msgraph_host: "graph.microsoft.com",
        rbac_url: "https://pas.windows.net",
      });
      expect(res.json.response_types_supported).toContain("code");
      expect(res.json).not.toHaveProperty("tenant_region_sub_scope");
    });

    it("resolves a verified domain, case-insensitively, to the GUID", async () => {
      const c = sb("valid");
      for (const domain of [c.tenantDomain.toUpperCase(), "Contoso-Sandbox.example"]) {
        const res = await call(emu, "GET", `/${domain}/v2.0/.well-known/openid-configuration`);
        expect(res.status).toBe(200);
        expect(res.json.issuer).toBe(`${BASE}/${c.tenantId}/v2.0`);
        expect(res.json.token_endpoint).toBe(`${BASE}/${c.tenantId}/oauth2/v2.0/token`);
      }
    });

    it("names the national cloud of a GCC High tenant", async () => {
      const res = await call(emu, "GET", `/${sb("gcc-high").tenantId}/v2.0/.well-known/openid-configuration`);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({
        tenant_region_scope: "USGov",
        tenant_region_sub_scope: "DODCON",
        cloud_instance_name: "microsoftonline.us",
        msgraph_host: "graph.microsoft.us",
      });
    });

    it("names DoD and China clouds", async () => {
      const base = sandboxTenants()[0] as TenantFixture;
      const dod: TenantFixture = {
        ...base,
        id: "00000000-0000-0000-0000-00000000d0d0",
        cloud: "usgov-dod",
        domains: [],
      };
      const cn: TenantFixture = { ...base, id: "00000000-0000-0000-0000-0000000000c1", cloud: "china", domains: [] };
      const e = await createEmulator({ tenants: [dod, cn] });
      const d = await call(e, "GET", `/${dod.id}/v2.0/.well-known/openid-configuration`);
      expect(d.json).toMatchObject({ tenant_region_sub_scope: "DOD", msgraph_host: "dod-graph.microsoft.us" });
      // A China tenant is known on China's login host only (emulator.clouds.test.ts has the other hosts).
      const c = await call(e, "GET", `/${cn.id}/v2.0/.well-known/openid-configuration`, {
        headers: { host: "login.partner.microsoftonline.cn" },
      });
      expect(c.json).toMatchObject({
        cloud_instance_name: "partner.microsoftonline.cn",
        msgraph_host: "microsoftgraph.chinacloudapi.cn",
      });
    });

    it("answers an unknown tenant with 400 invalid_tenant AADSTS90002 in the full error shape", async () => {
      const u = sb("unknown-tenant");
      for (const t of [u.tenantId, u.tenantDomain]) {
        const res = await call(emu, "GET", `/${t}/v2.0/.well-known/openid-configuration`, {
          headers: { "client-request-id": "11111111-2222-3333-4444-555555555555" },
        });
        expect(res.status).toBe(400);
        expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
        expect(res.json.error).toBe("invalid_tenant");
        expect(res.json.error_codes).toEqual([90002]);
        expect(String(res.json.error_description)).toMatch(new RegExp(`^AADSTS90002: Tenant '${t}' not found\\.`));
        expect(res.json.correlation_id).toBe("11111111-2222-3333-4444-555555555555");
      }
    });

    it("answers a malformed tenant with 400 invalid_request AADSTS900023", async () => {
      for (const t of ["not_a_tenant", "contoso", "a..b"]) {
        const res = await call(emu, "GET", `/${t}/v2.0/.well-known/openid-configuration`);
        expect(res.status).toBe(400);
        expect(res.json.error).toBe("invalid_request");
        expect(res.json.error_codes).toEqual([900023]);
      }
    });

    it("answers common and organizations with a literal {tenantid} issuer, consumers with the MSA tenant", async () => {
      for (const t of ["common", "organizations", "Common"]) {
        const res = await call(emu, "GET", `/${t}/v2.0/.well-known/openid-configuration`);
        expect(res.status).toBe(200);
        expect(res.json.issuer).toBe(`${BASE}/{tenantid}/v2.0`);
        expect(res.json.tenant_region_scope).toBeNull();
      }
      const c = await call(emu, "GET", "/consumers/v2.0/.well-known/openid-configuration");
      expect(c.json.issuer).toBe(`${BASE}/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0`);
    });
  });

  describe("keys", () => {
    it("serves the public JWKS for a tenant and for common", async () => {
      for (const t of [sb("valid").tenantId, "common"]) {
        const res = await call(emu, "GET", `/${t}/discovery/v2.0/keys`);
        expect(res.status).toBe(200);
        const keys = res.json.keys as Record<string, unknown>[];
        expect(keys).toHaveLength(1);
        expect(keys[0]).toMatchObject({ kty: "RSA", use: "sig", kid: expect.any(String), e: "AQAB" });
        expect(keys[0]).not.toHaveProperty("d");
        expect(keys).toEqual(emu.jwks().keys);
      }
      const unknown = await call(emu, "GET", `/${sb("unknown-tenant").tenantId}/discovery/v2.0/keys`);
      expect(unknown.status).toBe(400);
    });
  });

  describe("token endpoint", () => {
    it("issues a token in the documented success shape", async () => {
      const res = await credsRequest(emu, "valid");
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(Object.keys(res.json).sort()).toEqual(["access_token", "expires_in", "ext_expires_in", "token_type"]);
      expect(res.json).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    });

    it("puts the v1.0 app-only claims in the token", async () => {
      const c = sb("valid");
      const token = await tokenFor(emu, "valid");
      expect(decodeProtectedHeader(token)).toMatchObject({ alg: "RS256", kid: emu.jwks().keys[0]?.kid });
      const claims = decodeJwt(token);
      const nowSec = T0.getTime() / 1000;
      expect(claims).toMatchObject({
        aud: GRAPH,
        iss: `https://sts.windows.net/${c.tenantId}/`,
        idp: `https://sts.windows.net/${c.tenantId}/`,
        ver: "1.0",
        appid: c.clientId,
        appidacr: "1",
        idtyp: "app",
        tid: c.tenantId,
        app_displayname: "Contoso Direct Routing",
        iat: nowSec - 300,
        nbf: nowSec - 300,
        exp: nowSec + 3600,
      });
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3900);
      expect(claims.roles).toEqual([
        "Organization.Read.All",
        "Application.Read.All",
        "Domain.Read.All",
        "User.Read.All",
      ]);
      expect(claims.wids).toEqual(["69091246-20e8-4a56-aa4d-066075b2a7a8", "0997a1d0-0d1d-4acb-b408-d5ca73121e90"]);
      expect(claims.oid).toMatch(GUID_RE);
      expect(claims.sub).toBe(claims.oid);
      for (const k of ["uti", "rh", "aio"]) expect(typeof claims[k]).toBe("string");
      // oid is stable, uti unique.
      const again = decodeJwt(await tokenFor(emu, "valid"));
      expect(again.oid).toBe(claims.oid);
      expect(again.uti).not.toBe(claims.uti);
    });

    it("omits roles without consent but keeps the implicit wid", async () => {
      const claims = decodeJwt(await tokenFor(emu, "missing-consent"));
      expect(claims).not.toHaveProperty("roles");
      expect(claims.wids).toEqual(["0997a1d0-0d1d-4acb-b408-d5ca73121e90"]);
      expect(decodeJwt(await tokenFor(emu, "partial-consent")).roles).toEqual(["Organization.Read.All"]);
    });

    it("accepts the tenant domain, the older secret, and the Graph app id as resource", async () => {
      const c = sb("valid");
      const byDomain = await tokenRequest(emu, c.tenantDomain, {
        client_id: c.clientId,
        client_secret: c.clientSecret,
      });
      expect(byDomain.status).toBe(200);
      const older = await credsRequest(emu, "valid", { client_secret: "ZZ48Q~wt2HaKy~hwv96y40mL6Y_AgNqiIBr6Diik" });
      expect(older.status).toBe(200);
      for (const scope of [
        "00000003-0000-0000-c000-000000000000/.default",
        "https://graph.microsoft.com//.default",
        "https://graph.microsoft.com/.default openid profile offline_access",
      ]) {
        expect((await credsRequest(emu, "valid", { scope })).status).toBe(200);
      }
    });

    it("answers errors in the exact Entra shape", async () => {
      const res = await credsRequest(emu, "valid", { client_secret: "wrong-secret-value" });
      expect(res.status).toBe(401);
      expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(Object.keys(res.json)).toEqual([
        "error",
        "error_description",
        "error_codes",
        "timestamp",
        "trace_id",
        "correlation_id",
        "error_uri",
      ]);
      expect(res.json.error).toBe("invalid_client");
      expect(res.json.error_codes).toEqual([7000215]);
      expect(typeof (res.json.error_codes as unknown[])[0]).toBe("number");
      expect(res.json.timestamp).toBe("2026-03-01 10:00:00Z");
      expect(res.json.timestamp).toMatch(ENTRA_TS_RE);
      expect(res.json.trace_id).toMatch(GUID_RE);
      expect(res.json.correlation_id).toMatch(GUID_RE);
      expect(res.json.error_uri).toBe("https://login.microsoftonline.com/error?code=7000215");
      expect(res.json.error_description).toBe(
        "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client " +
          `secret value, not the client secret ID, for a secret added to app '${sb("valid").clientId}'.` +
          `\r\nTrace ID: ${res.json.trace_id}\r\nCorrelation ID: ${res.json.correlation_id}` +
          "\r\nTimestamp: 2026-03-01 10:00:00Z",
      );
    });

    it("echoes client-request-id from the query, the body or the header", async () => {
      const c = sb("valid");
      const bad = { client_id: c.clientId, client_secret: "nope" };
      const q = await tokenRequest(emu, c.tenantId, bad, {
        query: "?client-request-id=aaaaaaaa-0000-4000-8000-000000000001",
      });
      expect(q.json.correlation_id).toBe("aaaaaaaa-0000-4000-8000-000000000001");
      const b = await tokenRequest(emu, c.tenantId, {
        ...bad,
        "client-request-id": "aaaaaaaa-0000-4000-8000-000000000002",
      });
      expect(b.json.correlation_id).toBe("aaaaaaaa-0000-4000-8000-000000000002");
      const h = await tokenRequest(emu, c.tenantId, bad, {
        headers: { "client-request-id": "aaaaaaaa-0000-4000-8000-000000000003" },
      });
      expect(h.json.correlation_id).toBe("aaaaaaaa-0000-4000-8000-000000000003");
      expect(String(h.json.error_description)).toContain("Correlation ID: aaaaaaaa-0000-4000-8000-000000000003");
      const none = await tokenRequest(emu, c.tenantId, bad);
      expect(none.json.correlation_id).toMatch(GUID_RE);
    });

    it.each([
      ["a malformed tenant", "not_a_tenant", {}, 400, "invalid_request", 900023],
      ["an unknown tenant GUID", sb("unknown-tenant").tenantId, {}, 400, "invalid_request", 90002],
      ["an unknown tenant domain", sb("unknown-tenant").tenantDomain, {}, 400, "invalid_request", 90002],
      ["a tenant of another cloud", sb("gcc-high").tenantId, {}, 400, "invalid_request", 900382],
      ["another grant type", sb("valid").tenantId, { grant_type: "password" }, 400, "unsupported_grant_type", 70003],
      ["no grant type", sb("valid").tenantId, { grant_type: "" }, 400, "invalid_request", 900144],
      [
        "an unknown app",
        sb("valid").tenantId,
        { client_id: sb("missing-consent").clientId },
        400,
        "unauthorized_client",
        700016,
      ],
      ["a disabled app", sb("disabled").tenantId, {}, 400, "unauthorized_client", 7000112],
      ["no credential", sb("valid").tenantId, { client_secret: "" }, 401, "invalid_client", 7000218],
      ["a wrong secret", sb("valid").tenantId, { client_secret: "x" }, 401, "invalid_client", 7000215],
      [
        "the Secret ID instead of the Value",
        sb("valid").tenantId,
        { client_secret: "58e64cf3-93a9-4262-abd6-81fad5ba4b6b" },
        401,
        "invalid_client",
        7000215,
      ],
      ["an expired secret", sb("expired").tenantId, {}, 401, "invalid_client", 7000222],
      [
        "a scope without /.default",
        sb("valid").tenantId,
        { scope: "https://graph.microsoft.com/User.Read" },
        400,
        "invalid_scope",
        1002012,
      ],
      ["another resource", sb("valid").tenantId, { scope: "api://unknown/.default" }, 400, "invalid_resource", 500011],
      ["a Conditional Access block", sb("blocked-by-policy").tenantId, {}, 400, "invalid_grant", 53003],
    ])("answers %s", async (_label, tenant, overrides, status, error, code) => {
      const scenario = Object.entries(SANDBOX).find(([, c]) => c.tenantId === tenant)?.[0] ?? "valid";
      const c = sb(scenario);
      const res = await tokenRequest(emu, tenant, {
        client_id: c.clientId,
        client_secret: c.clientSecret,
        ...(overrides as Record<string, string>),
      });
      expect(res.status).toBe(status);
      expect(res.json.error).toBe(error);
      expect(res.json.error_codes).toEqual([code]);
      expect(String(res.json.error_description).startsWith(`AADSTS${code}: `)).toBe(true);
    });

    it("marks the Conditional Access block with suberror message_only", async () => {
      const res = await credsRequest(emu, "blocked-by-policy");
      expect(res.json.suberror).toBe("message_only");
    });

    it("applies the documented decision order", async () => {
      const wrong = { client_secret: "definitely-wrong" };
      // Disabled app with a wrong secret: the app check comes first.
      expect(errorCode(await credsRequest(emu, "disabled", wrong))).toBe(7000112);
      // Unknown app with a wrong secret.
      expect(errorCode(await credsRequest(emu, "valid", { ...wrong, client_id: sb("unknown-tenant").clientId }))).toBe(
        700016,
      );
      // Expired secret with the right value / wrong secret on an app whose secret expired.
      expect(errorCode(await credsRequest(emu, "expired"))).toBe(7000222);
      expect(errorCode(await credsRequest(emu, "expired", wrong))).toBe(7000215);
      // The secret is checked before the scope and the policy.
      expect(errorCode(await credsRequest(emu, "valid", { ...wrong, scope: "User.Read" }))).toBe(7000215);
      expect(errorCode(await credsRequest(emu, "blocked-by-policy", wrong))).toBe(7000215);
      // The cloud is checked before anything about the app.
      expect(errorCode(await credsRequest(emu, "gcc-high", { ...wrong, client_id: "x" }))).toBe(900382);
      // The tenant is checked before the grant type.
      expect(errorCode(await credsRequest(emu, "unknown-tenant", { grant_type: "password" }))).toBe(90002);
    });

    it("treats a secret whose start is in the future as not matching", async () => {
      const tenants = sandboxTenants();
      const app = tenants[0]?.apps[0];
      const first = app?.secrets[0];
      if (first === undefined) throw new Error("fixture");
      first.startDays = 2;
      const e = await createEmulator({ tenants, now: () => T0 });
      expect(errorCode(await credsRequest(e, "valid"))).toBe(7000215);
    });

    it("expires secrets as the clock moves", async () => {
      let clock = T0;
      const e = await createEmulator({ tenants: sandboxTenants(), now: () => clock });
      expect((await credsRequest(e, "expiring")).status).toBe(200);
      clock = new Date(T0.getTime() + 6 * 86_400_000);
      expect(errorCode(await credsRequest(e, "expiring"))).toBe(7000222);
    });

    it("refuses GET and reserved tenants", async () => {
      const get = await call(emu, "GET", `/${sb("valid").tenantId}/oauth2/v2.0/token`);
      expect(get.status).toBe(400);
      expect(get.json.error_codes).toEqual([900561]);
      const common = await tokenRequest(emu, "common", { client_id: sb("valid").clientId, client_secret: "x" });
      expect(common.status).toBe(400);
      expect(common.json.error).toBe("invalid_request");
    });
  });

  describe("Microsoft Graph", () => {
    it("answers /organization with the verified domains", async () => {
      const c = sb("valid");
      const token = await tokenFor(emu, "valid");
      const res = await graphGet(emu, "/v1.0/organization?$select=id,displayName,verifiedDomains", token, {
        "client-request-id": "bbbbbbbb-0000-4000-8000-000000000001",
      });
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toBe(GRAPH_JSON);
      expect(res.headers["request-id"]).toMatch(GUID_RE);
      expect(res.headers["client-request-id"]).toBe("bbbbbbbb-0000-4000-8000-000000000001");
      expect(res.json["@odata.context"]).toBe(`${BASE}/v1.0/$metadata#organization`);
      expect(res.json.value).toEqual([
        {
          id: c.tenantId,
          displayName: "Contoso",
          verifiedDomains: [
            {
              capabilities: "Email, OfficeCommunicationsOnline",
              isDefault: false,
              isInitial: true,
              name: "contoso.onmicrosoft.com",
              type: "Managed",
            },
            {
              capabilities: "Email, OfficeCommunicationsOnline",
              isDefault: true,
              isInitial: false,
              name: "contoso-sandbox.example",
              type: "Managed",
            },
            {
              capabilities: "Email, OfficeCommunicationsOnline",
              isDefault: false,
              isInitial: false,
              name: "contoso.sbc.sandbox.provider.example",
              type: "Managed",
            },
          ],
        },
      ]);
    });

    it("answers 401 InvalidAuthenticationToken in the Graph envelope", async () => {
      const res = await graphGet(emu, "/v1.0/organization", undefined, {
        "client-request-id": "bbbbbbbb-0000-4000-8000-000000000002",
      });
      expect(res.status).toBe(401);
      expect(res.headers["content-type"]).toBe(GRAPH_JSON);
      const error = res.json.error as Record<string, unknown>;
      expect(Object.keys(error)).toEqual(["code", "message", "innerError"]);
      expect(error.code).toBe("InvalidAuthenticationToken");
      expect(error.message).toBe("Access token is empty.");
      const inner = error.innerError as Record<string, unknown>;
      expect(inner.date).toBe("2026-03-01T10:00:00");
      expect(inner["request-id"]).toBe(res.headers["request-id"]);
      expect(inner["client-request-id"]).toBe("bbbbbbbb-0000-4000-8000-000000000002");
      expect(res.headers["client-request-id"]).toBe("bbbbbbbb-0000-4000-8000-000000000002");
    });

    it("uses the request id as client-request-id when none was sent", async () => {
      const res = await graphGet(emu, "/v1.0/organization", "garbage");
      expect(res.status).toBe(401);
      expect(res.headers["client-request-id"]).toBe(res.headers["request-id"]);
    });

    it("rejects malformed, foreign, expired and wrong-audience tokens", async () => {
      const other = await createEmulator({ tenants: sandboxTenants(), now: () => T0 });
      const valid = sb("valid");
      const base = { tid: valid.tenantId, appid: valid.clientId, roles: ["Organization.Read.All"] };
      const cases: [string | undefined, string][] = [
        ["not.a.jwt", "Access token validation failure."],
        [await tokenFor(other, "valid"), "Access token validation failure. Invalid signature."],
        [
          await emu.signToken({ ...base, aud: GRAPH, iat: T0.getTime() / 1000 - 7200, exp: T0.getTime() / 1000 - 60 }),
          "Lifetime validation failed, the token is expired.",
        ],
        [await emu.signToken({ ...base, aud: "api://other" }), "Access token validation failure. Invalid audience."],
      ];
      for (const [token, message] of cases) {
        const res = await graphGet(emu, "/v1.0/organization", token);
        expect(res.status).toBe(401);
        const error = res.json.error as Record<string, unknown>;
        expect(error.code).toBe("InvalidAuthenticationToken");
        expect(error.message).toBe(message);
      }
      const ok = await graphGet(emu, "/v1.0/organization", await emu.signToken({ ...base, aud: GRAPH }));
      expect(ok.status).toBe(200);
    });

    it("answers 403 Authorization_RequestDenied without the needed role", async () => {
      const partial = await tokenFor(emu, "partial-consent");
      const denied = await tokenFor(emu, "graph-denied");
      const expect403 = async (path: string, token: string) => {
        const res = await graphGet(emu, path, token);
        expect(res.status).toBe(403);
        expect(res.json.error).toMatchObject({
          code: "Authorization_RequestDenied",
          message: "Insufficient privileges to complete the operation.",
        });
      };
      expect((await graphGet(emu, "/v1.0/organization", partial)).status).toBe(200);
      await expect403(`/v1.0/applications(appId='${sb("partial-consent").clientId}')`, partial);
      await expect403("/v1.0/organization", denied);
      expect((await graphGet(emu, `/v1.0/applications(appId='${sb("graph-denied").clientId}')`, denied)).status).toBe(
        200,
      );
    });

    it("answers 403 AccessDenied to a token with neither roles nor scp (no consent at all)", async () => {
      const none = await tokenFor(emu, "missing-consent");
      const c = sb("missing-consent");
      for (const path of [
        "/v1.0/organization",
        `/v1.0/applications(appId='${c.clientId}')`,
        `/v1.0/servicePrincipals(appId='${c.clientId}')`,
      ]) {
        const res = await graphGet(emu, path, none);
        expect(res.status).toBe(403);
        expect(res.json.error).toMatchObject({
          code: "AccessDenied",
          message: "Either scp or roles claim need to be present in the token.",
        });
      }
      // An empty `roles` list is still a roles claim: the route's permission decides (Authorization_RequestDenied).
      const empty = await emu.signToken({ aud: GRAPH, tid: c.tenantId, appid: c.clientId, roles: [] });
      const res = await graphGet(emu, "/v1.0/organization", empty);
      expect(res.status).toBe(403);
      expect((res.json.error as Record<string, unknown>).code).toBe("Authorization_RequestDenied");
    });

    it("lets Directory.Read.All read the organization but not applications; OwnedBy reads applications", async () => {
      const c = sb("missing-consent");
      const sign = (roles: string[]) => emu.signToken({ aud: GRAPH, tid: c.tenantId, appid: c.clientId, roles });
      const directory = await sign(["Directory.Read.All"]);
      expect((await graphGet(emu, "/v1.0/organization", directory)).status).toBe(200);
      // Graph's documented app-only permissions for /applications are Application.* only (docs/entra.md section 11).
      expect((await graphGet(emu, `/v1.0/applications(appId='${c.clientId}')`, directory)).status).toBe(403);
      expect((await graphGet(emu, `/v1.0/servicePrincipals(appId='${c.clientId}')`, directory)).status).toBe(200);
      const ownedBy = await sign(["Application.ReadWrite.OwnedBy"]);
      expect((await graphGet(emu, `/v1.0/applications(appId='${c.clientId}')`, ownedBy)).status).toBe(200);
    });

    it("answers the application with its password credentials", async () => {
      const c = sb("valid");
      const token = await tokenFor(emu, "valid");
      for (const path of [
        `/v1.0/applications(appId='${c.clientId}')`,
        `/v1.0/applications(appId=%27${c.clientId}%27)?$select=id,appId,displayName,passwordCredentials,keyCredentials`,
        `/v1.0/applications%28appId%3D%27${c.clientId.toUpperCase()}%27%29`,
      ]) {
        const res = await graphGet(emu, path, token);
        expect(res.status).toBe(200);
        expect(res.headers["content-type"]).toBe(GRAPH_JSON);
        expect(res.json).toMatchObject({
          appId: c.clientId,
          displayName: "Contoso Direct Routing",
          keyCredentials: [],
        });
        expect(res.json.id).toMatch(GUID_RE);
        const creds = res.json.passwordCredentials as Record<string, unknown>[];
        expect(creds).toHaveLength(2);
        expect(creds[0]).toEqual({
          customKeyIdentifier: null,
          displayName: "dr-onboarding",
          endDateTime: "2026-12-26T10:00:00.000Z",
          hint: "gQQ",
          keyId: "58e64cf3-93a9-4262-abd6-81fad5ba4b6b",
          secretText: null,
          startDateTime: "2025-12-26T10:00:00.000Z",
        });
        expect(creds[1]).toMatchObject({ hint: "ZZ4", endDateTime: "2026-03-21T10:00:00.000Z" });
      }
      const selected = await graphGet(
        emu,
        `/v1.0/applications(appId='${c.clientId}')?$select=id,passwordCredentials`,
        token,
      );
      expect(Object.keys(selected.json).sort()).toEqual(["@odata.context", "id", "passwordCredentials"]);
    });

    it("reports the hint Graph lists, not the value's prefix, for a rotated secret", async () => {
      const c = sb("secret-rotated");
      const res = await graphGet(
        emu,
        `/v1.0/applications(appId='${c.clientId}')`,
        await tokenFor(emu, "secret-rotated"),
      );
      const creds = res.json.passwordCredentials as Record<string, unknown>[];
      expect(creds.map((p) => p.hint)).toEqual(["q7R"]);
      expect(c.clientSecret.slice(0, 3)).not.toBe("q7R");
    });

    it("lists an old credential with `hint: null` when the fixture says so, and still accepts its value", async () => {
      const tenants = sandboxTenants();
      const first = tenants[0]?.apps[0]?.secrets[1];
      if (first === undefined) throw new Error("fixture");
      first.hint = null;
      const e = await createEmulator({ tenants, now: () => T0 });
      const c = sb("valid");
      const res = await graphGet(e, `/v1.0/applications(appId='${c.clientId}')`, await tokenFor(e, "valid"));
      const creds = res.json.passwordCredentials as Record<string, unknown>[];
      expect(creds.map((p) => p.hint)).toEqual(["gQQ", null]);
      expect(Object.hasOwn(creds[1] ?? {}, "hint")).toBe(true);
    });

    it("answers 404 for an unknown app and for an app registered in another tenant", async () => {
      const token = await tokenFor(emu, "valid");
      const missing = "12345678-1234-1234-1234-123456789012";
      const res = await graphGet(emu, `/v1.0/applications(appId='${missing}')`, token);
      expect(res.status).toBe(404);
      expect(res.json.error).toMatchObject({
        code: "Request_ResourceNotFound",
        message: `Resource '${missing}' does not exist or one of its queried reference-property objects are not present.`,
      });
      expect((await graphGet(emu, `/v1.0/servicePrincipals(appId='${missing}')`, token)).status).toBe(404);

      const m = sb("multi-tenant-app");
      const mt = await tokenFor(emu, "multi-tenant-app");
      expect((await graphGet(emu, `/v1.0/applications(appId='${m.clientId}')`, mt)).status).toBe(404);
      const sp = await graphGet(emu, `/v1.0/servicePrincipals(appId='${m.clientId}')`, mt);
      expect(sp.status).toBe(200);
      expect(sp.json).toMatchObject({ appId: m.clientId, accountEnabled: true });
    });

    it("answers the service principal with accountEnabled", async () => {
      const d = sb("disabled");
      const token = await emu.signToken({
        aud: GRAPH,
        tid: d.tenantId,
        appid: d.clientId,
        roles: ["Application.Read.All"],
      });
      const res = await graphGet(
        emu,
        `/v1.0/servicePrincipals(appId='${d.clientId}')?$select=id,appId,accountEnabled`,
        token,
      );
      expect(res.status).toBe(200);
      expect(Object.keys(res.json).sort()).toEqual(["@odata.context", "accountEnabled", "appId", "id"]);
      expect(res.json.accountEnabled).toBe(false);
    });

    it("answers unknown routes with 404", async () => {
      const token = await tokenFor(emu, "valid");
      const g = await graphGet(emu, "/v1.0/groups", token);
      expect(g.status).toBe(404);
      expect((g.json.error as Record<string, unknown>).code).toBe("Request_ResourceNotFound");
      const login = await call(emu, "GET", `/${sb("valid").tenantId}/oauth2/v2.0/nothing`);
      expect(login.status).toBe(404);
      expect(login.headers["content-type"]).toMatch(/^text\/plain/);
      expect((await call(emu, "GET", "/")).status).toBe(404);
    });
  });

  describe("faults", () => {
    it("throttles the first token request of throttled-once, then answers", async () => {
      const e = await createEmulator({ tenants: sandboxTenants() });
      const first = await credsRequest(e, "throttled-once");
      expect(first.status).toBe(429);
      expect(first.headers["retry-after"]).toBe("1");
      expect(first.json.error).toBe("temporarily_unavailable");
      expect(first.json.error_codes).toEqual([50196]);
      expect((await credsRequest(e, "throttled-once")).status).toBe(200);
      // Counters are per emulator instance.
      const other = await createEmulator({ tenants: sandboxTenants() });
      expect((await credsRequest(other, "throttled-once")).status).toBe(429);
      // resetCounters() re-arms the fault.
      e.resetCounters();
      expect(e.requestCount).toBe(0);
      expect((await credsRequest(e, "throttled-once")).status).toBe(429);
      expect(e.requestCount).toBe(1);
    });

    it("throttles only requests that pass the credential checks", async () => {
      const e = await createEmulator({ tenants: sandboxTenants() });
      expect(errorCode(await credsRequest(e, "throttled-once", { client_secret: "bad" }))).toBe(7000215);
      expect((await credsRequest(e, "throttled-once")).status).toBe(429);
    });

    it("always throttles throttled", async () => {
      for (let i = 0; i < 3; i++) {
        const res = await credsRequest(emu, "throttled");
        expect(res.status).toBe(429);
        expect(res.headers["retry-after"]).toBe("120");
      }
    });

    it("answers Graph 503 with Retry-After for graph-unavailable", async () => {
      const c = sb("graph-unavailable");
      const token = await tokenFor(emu, "graph-unavailable");
      for (const path of ["/v1.0/organization", `/v1.0/applications(appId='${c.clientId}')`]) {
        const res = await graphGet(emu, path, token);
        expect(res.status).toBe(503);
        expect(res.headers["retry-after"]).toBe("120");
        expect(res.headers["content-type"]).toBe(GRAPH_JSON);
        expect((res.json.error as Record<string, unknown>).code).toBe("serviceNotAvailable");
      }
      expect((await graphGet(emu, `/v1.0/servicePrincipals(appId='${c.clientId}')`, token)).status).toBe(200);
      // Authentication is checked before the fault.
      expect((await graphGet(emu, "/v1.0/organization", undefined)).status).toBe(401);
    });

    it("throttles Graph with TooManyRequests", async () => {
      const tenants = sandboxTenants();
      const t = tenants.find((x) => x.scenario === "valid");
      if (t === undefined) throw new Error("fixture");
      t.faults = { organization: { kind: "throttle", retryAfterSeconds: 7, times: 1 } };
      const e = await createEmulator({ tenants });
      const token = await tokenFor(e, "valid");
      const first = await graphGet(e, "/v1.0/organization", token);
      expect(first.status).toBe(429);
      expect(first.headers["retry-after"]).toBe("7");
      expect((first.json.error as Record<string, unknown>).code).toBe("TooManyRequests");
      expect((await graphGet(e, "/v1.0/organization", token)).status).toBe(200);
    });

    it("hangs, resets and answers HTML 502 where the fixtures say", async () => {
      const openid = (name: string) => call(emu, "GET", `/${sb(name).tenantId}/v2.0/.well-known/openid-configuration`);
      expect((await openid("slow")).raw).toEqual({ kind: "hang" });
      expect((await openid("reset")).raw).toEqual({ kind: "reset" });
      expect((await credsRequest(emu, "token-hang")).raw).toEqual({ kind: "hang" });
      const html = await credsRequest(emu, "html-502");
      expect(html.status).toBe(502);
      expect(html.headers["content-type"]).toBe("text/html");
      expect(html.body).toContain("<html>");
      const token = await tokenFor(emu, "graph-html-502");
      const g = await graphGet(emu, "/v1.0/organization", token);
      expect(g.status).toBe(502);
      expect(g.headers["content-type"]).toBe("text/html");
      // Other routes of those tenants are unaffected.
      expect((await credsRequest(emu, "slow")).status).toBe(200);
      expect((await openid("token-hang")).status).toBe(200);
    });

    it("does not apply a tenant's faults before the tenant is known", async () => {
      const res = await call(emu, "GET", `/${sb("unknown-tenant").tenantId}/v2.0/.well-known/openid-configuration`);
      expect(res.status).toBe(400);
    });

    it("adds global latency and latency faults as delayMs", async () => {
      const tenants = sandboxTenants();
      const t = tenants.find((x) => x.scenario === "valid");
      if (t === undefined) throw new Error("fixture");
      t.faults = { openid: { kind: "latency", ms: 50 } };
      const e = await createEmulator({ tenants, latencyMs: 5 });
      const res = await call(e, "GET", `/${t.id}/v2.0/.well-known/openid-configuration`);
      expect(res.status).toBe(200);
      expect(res.raw).toMatchObject({ delayMs: 55 });
      expect((await credsRequest(e, "valid")).raw).toMatchObject({ delayMs: 5 });
      expect((await call(emu, "GET", `/${t.id}/v2.0/.well-known/openid-configuration`)).raw).not.toHaveProperty(
        "delayMs",
      );
    });

    it("counts every request", async () => {
      const e = await createEmulator({ tenants: sandboxTenants() });
      await call(e, "GET", "/nothing");
      await credsRequest(e, "valid");
      expect(e.requestCount).toBe(2);
    });
  });

  describe("secrets never leak", () => {
    const CANARY = "CaN8Q~canaryCANARYcanary.canary-canary_99";

    function assertClean(res: Answer, secret: string, where: string) {
      const text = JSON.stringify(res.raw);
      expect(text.includes(secret), `${where} leaked the secret`).toBe(false);
      for (const value of Object.values(res.headers)) expect(value.includes(secret), where).toBe(false);
    }

    it("keeps a canary secret out of every answer of every scenario and route", async () => {
      const e = await createEmulator({ tenants: sandboxTenants(), latencyMs: 0 });
      let checked = 0;
      for (const [name, c] of Object.entries(SANDBOX)) {
        const validToken = await e.signToken({
          aud: GRAPH,
          tid: c.tenantId,
          appid: c.clientId,
          roles: ["Organization.Read.All", "Application.Read.All"],
        });
        const body = form({
          client_id: c.clientId,
          client_secret: CANARY,
          scope: `${GRAPH}/.default`,
          grant_type: "client_credentials",
        });
        const requests: [string, string, Record<string, string>][] = [
          ["GET", `/${c.tenantId}/v2.0/.well-known/openid-configuration`, {}],
          ["GET", `/${c.tenantDomain}/v2.0/.well-known/openid-configuration`, {}],
          ["GET", `/${c.tenantId}/discovery/v2.0/keys`, {}],
          ["POST", `/${c.tenantId}/oauth2/v2.0/token`, {}],
          ["POST", `/${c.tenantId}/oauth2/v2.0/token?client-request-id=${CANARY}`, {}],
          ["POST", `/${c.tenantDomain}/oauth2/v2.0/token`, { "client-request-id": CANARY }],
          ["GET", "/v1.0/organization", { authorization: `Bearer ${CANARY}` }],
          ["GET", "/v1.0/organization", { authorization: `Bearer ${validToken}`, "client-request-id": "x".repeat(80) }],
          ["GET", `/v1.0/applications(appId='${c.clientId}')`, { authorization: `Bearer ${validToken}` }],
          ["GET", `/v1.0/servicePrincipals(appId='${c.clientId}')`, { authorization: `Bearer ${validToken}` }],
          ["GET", "/v1.0/nothing", { authorization: `Bearer ${validToken}` }],
        ];
        for (const [method, path, headers] of requests) {
          for (let i = 0; i < 2; i++) {
            assertClean(await call(e, method, path, { headers, body }), CANARY, `${name} ${method} ${path}`);
            checked += 1;
          }
        }
        // The scenario's real secret, correctly sent, is not echoed either (success or error). Certificate
        // scenarios have no secret (client-assertion.test.ts covers them).
        if (c.clientSecret === "") continue;
        assertClean(await credsRequest(e, name), c.clientSecret, `${name} token`);
        const token = await e.signToken({
          aud: GRAPH,
          tid: c.tenantId,
          appid: c.clientId,
          roles: ["Application.Read.All"],
        });
        assertClean(
          await graphGet(e, `/v1.0/applications(appId='${c.clientId}')`, token),
          c.clientSecret,
          `${name} application`,
        );
      }
      expect(checked).toBeGreaterThan(400);
    });
  });
});

describe("fixtures", () => {
  it("has the contracted scenarios with realistic, unique secrets", () => {
    expect(Object.keys(SANDBOX).sort()).toEqual(
      [
        "valid",
        "missing-consent",
        "partial-consent",
        "expiring",
        "expired",
        "disabled",
        "blocked-by-policy",
        "gcc-high",
        "gcc-high-valid",
        "dod-valid",
        "china-valid",
        "graph-denied",
        "multi-tenant-app",
        "secret-rotated",
        "certificate",
        "certificate-not-registered",
        "certificate-expiring",
        "gcc-high-certificate",
        "dod-certificate",
        "china-certificate",
        "no-service-principal",
        "throttled-once",
        "throttled",
        "graph-unavailable",
        "slow",
        "token-hang",
        "html-502",
        "reset",
        "graph-html-502",
        "self-rotation",
        "readiness-domain-not-added",
        "readiness-domain-unverified",
        "readiness-no-free-licence",
        "readiness-no-activation-user",
        "readiness-no-teams-role",
        "readiness-no-teams-api",
        "readiness-permissions-missing",
        "unknown-tenant",
      ].sort(),
    );
    // The provisioning tenants have no app, hence no credentials; they are tested in emulator.provisioning.test.ts.
    const tenants = sandboxTenants().filter((t) => t.apps.length > 0);
    const values = tenants.flatMap((t) => t.apps.flatMap((a) => a.secrets.map((s) => s.value)));
    values.push(sb("unknown-tenant").clientSecret);
    expect(new Set(values).size).toBe(values.length);
    for (const v of values) expect(v).toMatch(/^[A-Za-z0-9]{3}8Q~[A-Za-z0-9~._-]{34}$/);
    for (const t of tenants) {
      expect(t.id).toMatch(GUID_RE);
      expect(t.description.length).toBeGreaterThan(10);
      expect(t.domains.filter((d) => d.isInitial)).toHaveLength(1);
      expect(t.domains.filter((d) => d.isDefault)).toHaveLength(1);
      for (const a of t.apps) {
        const prefixes = a.secrets.map((s) => s.value.slice(0, 3));
        expect(new Set(prefixes).size).toBe(prefixes.length);
      }
      const s = SANDBOX[t.scenario];
      expect(s?.tenantId).toBe(t.id);
      // The listing names the cloud the tenant lives in.
      expect(s?.cloud).toBe(t.cloud);
      expect(t.domains.some((d) => d.name === s?.tenantDomain && d.isInitial)).toBe(true);
    }
    expect(tenants.some((t) => t.id === sb("unknown-tenant").tenantId)).toBe(false);
    expect(sb("unknown-tenant").cloud).toBe("global");
  });
});

describe("emulatorDispatch", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await createEmulator({ tenants: sandboxTenants() });
  });

  it("sends the path and query, and the URL's host", async () => {
    const dispatch = emulatorDispatch(emu);
    const c = sb("valid");
    const res = await dispatch(
      {
        method: "GET",
        url: `https://emu.local:8443/${c.tenantDomain}/v2.0/.well-known/openid-configuration`,
        headers: {},
      },
      new AbortController().signal,
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).issuer).toBe(`https://emu.local:8443/${c.tenantId}/v2.0`);
    const token = await dispatch(
      {
        method: "POST",
        url: `https://emu.local:8443/${c.tenantId}/oauth2/v2.0/token?client-request-id=cccccccc-0000-4000-8000-000000000001`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form({
          client_id: c.clientId,
          client_secret: "bad",
          grant_type: "client_credentials",
          scope: `${GRAPH}/.default`,
        }),
      },
      new AbortController().signal,
    );
    expect(JSON.parse(token.body).correlation_id).toBe("cccccccc-0000-4000-8000-000000000001");
  });

  it("waits delayMs and rejects promptly on abort during the delay", async () => {
    const e = await createEmulator({ tenants: sandboxTenants(), latencyMs: 150 });
    const dispatch = emulatorDispatch(e);
    const url = `https://emu.local/${sb("valid").tenantId}/v2.0/.well-known/openid-configuration`;
    const started = Date.now();
    await dispatch({ method: "GET", url, headers: {} }, new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(new Error("timeout!")), 20);
    await expect(dispatch({ method: "GET", url, headers: {} }, ac.signal)).rejects.toThrow("timeout!");
    expect(Date.now() - t0).toBeLessThan(120);
  });

  it("hangs until the signal aborts, then rejects with its reason", async () => {
    const dispatch = emulatorDispatch(emu);
    const ac = new AbortController();
    const reason = Object.assign(new Error("deadline"), { name: "TimeoutError" });
    setTimeout(() => ac.abort(reason), 30);
    await expect(
      dispatch(
        {
          method: "GET",
          url: `https://emu.local/${sb("slow").tenantId}/v2.0/.well-known/openid-configuration`,
          headers: {},
        },
        ac.signal,
      ),
    ).rejects.toBe(reason);
  });

  it("rejects a reset with ECONNRESET, and an already aborted signal at once", async () => {
    const dispatch = emulatorDispatch(emu);
    const url = `https://emu.local/${sb("reset").tenantId}/v2.0/.well-known/openid-configuration`;
    await expect(dispatch({ method: "GET", url, headers: {} }, new AbortController().signal)).rejects.toMatchObject({
      code: "ECONNRESET",
    });
    const ac = new AbortController();
    ac.abort(new Error("gone"));
    await expect(dispatch({ method: "GET", url, headers: {} }, ac.signal)).rejects.toThrow("gone");
  });
});
