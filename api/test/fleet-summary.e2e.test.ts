/**
 * GET /api/fleet end to end (docs/api.md, "Fleet") on each database engine: the real server over HTTP, on a
 * database seeded with services whose expiries sit on and beside every cut-off of the status rule and of the weeks.
 * The database's counts, weeks and attention list must equal what the one status rule (deriveStatus, byAttention)
 * says service by service; the attention list stops at FLEET_ATTENTION_LIMIT. While a re-validation run is running
 * the answer carries it (`run`, as GET /api/fleet/revalidation/{runId} answers it), and not once it has ended.
 */
import { randomUUID } from "node:crypto";
import { FLEET_ATTENTION_LIMIT, type FleetRun, type FleetSummary, type ServiceStatus } from "@dr/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { byAttention, deriveStatus } from "../src/onboarding/status.js";
import { createFleetRunsRepository } from "../src/storage/fleet-runs.repository.js";
import { createKyselyRepository } from "../src/storage/kysely.repository.js";
import type { ServiceRecord } from "../src/storage/repository.types.js";
import { ENGINES } from "./engines.js";
import { apiCaller, startTestApp, type TestApp } from "./helpers.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** 10:00 UTC, so "today" (00:00) and "now" differ and the first week is cut at now. */
const NOW = new Date("2026-03-10T10:00:00.000Z");
const TODAY = Date.UTC(2026, 2, 10);

/** A service with the given last validation and expiry (ms from NOW; null: none known). */
function service(customerId: string, name: string, validated: boolean | null, expiresIn: number | null): ServiceRecord {
  const at = new Date(NOW.getTime() - 2 * DAY).toISOString();
  return {
    id: randomUUID(),
    customerId,
    customerName: "Fleet Customer",
    shortName: name,
    fullName: null,
    licenseType: "hosted-pro",
    licensedUsers: 10,
    createdAt: at,
    createdBy: "seed@provider.example",
    updatedAt: at,
    version: 1,
    m365: {
      cloud: "global",
      tenantId: randomUUID(),
      tenantName: null,
      tenantDomains: [],
      clientId: randomUUID(),
      secretHint: "abc",
      secretKeyId: null,
      secretExpiresAt: expiresIn === null ? null : new Date(NOW.getTime() + expiresIn).toISOString(),
      secretCheckedAt: null,
      credentialType: "secret",
      certificateThumbprint: null,
      certificateSubject: null,
      userName: "seed@provider.example",
      lastValidatedAt: validated === null ? null : at,
      lastValidationOk: validated,
      lastValidatedBy: validated === null ? null : "seed@provider.example",
      permissions: null,
    },
    directRouting: { m365Domain: null, sbcRegion: null, subdomainLabel: null },
  };
}

/** Expiries on and beside each cut-off: expired a day ago, 30 days ahead, the first week's start and the 13th's end. */
const EXPIRIES: (number | null)[] = [
  null,
  -2 * DAY,
  -DAY,
  -DAY + 1,
  -5 * HOUR,
  -1,
  0,
  1,
  2 * HOUR,
  14 * HOUR - 1,
  14 * HOUR,
  3 * DAY,
  30 * DAY,
  30 * DAY + 1,
  45 * DAY,
  89 * DAY,
  91 * DAY - 10 * HOUR - 1,
  91 * DAY - 10 * HOUR,
  200 * DAY,
];

describe.each(ENGINES)("GET /api/fleet on $name", (engine) => {
  const database = engine.setup("dr-fleet-summary-");
  let app: TestApp;
  const records: ServiceRecord[] = [];
  const call = apiCaller(() => app.url);

  beforeAll(async () => {
    const handle = await database.open();
    try {
      const repo = createKyselyRepository(handle.db, handle.engine);
      const customerId = randomUUID();
      await repo.insertCustomer({
        id: customerId,
        name: "Fleet Customer",
        contactEmail: null,
        note: null,
        createdAt: NOW.toISOString(),
        createdBy: "seed@provider.example",
      });
      let n = 0;
      const name = () => `fleet-${String(n++).padStart(3, "0")}`;
      for (const validated of [true, false, null] as const) {
        for (const expiresIn of EXPIRIES) records.push(service(customerId, name(), validated, expiresIn));
      }
      // More services needing attention than the list holds: never validated.
      for (let i = 0; i < FLEET_ATTENTION_LIMIT; i++) records.push(service(customerId, name(), null, 60 * DAY));
      await repo.transaction(async (tx) => {
        for (const r of records) await tx.insertService(r);
      });
    } finally {
      await handle.close();
    }
    // No copy works on runs by itself (fleet.watch false): a run written to the database stays running until cancelled.
    app = await startTestApp(
      { ...database.env },
      { botScheduler: false, now: () => new Date(NOW), fleet: { watch: false }, ...database.appOptions },
    );
  });
  afterAll(async () => {
    await app?.close();
    await database.cleanup();
  });

  it("counts every service by the status the services list shows", async () => {
    const answer = await call("GET", "/api/fleet");
    expect(answer.status, answer.text).toBe(200);
    const summary = answer.json as FleetSummary;
    const expected: Record<ServiceStatus, number> = { connected: 0, expiring: 0, auth_failed: 0, not_validated: 0 };
    for (const r of records) expected[deriveStatus(r, NOW)] += 1;
    expect(summary.counts).toEqual(expected);
    // The seed reaches each status on both sides of its cut-offs.
    expect(expected.connected).toBeGreaterThan(0);
    expect(expected.expiring).toBeGreaterThan(0);
    // The services list agrees service by service.
    const list = await call("GET", "/api/services");
    const items = (list.json as { items: { shortName: string; status: ServiceStatus }[] }).items;
    const listed: Record<string, number> = {};
    for (const s of items) listed[s.status] = (listed[s.status] ?? 0) + 1;
    expect(listed).toEqual(Object.fromEntries(Object.entries(expected).filter(([, v]) => v > 0)));
  });

  it("puts each credential expiring from now on in its week for 13 weeks from today, by status", async () => {
    const summary = (await call("GET", "/api/fleet")).json as FleetSummary;
    expect(summary.expiries).toHaveLength(13);
    expect(summary.expiries[0]?.weekStart).toBe("2026-03-10");
    expect(summary.expiries[1]?.weekStart).toBe("2026-03-17");
    expect(summary.expiries[12]?.weekStart).toBe("2026-06-02");
    const expected = summary.expiries.map((w) => ({
      weekStart: w.weekStart,
      count: 0,
      byStatus: { connected: 0, expiring: 0, auth_failed: 0, not_validated: 0 },
    }));
    for (const r of records) {
      const end = r.m365.secretExpiresAt ? Date.parse(r.m365.secretExpiresAt) : Number.NaN;
      if (!(end > NOW.getTime())) continue;
      const week = expected[Math.floor((end - TODAY) / (7 * DAY))];
      if (!week) continue;
      week.count += 1;
      week.byStatus[deriveStatus(r, NOW)] += 1;
    }
    expect(summary.expiries).toEqual(expected);
    // Expired and past-the-end credentials are left out; the edges are in.
    expect(summary.expiries[0]?.count).toBe(3 * 5); // 1 ms, 2 h, 14 h - 1 ms, 14 h, 3 days (each validated three ways)
    expect(summary.expiries[12]?.count).toBe(3 * 2); // 89 days and 91 days from today 00:00 minus 1 ms
  });

  it("lists those needing attention first: failed, expiring soonest first, never validated; at most the limit", async () => {
    const summary = (await call("GET", "/api/fleet")).json as FleetSummary;
    const statuses = new Map(records.map((r) => [r.id, deriveStatus(r, NOW)]));
    const expected = records
      .filter((r) => statuses.get(r.id) !== "connected")
      .sort(byAttention(NOW, statuses))
      .slice(0, FLEET_ATTENTION_LIMIT);
    expect(summary.attention).toHaveLength(FLEET_ATTENTION_LIMIT);
    expect(summary.attention.map((s) => s.shortName)).toEqual(expected.map((r) => r.shortName));
    expect(summary.attention.map((s) => s.status)).toEqual(expected.map((r) => statuses.get(r.id)));
    // Services as the services list answers them (the same DTO).
    const first = summary.attention[0];
    expect(first).toMatchObject({ type: "direct-routing", customerName: "Fleet Customer", status: "auth_failed" });
    const expiring = summary.attention.filter((s) => s.status === "expiring");
    expect(expiring.length).toBeGreaterThan(1);
    expect(expiring.map((s) => s.m365.daysUntilExpire)).toEqual(
      [...expiring.map((s) => s.m365.daysUntilExpire)].sort((a = 0, b = 0) => a - b),
    );
  });

  it("carries the run in progress while one runs, and no run once it has ended", async () => {
    const before = (await call("GET", "/api/fleet")).json as FleetSummary;
    expect(before).not.toHaveProperty("run");
    // A run another copy started and has not finished: written to the database, not worked on by this server.
    const runId = randomUUID();
    const handle = await database.open();
    try {
      const created = await createFleetRunsRepository(handle.db, handle.engine).create(
        { id: runId, trigger: "manual", actor: "bob@provider.example", startedAt: NOW.toISOString() },
        records.slice(0, 5).map((r) => r.id),
      );
      expect(created.created).toBe(true);
    } finally {
      await handle.close();
    }
    const during = (await call("GET", "/api/fleet")).json as FleetSummary;
    const progress = (await call("GET", `/api/fleet/revalidation/${runId}`)).json as FleetRun;
    expect(during.run).toEqual(progress);
    expect(during.run).toMatchObject({ runId, status: "running", trigger: "manual", total: 5, done: 0 });
    // The rest of the answer is unchanged by the run.
    expect({ ...during, run: undefined }).toEqual({ ...before, run: undefined });
    const cancelled = await call("POST", `/api/fleet/revalidation/${runId}/cancel`);
    expect(cancelled.status, cancelled.text).toBe(200);
    expect((cancelled.json as FleetRun).status).toBe("cancelled");
    const after = (await call("GET", "/api/fleet")).json as FleetSummary;
    expect(after).not.toHaveProperty("run");
  });

  it("answers an empty fleet with zeros and 13 empty weeks", async () => {
    const empty = engine.setup("dr-fleet-empty-");
    const other = await startTestApp(
      { ...empty.env },
      { botScheduler: false, now: () => new Date(NOW), ...empty.appOptions },
    );
    try {
      const answer = await apiCaller(() => other.url)("GET", "/api/fleet");
      expect(answer.status).toBe(200);
      const summary = answer.json as FleetSummary;
      expect(summary.counts).toEqual({ connected: 0, expiring: 0, auth_failed: 0, not_validated: 0 });
      expect(summary.expiries).toHaveLength(13);
      expect(summary.expiries.every((w) => w.count === 0)).toBe(true);
      expect(summary.attention).toEqual([]);
    } finally {
      await other.close();
      await empty.cleanup();
    }
  });
});
