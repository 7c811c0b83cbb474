/**
 * Migration 0014_fleet_runs: the fleet's re-validation runs (docs/api.md, "Fleet re-validation"). `fleet_runs` holds
 * one row per run with its counters; a unique partial index on `status` where it is `running` lets only one run run
 * at a time, so two copies' POSTs race safely (the second insert fails and answers the running run).
 * `fleet_run_tenants` is the unit of work the copies claim (a lease: `claimed_by`, `lease_until`; a throttled tenant
 * waits until `not_before`), so one tenant is worked on by one copy at a time; `fleet_run_items` has one row per
 * service of the run, `pending` → `started` (before its validation) → `done` (with its outcome), so no service is
 * validated twice in one run, even when a lapsed lease is taken over.
 */
import { type Kysely, type Migration, sql } from "kysely";

/** Name of the unique partial index that allows one running run (the same on both engines). */
export const FLEET_RUNS_RUNNING_UQ = "fleet_runs_running_uq";

/** Migration 0014_fleet_runs. */
export const m0014_fleet_runs: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("fleet_runs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("trigger", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("total", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("done", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("failed", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("unknown", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("finished_at", "text")
      .addColumn("cancelled_by", "text")
      .execute();
    // Literal DDL: a partial index with a constant, the same text on SQLite and PostgreSQL.
    await sql`create unique index ${sql.id(FLEET_RUNS_RUNNING_UQ)} on fleet_runs (status) where status = 'running'`.execute(
      db,
    );
    await db.schema
      .createTable("fleet_run_tenants")
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("tenant_id", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("claimed_by", "text")
      .addColumn("lease_until", "text")
      .addColumn("not_before", "text")
      .addPrimaryKeyConstraint("fleet_run_tenants_pk", ["run_id", "tenant_id"])
      .execute();
    await db.schema
      .createIndex("fleet_run_tenants_open_idx")
      .on("fleet_run_tenants")
      .columns(["run_id", "state"])
      .execute();
    await db.schema
      .createTable("fleet_run_items")
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("service_id", "text", (c) => c.notNull())
      .addColumn("tenant_id", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("started_at", "text")
      .addColumn("outcome", "text")
      .addPrimaryKeyConstraint("fleet_run_items_pk", ["run_id", "service_id"])
      .execute();
    await db.schema
      .createIndex("fleet_run_items_tenant_idx")
      .on("fleet_run_items")
      .columns(["run_id", "tenant_id", "state"])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("fleet_run_items").execute();
    await db.schema.dropTable("fleet_run_tenants").execute();
    await db.schema.dropTable("fleet_runs").execute();
  },
};
