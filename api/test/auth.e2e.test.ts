/**
 * Operator sign-in (AUTH_MODE=entra) over real HTTP: RS256 tokens signed by the emulator's key, whose JWKS the
 * emulator serves over HTTPS; valid tokens per role, the ways a token is refused, and the security headers.
 */
import { randomUUID } from "node:crypto";
import type { Problem, Service } from "@dr/contract";
import { generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import type { EmulatorServer } from "../src/m365/emulator/emulator.server.js";
import { type EntraSetup, OTHER_TENANT, PROVIDER_TENANT, startEntraSetup, TAB_CLIENT_ID } from "./entra.js";
import { startTestApp, type TestApp } from "./helpers.js";

const valid = SANDBOX.valid;
if (!valid) throw new Error("no valid scenario");

let setup: EntraSetup;
let server: EmulatorServer;
let app: TestApp;
const ssoToken: EntraSetup["ssoToken"] = (overrides, opts) => setup.ssoToken(overrides, opts);

async function call(method: string, path: string, token: string | undefined, body?: unknown) {
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as unknown) : undefined };
}

beforeAll(async () => {
  setup = await startEntraSetup();
  ({ server, app } = setup);
});

afterAll(async () => {
  await setup?.close();
});

describe("operator sign-in with Teams SSO tokens", () => {
  it("every route except health needs a token (401 problem+json)", async () => {
    const id = randomUUID();
    const routes: [string, string][] = [
      ["GET", "/api/settings"],
      ["GET", "/api/sandbox"],
      ["GET", "/api/customers"],
      ["POST", "/api/customers"],
      ["GET", "/api/services"],
      ["GET", "/api/services/name-check?name=abc"],
      ["POST", "/api/services"],
      ["POST", "/api/validation"],
      ["GET", `/api/services/${id}`],
      ["PATCH", `/api/services/${id}`],
      ["DELETE", `/api/services/${id}`],
      ["GET", `/api/services/${id}/m365`],
      ["POST", `/api/services/${id}/m365/validate`],
      ["PUT", `/api/services/${id}/m365/secret`],
      ["GET", `/api/services/${id}/audit`],
    ];
    for (const [method, path] of routes) {
      const r = await call(method, path, undefined, method === "GET" || method === "DELETE" ? undefined : {});
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
      expect((r.json as Problem).code).toBe("unauthenticated");
    }
    expect((await call("GET", "/api/health", undefined)).status).toBe(200);
  });

  it("an Operator onboards; the audit actor and the M365 User Name come from the token", async () => {
    const token = await ssoToken();
    const customer = await call("POST", "/api/customers", token, { name: "Signed-in Customer" });
    expect(customer.status).toBe(201);
    const created = await call("POST", "/api/services", token, {
      customerId: (customer.json as { id: string }).id,
      shortName: "signed-in",
      licenseType: "hosted-pro",
      licensedUsers: 10,
      m365: { tenantId: valid.tenantId, clientId: valid.clientId, clientSecret: valid.clientSecret },
    });
    expect(created.status).toBe(201);
    const service = created.json as Service;
    expect(service.createdBy).toBe("olivia@provider.example");
    expect(service.m365.userName).toBe("olivia@provider.example");
    const audit = await call("GET", `/api/services/${service.id}/audit`, token);
    expect((audit.json as { items: { actor: string }[] }).items[0]?.actor).toBe("olivia@provider.example");
    // Editing and deleting are the Admin's.
    expect((await call("PATCH", `/api/services/${service.id}`, token, { licensedUsers: 11 })).status).toBe(403);
    expect((await call("DELETE", `/api/services/${service.id}`, token)).status).toBe(403);
    const admin = await ssoToken({ roles: ["Onboarding.Admin"], upn: "adam@provider.example" });
    expect((await call("PATCH", `/api/services/${service.id}`, admin, { licensedUsers: 11 })).status).toBe(200);
    expect((await call("POST", `/api/services/${service.id}/m365/validate`, admin)).status).toBe(200);
    expect((await call("DELETE", `/api/services/${service.id}`, admin)).status).toBe(204);
  });

  it("a Reader reads but cannot create or validate (403 forbidden)", async () => {
    const reader = await ssoToken({ roles: ["Onboarding.Reader"] });
    expect((await call("GET", "/api/services", reader)).status).toBe(200);
    expect((await call("GET", "/api/customers", reader)).status).toBe(200);
    const create = await call("POST", "/api/customers", reader, { name: "Nope" });
    expect(create.status).toBe(403);
    expect((create.json as Problem).code).toBe("forbidden");
    const validate = await call("POST", "/api/validation", reader, {
      tenantId: valid.tenantId,
      clientId: valid.clientId,
      clientSecret: valid.clientSecret,
    });
    expect(validate.status).toBe(403);
    const noRole = await ssoToken({ roles: [] });
    expect((await call("GET", "/api/services", noRole)).status).toBe(403);
  });

  it("tells the tab who the operator is and what their roles allow, never from a shared cache", async () => {
    const permissionsOf = async (roles: string[]) => {
      const r = await call("GET", "/api/settings", await ssoToken({ roles, upn: "pat@provider.example" }));
      expect(r.status).toBe(200);
      expect(r.headers.get("cache-control")).toBe("private, no-store");
      const { operator } = r.json as { operator: { name: string; permissions: string[] } };
      expect(operator.name).toBe("pat@provider.example");
      return operator.permissions;
    };
    expect(await permissionsOf(["Onboarding.Reader"])).toEqual(["read"]);
    expect(await permissionsOf(["Onboarding.Operator"])).toEqual(["read", "operate"]);
    expect(await permissionsOf(["Onboarding.Admin"])).toEqual(["read", "operate", "admin"]);
    expect(await permissionsOf(["Onboarding.Reader", "Onboarding.Operator"])).toEqual(["read", "operate"]);
  });

  it("refuses expired, early, foreign, unscoped, tampered, unsigned and unknown-key tokens", async () => {
    const now = Math.floor(Date.now() / 1000);
    const other = await generateKeyPair("RS256");
    const forged = await new SignJWT({
      aud: TAB_CLIENT_ID,
      iss: `${server.url}/${PROVIDER_TENANT}/v2.0`,
      tid: PROVIDER_TENANT,
      scp: "access_as_user",
      roles: ["Onboarding.Admin"],
    })
      .setProtectedHeader({ alg: "RS256", kid: "not-a-published-key" })
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(other.privateKey);
    const good = await ssoToken({ roles: ["Onboarding.Admin"] });
    const [header, payload, signature] = good.split(".");
    const elevated = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? "", "base64url").toString()), upn: "mallory@x.example" }),
    ).toString("base64url");
    const cases: [string, string, string][] = [
      ["expired", "expired", await ssoToken({ iat: now - 7200, nbf: now - 7200, exp: now - 3600 })],
      ["not yet valid", "not valid yet", await ssoToken({ nbf: now + 3600 })],
      ["wrong audience", "another application", await ssoToken({ aud: "api://someone-else" })],
      ["wrong issuer", "another issuer", await ssoToken({ iss: "https://login.microsoftonline.com/common/v2.0" })],
      ["issuer of another tenant", "another issuer", await ssoToken({ iss: `${server.url}/${OTHER_TENANT}/v2.0` })],
      ["other tenant", "another organisation", await ssoToken({ tid: OTHER_TENANT })],
      ["missing scope", "access_as_user", await ssoToken({ scp: "User.Read" })],
      ["tampered payload", "signature", `${header}.${elevated}.${signature}`],
      ["alg none", "", new UnsecuredJWT({ aud: TAB_CLIENT_ID, tid: PROVIDER_TENANT, scp: "access_as_user" }).encode()],
      ["unknown key id", "unknown key", forged],
      ["not a JWT", "", "abc.def"],
    ];
    for (const [name, reason, token] of cases) {
      const r = await call("GET", "/api/services", token);
      expect(r.status, name).toBe(401);
      expect((r.json as Problem).code, name).toBe("unauthenticated");
      expect((r.json as Problem).detail, name).toContain(reason);
      expect(JSON.stringify(r.json)).not.toContain(token);
    }
  });

  it("sends the security headers: CSP framing for Teams only, nosniff, no X-Powered-By", async () => {
    const r = await fetch(`${app.url}/api/health`);
    const csp = r.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'self' teams.microsoft.com *.teams.microsoft.com *.cloud.microsoft");
    expect(csp).toContain("default-src 'self'");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("x-powered-by")).toBeNull();
    expect(r.headers.get("strict-transport-security")).toBeNull();
  });

  it("adds HSTS in production", async () => {
    // Production also needs an authenticated bot, a shared key and an https PUBLIC_URL (fail-closed rules, config.ts).
    const production = await startTestApp(
      {
        ...setup.env,
        NODE_ENV: "production",
        MicrosoftAppId: "8a5d0c4e-1f0b-4c2d-9a51-3f7e2b6c9d10",
        MicrosoftAppTenantId: "8a5d0c4e-1f0b-4c2d-9a51-3f7e2b6c9d11",
        MicrosoftAppPassword: "bot-registration-password",
        SECRET_KEY: Buffer.alloc(32, 3).toString("base64"),
        PUBLIC_URL: "https://onboarding.provider.example",
      },
      { extraCaPem: [server.caPem] },
    );
    try {
      const r = await fetch(`${production.url}/api/health`);
      expect(r.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
      expect((await call("GET", "/api/services", await ssoToken({ roles: ["Onboarding.Reader"] }))).status).toBe(200);
    } finally {
      await production.close();
    }
  });
});
