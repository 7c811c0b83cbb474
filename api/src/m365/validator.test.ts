/**
 * The validator against the in-process emulator: every sandbox scenario, the format rules, the round trips,
 * and the secret never leaving through a report or a log line.
 */
import type { CheckId } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { credentialOf, EXPECTED, outcome } from "../../test/scenarios.js";
import { createEmulator, type Emulator } from "./emulator/emulator.core.js";
import { emulatorDispatch } from "./emulator/emulator.dispatch.js";
import { SANDBOX, sandboxTenants } from "./emulator/emulator.fixtures.js";
import type { Dispatch } from "./http/dispatch.types.js";
import { createValidator, permissionCovered, type ValidatorOptions } from "./validator.js";

const BASE = "https://login.emulator.test";

/** The validation input of sandbox credentials, on the global cloud. */
function inputOf(c: { tenantId: string; clientId: string; clientSecret: string; clientCertificatePem?: string }) {
  return { tenantId: c.tenantId, clientId: c.clientId, ...credentialOf(c), cloud: "global" as const };
}

/** Short timeouts keep the hanging scenarios quick; the retry budget allows the 1-second Retry-After. */
async function setup(
  overrides: Partial<ValidatorOptions> = {},
  wrap?: (d: Dispatch) => Dispatch,
): Promise<{ emulator: Emulator; validate: ReturnType<typeof createValidator>["validate"]; logs: string[] }> {
  const emulator = await createEmulator({ tenants: sandboxTenants() });
  const dispatch = emulatorDispatch(emulator);
  const logs: string[] = [];
  const logger = {
    info: (obj: object, msg?: string) => logs.push(JSON.stringify({ ...obj, msg })),
    warn: (obj: object, msg?: string) => logs.push(JSON.stringify({ ...obj, msg })),
  };
  const validator = createValidator({
    dispatch: wrap ? wrap(dispatch) : dispatch,
    timeoutMs: 400,
    retryBudgetMs: 3000,
    requiredPermissions: ["Organization.Read.All", "Application.Read.All"],
    overrides: { loginUrl: BASE, graphUrl: BASE },
    logger,
    ...overrides,
  });
  return { emulator, validate: validator.validate, logs };
}

describe("validator over the in-process emulator", () => {
  it("has an expectation for every sandbox scenario", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(SANDBOX).sort());
  });

  for (const [scenario, expected] of Object.entries(EXPECTED)) {
    it(`scenario ${scenario}`, async () => {
      // Another cloud's scenario goes to that cloud's real host names, as the sandbox sends it.
      const { validate, logs } = await setup(expected.cloud ? { overrides: {} } : {});
      const creds = SANDBOX[scenario];
      if (!creds) throw new Error(`no credentials for ${scenario}`);
      const events: string[] = [];
      const input = { ...inputOf(creds), cloud: expected.cloud ?? "global" };
      const report = await validate(input, { onCheck: (c) => events.push(c.id) });
      for (const [id, want] of Object.entries(expected.checks)) {
        expect(`${id}=${outcome(report, id as CheckId)}`).toBe(`${id}=${want}`);
      }
      expect(report.ok).toBe(expected.ok);
      expect(report.checks.map((c) => c.id)).toEqual([
        "format",
        "tenant",
        "token",
        "permissions",
        "graph",
        "secret_expiry",
      ]);
      expect(events).toEqual(report.checks.map((c) => c.id));
      for (const check of report.checks) {
        expect(check.message.length).toBeGreaterThan(5);
        if (check.status === "fail" || check.status === "unknown") expect(check.remedy).toBeTruthy();
      }
      const everything = JSON.stringify(report) + logs.join("\n");
      // The secret, or a certificate scenario's private key, never appears.
      const keyBody = creds.clientCertificatePem?.split("-----BEGIN PRIVATE KEY-----")[1]?.slice(0, 200);
      expect(everything).not.toContain(keyBody ?? creds.clientSecret);
      expect(everything).not.toContain("PRIVATE KEY");
    });
  }

  it("reads the tenant, the domains and the secret's expiry for the valid tenant", async () => {
    const { validate } = await setup();
    const c = SANDBOX.valid;
    if (!c) throw new Error("no valid scenario");
    const report = await validate({
      tenantId: c.tenantDomain,
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      cloud: "global",
    });
    expect(report.ok).toBe(true);
    expect(report.tenant?.id).toBe(c.tenantId);
    expect(report.tenant?.initialDomain).toBe(c.tenantDomain);
    expect(report.tenant?.domains).toContain("contoso-sandbox.example");
    expect(report.secret?.hint).toBe(c.clientSecret.slice(0, 3));
    expect(report.secret?.daysUntilExpire).toBe(300);
    expect(report.permissions?.granted).toEqual(
      expect.arrayContaining(["Organization.Read.All", "Application.Read.All"]),
    );
    expect(report.permissions?.directoryRoles).toContain("Teams Administrator");
    expect(report.checks.find((x) => x.id === "tenant")?.message).toContain(c.tenantId);
  });

  it("lists exactly what is missing and gives the admin-consent link", async () => {
    const { validate } = await setup();
    const c = SANDBOX["partial-consent"];
    if (!c) throw new Error("no scenario");
    const report = await validate(inputOf(c));
    expect(report.permissions?.missing).toEqual(["Application.Read.All"]);
    expect(report.permissions?.adminConsentUrl).toBe(`${BASE}/${c.tenantId}/adminconsent?client_id=${c.clientId}`);
    const check = report.checks.find((x) => x.id === "permissions");
    expect(check?.message).toContain("Application.Read.All");
    expect(check?.message).not.toContain("Organization.Read.All");
  });

  it("reports the days left of an expiring secret", async () => {
    const { validate } = await setup();
    const c = SANDBOX.expiring;
    if (!c) throw new Error("no scenario");
    const report = await validate(inputOf(c));
    expect(report.secret?.daysUntilExpire).toBe(5);
    expect(report.checks.find((x) => x.id === "secret_expiry")?.message).toContain("5 days");
  });

  it("classifies a wrong secret, an unknown app and a pasted secret ID", async () => {
    const { validate } = await setup();
    const c = SANDBOX.valid;
    if (!c) throw new Error("no scenario");
    const wrong = await validate({
      tenantId: c.tenantId,
      clientId: c.clientId,
      clientSecret: "xyz8Q~WrongWrongWrongWrongWrongWrongWrong",
      cloud: "global",
    });
    expect(outcome(wrong, "token")).toBe("fail:invalid_secret");
    expect(wrong.checks.find((x) => x.id === "token")?.detail?.aadsts).toBe(7000215);
    const noApp = await validate({
      tenantId: c.tenantId,
      clientId: "11111111-2222-3333-4444-555555555555",
      clientSecret: c.clientSecret,
      cloud: "global",
    });
    expect(outcome(noApp, "token")).toBe("fail:app_not_found");
    const secretId = await validate({
      tenantId: c.tenantId,
      clientId: c.clientId,
      clientSecret: "6a3f1c2e-7b8d-4e9f-a0b1-c2d3e4f5a6b7",
      cloud: "global",
    });
    // Warned and sent (legacy GUID secrets exist); Entra's 7000215 then says it was the Secret ID.
    expect(outcome(secretId, "format")).toBe("warn:secret_id_not_value");
    expect(outcome(secretId, "tenant")).toBe("pass");
    expect(outcome(secretId, "token")).toBe("fail:invalid_secret");
    expect(secretId.checks.find((x) => x.id === "token")?.remedy).toContain("not its Secret ID");
  });

  it("refuses bad formats offline, naming each field, and sends nothing", async () => {
    let requests = 0;
    const { validate } = await setup({ onRequest: () => requests++ });
    const report = await validate({
      tenantId: "common",
      clientId: "not-a-guid",
      clientSecret: " padded ",
      cloud: "global",
    });
    expect(outcome(report, "format")).toBe("fail:invalid_tenant_format");
    const errors = report.checks[0]?.detail?.errors as { path: string; code: string }[];
    expect(errors.map((e) => `${e.path}:${e.code}`)).toEqual([
      "tenantId:invalid_tenant_format",
      "clientId:invalid_client_id",
      "clientSecret:secret_whitespace",
    ]);
    expect(report.ok).toBe(false);
    expect(requests).toBe(0);
  });

  it("notices the wrong cloud the other way round: a global tenant validated as GCC High", async () => {
    const { validate } = await setup();
    const c = SANDBOX.valid;
    if (!c) throw new Error("no scenario");
    const report = await validate({
      tenantId: c.tenantId,
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      cloud: "usgov-gcchigh",
    });
    expect(outcome(report, "tenant")).toBe("fail:wrong_cloud");
  });

  it("uses two round trips: tenant beside token, then the Graph reads side by side", async () => {
    const seen: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const { validate } = await setup({}, (inner) => async (request, signal) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      seen.push(`${request.method} ${new URL(request.url).pathname}`);
      try {
        return await inner(request, signal);
      } finally {
        inFlight--;
      }
    });
    const c = SANDBOX.valid;
    if (!c) throw new Error("no scenario");
    const report = await validate(inputOf(c));
    expect(report.ok).toBe(true);
    expect(seen).toHaveLength(4);
    expect(seen.slice(0, 2).sort()).toEqual([
      `GET /${c.tenantId}/v2.0/.well-known/openid-configuration`,
      `POST /${c.tenantId}/oauth2/v2.0/token`,
    ]);
    expect(seen.slice(2).sort()).toEqual([`GET /v1.0/applications(appId='${c.clientId}')`, "GET /v1.0/organization"]);
    expect(maxInFlight).toBe(2);
  });

  it("stays within its timeout when the login endpoint hangs", async () => {
    const { validate } = await setup({ timeoutMs: 300 });
    const c = SANDBOX.slow;
    if (!c) throw new Error("no scenario");
    const started = Date.now();
    const report = await validate(inputOf(c));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(outcome(report, "tenant")).toBe("unknown:entra_timeout");
  });

  it("waits out a Retry-After of 1 s and then succeeds", async () => {
    const { validate } = await setup();
    const c = SANDBOX["throttled-once"];
    if (!c) throw new Error("no scenario");
    const started = Date.now();
    const report = await validate(inputOf(c));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(report.ok).toBe(true);
    expect(report.checks.find((x) => x.id === "token")?.detail?.attempts).toBe(2);
  });

  it("does not wait a Retry-After beyond its budget", async () => {
    const { validate } = await setup();
    const c = SANDBOX.throttled;
    if (!c) throw new Error("no scenario");
    const started = Date.now();
    const report = await validate(inputOf(c));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(report.checks.find((x) => x.id === "token")?.detail?.retryAfterSeconds).toBe(120);
  });
});

describe("validator codes that no sandbox scenario shows", () => {
  const c = SANDBOX.valid;
  if (!c) throw new Error("no valid scenario");
  const input = { tenantId: c.tenantId, clientId: c.clientId, clientSecret: c.clientSecret, cloud: "global" as const };

  it("token_rejected: Entra refuses the resource (AADSTS500011), classified by number", async () => {
    const emulator = await createEmulator({ tenants: sandboxTenants(), graphResource: "https://graph.example.test" });
    const validator = createValidator({
      dispatch: emulatorDispatch(emulator),
      timeoutMs: 1000,
      requiredPermissions: ["Organization.Read.All"],
      overrides: { loginUrl: BASE, graphUrl: BASE },
    });
    const report = await validator.validate(input);
    expect(outcome(report, "token")).toBe("fail:token_rejected");
    expect(report.checks.find((x) => x.id === "token")?.detail?.aadsts).toBe(500011);
  });

  it("token_mismatch: a token issued for another tenant is not taken for this one", async () => {
    const emulator = await createEmulator({ tenants: sandboxTenants() });
    const inner = emulatorDispatch(emulator);
    const foreign = await emulator.signToken({
      tid: "00000000-0000-0000-0000-000000000001",
      appid: c.clientId,
      roles: [],
    });
    // A man-in-the-middle that swaps the issued token: the claims check must notice.
    const validator = createValidator({
      dispatch: async (request, signal) => {
        const response = await inner(request, signal);
        if (!request.url.includes("/oauth2/v2.0/token") || response.status !== 200) return response;
        const body = JSON.parse(response.body) as Record<string, unknown>;
        return { ...response, body: JSON.stringify({ ...body, access_token: foreign }) };
      },
      timeoutMs: 1000,
      requiredPermissions: ["Organization.Read.All"],
      overrides: { loginUrl: BASE, graphUrl: BASE },
    });
    const report = await validator.validate(input);
    expect(outcome(report, "permissions")).toBe("fail:token_mismatch");
    expect(report.ok).toBe(false);
  });

  it("secret_unusual: an odd-looking secret is a warning, not a refusal", async () => {
    const { validate } = await setup();
    const report = await validate({ ...input, clientSecret: "short!secret" });
    expect(outcome(report, "format")).toBe("warn:secret_unusual");
    expect(outcome(report, "token")).toBe("fail:invalid_secret");
  });

  it("secret_missing and secret_too_long are format failures", async () => {
    const { validate } = await setup();
    expect(outcome(await validate({ ...input, clientSecret: "" }), "format")).toBe("fail:secret_missing");
    expect(outcome(await validate({ ...input, clientSecret: "a".repeat(1025) }), "format")).toBe(
      "fail:secret_too_long",
    );
  });

  it("secret_expired on the expiry check when Graph lists the matching secret as past its end", async () => {
    // Entra refuses an expired secret (7000222) before Graph is asked, so only a clock skew between Entra and
    // us shows this: the emulator's clock says the secret is valid, ours says it ended.
    const now = new Date();
    const emulator = await createEmulator({ tenants: sandboxTenants(), now: () => now });
    const validator = createValidator({
      dispatch: emulatorDispatch(emulator),
      timeoutMs: 1000,
      requiredPermissions: ["Organization.Read.All", "Application.Read.All"],
      overrides: { loginUrl: BASE, graphUrl: BASE },
      now: () => new Date(now.getTime() + 301 * 86_400_000),
    });
    const report = await validator.validate(input);
    expect(outcome(report, "secret_expiry")).toBe("fail:secret_expired");
  });

  it("reads a domain as the tenant and a pasted portal URL as its GUID", async () => {
    const { validate } = await setup();
    const url = `https://portal.azure.com/#view/Microsoft_AAD_IAM/TenantOverview/tenantId/${c.tenantId.toUpperCase()}`;
    const report = await validate({ ...input, tenantId: url });
    expect(report.ok).toBe(true);
    expect(report.tenant?.id).toBe(c.tenantId);
  });
});

describe("permission coverage", () => {
  it("accepts the permission itself, its ReadWrite form and Directory.* umbrellas", () => {
    expect(permissionCovered("Application.Read.All", ["Application.Read.All"])).toBe(true);
    expect(permissionCovered("Application.Read.All", ["Application.ReadWrite.All"])).toBe(true);
    expect(permissionCovered("Organization.Read.All", ["Directory.Read.All"])).toBe(true);
    expect(permissionCovered("Organization.Read.All", ["Application.Read.All"])).toBe(false);
    expect(permissionCovered("Organization.Read.All", [])).toBe(false);
  });
});
