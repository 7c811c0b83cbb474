/**
 * POST /api/validation end to end: the real Fastify server over HTTP, the validator over real HTTPS to the
 * emulator (sandbox mode), every scenario, the event stream, bad bodies, and the secret canary.
 */
import type { Check, CheckId, Problem, ValidationReport } from "@dr/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { postJson, startTestApp, type TestApp } from "./helpers.js";
import { credentialOf, EXPECTED, outcome } from "./scenarios.js";

let app: TestApp;
/** Every secret sent in this file; none may come back in a response or a log line. */
const sentSecrets = new Set<string>();
/** Every response body received in this file. */
const responses: string[] = [];

async function validate(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  if (typeof body.clientSecret === "string") sentSecrets.add(body.clientSecret);
  const result = await postJson(`${app.url}/api/validation`, body, headers);
  responses.push(result.text);
  return result;
}

beforeAll(async () => {
  // A short outbound timeout: the hanging scenarios below are answered within it.
  app = await startTestApp({ VALIDATION_RATE_LIMIT: "10000", M365_TIMEOUT_MS: "600" });
});

afterAll(async () => {
  await app?.close();
});

describe("POST /api/validation in sandbox mode (real HTTP, real HTTPS emulator)", () => {
  it("answers health with the sandbox mode", async () => {
    const response = await fetch(`${app.url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", mode: "sandbox" });
    expect(response.headers.get("x-powered-by")).toBeNull();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  for (const [scenario, expected] of Object.entries(EXPECTED)) {
    it(`scenario ${scenario}`, async () => {
      const c = SANDBOX[scenario];
      if (!c) throw new Error(`no credentials for ${scenario}`);
      const started = Date.now();
      const { status, json } = await validate({
        tenantId: c.tenantId,
        clientId: c.clientId,
        ...credentialOf(c),
        ...(expected.cloud ? { cloud: expected.cloud } : {}),
      });
      expect(status).toBe(200);
      const report = json as ValidationReport;
      for (const [id, want] of Object.entries(expected.checks)) {
        expect(`${id}=${outcome(report, id as CheckId)}`).toBe(`${id}=${want}`);
      }
      expect(report.ok).toBe(expected.ok);
      // The hanging scenarios answer within the 600 ms timeout (plus scheduling), never hang.
      expect(Date.now() - started).toBeLessThan(5000);
    });
  }

  it("keeps Entra's definite token answer when the tenant lookup fails on the network", async () => {
    // The reset tenant's OpenID lookup is cut off; the token request beside it still reaches Entra and gets 7000215.
    const c = SANDBOX.reset;
    if (!c) throw new Error("no reset scenario");
    const { status, json } = await validate({
      tenantId: c.tenantId,
      clientId: c.clientId,
      clientSecret: "Wr08Q~notTheSecretOfThisAppAtAll1234567",
    });
    expect(status).toBe(200);
    const report = json as ValidationReport;
    expect(outcome(report, "tenant")).toBe("unknown:entra_unreachable");
    expect(outcome(report, "token")).toBe("fail:invalid_secret");
    expect(outcome(report, "permissions")).toBe("skipped");
    expect(report.ok).toBe(false);
    // With the right secret the token's success proves nothing without the tenant: dropped, as the scenario shows.
    expect(EXPECTED.reset?.checks.token).toBe("skipped");
  });

  it("answers entra_timeout within the timeout when the login endpoint hangs", async () => {
    const c = SANDBOX.slow;
    if (!c) throw new Error("no scenario");
    const started = Date.now();
    const { json } = await validate({ tenantId: c.tenantId, clientId: c.clientId, clientSecret: c.clientSecret });
    const elapsed = Date.now() - started;
    const tenant = (json as ValidationReport).checks.find((x) => x.id === "tenant");
    expect(tenant?.status).toBe("unknown");
    expect(tenant?.code).toBe("entra_timeout");
    expect(tenant?.detail?.cause).toBe("timeout");
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(elapsed).toBeLessThan(2000);
  });

  it("keeps the HTTP status of an HTML 502", async () => {
    const c = SANDBOX["html-502"];
    if (!c) throw new Error("no scenario");
    const { json } = await validate({ tenantId: c.tenantId, clientId: c.clientId, clientSecret: c.clientSecret });
    const token = (json as ValidationReport).checks.find((x) => x.id === "token");
    expect(token?.detail?.httpStatus).toBe(502);
    expect(token?.detail?.response).toBe("not_json");
  });

  it("waits out a 429 with Retry-After: 1 and succeeds", async () => {
    const c = SANDBOX["throttled-once"];
    if (!c) throw new Error("no scenario");
    app.sandbox?.emulator.resetCounters();
    const started = Date.now();
    const { json } = await validate({ tenantId: c.tenantId, clientId: c.clientId, clientSecret: c.clientSecret });
    expect((json as ValidationReport).ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("resolves a tenant domain to its GUID and lists the verified domains", async () => {
    const c = SANDBOX.valid;
    if (!c) throw new Error("no scenario");
    const { json } = await validate({
      tenantId: c.tenantDomain.toUpperCase(),
      clientId: c.clientId,
      clientSecret: c.clientSecret,
    });
    const report = json as ValidationReport;
    expect(report.ok).toBe(true);
    expect(report.tenant?.id).toBe(c.tenantId);
    expect(report.tenant?.initialDomain).toBe(c.tenantDomain);
  });

  it("streams one event per finished check, then the report", async () => {
    const c = SANDBOX.expiring;
    if (!c) throw new Error("no scenario");
    sentSecrets.add(c.clientSecret);
    const response = await fetch(`${app.url}/api/validation`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ tenantId: c.tenantId, clientId: c.clientId, clientSecret: c.clientSecret }),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    responses.push(text);
    const events = text
      .trim()
      .split("\n\n")
      .map((block) => {
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1] ?? "null";
        return { event, data: JSON.parse(data) as unknown };
      });
    expect(events.map((e) => e.event)).toEqual(["check", "check", "check", "check", "check", "check", "report"]);
    expect(events.slice(0, 6).map((e) => (e.data as Check).id)).toEqual([
      "format",
      "tenant",
      "token",
      "permissions",
      "graph",
      "secret_expiry",
    ]);
    const report = events[6]?.data as ValidationReport;
    expect(report.ok).toBe(true);
    expect(report.secret?.daysUntilExpire).toBe(5);
  });

  it("reports format problems as the format check, naming each field", async () => {
    const { status, json } = await validate({
      tenantId: "https://portal.azure.com/#view/x/tenant/NOT-A-GUID",
      clientId: "abc",
      clientSecret: "8c1f3a2e-1d4b-4c7a-9e8f-0a1b2c3d4e5f",
    });
    expect(status).toBe(200);
    const report = json as ValidationReport;
    expect(report.ok).toBe(false);
    expect(outcome(report, "format")).toBe("fail:invalid_tenant_format");
    const errors = (report.checks[0]?.detail?.errors ?? []) as { path: string; code: string }[];
    const paths = errors.map((e) => `${e.path}:${e.code}`);
    // A GUID-shaped secret is only warned about (legacy secrets), so it is no refusal here.
    expect(paths).toEqual(["tenantId:invalid_tenant_format", "clientId:invalid_client_id"]);
  });

  it("answers problem+json 4xx for bodies it cannot use, never a 5xx", async () => {
    const cases: { body: unknown; headers?: Record<string, string>; status: number; path?: string }[] = [
      { body: "{not json", status: 400 },
      { body: "[]", status: 400 },
      { body: "null", status: 400 },
      { body: {}, status: 400, path: "tenantId" },
      { body: { tenantId: 1, clientId: "x", clientSecret: "y" }, status: 400, path: "tenantId" },
      { body: { tenantId: "a", clientId: "b", clientSecret: "c", extra: 1 }, status: 400 },
      { body: { tenantId: "a", clientId: "b", clientSecret: "c", cloud: "mars" }, status: 400, path: "cloud" },
      // Routes that take credentials accept 256 KiB (a certificate's PFX); beyond, 413. Within, the field's limit.
      { body: { tenantId: "a", clientId: "b", clientSecret: "x".repeat(300_000) }, status: 413 },
      { body: { tenantId: "a", clientId: "b", clientSecret: "x".repeat(70_000) }, status: 400, path: "clientSecret" },
      {
        body: { tenantId: "a", clientId: "b", clientCertificate: { pfx: "A".repeat(131_073) } },
        status: 400,
        path: "clientCertificate.pfx",
      },
      { body: "tenantId=a", headers: { "content-type": "text/plain" }, status: 415 },
    ];
    for (const c of cases) {
      const result = await postJson(`${app.url}/api/validation`, c.body, c.headers ?? {});
      expect(result.status, JSON.stringify(c.body).slice(0, 80)).toBe(c.status);
      expect(result.contentType).toContain("application/problem+json");
      const problem = result.json as Problem;
      expect(problem.status).toBe(c.status);
      expect(problem.code).toBeTruthy();
      if (c.path) expect(problem.errors?.map((e) => e.path)).toContain(c.path);
    }
  });

  it("never lets a secret into a response or a log line (canary through every failure path)", async () => {
    const canary = "CaNaRy8Q~s3cr3t-v4lu3_th4t.mu5t-n3v3r-l34k";
    const valid = SANDBOX.valid;
    if (!valid) throw new Error("no scenario");
    const attempts: Record<string, string>[] = [
      { tenantId: valid.tenantId, clientId: valid.clientId }, // invalid_secret
      { tenantId: valid.tenantId, clientId: "11111111-2222-3333-4444-555555555555" }, // app_not_found
      { tenantId: "nosuchtenant.onmicrosoft.com", clientId: valid.clientId }, // tenant_not_found
      { tenantId: "common", clientId: valid.clientId }, // format
      { tenantId: valid.tenantId, clientId: "not-a-guid" }, // format
    ];
    for (const scenario of [
      "slow",
      "token-hang",
      "html-502",
      "reset",
      "throttled",
      "disabled",
      "expired",
      "gcc-high",
      "blocked-by-policy",
    ]) {
      const c = SANDBOX[scenario];
      if (c) attempts.push({ tenantId: c.tenantId, clientId: c.clientId });
    }
    for (const a of attempts) {
      await validate({ ...a, clientSecret: canary });
      await validate({ ...a, clientSecret: ` ${canary} ` }, { accept: "text/event-stream" });
    }
    // Give pino a moment to flush.
    await new Promise((r) => setTimeout(r, 50));
    const everything = responses.join("\n") + app.logs.join("\n");
    expect(app.logs.length).toBeGreaterThan(10);
    expect(everything).not.toContain(canary);
    expect(everything).not.toContain("s3cr3t-v4lu3");
    for (const secret of sentSecrets) {
      if (secret.length >= 8) expect(everything).not.toContain(secret);
    }
  });
});
