/** The configuration module: defaults, and the refusals that keep a misconfigured server from starting. */
import { SANDBOX_PROVISIONING_CLIENT_ID } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { ConfigError, isLoopbackHost, loadConfig } from "./config.js";

const GUID = "5b0b8c3e-7f7c-4a59-9f0e-2c1d7f7a9e11";
const KEY = Buffer.alloc(32, 7).toString("base64");
const ENTRA = { AUTH_MODE: "entra", AUTH_TENANT_ID: GUID, AUTH_CLIENT_ID: GUID };
const BOT = { MicrosoftAppId: GUID, MicrosoftAppTenantId: GUID, MicrosoftAppPassword: "bot-password" };

describe("loadConfig", () => {
  it("starts in sandbox with the README's defaults", () => {
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
      { NODE_ENV: "production", ...ENTRA, ...BOT, SECRET_KEY: KEY },
      /M365_MODE must be set/,
    ],
    [
      "sandbox in production",
      { NODE_ENV: "production", M365_MODE: "sandbox", ...ENTRA, ...BOT, SECRET_KEY: KEY },
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
    // Fail closed (issue 9): each of these used to start and open a door.
    ["dev sign-in on every interface", { HOST: "0.0.0.0", ...BOT }, /AUTH_MODE=dev is accepted only when HOST/],
    ["dev sign-in on a named host", { HOST: "onboarding.provider.example", ...BOT }, /HOST is onboarding/],
    [
      "an unauthenticated bot on every interface",
      { HOST: "0.0.0.0", ...ENTRA },
      /MicrosoftAppId is empty, which would accept unsigned bot activities/,
    ],
    [
      "an unauthenticated bot in production on loopback",
      { NODE_ENV: "production", M365_MODE: "live", ...ENTRA, SECRET_KEY: KEY },
      /MicrosoftAppId is empty/,
    ],
    [
      "a bot id without its tenant",
      { MicrosoftAppId: GUID, MicrosoftAppPassword: "x" },
      /MicrosoftAppTenantId must be set/,
    ],
    [
      "a bot id without a credential",
      { MicrosoftAppId: GUID, MicrosoftAppTenantId: GUID },
      /MicrosoftAppPassword must be set/,
    ],
    [
      "a generated key file in production",
      { NODE_ENV: "production", M365_MODE: "live", ...ENTRA, ...BOT },
      /SECRET_KEY must be set when NODE_ENV=production/,
    ],
    [
      "a generated key file with a shared database",
      { DATABASE_URL: "postgres://127.0.0.1/test" },
      /SECRET_KEY must be set when DATABASE_URL is set/,
    ],
    [
      "SQLite on Azure App Service",
      { WEBSITE_SITE_NAME: "dr-onboarding" },
      /DATABASE_URL must be set on Azure App Service/,
    ],
    ["a short previous key", { SECRET_KEY_PREVIOUS: `${KEY},abc` }, /SECRET_KEY_PREVIOUS must be/],
    ["an unknown bot cloud", { BOT_CLOUD: "mooncake" }, /BOT_CLOUD must be/],
    ["a relative PUBLIC_URL", { PUBLIC_URL: "onboarding.provider.example" }, /PUBLIC_URL must be an absolute/],
    ["a PUBLIC_URL of another scheme", { PUBLIC_URL: "ftp://onboarding.provider.example" }, /PUBLIC_URL must be/],
    ["a PUBLIC_URL with a query", { PUBLIC_URL: "https://p.example/?a=1" }, /PUBLIC_URL must be/],
    [
      "no PUBLIC_URL in production",
      { NODE_ENV: "production", M365_MODE: "live", ...ENTRA, ...BOT, SECRET_KEY: KEY },
      /PUBLIC_URL must be an https:\/\/ URL when NODE_ENV=production/,
    ],
    [
      "an http PUBLIC_URL in production",
      {
        NODE_ENV: "production",
        M365_MODE: "live",
        ...ENTRA,
        ...BOT,
        SECRET_KEY: KEY,
        PUBLIC_URL: "http://onboarding.provider.example",
      },
      /PUBLIC_URL must be an https:\/\/ URL when NODE_ENV=production/,
    ],
    ["an http SMTP_URL", { SMTP_URL: "http://mail.example", MAIL_FROM: "a@b.example" }, /SMTP_URL must be an smtp/],
    ["a bare SMTP host", { SMTP_URL: "mail.example:587", MAIL_FROM: "a@b.example" }, /SMTP_URL must be/],
    ["SMTP_URL without MAIL_FROM", { SMTP_URL: "smtp://mail.example:587" }, /MAIL_FROM must be set with SMTP_URL/],
    ["a MAIL_FROM that is no address", { MAIL_FROM: "onboarding" }, /MAIL_FROM must be an address/],
    ["a PROVIDER_SUPPORT_EMAIL that is no address", { PROVIDER_SUPPORT_EMAIL: "help" }, /PROVIDER_SUPPORT_EMAIL/],
    ["an INVITE_RATE_LIMIT of 0", { INVITE_RATE_LIMIT: "0" }, /INVITE_RATE_LIMIT must be at least 1/],
    ["a TRUST_PROXY of 6", { TRUST_PROXY: "6" }, /TRUST_PROXY must be a number of proxy hops, 0 to 5/],
    ["a TEAMS_APP_ID that is no GUID", { TEAMS_APP_ID: "dr-onboarding" }, /TEAMS_APP_ID must be the Teams app's id/],
    [
      "a PROVISIONING_CLIENT_ID that is no GUID",
      { PROVISIONING_CLIENT_ID: "dr-setup" },
      /PROVISIONING_CLIENT_ID must be an app \(client\) GUID/,
    ],
    [
      "a PROVISIONING_REPLICATION_TIMEOUT_MS under a second",
      { PROVISIONING_REPLICATION_TIMEOUT_MS: "500" },
      /PROVISIONING_REPLICATION_TIMEOUT_MS must be at least 1000/,
    ],
    [
      "a PROVISIONING_REPLICATION_TIMEOUT_MS over an hour",
      { PROVISIONING_REPLICATION_TIMEOUT_MS: "3600001" },
      /PROVISIONING_REPLICATION_TIMEOUT_MS must be at most 3600000/,
    ],
    [
      "a ROTATE_BEFORE_DAYS of -1",
      { ROTATE_BEFORE_DAYS: "-1" },
      /ROTATE_BEFORE_DAYS must be a number of days, 0 to 365/,
    ],
    ["a ROTATE_BEFORE_DAYS of 1.5", { ROTATE_BEFORE_DAYS: "1.5" }, /ROTATE_BEFORE_DAYS must be a whole number of days/],
    ["a short METRICS_TOKEN", { METRICS_TOKEN: "x".repeat(31) }, /METRICS_TOKEN must be at least 32 characters/],
  ];
  for (const [what, env, message] of refusals) {
    it(`refuses ${what}`, () => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    });
  }

  it("reads the provisioning and rotation settings: the sandbox's client in sandbox mode, none in live mode", () => {
    const sandbox = loadConfig({});
    expect(sandbox.provisioning).toEqual({ clientId: SANDBOX_PROVISIONING_CLIENT_ID, replicationTimeoutMs: 300_000 });
    expect(sandbox.rotateBeforeDays).toBe(30);
    // Live mode never falls back to the sandbox's app: unset, automatic registration is off (its routes say so).
    expect(loadConfig({ M365_MODE: "live" }).provisioning.clientId).toBeUndefined();
    const set = loadConfig({
      M365_MODE: "live",
      PROVISIONING_CLIENT_ID: "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE",
      PROVISIONING_REPLICATION_TIMEOUT_MS: "60000",
      ROTATE_BEFORE_DAYS: "0",
    });
    expect(set.provisioning).toEqual({
      clientId: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
      replicationTimeoutMs: 60_000,
    });
    expect(set.rotateBeforeDays).toBe(0);
  });

  it("reads METRICS_TOKEN, and leaves the metrics endpoint off by default", () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: " " }).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: "m".repeat(32) }).metricsToken).toBe("m".repeat(32));
  });

  it("reads TEAMS_APP_ID in lower case, and leaves it unset by default", () => {
    expect(loadConfig({}).bot.teamsAppId).toBeUndefined();
    expect(loadConfig({ TEAMS_APP_ID: "11111111-2222-4333-8444-55555555555A" }).bot.teamsAppId).toBe(
      "11111111-2222-4333-8444-55555555555a",
    );
  });

  it("accepts a production configuration", () => {
    const c = loadConfig({
      NODE_ENV: "production",
      M365_MODE: "live",
      ...ENTRA,
      ...BOT,
      HOST: "0.0.0.0",
      SECRET_KEY: KEY,
      SECRET_KEY_PREVIOUS: ` ${Buffer.alloc(32, 8).toString("base64")} `,
      DATABASE_URL: "postgres://db.internal/onboarding",
      WEBSITE_SITE_NAME: "dr-onboarding",
      PUBLIC_URL: "https://onboarding.provider.example",
    });
    expect(c.production).toBe(true);
    expect(c.publicUrl).toBe("https://onboarding.provider.example");
    expect(c.bot).toMatchObject({ anonymous: false, cloud: "commercial", dialogTtlMs: 24 * 3_600_000 });
    expect(c.previousSecretKeysBase64).toEqual([Buffer.alloc(32, 8).toString("base64")]);
    expect(c.auth).toMatchObject({ mode: "entra", tenantId: GUID, clientId: GUID });
  });

  it("reads the invitation and mail settings, with sandbox defaults", () => {
    const d = loadConfig({});
    expect(d.publicUrl).toBeUndefined(); // app.ts: http://127.0.0.1:<the port it listens on>
    expect(d.mail).toMatchObject({ smtpUrl: undefined, from: undefined });
    expect(d.mail.sendTimeoutMs).toBeGreaterThan(0);
    expect(d.provider).toEqual({ name: "Sandbox Voice Provider", supportEmail: "support@provider.example" });
    expect(d.inviteRateLimitPerMinute).toBe(30);
    const c = loadConfig({
      PUBLIC_URL: "https://onboarding.provider.example/base/",
      SMTP_URL: "smtps://user:pass@mail.provider.example:465",
      MAIL_FROM: "Provider Onboarding <onboarding@provider.example>",
      PROVIDER_NAME: "Fabrikam Voice",
      PROVIDER_SUPPORT_EMAIL: "help@fabrikam.example",
      INVITE_RATE_LIMIT: "5",
    });
    expect(c.publicUrl).toBe("https://onboarding.provider.example/base");
    expect(c.mail).toMatchObject({
      smtpUrl: "smtps://user:pass@mail.provider.example:465",
      from: "Provider Onboarding <onboarding@provider.example>",
    });
    expect(c.provider).toEqual({ name: "Fabrikam Voice", supportEmail: "help@fabrikam.example" });
    expect(c.inviteRateLimitPerMinute).toBe(5);
    expect(loadConfig({ SMTP_URL: "smtp://mail.example:587", MAIL_FROM: "a@b.example" }).mail.smtpUrl).toBe(
      "smtp://mail.example:587",
    );
  });

  it("names the variable when SMTP_URL is refused, without repeating its password", () => {
    let message = "";
    try {
      loadConfig({ SMTP_URL: "http://user:hunter2secret@mail.example", MAIL_FROM: "a@b.example" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/SMTP_URL/);
    expect(message).not.toContain("hunter2secret");
  });

  it("keeps the sandbox defaults open to this machine only", () => {
    for (const host of ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"]) {
      expect(loadConfig({ HOST: host }).bot.anonymous).toBe(true);
    }
  });
});

describe("isLoopbackHost", () => {
  it("tells loopback names from network ones", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "app.localhost", "::1", "[::1]", "::ffff:127.0.0.1"]) {
      expect(isLoopbackHost(h), h).toBe(true);
    }
    for (const h of ["0.0.0.0", "::", "10.0.0.1", "192.168.1.2", "localhost.attacker.example", "127.0.0.1.nip.io"]) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });
});
