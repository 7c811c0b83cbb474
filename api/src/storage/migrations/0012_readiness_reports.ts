/**
 * Migration 0012_readiness_reports: the last Direct Routing readiness report of each service (docs/api.md,
 * "Readiness"). One row per service, replaced by each run, gone with the service. The report is JSON (checks with
 * their messages and remedies, never a secret).
 */
import { type Kysely, type Migration, sql } from "kysely";

/** Migration 0012_readiness_reports. */
export const m0012_readiness_reports: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("readiness_reports")
      .addColumn("service_id", "text", (c) => c.notNull())
      .addColumn("checked_at", "text", (c) => c.notNull())
      .addColumn("checked_by", "text", (c) => c.notNull())
      .addColumn("ok", "integer", (c) => c.notNull().check(sql`ok in (0, 1)`))
      .addColumn("report", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("readiness_reports_pk", ["service_id"])
      .addForeignKeyConstraint("readiness_reports_service_fk", ["service_id"], "services", ["id"], (fk) =>
        fk.onDelete("cascade"),
      )
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("readiness_reports").execute();
  },
};
