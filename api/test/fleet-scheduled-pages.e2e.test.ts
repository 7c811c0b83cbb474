/**
 * The scheduled pass's due selection page by page (docs/api.md, "Fleet re-validation"), on each database engine:
 * the bot's real scheduler over the server's OnboardingPort reader of validation times (id and last validation only,
 * keyset pages in id order), and the real fleet runner and repository, with the per-service step recorded instead
 * of asking Microsoft. Over more services than one page, the run holds exactly the due services, each validated
 * once, and no service is validated before the last page was read (the run is filled before it is released). Two
 * copies' passes racing share one run.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BotStateStore, OnboardingPort } from "../../bot/src/ports.js";
import { createReminderScheduler, type RevalidationRunPort } from "../../bot/src/reminders/reminder.scheduler.js";
import type { OutboundPort } from "../../bot/src/turn.types.js";
import { createFleetRunner, type FleetRunner } from "../src/fleet/fleet.runner.js";
import { createBotStateRepository } from "../src/storage/bot-state.repository.js";
import type { DatabaseHandle } from "../src/storage/database.js";
import { createFleetRunsRepository } from "../src/storage/fleet-runs.repository.js";
import { createKyselyRepository } from "../src/storage/kysely.repository.js";
import type { ServiceRecord } from "../src/storage/repository.types.js";
import { createValidationTimesReader } from "../src/storage/validation-times.repository.js";
import { ENGINES } from "./engines.js";

const DAY = 86_400_000;
const NOW = new Date("2026-03-10T10:00:00.000Z");
/** Services in the fleet and per page: several pages, the last one partial. */
const SERVICES = 23;
const PAGE = 5;

/** A service last validated at `validatedAt` (null: never). */
function service(customerId: string, n: number, validatedAt: Date | null): ServiceRecord {
  const at = new Date(NOW.getTime() - 10 * DAY).toISOString();
  return {
    id: randomUUID(),
    customerId,
    customerName: "Paged Customer",
    shortName: `paged-${String(n).padStart(3, "0")}`,
    fullName: null,
    licenseType: "hosted-pro",
    licensedUsers: 10,
    createdAt: at,
    createdBy: "seed@provider.example",
    updatedAt: at,
    version: 1,
    m365: {
      cloud: "global",
      // Three services per tenant: the runner works one at a time per tenant.
      tenantId: `00000000-0000-4000-8000-${String(Math.floor(n / 3)).padStart(12, "0")}`,
      tenantName: null,
      tenantDomains: [],
      clientId: randomUUID(),
      secretHint: "abc",
      secretKeyId: null,
      secretExpiresAt: new Date(NOW.getTime() + 200 * DAY).toISOString(),
      secretCheckedAt: null,
      credentialType: "secret",
      certificateThumbprint: null,
      certificateSubject: null,
      userName: "seed@provider.example",
      lastValidatedAt: validatedAt?.toISOString() ?? null,
      lastValidationOk: validatedAt ? true : null,
      lastValidatedBy: validatedAt ? "seed@provider.example" : null,
      permissions: null,
    },
    directRouting: { m365Domain: null, sbcRegion: null, subdomainLabel: null },
  };
}

describe.each(ENGINES)("a scheduled pass over several pages of services on $name", (engine) => {
  const database = engine.setup("dr-fleet-pages-");
  let handle: DatabaseHandle;
  const due = new Set<string>();
  const all: ServiceRecord[] = [];

  beforeAll(async () => {
    handle = await database.open();
    const repo = createKyselyRepository(handle.db, handle.engine);
    const customerId = randomUUID();
    await repo.insertCustomer({
      id: customerId,
      name: "Paged Customer",
      contactEmail: null,
      note: null,
      createdAt: NOW.toISOString(),
      createdBy: "seed@provider.example",
    });
    for (let n = 0; n < SERVICES; n++) {
      // Never validated, validated 3 days ago (before this day's slot): due. Validated now (after it): not due.
      const kind = n % 3;
      const validatedAt = kind === 0 ? null : kind === 1 ? new Date(NOW.getTime() - 3 * DAY) : NOW;
      const record = service(customerId, n, validatedAt);
      all.push(record);
      if (kind !== 2) due.add(record.id);
    }
    await repo.transaction(async (tx) => {
      for (const r of all) await tx.insertService(r);
    });
  });
  afterAll(async () => {
    await handle?.close();
    await database.cleanup();
  });

  /** One server copy: its runner (the step recorded) and its scheduler over the paged reader. */
  function copy(name: string, validated: string[], pages: { rows: number; keys: string[] }[]) {
    const read = createValidationTimesReader(handle.db);
    const runner: FleetRunner = createFleetRunner({
      store: createFleetRunsRepository(handle.db, handle.engine),
      step: async (serviceId) => {
        validated.push(`${serviceId}@${pages.length}`);
        return { outcome: "ok" };
      },
      concurrency: 4,
      copyId: name,
      pollMs: 50,
      now: () => new Date(),
    });
    const fleet: RevalidationRunPort = {
      async runScheduled(first, more) {
        const { runId } = await runner.start("scheduled", "scheduler", { serviceIds: first, more });
        await runner.waitFor(runId);
      },
    };
    const onboarding = {
      listValidationTimes: async (page: { after?: string; limit: number }) => {
        const rows = await read(page);
        pages.push({ rows: rows.length, keys: [...new Set(rows.flatMap((r) => Object.keys(r)))] });
        return rows;
      },
    } as unknown as OnboardingPort;
    const scheduler = createReminderScheduler({
      onboarding,
      store: createBotStateRepository(handle.db) as unknown as BotStateStore,
      outbound: {} as OutboundPort,
      now: () => NOW,
      intervalMs: DAY,
      concurrency: 4,
      retryMs: 3_600_000,
      duePageSize: PAGE,
      fleet,
    });
    return { runner, scheduler };
  }

  const runs = async () =>
    handle.db.selectFrom("fleet_runs").selectAll().where("trigger", "=", "scheduled").orderBy("started_at").execute();

  it("selects exactly the due services, page by page, and validates each once after the last page", async () => {
    const validated: string[] = [];
    const pages: { rows: number; keys: string[] }[] = [];
    const { runner, scheduler } = copy("copy-a", validated, pages);
    try {
      await scheduler.runOnce();
    } finally {
      await runner.stop();
    }
    // Every page read: ceil(23 / 5) = 5 pages, the last one partial; only the id and the last validation.
    expect(pages.map((p) => p.rows)).toEqual([5, 5, 5, 5, 3]);
    for (const p of pages) for (const key of p.keys) expect(["id", "lastValidatedAt"]).toContain(key);
    const ids = validated.map((v) => v.split("@")[0]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(due);
    // No service was validated before the run held every page's due services.
    expect(validated.every((v) => v.endsWith(`@${pages.length}`))).toBe(true);
    const [run] = await runs();
    expect(run).toMatchObject({ status: "completed", total: due.size, filling_until: null });
    const items = await handle.db
      .selectFrom("fleet_run_items")
      .select(["service_id", "state", "outcome"])
      .where("run_id", "=", run?.id ?? "")
      .execute();
    expect(new Set(items.map((i) => i.service_id))).toEqual(due);
    expect(items.every((i) => i.state === "done" && i.outcome === "ok")).toBe(true);
  });

  it("two copies' passes racing share one run, and no service is validated twice", async () => {
    const before = (await runs()).length;
    const validated: string[] = [];
    const a = copy("copy-a", validated, []);
    const b = copy("copy-b", validated, []);
    try {
      await Promise.all([a.scheduler.runOnce(), b.scheduler.runOnce()]);
    } finally {
      await Promise.all([a.runner.stop(), b.runner.stop()]);
    }
    const after = await runs();
    expect(after.length).toBe(before + 1);
    expect(after[after.length - 1]).toMatchObject({ status: "completed", total: due.size });
    const ids = validated.map((v) => v.split("@")[0]);
    expect(ids.length).toBe(due.size);
    expect(new Set(ids)).toEqual(due);
  });
});
