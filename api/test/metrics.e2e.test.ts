/**
 * GET /metrics end to end (docs/operations.md): the real server over HTTP in sandbox mode, validations over real
 * HTTPS to the emulator, on each database engine. Off without METRICS_TOKEN (404), 401 without the right bearer
 * token, and with it Prometheus text whose counters moved with the right labels and never name a tenant, an app, a
 * secret, a customer or a service.
 */
import type { Problem } from "@dr/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { ENGINES } from "./engines.js";
import { onboardThroughApi, postJson, startTestApp, type TestApp } from "./helpers.js";

const TOKEN = "metrics-token-0123456789-abcdefghij";
const CUSTOMER = "Metrics Fabrikam Holdings";
const SHORT_NAME = "metricsfab";

/** One sample of the text format: its name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format's samples (comments skipped). */
function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match?.[1] || match[3] === undefined) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] as string] = pair[2] as string;
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

const scrape = (url: string, authorization?: string) =>
  fetch(`${url}/metrics`, authorization ? { headers: { authorization } } : {});

describe("GET /metrics without METRICS_TOKEN", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({}, { botScheduler: false });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("is not there: 404, even with a bearer token", async () => {
    for (const authorization of [undefined, `Bearer ${TOKEN}`]) {
      const response = await scrape(app.url, authorization);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(((await response.json()) as Problem).detail).toContain("METRICS_TOKEN");
    }
  });
});

describe.each(ENGINES)("GET /metrics with METRICS_TOKEN on $name", (engine) => {
  let app: TestApp;
  const database = engine.setup("dr-metrics-");
  let nowMs = Date.now();
  const valid = SANDBOX.valid;
  const expired = SANDBOX.expired;
  if (!valid || !expired) throw new Error("sandbox scenarios missing");

  beforeAll(async () => {
    app = await startTestApp(
      { ...database.env, METRICS_TOKEN: TOKEN, VALIDATION_RATE_LIMIT: "1000" },
      { botScheduler: false, now: () => new Date(nowMs), ...database.appOptions },
    );
  });
  afterAll(async () => {
    await app?.close();
    await database.cleanup();
  });

  it("answers 401 problem+json with WWW-Authenticate without the token or with a wrong one", async () => {
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`]) {
      const response = await scrape(app.url, authorization);
      expect(response.status, String(authorization)).toBe(401);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
      const problem = (await response.json()) as Problem;
      expect(problem).toMatchObject({ status: 401, code: "unauthenticated" });
      expect(problem.detail).toContain("METRICS_TOKEN");
      expect(JSON.stringify(problem)).not.toContain(TOKEN);
    }
  });

  it("counts validations, checks, durations, outbound requests and the re-validation pass, naming no customer", async () => {
    const service = await onboardThroughApi(app.url, {
      customerName: CUSTOMER,
      shortName: SHORT_NAME,
      credentials: { tenantId: valid.tenantId, clientId: valid.clientId, clientSecret: valid.clientSecret as string },
    });
    // An invitation for the customer, revoked.
    const invited = await postJson(`${app.url}/api/invitations`, {
      customerId: service.customerId,
      email: "admin@fabrikam.example",
    });
    expect(invited.status, invited.text).toBe(201);
    const revoked = await fetch(`${app.url}/api/invitations/${(invited.json as { id: string }).id}`, {
      method: "DELETE",
    });
    expect(revoked.status).toBe(204);
    const failing = await postJson(`${app.url}/api/validation`, {
      tenantId: expired.tenantId,
      clientId: expired.clientId,
      clientSecret: expired.clientSecret,
    });
    expect(failing.status).toBe(200);
    expect((failing.json as { ok: boolean }).ok).toBe(false);
    // A day later the service is due for its scheduled re-validation.
    nowMs += 25 * 3_600_000;
    const pass = await app.bot.scheduler.runOnce();
    expect(pass.validated + pass.unknown).toBe(1);
    // A rotation by hand: the valid app may not rotate its own secret (no OwnedBy), a failed rotation.
    const rotate = await postJson(`${app.url}/api/services/${service.id}/m365/rotate`, {});
    expect(rotate.status, rotate.text).toBe(409);

    const response = await scrape(app.url, `Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const body = await response.text();
    const samples = parseSamples(body);

    // The create and the scheduled re-validation passed; the expired secret failed.
    expect(total(samples, "dr_validations_total", { outcome: "ok", trigger: "onboarding" })).toBe(2);
    expect(total(samples, "dr_validations_total", { outcome: "failed", trigger: "onboarding" })).toBe(1);
    expect(total(samples, "dr_validations_total", { outcome: "unknown" })).toBe(0);
    expect(total(samples, "dr_validation_checks_total", { check: "token", status: "pass" })).toBe(2);
    expect(
      total(samples, "dr_validation_checks_total", { check: "token", status: "fail", code: "secret_expired" }),
    ).toBe(1);
    expect(total(samples, "dr_validation_checks_total", { check: "permissions", status: "skipped" })).toBe(1);
    // The histogram: its buckets, with every token check in +Inf and a count and a sum beside them.
    const buckets = samples.filter((s) => s.name === "dr_check_duration_seconds_bucket" && s.labels.check === "token");
    expect(buckets.length).toBeGreaterThan(5);
    expect(buckets.find((s) => s.labels.le === "+Inf")?.value).toBe(3);
    expect(total(samples, "dr_check_duration_seconds_count", { check: "token" })).toBe(3);
    expect(total(samples, "dr_check_duration_seconds_sum", { check: "token" })).toBeGreaterThan(0);
    // Outbound calls by Microsoft's host name (the sandbox sends them to the emulator under those names).
    expect(total(samples, "dr_outbound_requests_total", { host: "login.microsoftonline.com" })).toBeGreaterThan(0);
    expect(
      total(samples, "dr_outbound_requests_total", { host: "graph.microsoft.com", status: "200" }),
    ).toBeGreaterThan(0);
    for (const sample of samples.filter((s) => s.name === "dr_outbound_requests_total")) {
      expect(sample.labels.status).toMatch(/^(\d{3}|error|timeout)$/);
    }
    expect(total(samples, "dr_invitations_total", { event: "created" })).toBe(1);
    expect(total(samples, "dr_invitations_total", { event: "revoked" })).toBe(1);
    expect(total(samples, "dr_invitations_total", { event: "completed" })).toBe(0);
    // The scheduler's pass, a scheduled fleet run: one service, done; the run counted once when it ended.
    expect(total(samples, "dr_revalidation_services", { state: "total" })).toBe(1);
    expect(total(samples, "dr_revalidation_services", { state: "done" })).toBe(1);
    expect(total(samples, "dr_revalidation_services", { state: "failed" })).toBe(0);
    expect(total(samples, "dr_revalidation_services", { state: "unknown" })).toBe(pass.unknown);
    expect(total(samples, "dr_revalidation_runs_total", { trigger: "scheduled", status: "completed" })).toBe(1);
    expect(total(samples, "dr_revalidation_runs_total")).toBe(1);
    // Rotations by hand count too.
    expect(total(samples, "dr_rotations_total", { outcome: "failed" })).toBe(1);
    expect(total(samples, "dr_rotations_total", { outcome: "rotated" })).toBe(0);
    // The default process metrics, under the dr_ prefix.
    expect(samples.some((s) => s.name === "dr_process_cpu_user_seconds_total")).toBe(true);

    // Nothing that names a customer's tenant, app, secret, customer or service.
    for (const forbidden of [
      valid.tenantId,
      valid.clientId,
      valid.clientSecret as string,
      expired.tenantId,
      expired.clientId,
      expired.clientSecret as string,
      CUSTOMER,
      SHORT_NAME,
      "admin@fabrikam.example",
      service.id,
      service.customerId,
      TOKEN,
    ]) {
      expect(body.toLowerCase()).not.toContain(forbidden.toLowerCase());
    }
    // Nor does the log hold the metrics token or a secret.
    const logs = app.logs.join("\n");
    for (const secret of [TOKEN, valid.clientSecret as string, expired.clientSecret as string]) {
      expect(logs).not.toContain(secret);
    }
  });
});
