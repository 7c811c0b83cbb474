/** The configuration module: defaults, and the refusals that keep a misconfigured server from starting. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const GUID = "5b0b8c3e-7f7c-4a59-9f0e-2c1d7f7a9e11";

describe("loadConfig", () => {
  it("starts in sandbox with contract.md's defaults", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3978, host: "127.0.0.1", dataDir: "./data", production: false });
    expect(c.m365).toMatchObject({ mode: "sandbox", timeoutMs: 10_000, retryBudgetMs: 5_000 });
    expect(c.m365.requiredPermissions).toEqual(["Organization.Read.All", "Application.Read.All"]);
    expect(c.auth.mode).toBe("dev");
    expect(c.validationRateLimitPerMinute).toBe(20);
  });

  const refusals: [string, Record<string, string>, RegExp][] = [
    [
      "an unset M365_MODE in production",
      { NODE_ENV: "production", AUTH_MODE: "entra", AUTH_TENANT_ID: GUID, AUTH_CLIENT_ID: GUID },
      /M365_MODE must be set/,
    ],
    [
      "sandbox in production",
      { NODE_ENV: "production", M365_MODE: "sandbox", AUTH_MODE: "entra", AUTH_TENANT_ID: GUID, AUTH_CLIENT_ID: GUID },
      /sandbox is refused/,
    ],
    ["dev sign-in in production", { NODE_ENV: "production", M365_MODE: "live" }, /AUTH_MODE=dev is refused/],
    ["entra without its ids", { AUTH_MODE: "entra" }, /needs AUTH_TENANT_ID and AUTH_CLIENT_ID/],
    [
      "a tenant that is not a GUID",
      { AUTH_MODE: "entra", AUTH_TENANT_ID: "contoso", AUTH_CLIENT_ID: GUID },
      /AUTH_TENANT_ID/,
    ],
    [
      "an http login URL",
      { M365_MODE: "live", M365_LOGIN_URL: "http://127.0.0.1:8443" },
      /M365_LOGIN_URL must be an https/,
    ],
    ["override URLs in sandbox", { M365_LOGIN_URL: "https://127.0.0.1:8443" }, /set M365_MODE=live/],
    ["a timeout that is not a number", { M365_TIMEOUT_MS: "soon" }, /M365_TIMEOUT_MS/],
    ["a short SECRET_KEY", { SECRET_KEY: Buffer.alloc(16).toString("base64") }, /SECRET_KEY must be 32 bytes/],
    ["a MySQL DATABASE_URL", { DATABASE_URL: "mysql://x" }, /DATABASE_URL must start with postgres/],
    ["a zero rate limit", { VALIDATION_RATE_LIMIT: "0" }, /VALIDATION_RATE_LIMIT/],
  ];
  for (const [what, env, message] of refusals) {
    it(`refuses ${what}`, () => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    });
  }

  it("accepts a production configuration", () => {
    const c = loadConfig({
      NODE_ENV: "production",
      M365_MODE: "live",
      AUTH_MODE: "entra",
      AUTH_TENANT_ID: GUID,
      AUTH_CLIENT_ID: GUID,
      SECRET_KEY: Buffer.alloc(32, 7).toString("base64"),
    });
    expect(c.production).toBe(true);
    expect(c.auth).toMatchObject({ mode: "entra", tenantId: GUID, clientId: GUID });
  });
});
