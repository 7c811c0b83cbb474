/**
 * The fleet's re-validation runs (`fleet_runs`, `fleet_run_tenants`, `fleet_run_items`, migration 0014) over Kysely,
 * on SQLite and PostgreSQL. The fleet runner (api/src/fleet/) shares one run between server copies through it:
 * - `create` inserts the run (one `running` row at most: a unique partial index) and its items with one
 *   INSERT … SELECT over `services`, then one row per tenant; nothing is loaded into memory.
 * - `claimTenants` leases a batch of open tenants to a copy (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so copies never
 *   wait on each other; SQLite has one writer anyway). A tenant is claimable when no lease runs on it and its
 *   Retry-After (`not_before`) has passed: a copy that died leaves its tenants to the others once its lease lapses.
 * - `beginNext` marks the tenant's next service `started` before the validation, in one statement that also checks
 *   the copy still holds the tenant and the run still runs (the lease is renewed every third of its length); the same
 *   UPDATE marks the tenant's previous service `done` with its outcome (`complete` does it alone for the last one),
 *   so a service costs the runner one statement and one commit. A `started` item found by a new holder of the
 *   tenant (its copy died mid-validation) is never validated again: `resolveStale` closes it with the outcome the
 *   service row recorded after it started, else `unknown`.
 * Progress is an aggregate over the run's items (index on run_id), so no row is written by every copy for every
 * service; when a run ends its counts are kept in its row, which outlives its items (`prune`).
 * A scheduled run over the due services is filled page by page (migration 0015): `create` with `fillingUntil` (the
 * filling copy's lease) and the first page, `addItems` per further page (renewing the lease), `finishFilling` at the
 * end. While it fills, no tenant is claimed and the run cannot complete; if the filling copy dies, its lease lapses
 * and the run goes on with the services added so far.
 */
import type { Kysely, Selectable } from "kysely";
import { sql } from "kysely";
import type { Database, FleetRunsTable } from "./database.types.js";
import { FLEET_RUNS_RUNNING_UQ } from "./migrations/0014_fleet_runs.js";
import { uniqueViolation } from "./rows.js";

/** A run as stored. */
export interface FleetRunRecord {
  id: string;
  status: "running" | "completed" | "cancelled" | "failed";
  trigger: "manual" | "scheduled";
  actor: string;
  total: number;
  done: number;
  failed: number;
  unknown: number;
  startedAt: string;
  finishedAt: string | null;
}

/** How one service of a run ended. */
export type FleetItemOutcome = "ok" | "failed" | "unknown" | "skipped";

/** The next service of a claimed tenant, marked started. */
export interface StartedItem {
  serviceId: string;
  /** Tries so far, this one included. */
  attempts: number;
}

/** What `openState` tells the runner when it has nothing to claim. */
export interface FleetOpenState {
  status: FleetRunRecord["status"] | undefined;
  /** Tenants not done yet (claimed, waiting for Retry-After, or free). */
  open: number;
  /** The earliest Retry-After among open tenants nobody holds, when any. */
  nextNotBefore?: string;
  /** A copy still adds the run's services (its filling lease runs): the run is not over, whatever `open` says. */
  filling: boolean;
}

/** The store as the fleet runner uses it. */
export interface FleetRunStore {
  /**
   * Creates a running run over every service, or over `serviceIds` (those that still exist). Answers the running
   * run instead (`created: false`) when one is running already.
   */
  create(
    run: { id: string; trigger: FleetRunRecord["trigger"]; actor: string; startedAt: string },
    serviceIds?: readonly string[],
    options?: { fillingUntil?: string },
  ): Promise<{ run: FleetRunRecord; created: boolean }>;
  /**
   * Adds services (those that exist and are not in the run yet) to a run being filled, renewing the filling lease to
   * `fillingUntil`; false (nothing added) when the run no longer runs or is not being filled.
   */
  addItems(runId: string, serviceIds: readonly string[], fillingUntil: string): Promise<boolean>;
  /** Ends the filling: the run's tenants may be claimed, and the run may complete. */
  finishFilling(runId: string): Promise<void>;
  get(id: string): Promise<FleetRunRecord | undefined>;
  /** The running run, when there is one. */
  running(): Promise<FleetRunRecord | undefined>;
  /** Leases up to `limit` claimable tenants of a running run to `copy` until `leaseUntil`. */
  claimTenants(runId: string, copy: string, limit: number, at: string, leaseUntil: string): Promise<string[]>;
  /**
   * Closes the `started` items of a tenant `copy` now holds (left by a copy that died): done with the outcome the
   * service row recorded at or after the item started, else `unknown`. Answers how many it closed.
   */
  resolveStale(runId: string, tenantId: string, copy: string): Promise<number>;
  /**
   * Marks the tenant's next pending service started, while `copy` holds the tenant and the run runs; renews the lease
   * to `leaseUntil` first when given. `lost` when the copy no longer holds the tenant or the run stopped running;
   * undefined when the tenant has no pending service left. `previous` (the tenant's service this copy just finished)
   * is marked done in the same statement, whatever the answer: one statement and one commit per service, not two.
   */
  beginNext(
    runId: string,
    tenantId: string,
    copy: string,
    at: string,
    leaseUntil?: string,
    previous?: { serviceId: string; outcome: FleetItemOutcome },
  ): Promise<StartedItem | "lost" | undefined>;
  /** Marks a started service done with its outcome; false if it was not started (another copy closed it). */
  complete(runId: string, serviceId: string, outcome: FleetItemOutcome): Promise<boolean>;
  /**
   * A throttled answer: the service goes back to pending and the tenant is released until `notBefore`, so another
   * claim (by any copy) takes it up after the Retry-After.
   */
  defer(runId: string, tenantId: string, serviceId: string, copy: string, notBefore: string): Promise<void>;
  /** Closes the tenant when none of its services is left; else releases it. */
  finishTenant(runId: string, tenantId: string, copy: string): Promise<void>;
  /** Releases the tenant (a copy stopping): another copy may claim it at once. */
  release(runId: string, tenantId: string, copy: string): Promise<void>;
  openState(runId: string, at: string): Promise<FleetOpenState>;
  /** Ends a running run with `status`, keeping its counts in its row; false when it was not running. */
  finish(runId: string, status: "completed" | "cancelled" | "failed", at: string, by?: string): Promise<boolean>;
  /** Drops the tenants and items of runs that finished before `before` (their counters stay). */
  prune(before: string): Promise<void>;
}

const toRecord = (row: Selectable<FleetRunsTable>): FleetRunRecord => ({
  id: row.id,
  status: row.status as FleetRunRecord["status"],
  trigger: row.trigger as FleetRunRecord["trigger"],
  actor: row.actor,
  total: Number(row.total),
  done: Number(row.done),
  failed: Number(row.failed),
  unknown: Number(row.unknown),
  startedAt: row.started_at,
  finishedAt: row.finished_at,
});

/** Service ids per INSERT of a scheduled run (well under both engines' bound-parameter limits). */
const ID_CHUNK = 500;

/**
 * Inserts the run's items for every service, or for `ids` (those that exist and are not in the run yet). The SELECT
 * always has a WHERE: SQLite reads `ON CONFLICT` after a bare `FROM` as a join's `ON`.
 */
const insertItems = (db: Kysely<Database>, runId: string, ids?: readonly string[]) =>
  sql`insert into fleet_run_items (run_id, service_id, tenant_id, state, attempts)
    select cast(${runId} as text), id, lower(m365_tenant_id), 'pending', 0 from services
    ${ids ? sql`where id in (${sql.join(ids.map((id) => sql`${id}`))})` : sql`where 1 = 1`}
    on conflict (run_id, service_id) do nothing`.execute(db);

/** Sets the run's `total` to its items. */
const updateTotal = async (db: Kysely<Database>, runId: string) => {
  const { total } = await db
    .selectFrom("fleet_run_items")
    .select((eb) => eb.fn.countAll<number>().as("total"))
    .where("run_id", "=", runId)
    .executeTakeFirstOrThrow();
  await db
    .updateTable("fleet_runs")
    .set({ total: Number(total) })
    .where("id", "=", runId)
    .execute();
};

/** Creates the store over `db`. */
export function createFleetRunsRepository(db: Kysely<Database>, engine: "sqlite" | "postgres"): FleetRunStore {
  const pg = engine === "postgres";
  /** The run's counts from its items: done, and of them failed and unknown. */
  const counts = async (runId: string) => {
    const result = await sql<{
      items: number | string;
      done: number | string | null;
      failed: number | string | null;
      unknown: number | string | null;
    }>`
      select count(*) as items,
        sum(case when state = 'done' then 1 else 0 end) as done,
        sum(case when outcome = 'failed' then 1 else 0 end) as failed,
        sum(case when outcome = 'unknown' then 1 else 0 end) as unknown
      from fleet_run_items where run_id = ${runId}`.execute(db);
    const row = result.rows[0];
    return {
      items: Number(row?.items ?? 0),
      done: Number(row?.done ?? 0),
      failed: Number(row?.failed ?? 0),
      unknown: Number(row?.unknown ?? 0),
    };
  };
  /** The row, with the live counts while its items are there (a pruned run keeps the counts of its end). */
  const withCounts = async (row: Selectable<FleetRunsTable>): Promise<FleetRunRecord> => {
    const record = toRecord(row);
    const live = await counts(row.id);
    return live.items > 0 ? { ...record, done: live.done, failed: live.failed, unknown: live.unknown } : record;
  };
  const get = async (id: string) => {
    const row = await db.selectFrom("fleet_runs").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? withCounts(row) : undefined;
  };
  const running = async () => {
    const row = await db.selectFrom("fleet_runs").selectAll().where("status", "=", "running").executeTakeFirst();
    return row ? withCounts(row) : undefined;
  };

  const complete = async (runId: string, serviceId: string, outcome: FleetItemOutcome): Promise<boolean> => {
    const marked = await db
      .updateTable("fleet_run_items")
      .set({ state: "done", outcome })
      .where("run_id", "=", runId)
      .where("service_id", "=", serviceId)
      .where("state", "=", "started")
      .executeTakeFirst();
    return Number(marked.numUpdatedRows) === 1;
  };

  /**
   * Marks the tenant's next pending service started (while `copy` holds the tenant and the run runs) and, in the same
   * UPDATE, the `previous` service done (whatever the claim): one statement and one commit per service. The rows are
   * found by primary key: the previous service, and the tenant's first pending one (no ORDER BY, so that lookup stays
   * on fleet_run_items_tenant_idx; an ORDER BY service_id led SQLite to walk the run's whole primary key instead, ~5 ms
   * per service at 10,000, the fleet bench).
   */
  const startNext = async (
    runId: string,
    tenantId: string,
    copy: string,
    at: string,
    previous?: { serviceId: string; outcome: FleetItemOutcome },
  ): Promise<StartedItem | undefined> => {
    const next = sql`(select service_id from fleet_run_items
        where run_id = ${runId} and tenant_id = ${tenantId} and state = 'pending'
        limit 1)`;
    const start = sql`state = 'pending'
        and exists (select 1 from fleet_run_tenants
          where run_id = ${runId} and tenant_id = ${tenantId} and claimed_by = ${copy})
        and exists (select 1 from fleet_runs where id = ${runId} and status = 'running')`;
    const rows = previous
      ? await sql<{ service_id: string; attempts: number; state: string }>`
          update fleet_run_items set
            state = case when state = 'started' then 'done' else 'started' end,
            outcome = case when state = 'started' then ${previous.outcome} else outcome end,
            started_at = case when state = 'started' then started_at else ${at} end,
            attempts = case when state = 'started' then attempts else attempts + 1 end
          where run_id = ${runId} and service_id in (${previous.serviceId}, ${next})
            and ((service_id = ${previous.serviceId} and state = 'started') or (${start}))
          returning service_id, attempts, state`.execute(db)
      : await sql<{ service_id: string; attempts: number; state: string }>`
          update fleet_run_items set state = 'started', started_at = ${at}, attempts = attempts + 1
          where run_id = ${runId} and service_id = ${next} and ${start}
          returning service_id, attempts, state`.execute(db);
    const row = rows.rows.find((r) => r.state === "started");
    return row ? { serviceId: row.service_id, attempts: Number(row.attempts) } : undefined;
  };

  return {
    get,
    running,

    async create(run, serviceIds, options = {}) {
      try {
        const created = await db.transaction().execute(async (tx) => {
          await tx
            .insertInto("fleet_runs")
            .values({
              id: run.id,
              status: "running",
              trigger: run.trigger,
              actor: run.actor,
              total: 0,
              done: 0,
              failed: 0,
              unknown: 0,
              started_at: run.startedAt,
              finished_at: null,
              cancelled_by: null,
              filling_until: options.fillingUntil ?? null,
            })
            .execute();
          if (serviceIds === undefined) await insertItems(tx, run.id);
          else
            for (let i = 0; i < serviceIds.length; i += ID_CHUNK)
              await insertItems(tx, run.id, serviceIds.slice(i, i + ID_CHUNK));
          await sql`insert into fleet_run_tenants (run_id, tenant_id, state)
            select run_id, tenant_id, 'open' from fleet_run_items where run_id = ${run.id} group by run_id, tenant_id`.execute(
            tx,
          );
          await updateTotal(tx, run.id);
          return tx.selectFrom("fleet_runs").selectAll().where("id", "=", run.id).executeTakeFirstOrThrow();
        });
        return { run: await withCounts(created), created: true };
      } catch (error) {
        const violated = uniqueViolation(error);
        if (violated !== FLEET_RUNS_RUNNING_UQ && violated !== "fleet_runs.status") throw error;
        const current = await running();
        // It finished between the violation and the read: the caller may try again.
        if (!current) throw error;
        return { run: current, created: false };
      }
    },

    async addItems(runId, serviceIds, fillingUntil) {
      if (serviceIds.length === 0) return true;
      return db.transaction().execute(async (tx) => {
        // The lease first: the run row stays locked (PostgreSQL) until the items are in, so it cannot end meanwhile.
        const renewed = await tx
          .updateTable("fleet_runs")
          .set({ filling_until: fillingUntil })
          .where("id", "=", runId)
          .where("status", "=", "running")
          .where("filling_until", "is not", null)
          .executeTakeFirst();
        if (Number(renewed.numUpdatedRows) !== 1) return false;
        for (let i = 0; i < serviceIds.length; i += ID_CHUNK) {
          const ids = serviceIds.slice(i, i + ID_CHUNK);
          await insertItems(tx, runId, ids);
          // A tenant that had ended (only after a lapsed filling lease) is open again for its new services.
          await sql`insert into fleet_run_tenants (run_id, tenant_id, state)
            select run_id, tenant_id, 'open' from fleet_run_items
            where run_id = ${runId} and service_id in (${sql.join(ids.map((id) => sql`${id}`))})
            group by run_id, tenant_id
            on conflict (run_id, tenant_id) do update set state = 'open'`.execute(tx);
        }
        await updateTotal(tx, runId);
        return true;
      });
    },

    async finishFilling(runId) {
      await db.updateTable("fleet_runs").set({ filling_until: null }).where("id", "=", runId).execute();
    },

    async claimTenants(runId, copy, limit, at, leaseUntil) {
      if (limit <= 0) return [];
      // Any claimable tenants, in no order: the lookup stays on fleet_run_tenants_open_idx (run_id, state).
      const rows = await sql<{ tenant_id: string }>`
        update fleet_run_tenants set claimed_by = ${copy}, lease_until = ${leaseUntil}
        where run_id = ${runId} and tenant_id in (
          select tenant_id from fleet_run_tenants
          where run_id = ${runId} and state = 'open'
            and (lease_until is null or lease_until < ${at})
            and (not_before is null or not_before <= ${at})
            and exists (select 1 from fleet_runs where id = ${runId} and status = 'running'
              and (filling_until is null or filling_until < ${at}))
          limit ${limit}
          ${pg ? sql`for update skip locked` : sql``})
        returning tenant_id`.execute(db);
      return rows.rows.map((r) => r.tenant_id);
    },

    async resolveStale(runId, tenantId, copy) {
      // Almost always none: only a copy that died leaves a started service behind.
      const any = await db
        .selectFrom("fleet_run_items")
        .select("service_id")
        .where("run_id", "=", runId)
        .where("tenant_id", "=", tenantId)
        .where("state", "=", "started")
        .executeTakeFirst();
      if (!any) return 0;
      const stale = await db
        .selectFrom("fleet_run_items as i")
        .innerJoin("fleet_run_tenants as t", (join) =>
          join.onRef("t.run_id", "=", "i.run_id").onRef("t.tenant_id", "=", "i.tenant_id"),
        )
        .leftJoin("services as s", "s.id", "i.service_id")
        .select(["i.service_id", "i.started_at", "s.m365_last_validated_at", "s.m365_last_validation_ok"])
        .where("i.run_id", "=", runId)
        .where("i.tenant_id", "=", tenantId)
        .where("i.state", "=", "started")
        .where("t.claimed_by", "=", copy)
        .execute();
      let closed = 0;
      for (const row of stale) {
        const recorded =
          row.m365_last_validated_at !== null &&
          row.started_at !== null &&
          row.m365_last_validated_at >= row.started_at &&
          row.m365_last_validation_ok !== null;
        const outcome: FleetItemOutcome = recorded
          ? Number(row.m365_last_validation_ok) === 1
            ? "ok"
            : "failed"
          : "unknown";
        if (await complete(runId, row.service_id, outcome)) closed++;
      }
      return closed;
    },

    async beginNext(runId, tenantId, copy, at, leaseUntil, previous) {
      if (leaseUntil !== undefined) {
        const renewed = await sql`
          update fleet_run_tenants set lease_until = ${leaseUntil}
          where run_id = ${runId} and tenant_id = ${tenantId} and claimed_by = ${copy}`.execute(db);
        if (Number(renewed.numAffectedRows ?? 0) !== 1) {
          if (previous) await complete(runId, previous.serviceId, previous.outcome);
          return "lost";
        }
      }
      const started = await startNext(runId, tenantId, copy, at, previous);
      if (started) return started;
      // Nothing started: the tenant has no pending service, or the copy lost it, or the run stopped.
      const held = await sql<{ n: number | string }>`
        select count(*) as n from fleet_run_tenants t join fleet_runs r on r.id = t.run_id
        where t.run_id = ${runId} and t.tenant_id = ${tenantId} and t.claimed_by = ${copy} and r.status = 'running'`.execute(
        db,
      );
      return Number(held.rows[0]?.n ?? 0) === 1 ? undefined : "lost";
    },

    complete,

    async defer(runId, tenantId, serviceId, copy, notBefore) {
      await db.transaction().execute(async (tx) => {
        await tx
          .updateTable("fleet_run_items")
          .set({ state: "pending" })
          .where("run_id", "=", runId)
          .where("service_id", "=", serviceId)
          .where("state", "=", "started")
          .execute();
        await tx
          .updateTable("fleet_run_tenants")
          .set({ claimed_by: null, lease_until: null, not_before: notBefore })
          .where("run_id", "=", runId)
          .where("tenant_id", "=", tenantId)
          .where("claimed_by", "=", copy)
          .execute();
      });
    },

    async finishTenant(runId, tenantId, copy) {
      await sql`
        update fleet_run_tenants
        set state = case when exists (
              select 1 from fleet_run_items
              where run_id = ${runId} and tenant_id = ${tenantId} and state <> 'done') then 'open' else 'done' end,
            claimed_by = null, lease_until = null
        where run_id = ${runId} and tenant_id = ${tenantId} and claimed_by = ${copy}`.execute(db);
    },

    async release(runId, tenantId, copy) {
      await db
        .updateTable("fleet_run_tenants")
        .set({ claimed_by: null, lease_until: null })
        .where("run_id", "=", runId)
        .where("tenant_id", "=", tenantId)
        .where("claimed_by", "=", copy)
        .execute();
    },

    async openState(runId, at) {
      // The run row before the tenants: a filling that ended before this read added its tenants before it ended.
      const run = await db
        .selectFrom("fleet_runs")
        .select(["status", "filling_until"])
        .where("id", "=", runId)
        .executeTakeFirst();
      const row = await db
        .selectFrom("fleet_run_tenants")
        .select((eb) => [
          eb.fn.countAll<number>().as("open"),
          eb.fn
            .min(
              eb
                .case()
                .when(
                  eb.and([
                    eb.or([eb("lease_until", "is", null), eb("lease_until", "<", at)]),
                    eb("not_before", ">", at),
                  ]),
                )
                .then(eb.ref("not_before"))
                .end(),
            )
            .as("next"),
        ])
        .where("run_id", "=", runId)
        .where("state", "=", "open")
        .executeTakeFirstOrThrow();
      const next = row.next as string | null;
      return {
        status: run?.status as FleetRunRecord["status"] | undefined,
        open: Number(row.open),
        ...(next ? { nextNotBefore: next } : {}),
        filling: run?.filling_until != null && run.filling_until >= at,
      };
    },

    async finish(runId, status, at, by) {
      const final = await counts(runId);
      const result = await db
        .updateTable("fleet_runs")
        .set({
          status,
          finished_at: at,
          done: final.done,
          failed: final.failed,
          unknown: final.unknown,
          ...(by ? { cancelled_by: by } : {}),
        })
        .where("id", "=", runId)
        .where("status", "=", "running")
        // A run being filled completes only after its filling (a cancel may end it at any time).
        .where((eb) =>
          status === "completed"
            ? eb.or([eb("filling_until", "is", null), eb("filling_until", "<", at)])
            : eb.lit(true),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async prune(before) {
      const old = db
        .selectFrom("fleet_runs")
        .select("id")
        .where("status", "<>", "running")
        .where("finished_at", "<", before);
      await db.deleteFrom("fleet_run_items").where("run_id", "in", old).execute();
      await db.deleteFrom("fleet_run_tenants").where("run_id", "in", old).execute();
    },
  };
}
