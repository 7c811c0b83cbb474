/**
 * The emulator's clouds (docs/entra.md section 1, "The emulator's clouds"): which host is which cloud, the token's
 * audience per cloud, the cross-cloud answers, discovery across clouds and each Graph host's audience.
 */
import type { Cloud } from "@dr/contract";
import { decodeJwt } from "jose";
import { assert, beforeAll, describe, expect, it } from "vitest";
import { CLOUDS } from "../clouds.js";
import { hostView, MICROSOFT_HOST_NAMES } from "./emulator.clouds.js";
import { createEmulator } from "./emulator.core.js";
import {
  SANDBOX,
  SANDBOX_PROVISIONING_CLIENT_ID,
  type SandboxCredentials,
  sandboxTenants,
} from "./emulator.fixtures.js";
import { createEmulatorState } from "./emulator.state.js";
import type { Emulator } from "./emulator.types.js";

const GLOBAL_LOGIN = "login.microsoftonline.com";
const US_LOGIN = "login.microsoftonline.us";
const CN_LOGIN = "login.partner.microsoftonline.cn";

/** A sandbox scenario's credentials. */
const sb = (name: string): SandboxCredentials => SANDBOX[name] ?? assert.fail(`no scenario ${name}`);

interface Answer {
  status: number;
  json: Record<string, unknown>;
}

async function call(
  emu: Emulator,
  host: string,
  method: string,
  path: string,
  init: { body?: string; token?: string } = {},
) {
  const headers: Record<string, string> = { host };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
  const raw = await emu.handle({ method, path, headers, body: init.body ?? "" });
  if (raw.kind !== "response") throw new Error(`no answer: ${raw.kind}`);
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(raw.body) as Record<string, unknown>;
  } catch {
    json = {};
  }
  return { status: raw.status, json } satisfies Answer;
}

/** A client-credentials request for a scenario's app at `host`, for `resource` (default: the scenario's cloud's). */
function tokenAt(emu: Emulator, host: string, scenario: string, resource: string): Promise<Answer> {
  const c = sb(scenario);
  const body = new URLSearchParams({
    client_id: c.clientId,
    client_secret: c.clientSecret,
    grant_type: "client_credentials",
    scope: `${resource}/.default`,
  }).toString();
  return call(emu, host, "POST", `/${c.tenantId}/oauth2/v2.0/token`, { body });
}

function code(answer: Answer): unknown {
  return (answer.json.error_codes as unknown[] | undefined)?.[0];
}

const host = (url: string) => new URL(url).host;

/** Each cloud's passing scenario. */
const OK: Record<Cloud, string> = {
  global: "valid",
  "usgov-gcchigh": "gcc-high-valid",
  "usgov-dod": "dod-valid",
  china: "china-valid",
};

describe("the emulator's host table", () => {
  it("knows every login and Graph host of the cloud table, and China's alias", async () => {
    const state = await createEmulatorState({ tenants: [] });
    for (const cloud of Object.keys(CLOUDS) as Cloud[]) {
      const login = hostView(state, host(CLOUDS[cloud].loginUrl));
      expect(login.service).toBe("login");
      expect(login.graphResources).toContain(CLOUDS[cloud].graphResource);
      const graph = hostView(state, host(CLOUDS[cloud].graphUrl));
      expect(graph).toMatchObject({ service: "graph", graphResources: [CLOUDS[cloud].graphResource] });
      expect(MICROSOFT_HOST_NAMES).toContain(host(CLOUDS[cloud].loginUrl));
      expect(MICROSOFT_HOST_NAMES).toContain(host(CLOUDS[cloud].graphUrl));
    }
    expect(hostView(state, "login.chinacloudapi.cn")).toMatchObject({ instance: "china", service: "login" });
    // GCC High and DoD share one login host and one directory; their Graph hosts differ.
    expect(hostView(state, US_LOGIN)).toMatchObject({
      instance: "usgov",
      graphResources: ["https://graph.microsoft.us", "https://dod-graph.microsoft.us"],
    });
    expect(hostView(state, "GRAPH.MICROSOFT.US:443")).toMatchObject({ instance: "usgov", service: "graph" });
  });

  it("treats any other host (an override's loopback address) as the global cloud, both services", async () => {
    const state = await createEmulatorState({ tenants: [], graphResource: "https://graph.example.test/" });
    for (const h of ["127.0.0.1:8443", "login.emulator.test", undefined]) {
      expect(hostView(state, h)).toEqual({
        instance: "global",
        service: "any",
        graphResources: ["https://graph.example.test"],
      });
    }
  });
});

describe("the emulator per cloud", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await createEmulator({ tenants: sandboxTenants() });
  });

  for (const [cloud, scenario] of Object.entries(OK) as [Cloud, string][]) {
    it(`${cloud}: a token at its login host with its Graph audience, accepted by its Graph host only`, async () => {
      const { loginUrl, graphUrl, graphResource } = CLOUDS[cloud];
      const answer = await tokenAt(emu, host(loginUrl), scenario, graphResource);
      expect(answer.status).toBe(200);
      const token = String(answer.json.access_token);
      const claims = decodeJwt(token);
      expect(claims.aud).toBe(graphResource);
      expect(claims.tid).toBe(sb(scenario).tenantId);
      expect(claims.roles).toEqual(expect.arrayContaining(["Organization.Read.All", "Application.Read.All"]));
      const org = await call(emu, host(graphUrl), "GET", "/v1.0/organization?$select=id", { token });
      expect(org.status).toBe(200);
      expect((org.json.value as { id: string }[])[0]?.id).toBe(sb(scenario).tenantId);
      // Every other cloud's Graph host refuses the audience, as Graph does.
      for (const other of Object.keys(CLOUDS) as Cloud[]) {
        if (other === cloud) continue;
        const refused = await call(emu, host(CLOUDS[other].graphUrl), "GET", "/v1.0/organization", { token });
        expect(refused.status, other).toBe(401);
        expect(refused.json.error).toMatchObject({
          code: "InvalidAuthenticationToken",
          message: "Access token validation failure. Invalid audience.",
        });
      }
      // The discovery document is built with the host it was asked on.
      const doc = await call(
        emu,
        host(loginUrl),
        "GET",
        `/${sb(scenario).tenantId}/v2.0/.well-known/openid-configuration`,
      );
      expect(doc.status).toBe(200);
      expect(doc.json.issuer).toBe(`${loginUrl}/${sb(scenario).tenantId}/v2.0`);
      expect(doc.json.msgraph_host).toBe(host(graphUrl));
    });
  }

  it.each([
    ["a GCC High tenant on the global host", GLOBAL_LOGIN, "gcc-high", 900382],
    ["a DoD tenant on the global host", GLOBAL_LOGIN, "dod-valid", 900382],
    ["a China tenant on the global host", GLOBAL_LOGIN, "china-valid", 90002],
    ["a global tenant on the US Gov host", US_LOGIN, "valid", 900440],
    ["a China tenant on the US Gov host", US_LOGIN, "china-valid", 90002],
    ["a global tenant on the China host", CN_LOGIN, "valid", 90002],
    ["a GCC High tenant on the China host", CN_LOGIN, "gcc-high-valid", 90002],
    ["a global tenant on China's alias host", "login.chinacloudapi.cn", "valid", 90002],
  ])("refuses %s across clouds, before any check of the app", async (_name, login, scenario, expected) => {
    const answer = await tokenAt(emu, login, scenario, "https://graph.microsoft.com");
    expect(answer.status).toBe(400);
    expect(answer.json.error).toBe("invalid_request");
    expect(code(answer)).toBe(expected);
    expect(String(answer.json.error_description)).toMatch(new RegExp(`^AADSTS${expected}: `));
    // The cloud comes before the app: a wrong secret changes nothing.
    const c = sb(scenario);
    const body = new URLSearchParams({
      client_id: c.clientId,
      client_secret: "Wr08Q~notTheSecretOfThisAppAtAll1234567",
      grant_type: "client_credentials",
      scope: "https://graph.microsoft.com/.default",
    }).toString();
    expect(code(await call(emu, login, "POST", `/${c.tenantId}/oauth2/v2.0/token`, { body }))).toBe(expected);
  });

  it("answers a Graph resource of another cloud with AADSTS500011, after the secret", async () => {
    const wrong = await tokenAt(emu, US_LOGIN, "gcc-high-valid", "https://graph.microsoft.com");
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toBe("invalid_resource");
    expect(code(wrong)).toBe(500011);
    expect(code(await tokenAt(emu, CN_LOGIN, "china-valid", "https://graph.microsoft.us"))).toBe(500011);
    expect(code(await tokenAt(emu, GLOBAL_LOGIN, "valid", "https://microsoftgraph.chinacloudapi.cn"))).toBe(500011);
  });

  it("gives a US Gov tenant a token for either US Gov Graph, and Graph's application id its own cloud's", async () => {
    const dod = await tokenAt(emu, US_LOGIN, "gcc-high-valid", "https://dod-graph.microsoft.us");
    expect(decodeJwt(String(dod.json.access_token)).aud).toBe("https://dod-graph.microsoft.us");
    const byId = await tokenAt(emu, US_LOGIN, "dod-valid", "00000003-0000-0000-c000-000000000000");
    expect(decodeJwt(String(byId.json.access_token)).aud).toBe("https://dod-graph.microsoft.us");
  });

  it("shares discovery between the global and US Gov hosts, not with China", async () => {
    const gov = await call(
      emu,
      GLOBAL_LOGIN,
      "GET",
      `/${sb("gcc-high").tenantId}/v2.0/.well-known/openid-configuration`,
    );
    expect(gov.status).toBe(200);
    expect(gov.json).toMatchObject({ tenant_region_scope: "USGov", tenant_region_sub_scope: "DODCON" });
    expect(gov.json.issuer).toBe(`https://${GLOBAL_LOGIN}/${sb("gcc-high").tenantId}/v2.0`);
    const dod = await call(
      emu,
      GLOBAL_LOGIN,
      "GET",
      `/${sb("dod-valid").tenantId}/v2.0/.well-known/openid-configuration`,
    );
    expect(dod.json).toMatchObject({ tenant_region_scope: "USGov", tenant_region_sub_scope: "DOD" });
    const pub = await call(emu, US_LOGIN, "GET", `/${sb("valid").tenantId}/v2.0/.well-known/openid-configuration`);
    expect(pub.status).toBe(200);
    expect(pub.json.cloud_instance_name).toBe("microsoftonline.com");
    for (const [login, scenario] of [
      [GLOBAL_LOGIN, "china-valid"],
      [US_LOGIN, "china-valid"],
      [CN_LOGIN, "valid"],
      [CN_LOGIN, "gcc-high"],
    ] as const) {
      const c = sb(scenario);
      for (const path of [
        `/${c.tenantId}/v2.0/.well-known/openid-configuration`,
        `/${c.tenantId}/discovery/v2.0/keys`,
      ]) {
        const answer = await call(emu, login, "GET", path);
        expect(answer.status, `${login}${path}`).toBe(400);
        expect(answer.json.error).toBe("invalid_tenant");
        expect(code(answer)).toBe(90002);
      }
    }
  });

  it("does not know the provider's (global) device-code app on another cloud's login host", async () => {
    const body = new URLSearchParams({
      client_id: SANDBOX_PROVISIONING_CLIENT_ID,
      scope: "https://graph.microsoft.us/Application.ReadWrite.All offline_access",
    }).toString();
    for (const login of [US_LOGIN, CN_LOGIN]) {
      const answer = await call(emu, login, "POST", "/organizations/oauth2/v2.0/devicecode", { body });
      expect(answer.status, login).toBe(400);
      expect(code(answer)).toBe(700016);
    }
    const global = new URLSearchParams({
      client_id: SANDBOX_PROVISIONING_CLIENT_ID,
      scope: "https://graph.microsoft.com/Application.ReadWrite.All offline_access",
    }).toString();
    const ok = await call(emu, GLOBAL_LOGIN, "POST", "/organizations/oauth2/v2.0/devicecode", { body: global });
    expect(ok.status).toBe(200);
  });

  it("serves each Microsoft host's own service only", async () => {
    const token = String((await tokenAt(emu, GLOBAL_LOGIN, "valid", "https://graph.microsoft.com")).json.access_token);
    expect((await call(emu, GLOBAL_LOGIN, "GET", "/v1.0/organization", { token })).status).toBe(404);
    const c = sb("valid");
    const onGraph = await call(
      emu,
      "graph.microsoft.com",
      "GET",
      `/${c.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    expect(onGraph.status).toBe(404);
  });
});
