/**
 * Fleet re-validation runs end to end (docs/api.md, "Fleet re-validation"): the real server over HTTP in sandbox mode,
 * validations over real HTTPS to the emulator, on each database engine. A run validates every service exactly once
 * (counted in the validation history and at the runner's step), one service per tenant at a time; progress as JSON
 * and as an event stream to its `end`; a second POST answers the running run; Retry-After on one tenant defers that
 * tenant only; an Entra outage ends the services as unknown, changes no status and queues no reminder; cancel;
 * 401/403; no secret in any answer, event or log line. On PostgreSQL two server copies share a
 * run, and a copy that dies mid-run leaves its tenants to the other after its lease, with no service validated twice.
 */
import type { FleetRun, Problem, SandboxCredentials } from "@dr/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import type { TenantFixture } from "../src/m365/emulator/emulator.types.js";
import type { DatabaseHandle } from "../src/storage/database.js";
import { personalInstall, post, TEAMS } from "./bot-activities.js";
import { type FakeConnector, startFakeConnector } from "./bot-connector.fake.js";
import { ENGINES, type EngineDatabase, enginesNamed } from "./engines.js";
import { startEntraSetup } from "./entra.js";
import { postJson, startTestApp, type TestApp } from "./helpers.js";

const valid = SANDBOX.valid as SandboxCredentials;
const expiring = SANDBOX.expiring as SandboxCredentials;
if (!valid || !expiring) throw new Error("sandbox scenarios missing");
const SECRETS = [valid.clientSecret, expiring.clientSecret] as string[];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The events of an SSE body: name and parsed data. */
function parseEvents(text: string): { event: string; data: FleetRun }[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "";
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? "null") as FleetRun;
      return { event, data };
    });
}

/** POST /api/fleet/revalidation; answers the run id. */
async function startRun(url: string): Promise<string> {
  const answer = await postJson(`${url}/api/fleet/revalidation`, {});
  expect(answer.status, answer.text).toBe(202);
  return (answer.json as { runId: string }).runId;
}

async function getRun(url: string, runId: string): Promise<FleetRun> {
  const response = await fetch(`${url}/api/fleet/revalidation/${runId}`);
  expect(response.status).toBe(200);
  return (await response.json()) as FleetRun;
}

/** Reads the run's event stream to its end. */
async function stream(
  url: string,
  runId: string,
): Promise<{ text: string; events: { event: string; data: FleetRun }[] }> {
  const response = await fetch(`${url}/api/fleet/revalidation/${runId}`, { headers: { accept: "text/event-stream" } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const text = await response.text();
  return { text, events: parseEvents(text) };
}

async function untilEnded(url: string, runId: string): Promise<FleetRun> {
  for (let i = 0; i < 600; i++) {
    const run = await getRun(url, runId);
    if (run.status !== "running") return run;
    await sleep(50);
  }
  throw new Error("run did not end");
}

/** The fixture of a sandbox tenant in the app's emulator (mutable: faults, apps). */
function tenantOf(app: TestApp, tenantId: string): TenantFixture {
  const tenant = app.sandbox?.emulator.tenants.find((t) => t.id === tenantId);
  if (!tenant) throw new Error(`no tenant ${tenantId}`);
  return tenant;
}

/** Wraps the runner's per-service step (the scheduler's revalidateService) to count calls and tenants in flight. */
function instrument(apps: TestApp[], tenantOfService: Map<string, string>) {
  const calls = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const finished: { serviceId: string; at: number; call: number }[] = [];
  const peak = { global: 0, tenant: 0 };
  let now = 0;
  for (const app of apps) {
    const original = app.bot.scheduler.revalidateService.bind(app.bot.scheduler);
    app.bot.scheduler.revalidateService = async (serviceId, context) => {
      const tenant = tenantOfService.get(serviceId) ?? "?";
      const call = (calls.get(serviceId) ?? 0) + 1;
      calls.set(serviceId, call);
      inFlight.set(tenant, (inFlight.get(tenant) ?? 0) + 1);
      now++;
      peak.global = Math.max(peak.global, now);
      peak.tenant = Math.max(peak.tenant, inFlight.get(tenant) ?? 0);
      try {
        return await original(serviceId, context);
      } finally {
        now--;
        inFlight.set(tenant, (inFlight.get(tenant) ?? 1) - 1);
        finished.push({ serviceId, at: Date.now(), call });
      }
    };
  }
  return {
    calls,
    finished,
    peak,
    reset() {
      calls.clear();
      finished.length = 0;
      peak.global = 0;
      peak.tenant = 0;
    },
  };
}

/** Validation history rows per service since `since`. */
async function validationsSince(db: DatabaseHandle, since: string): Promise<Map<string, number>> {
  const rows = await db.db
    .selectFrom("validations")
    .select(["service_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("at", ">=", since)
    .groupBy("service_id")
    .execute();
  return new Map(rows.map((r) => [r.service_id, Number(r.n)]));
}

async function createServices(url: string, creds: SandboxCredentials, names: string[]): Promise<string[]> {
  const customer = await postJson(`${url}/api/customers`, { name: `Fleet ${names[0]} Customer` });
  expect(customer.status, customer.text).toBe(201);
  const ids: string[] = [];
  for (const shortName of names) {
    const created = await postJson(`${url}/api/services`, {
      customerId: (customer.json as { id: string }).id,
      shortName,
      licenseType: "hosted-pro",
      licensedUsers: 10,
      m365: { tenantId: creds.tenantId, clientId: creds.clientId, clientSecret: creds.clientSecret },
    });
    expect(created.status, created.text).toBe(201);
    ids.push((created.json as { id: string }).id);
  }
  return ids;
}

describe.each(ENGINES)("fleet re-validation runs on $name", (engine) => {
  let app: TestApp;
  let database: EngineDatabase;
  let db: DatabaseHandle;
  let fake: FakeConnector;
  const tenantOfService = new Map<string, string>();
  let probe: ReturnType<typeof instrument>;
  let validIds: string[];
  let expiringIds: string[];

  beforeAll(async () => {
    database = engine.setup("dr-fleet-runs-");
    fake = await startFakeConnector();
    app = await startTestApp(
      // No in-place wait for a Retry-After: the runner defers the tenant instead.
      { ...database.env, VALIDATION_RATE_LIMIT: "1000", M365_RETRY_BUDGET_MS: "0", REVALIDATION_CONCURRENCY: "3" },
      { botScheduler: false, fleet: { pollMs: 100 }, ...database.appOptions },
    );
    db = await database.open();
    validIds = await createServices(app.url, valid, ["fleetva", "fleetvb", "fleetvc"]);
    expiringIds = await createServices(app.url, expiring, ["fleetea", "fleeteb"]);
    for (const id of validIds) tenantOfService.set(id, valid.tenantId);
    for (const id of expiringIds) tenantOfService.set(id, expiring.tenantId);
    // The operator's personal chat, linked to every service: a reminder owed would be queued for it.
    expect((await post(app.url, personalInstall(fake.url))).status).toBe(200);
    for (const serviceId of [...validIds, ...expiringIds]) {
      await app.bot.store.linkServiceOperator(
        { serviceId, tenantId: TEAMS.tenantId, aadObjectId: TEAMS.operator.aadObjectId, userId: TEAMS.operator.id },
        new Date().toISOString(),
      );
    }
    probe = instrument([app], tenantOfService);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await fake?.close();
    await database?.cleanup();
  });

  it("validates every service once, one per tenant at a time, with progress events until the end", async () => {
    probe.reset();
    // Slow answers for the valid tenant, so its three services would overlap if the runner let them.
    tenantOf(app, valid.tenantId).faults = { token: { kind: "latency", ms: 60 } };
    const since = new Date().toISOString();
    const runId = await startRun(app.url);
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    const { text, events } = await stream(app.url, runId);
    tenantOf(app, valid.tenantId).faults = {};
    expect(events.length).toBeGreaterThan(0);
    expect(events.slice(0, -1).every((e) => e.event === "progress" && e.data.status === "running")).toBe(true);
    const last = events.at(-1);
    expect(last?.event).toBe("end");
    expect(last?.data).toMatchObject({ runId, status: "completed", trigger: "manual", total: 5, done: 5, failed: 0 });
    expect(last?.data.unknown).toBe(0);
    expect(last?.data.finishedAt).toBeDefined();
    for (let i = 1; i < events.length; i++) {
      expect(events[i]?.data.done).toBeGreaterThanOrEqual(events[i - 1]?.data.done ?? 0);
    }
    // Exactly once each: at the step, and in the validation history.
    expect(probe.calls.size).toBe(5);
    expect([...probe.calls.values()].every((n) => n === 1)).toBe(true);
    const history = await validationsSince(db, since);
    for (const id of [...validIds, ...expiringIds]) expect(history.get(id), id).toBe(1);
    expect(probe.peak.tenant).toBe(1);
    expect(probe.peak.global).toBeLessThanOrEqual(3);
    // The JSON answer, and a stream of an ended run: its one `end` event.
    expect(await getRun(app.url, runId)).toEqual(last?.data);
    const again = await stream(app.url, runId);
    expect(again.events).toEqual([{ event: "end", data: last?.data }]);
    for (const secret of SECRETS) {
      expect(text).not.toContain(secret);
      expect(app.logs.join("\n")).not.toContain(secret);
    }
  });

  it("answers a second POST with the running run, and cancels it: in-flight validations finish, nothing new starts", async () => {
    probe.reset();
    tenantOf(app, valid.tenantId).faults = { token: { kind: "latency", ms: 400 } };
    tenantOf(app, expiring.tenantId).faults = { token: { kind: "latency", ms: 400 } };
    try {
      const runId = await startRun(app.url);
      expect(await startRun(app.url)).toBe(runId);
      await sleep(150);
      const cancel = await postJson(`${app.url}/api/fleet/revalidation/${runId}/cancel`, {});
      expect(cancel.status, cancel.text).toBe(200);
      expect(cancel.json).toMatchObject({ runId, status: "cancelled" });
      expect((cancel.json as FleetRun).finishedAt).toBeDefined();
      const startedAtCancel = [...probe.calls.values()].reduce((a, b) => a + b, 0);
      await sleep(1200);
      const run = await getRun(app.url, runId);
      expect(run.status).toBe("cancelled");
      expect(run.done).toBeLessThan(5);
      expect([...probe.calls.values()].reduce((a, b) => a + b, 0)).toBe(startedAtCancel);
      // Cancelling again answers the run as it is.
      const twice = await postJson(`${app.url}/api/fleet/revalidation/${runId}/cancel`, {});
      expect(twice.status).toBe(200);
      expect((twice.json as FleetRun).status).toBe("cancelled");
    } finally {
      tenantOf(app, valid.tenantId).faults = {};
      tenantOf(app, expiring.tenantId).faults = {};
    }
  });

  it("honours Retry-After per tenant: the throttled tenant waits, the other goes on, the service passes on its retry", async () => {
    probe.reset();
    app.sandbox?.emulator.resetCounters();
    tenantOf(app, valid.tenantId).faults = { token: { kind: "throttle", retryAfterSeconds: 1, times: 1 } };
    try {
      const started = Date.now();
      const runId = await startRun(app.url);
      const run = await untilEnded(app.url, runId);
      expect(run).toMatchObject({ status: "completed", total: 5, done: 5, failed: 0, unknown: 0 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      // One valid-tenant service was throttled and tried again; every other service once.
      const retried = [...probe.calls.entries()].filter(([, n]) => n === 2).map(([id]) => id);
      expect(retried).toHaveLength(1);
      expect(validIds).toContain(retried[0]);
      expect([...probe.calls.values()].every((n) => n <= 2)).toBe(true);
      // The other tenant did not wait for the throttled one's Retry-After.
      const firstTry = probe.finished.find((f) => f.serviceId === retried[0] && f.call === 1)?.at ?? 0;
      const retry = probe.finished.find((f) => f.serviceId === retried[0] && f.call === 2)?.at ?? 0;
      expect(retry - firstTry).toBeGreaterThanOrEqual(900);
      for (const id of expiringIds) {
        const done = probe.finished.find((f) => f.serviceId === id)?.at ?? Number.POSITIVE_INFINITY;
        expect(done, id).toBeLessThan(firstTry + 900);
      }
    } finally {
      tenantOf(app, valid.tenantId).faults = {};
    }
  });

  it("ends every service as unknown in an Entra outage: no status turns auth_failed, no reminder is queued", async () => {
    const before = await (await fetch(`${app.url}/api/services`)).json();
    const queued = async () =>
      Number(
        (
          await db.db
            .selectFrom("bot_reminder_deliveries")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const queuedBefore = await queued();
    // The reminders reach this rig: the expiring tenant's were queued by the first run (a failure would add its own
    // key, `failed@…`, to them).
    expect(queuedBefore).toBeGreaterThan(0);
    // Entra unreachable: every connection to the token endpoint is reset.
    tenantOf(app, valid.tenantId).faults = { token: { kind: "reset" } };
    tenantOf(app, expiring.tenantId).faults = { token: { kind: "reset" } };
    try {
      const run = await untilEnded(app.url, await startRun(app.url));
      expect(run).toMatchObject({ status: "completed", total: 5, done: 5, failed: 0, unknown: 5 });
    } finally {
      tenantOf(app, valid.tenantId).faults = {};
      tenantOf(app, expiring.tenantId).faults = {};
    }
    const after = (await (await fetch(`${app.url}/api/services`)).json()) as { items: { status: string }[] };
    expect(after.items.some((s) => s.status === "auth_failed")).toBe(false);
    expect(after).toEqual(before);
    expect(await queued()).toBe(queuedBefore);
  });

  it("answers 404 for an unknown run and 400 naming runId for a malformed one", async () => {
    for (const path of [
      "/api/fleet/revalidation/6f1d0b8e-8a4f-4f57-9e0a-4c1c2d3e4f5a",
      "/api/fleet/revalidation/6f1d0b8e-8a4f-4f57-9e0a-4c1c2d3e4f5a/cancel",
    ]) {
      const response = await fetch(`${app.url}${path}`, { method: path.endsWith("cancel") ? "POST" : "GET" });
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    }
    const bad = await fetch(`${app.url}/api/fleet/revalidation/not-a-run`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify((await bad.json()) as Problem)).toContain("runId");
  });
});

describe("fleet re-validation runs with Teams SSO", () => {
  it("needs a token, and the operate permission to start or cancel a run", async () => {
    const setup = await startEntraSetup({}, { botScheduler: false });
    try {
      const url = setup.app.url;
      for (const [method, path] of [
        ["POST", "/api/fleet/revalidation"],
        ["GET", "/api/fleet/revalidation/6f1d0b8e-8a4f-4f57-9e0a-4c1c2d3e4f5a"],
        ["POST", "/api/fleet/revalidation/6f1d0b8e-8a4f-4f57-9e0a-4c1c2d3e4f5a/cancel"],
      ] as const) {
        const response = await fetch(`${url}${path}`, { method });
        expect(response.status, `${method} ${path}`).toBe(401);
      }
      const reader = await setup.ssoToken({ roles: ["Onboarding.Reader"] });
      const refused = await fetch(`${url}/api/fleet/revalidation`, {
        method: "POST",
        headers: { authorization: `Bearer ${reader}` },
      });
      expect(refused.status).toBe(403);
      const operator = await setup.ssoToken();
      const started = await fetch(`${url}/api/fleet/revalidation`, {
        method: "POST",
        headers: { authorization: `Bearer ${operator}` },
      });
      expect(started.status).toBe(202);
      const { runId } = (await started.json()) as { runId: string };
      const read = await fetch(`${url}/api/fleet/revalidation/${runId}`, {
        headers: { authorization: `Bearer ${reader}` },
      });
      expect(read.status).toBe(200);
      const cancel = await fetch(`${url}/api/fleet/revalidation/${runId}/cancel`, {
        method: "POST",
        headers: { authorization: `Bearer ${reader}` },
      });
      expect(cancel.status).toBe(403);
    } finally {
      await setup.close();
    }
  });
});

describe.each(enginesNamed("postgres"))("fleet re-validation runs shared by two copies on $name", (engine) => {
  let apps: TestApp[] = [];
  let database: EngineDatabase;
  let db: DatabaseHandle;
  const tenantOfService = new Map<string, string>();

  beforeAll(async () => {
    database = engine.setup("dr-fleet-copies-");
    const env = { ...database.env, VALIDATION_RATE_LIMIT: "1000", REVALIDATION_CONCURRENCY: "2" };
    for (const copyId of ["copy-a", "copy-b"]) {
      apps.push(
        await startTestApp(env, {
          botScheduler: false,
          fleet: { copyId, leaseMs: 1500, pollMs: 100 },
          ...database.appOptions,
        }),
      );
    }
    db = await database.open();
    const first = apps[0] as TestApp;
    for (const id of await createServices(first.url, valid, ["cpva", "cpvb", "cpvc"])) tenantOfService.set(id, "v");
    for (const id of await createServices(first.url, expiring, ["cpea", "cpeb", "cpec"])) tenantOfService.set(id, "e");
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    apps = [];
    await db?.close();
    await database?.cleanup();
  });

  it("share a run with no service validated twice, and take over the tenants of a copy that died", async () => {
    const [a, b] = apps as [TestApp, TestApp];
    // Slow answers everywhere, so both copies hold tenants at once.
    for (const app of apps) {
      tenantOf(app, valid.tenantId).faults = { token: { kind: "latency", ms: 150 } };
      tenantOf(app, expiring.tenantId).faults = { token: { kind: "latency", ms: 150 } };
    }
    const probe = instrument(apps, tenantOfService);
    const by = new Map<TestApp, number>();
    // Copy a dies in the middle of its second validation: its step never returns, and the copy stops.
    let died: string | undefined;
    const original = a.bot.scheduler.revalidateService;
    a.bot.scheduler.revalidateService = async (serviceId, context) => {
      by.set(a, (by.get(a) ?? 0) + 1);
      if ((by.get(a) ?? 0) === 2) {
        died = serviceId;
        return new Promise(() => undefined);
      }
      return original(serviceId, context);
    };
    const since = new Date().toISOString();
    const runId = await startRun(a.url);
    while (died === undefined) await sleep(20);
    await a.fleetRunner.stop({ abandon: true });
    const run = await untilEnded(b.url, runId);
    expect(run).toMatchObject({ status: "completed", total: 6, done: 6, failed: 0 });
    // What copy a had started when it died ends as unknown (its one or two slots); nothing is validated twice.
    expect(run.unknown).toBeGreaterThanOrEqual(1);
    expect(run.unknown).toBeLessThanOrEqual(2);
    expect([...probe.calls.values()].every((n) => n === 1)).toBe(true);
    const history = await validationsSince(db, since);
    expect([...history.values()].every((n) => n === 1)).toBe(true);
    expect(history.has(died as string)).toBe(false);
    expect(probe.peak.tenant).toBe(1);
    // Copy b worked: it validated what copy a left.
    expect(history.size).toBeGreaterThanOrEqual(6 - run.unknown);
  });
});
