/**
 * The emulator's Direct Routing readiness reads (docs/entra.md section 16): domains with their verification records,
 * subscribed SKUs, the `endswith` user filter that needs `ConsistencyLevel: eventual`, their permissions, and tokens
 * for the Skype and Teams Tenant Admin API (AADSTS500011 where the tenant lacks it).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createEmulator } from "../emulator.core.js";
import { SANDBOX, sandboxTenants } from "../emulator.fixtures.js";
import type { Emulator } from "../emulator.types.js";

const GRAPH = "https://graph.microsoft.com";
const TEAMS_API = "48ac35b8-9aa8-4d74-927d-1f4a14a0b239";
let emu: Emulator;

function sb(name: string) {
  const c = SANDBOX[name];
  if (!c) throw new Error(name);
  return c;
}

async function get(path: string, token: string, headers: Record<string, string> = {}) {
  const res = await emu.handle({
    method: "GET",
    path,
    headers: { authorization: `Bearer ${token}`, ...headers },
    body: "",
  });
  if (res.kind !== "response") throw new Error(res.kind);
  return { status: res.status, json: JSON.parse(res.body) as Record<string, unknown> };
}

async function tokenRequest(scenario: string, scope: string) {
  const c = sb(scenario);
  const body = new URLSearchParams({
    client_id: c.clientId,
    client_secret: c.clientSecret,
    scope,
    grant_type: "client_credentials",
  }).toString();
  const res = await emu.handle({
    method: "POST",
    path: `/${c.tenantId}/oauth2/v2.0/token`,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
  });
  if (res.kind !== "response") throw new Error(res.kind);
  return { status: res.status, json: JSON.parse(res.body) as Record<string, unknown> };
}

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;

const appToken = (scenario: string, roles: string[]) =>
  emu.signToken({ aud: GRAPH, tid: sb(scenario).tenantId, appid: sb(scenario).clientId, idtyp: "app", roles });

beforeAll(async () => {
  emu = await createEmulator({ tenants: sandboxTenants() });
});

describe("readiness reads in the emulator", () => {
  it("answers a verified domain, an unverified one with its TXT record, and 404 for one not added", async () => {
    const valid = await get(
      "/v1.0/domains/contoso.sbc.sandbox.provider.example",
      await appToken("valid", ["Domain.Read.All"]),
    );
    expect(valid.status).toBe(200);
    expect(valid.json).toMatchObject({ id: "contoso.sbc.sandbox.provider.example", isVerified: true });
    expect(valid.json.supportedServices).toContain("OfficeCommunicationsOnline");
    const token = await appToken("readiness-domain-unverified", ["Domain.Read.All"]);
    const added = await get("/v1.0/domains/blueyonder.sbc.sandbox.provider.example", token);
    expect(added.json).toMatchObject({ isVerified: false, supportedServices: [] });
    const records = await get("/v1.0/domains/blueyonder.sbc.sandbox.provider.example/verificationDnsRecords", token);
    const txt = (records.json.value as Record<string, unknown>[]).find((r) => r.recordType === "Txt");
    expect(txt?.text).toMatch(/^MS=ms\d{8}$/);
    const missing = await get("/v1.0/domains/nothing.sbc.sandbox.provider.example", token);
    expect(missing.status).toBe(404);
    expect((missing.json.error as Record<string, unknown>).code).toBe("Request_ResourceNotFound");
    // An added domain that is not verified names no tenant, and is not among the verified domains.
    const openid = await emu.handle({
      method: "GET",
      path: "/blueyonder.sbc.sandbox.provider.example/v2.0/.well-known/openid-configuration",
      headers: {},
      body: "",
    });
    expect(openid.kind === "response" && openid.status).toBe(400);
  });

  it("refuses the reads without their permissions (403)", async () => {
    const token = await appToken("valid", ["Application.Read.All"]);
    expect((await get("/v1.0/domains/contoso.sbc.sandbox.provider.example", token)).status).toBe(403);
    expect((await get("/v1.0/subscribedSkus", token)).status).toBe(403);
    expect((await get("/v1.0/users", token)).status).toBe(403);
  });

  it("lists SKUs with their units and plans; refuses $filter", async () => {
    const token = await appToken("readiness-no-free-licence", ["Organization.Read.All"]);
    const skus = await get("/v1.0/subscribedSkus", token);
    const phone = (skus.json.value as Record<string, unknown>[]).find((s) => s.skuPartNumber === "MCOEV");
    expect(phone).toMatchObject({ consumedUnits: 5, prepaidUnits: { enabled: 5 } });
    expect(phone?.servicePlans).toEqual([expect.objectContaining({ servicePlanName: "MCOEV" })]);
    expect((await get("/v1.0/subscribedSkus?$filter=skuPartNumber%20eq%20'MCOEV'", token)).status).toBe(400);
  });

  it("filters users by endswith only with ConsistencyLevel: eventual", async () => {
    const token = await appToken("valid", ["User.Read.All"]);
    const path = `/v1.0/users?$filter=${encodeURIComponent("endswith(userPrincipalName,'@contoso.sbc.sandbox.provider.example')")}&$count=true`;
    const refused = await get(path, token);
    expect(refused.status).toBe(400);
    expect((refused.json.error as Record<string, unknown>).message).toBe(
      "Operator 'endsWith' is not supported because the 'ConsistencyLevel:eventual' header is missing.",
    );
    const found = await get(path, token, { consistencylevel: "eventual" });
    expect(found.status).toBe(200);
    expect(found.json["@odata.count"]).toBe(1);
    expect((found.json.value as Record<string, unknown>[])[0]?.userPrincipalName).toBe(
      "sbc-activation@contoso.sbc.sandbox.provider.example",
    );
  });

  it("issues Teams Tenant Admin API tokens (aud the API's app id, no roles, the wids) and 500011 where it is missing", async () => {
    const ok = await tokenRequest("valid", `${TEAMS_API}/.default`);
    expect(ok.status).toBe(200);
    const claims = claimsOf(String(ok.json.access_token));
    expect(claims.aud).toBe(TEAMS_API);
    expect(claims.roles).toBeUndefined();
    expect(claims.wids).toContain("69091246-20e8-4a56-aa4d-066075b2a7a8");
    // Graph refuses a token for another audience.
    const graph = await get("/v1.0/organization", String(ok.json.access_token));
    expect(graph.status).toBe(401);
    const missing = await tokenRequest("readiness-no-teams-api", `${TEAMS_API}/.default`);
    expect(missing.status).toBe(400);
    expect(missing.json.error).toBe("invalid_resource");
    expect(missing.json.error_codes).toEqual([500011]);
  });
});
