/**
 * The fleet runner's per-tenant scheduling over the real storage (SQLite, and PostgreSQL when TEST_DATABASE_URL is
 * set) with a scripted step: every service once, one service per tenant at a time, at most `concurrency` at once,
 * a Retry-After defers its tenant alone, an unanswered service ends as unknown, cancel stops claiming, and a second
 * runner on the same database shares the run without validating a service twice, also after a copy died.
 */
import { randomUUID } from "node:crypto";
import type { FleetRun } from "@dr/contract";
import { afterEach, describe, expect, it } from "vitest";
import { ENGINES, type EngineDatabase } from "../../test/engines.js";
import type { DatabaseHandle } from "../storage/database.js";
import { createFleetRunsRepository } from "../storage/fleet-runs.repository.js";
import { decide, idleWait } from "./fleet.policy.js";
import { createFleetRunner, type FleetRunner, type FleetRunnerDeps, type FleetStepResult } from "./fleet.runner.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `perTenant` services in each of `tenants` tenants; answers service id → tenant id. */
async function seed(handle: DatabaseHandle, tenants: number, perTenant: number): Promise<Map<string, string>> {
  const at = new Date().toISOString();
  const customerId = randomUUID();
  await handle.db
    .insertInto("customers")
    .values({
      id: customerId,
      name: `Fleet ${customerId}`,
      contact_email: null,
      note: null,
      created_at: at,
      created_by: "t",
    })
    .execute();
  const owner = new Map<string, string>();
  for (let t = 0; t < tenants; t++) {
    const tenantId = randomUUID();
    for (let s = 0; s < perTenant; s++) {
      const id = randomUUID();
      owner.set(id, tenantId);
      await handle.db
        .insertInto("services")
        .values({
          id,
          customer_id: customerId,
          short_name: `f${t}x${s}`,
          short_name_norm: `f${t}x${s}`,
          full_name: null,
          license_type: "hosted-pro",
          licensed_users: 1,
          created_at: at,
          created_by: "t",
          updated_at: at,
          version: 1,
          m365_cloud: "global",
          // Upper case on purpose: tenants are grouped case-insensitively.
          m365_tenant_id: s % 2 === 0 ? tenantId : tenantId.toUpperCase(),
          m365_tenant_name: null,
          m365_tenant_domains: "[]",
          m365_client_id: randomUUID(),
          m365_secret_hint: "abc",
          m365_secret_key_id: null,
          m365_secret_expires_at: null,
          m365_secret_checked_at: null,
          m365_credential_type: "secret",
          m365_certificate_thumbprint: null,
          m365_certificate_subject: null,
          m365_user_name: "",
          m365_last_validated_at: null,
          m365_last_validation_ok: null,
          m365_last_validated_by: null,
          m365_permissions: null,
          dr_m365_domain: null,
          dr_sbc_region: null,
          dr_subdomain_label: null,
        })
        .execute();
    }
  }
  return owner;
}

/** A step that records calls and in-flight counts per tenant, answering `answer(serviceId, call)` after `ms`. */
function recordingStep(
  owner: Map<string, string>,
  ms: number,
  answer: (serviceId: string, call: number) => FleetStepResult = () => ({ outcome: "ok" }),
) {
  const calls = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const order: string[] = [];
  let now = 0;
  let peak = 0;
  let tenantPeak = 0;
  const step = async (serviceId: string): Promise<FleetStepResult> => {
    const tenant = owner.get(serviceId) ?? "?";
    const call = (calls.get(serviceId) ?? 0) + 1;
    calls.set(serviceId, call);
    inFlight.set(tenant, (inFlight.get(tenant) ?? 0) + 1);
    now++;
    peak = Math.max(peak, now);
    tenantPeak = Math.max(tenantPeak, inFlight.get(tenant) ?? 0);
    try {
      await sleep(ms);
      order.push(serviceId);
      return answer(serviceId, call);
    } finally {
      now--;
      inFlight.set(tenant, (inFlight.get(tenant) ?? 1) - 1);
    }
  };
  return {
    step,
    calls,
    order,
    peaks: () => ({ peak, tenantPeak }),
  };
}

describe("fleet policy", () => {
  const policy = { maxAttempts: 3, maxDeferMs: 60_000 };
  const now = new Date("2026-01-01T00:00:00.000Z");
  it("defers a throttled service by its Retry-After while tries remain and the wait is bounded", () => {
    expect(decide({ outcome: "unknown", retryAfterMs: 2000 }, 1, policy, now)).toEqual({
      kind: "defer",
      notBefore: new Date("2026-01-01T00:00:02.000Z"),
    });
    expect(decide({ outcome: "unknown", retryAfterMs: 2000 }, 3, policy, now)).toEqual({
      kind: "complete",
      outcome: "unknown",
    });
    expect(decide({ outcome: "unknown", retryAfterMs: 120_000 }, 1, policy, now)).toEqual({
      kind: "complete",
      outcome: "unknown",
    });
    // Unanswered without a Retry-After (an outage): unknown at once; a verdict is never retried.
    expect(decide({ outcome: "unknown" }, 1, policy, now)).toEqual({ kind: "complete", outcome: "unknown" });
    expect(decide({ outcome: "failed", retryAfterMs: 1 }, 1, policy, now)).toEqual({
      kind: "complete",
      outcome: "failed",
    });
  });
  it("waits until the next Retry-After when idle, never longer than the poll and never spinning", () => {
    expect(idleWait(now, 1000)).toBe(1000);
    expect(idleWait(now, 1000, "2026-01-01T00:00:00.300Z")).toBe(300);
    expect(idleWait(now, 1000, "2025-12-31T00:00:00.000Z")).toBe(10);
    expect(idleWait(now, 1000, "2026-01-02T00:00:00.000Z")).toBe(1000);
  });
});

describe.each(ENGINES)("fleet runner on $name", (engine) => {
  let database: EngineDatabase;
  const handles: DatabaseHandle[] = [];
  const runners: FleetRunner[] = [];

  async function open(): Promise<DatabaseHandle> {
    database ??= engine.setup("dr-fleet-runner-");
    const handle = await database.open();
    handles.push(handle);
    return handle;
  }
  function runnerOn(handle: DatabaseHandle, deps: Omit<FleetRunnerDeps, "store">): FleetRunner {
    const runner = createFleetRunner({
      store: createFleetRunsRepository(handle.db, handle.engine),
      pollMs: 50,
      ...deps,
    });
    runners.push(runner);
    return runner;
  }

  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop({ abandon: true });
    for (const h of handles.splice(0)) await h.close();
    await database?.cleanup();
    database = undefined as unknown as EngineDatabase;
  });

  it("validates every service once, one per tenant at a time, at most `concurrency` at once", async () => {
    const handle = await open();
    const owner = await seed(handle, 6, 4);
    const rec = recordingStep(owner, 15, (id) => ({
      outcome: [...owner.keys()].indexOf(id) % 5 === 0 ? "failed" : "ok",
    }));
    const runner = runnerOn(handle, { step: rec.step, concurrency: 3 });
    const { runId, created } = await runner.start("manual", "olivia");
    expect(created).toBe(true);
    const run = await runner.waitFor(runId);
    expect(run).toMatchObject({ status: "completed", trigger: "manual", total: 24, done: 24, unknown: 0 });
    expect(run?.failed).toBe([...owner.keys()].filter((_, i) => i % 5 === 0).length);
    expect(run?.finishedAt).toBeDefined();
    expect(rec.calls.size).toBe(24);
    expect([...rec.calls.values()].every((n) => n === 1)).toBe(true);
    expect(rec.peaks().tenantPeak).toBe(1);
    expect(rec.peaks().peak).toBeLessThanOrEqual(3);
    expect(rec.peaks().peak).toBeGreaterThan(1);
  });

  it("answers the running run to a second start, and a scheduled run covers the given services only", async () => {
    const handle = await open();
    const owner = await seed(handle, 3, 2);
    const rec = recordingStep(owner, 30);
    const runner = runnerOn(handle, { step: rec.step, concurrency: 2 });
    const first = await runner.start("manual", "olivia");
    const second = await runner.start("scheduled", "scheduler", { serviceIds: [...owner.keys()].slice(0, 1) });
    expect(second).toEqual({ runId: first.runId, created: false });
    await runner.waitFor(first.runId);
    const ids = [...owner.keys()].slice(0, 3);
    const scheduled = await runner.start("scheduled", "scheduler", { serviceIds: [...ids, randomUUID()] });
    expect(scheduled.created).toBe(true);
    expect(await runner.waitFor(scheduled.runId)).toMatchObject({ trigger: "scheduled", total: 3, done: 3 });
    for (const id of ids) expect(rec.calls.get(id)).toBe(2);
  });

  it("defers a throttled tenant by its Retry-After without stalling the others, and ends a silent one as unknown", async () => {
    const handle = await open();
    const owner = await seed(handle, 4, 2);
    const tenants = [...new Set(owner.values())];
    const throttled = tenants[0] as string;
    const silent = tenants[1] as string;
    const firstOfThrottled = [...owner.entries()].find(([, t]) => t === throttled)?.[0];
    const rec = recordingStep(owner, 5, (id, call) => {
      if (id === firstOfThrottled && call === 1) return { outcome: "unknown", retryAfterMs: 1500 };
      if (owner.get(id) === silent) return { outcome: "unknown", retryAfterMs: 50 };
      return { outcome: "ok" };
    });
    const runner = runnerOn(handle, { step: rec.step, concurrency: 1, retry: { maxAttempts: 2 } });
    const started = Date.now();
    const { runId } = await runner.start("manual", "olivia");
    const run = await runner.waitFor(runId);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    // The silent tenant's two services: two tries each, then unknown; the throttled one passed on its second try.
    expect(run).toMatchObject({ status: "completed", total: 8, done: 8, unknown: 2, failed: 0 });
    expect(rec.calls.get(firstOfThrottled as string)).toBe(2);
    // With one slot, every other tenant was finished while the throttled one waited its 1.5 s.
    const others = [...owner.entries()].filter(([, t]) => t !== throttled && t !== silent).map(([id]) => id);
    const retried = rec.order.lastIndexOf(firstOfThrottled as string);
    for (const id of others) expect(rec.order.indexOf(id)).toBeLessThan(retried);
  });

  it("cancels: no new claims, the validations in flight finish, status cancelled", async () => {
    const handle = await open();
    const owner = await seed(handle, 4, 3);
    const rec = recordingStep(owner, 80);
    const runner = runnerOn(handle, { step: rec.step, concurrency: 2 });
    const { runId } = await runner.start("manual", "olivia");
    await sleep(120);
    const cancelled = await runner.cancel(runId, "olivia");
    expect(cancelled?.status).toBe("cancelled");
    const callsAtCancel = [...rec.calls.values()].reduce((a, b) => a + b, 0);
    await sleep(300);
    const after = await runner.get(runId);
    expect(after?.status).toBe("cancelled");
    // At most the validations in flight at the cancel (one per slot) started after it.
    expect([...rec.calls.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(callsAtCancel + 2);
    expect(after?.done).toBeLessThan(12);
    expect(await runner.cancel(randomUUID(), "olivia")).toBeUndefined();
    // A new run may start once it is no longer running.
    expect((await runner.start("manual", "olivia")).created).toBe(true);
  });

  it("shares a run between two runners on one database; a copy that dies leaves its tenants after its lease", async () => {
    const a = await open();
    const b = await open();
    const owner = await seed(a, 6, 3);
    const calls = new Map<string, number>();
    const inFlight = new Map<string, number>();
    let tenantPeak = 0;
    let hung: string | undefined;
    const by = { a: 0, b: 0 };

    const stepOf =
      (copy: "a" | "b") =>
      async (serviceId: string): Promise<FleetStepResult> => {
        const tenant = owner.get(serviceId) ?? "?";
        calls.set(serviceId, (calls.get(serviceId) ?? 0) + 1);
        inFlight.set(tenant, (inFlight.get(tenant) ?? 0) + 1);
        tenantPeak = Math.max(tenantPeak, inFlight.get(tenant) ?? 0);
        by[copy]++;

        // Copy a dies in the middle of its third validation: the step never returns.
        if (copy === "a" && by.a === 3) {
          hung = serviceId;
          await new Promise(() => undefined);
        }
        await sleep(20);
        inFlight.set(tenant, (inFlight.get(tenant) ?? 1) - 1);

        return { outcome: "ok" };
      };
    const runA = runnerOn(a, { step: stepOf("a"), concurrency: 2, copyId: "copy-a", leaseMs: 600 });
    const runB = runnerOn(b, { step: stepOf("b"), concurrency: 2, copyId: "copy-b", leaseMs: 600 });
    const { runId } = await runA.start("manual", "olivia");
    const joined = runB.tick();
    while (hung === undefined) await sleep(10);
    // Dead: nothing it had started (the hung validation, and maybe one on its other slot) is ever recorded.
    await runA.stop({ abandon: true });
    // A dead process has no request in flight: the hung one is gone with it.
    const hungTenant = owner.get(hung) ?? "?";
    inFlight.set(hungTenant, (inFlight.get(hungTenant) ?? 1) - 1);
    const run = await runB.waitFor(runId);
    await joined;
    expect(run).toMatchObject({ status: "completed", total: 18, done: 18 });
    // The service copy a was validating when it died is never validated again: it ends as unknown.
    expect(calls.get(hung as string)).toBe(1);
    // What copy a had started when it died ends as unknown: at most one per slot of it.
    expect(run?.unknown).toBeGreaterThanOrEqual(1);
    expect(run?.unknown).toBeLessThanOrEqual(2);
    // Every service at most once; only a service copy a had marked started but not yet sent may never be called.
    expect([...calls.values()].every((n) => n === 1)).toBe(true);
    expect(calls.size).toBeGreaterThanOrEqual(18 - ((run?.unknown ?? 0) - 1));
    expect(by.a).toBeGreaterThan(0);
    expect(by.b).toBeGreaterThan(0);
    expect(tenantPeak).toBe(1);
  });

  it("fills a scheduled run page by page before any copy claims it, and counts each service once", async () => {
    const handle = await open();
    const owner = await seed(handle, 4, 3);
    const ids = [...owner.keys()];
    const rec = recordingStep(owner, 5);
    const runner = runnerOn(handle, { step: rec.step, concurrency: 2, copyId: "copy-a" });
    const other = runnerOn(await open(), { step: rec.step, concurrency: 2, copyId: "copy-b" });
    let pagesGiven = 0;
    let joined: Promise<void> | undefined;
    let runningWhileFilling: FleetRun | undefined;
    async function* more() {
      for (const page of [ids.slice(3, 6), [], ids.slice(5, 9), [randomUUID()], ids.slice(9)]) {
        // Another copy looks for work meanwhile: the run is running, but nothing is claimed until it is filled.
        joined ??= other.tick();
        await sleep(60);
        runningWhileFilling ??= await other.running();
        expect(rec.calls.size).toBe(0);
        pagesGiven++;
        yield page;
      }
    }
    const started = await runner.start("scheduled", "scheduler", { serviceIds: ids.slice(0, 3), more: more() });
    expect(started.created).toBe(true);
    expect(pagesGiven).toBe(5);
    expect(runningWhileFilling).toMatchObject({ runId: started.runId, status: "running" });
    const run = await runner.waitFor(started.runId);
    await joined;
    // Every service once (the page overlap and an unknown id add nothing), shared by both copies' workers.
    expect(run).toMatchObject({ status: "completed", total: 12, done: 12 });
    expect(rec.calls.size).toBe(12);
    expect([...rec.calls.values()].every((n) => n === 1)).toBe(true);
    expect(rec.peaks().tenantPeak).toBe(1);
    // While it fills, a second start answers it; its pages are not read.
    let read = false;
    async function* unread() {
      read = true;
      yield ids;
    }
    const filling = runner.start("scheduled", "scheduler", {
      serviceIds: ids.slice(0, 1),
      more: (async function* () {
        await sleep(100);
        yield ids.slice(1, 2);
      })(),
    });
    await sleep(30);
    const second = await other.start("scheduled", "scheduler", { serviceIds: ids.slice(2, 3), more: unread() });
    const first = await filling;
    expect(second).toEqual({ runId: first.runId, created: false });
    expect(read).toBe(false);
    expect(await runner.waitFor(first.runId)).toMatchObject({ status: "completed", total: 2, done: 2 });
  });

  it("goes on with the services added so far when the filling copy dies (its lease lapses)", async () => {
    const handle = await open();
    const owner = await seed(handle, 3, 2);
    const ids = [...owner.keys()];
    const rec = recordingStep(owner, 5);
    const dying = runnerOn(handle, { step: rec.step, concurrency: 2, copyId: "copy-a", leaseMs: 300 });
    const survivor = runnerOn(await open(), { step: rec.step, concurrency: 2, copyId: "copy-b", leaseMs: 300 });
    async function* hangs() {
      yield ids.slice(2, 4);
      // The copy dies here: the rest of the pages never come.
      await new Promise(() => undefined);
    }
    void dying.start("scheduled", "scheduler", { serviceIds: ids.slice(0, 2), more: hangs() });
    let runId: string | undefined;
    while (!runId) {
      runId = (await survivor.running())?.runId;
      await sleep(10);
    }
    const run = await Promise.race([
      (async () => {
        await survivor.tick();
        return survivor.waitFor(runId as string);
      })(),
      sleep(10_000).then(() => undefined),
    ]);
    expect(run).toMatchObject({ status: "completed", total: 4, done: 4 });
    expect(rec.calls.size).toBe(4);
  });

  it("tells subscribers the progress until the end, from storage too", async () => {
    const handle = await open();
    const owner = await seed(handle, 2, 3);
    const rec = recordingStep(owner, 20);
    const runner = runnerOn(handle, { step: rec.step, concurrency: 1 });
    const watcher = runnerOn(await open(), { step: rec.step, concurrency: 1 });
    const { runId } = await runner.start("manual", "olivia");
    const seen: FleetRun[] = [];
    await new Promise<void>((resolve) => {
      const stop = watcher.subscribe(runId, (run) => {
        seen.push(run);
        if (run.status !== "running") {
          stop();
          resolve();
        }
      });
    });
    expect(seen.at(-1)).toMatchObject({ status: "completed", done: 6, total: 6 });
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]?.done).toBeGreaterThanOrEqual(seen[i - 1]?.done ?? 0);
  });
});
