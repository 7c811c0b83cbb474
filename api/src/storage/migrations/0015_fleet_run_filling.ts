/**
 * Migration 0015_fleet_run_filling: a scheduled re-validation run is filled page by page (docs/api.md, "Fleet
 * re-validation"): the scheduler selects the due services in pages and the runner adds each page's ids to the run,
 * so no copy holds the whole fleet in memory. While a copy fills the run, `fleet_runs.filling_until` is its lease:
 * no tenant of the run is claimed and the run does not end until the copy clears it (all pages added) or the lease
 * lapses (the copy died: the run goes on with the services added so far; the others are due at the next pass).
 */
import type { Kysely, Migration } from "kysely";

/** Migration 0015_fleet_run_filling. */
export const m0015_fleet_run_filling: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("fleet_runs").addColumn("filling_until", "text").execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("fleet_runs").dropColumn("filling_until").execute();
  },
};
