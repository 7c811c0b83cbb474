/**
 * The last Direct Routing readiness report of each service (`readiness_reports`, migration 0012) over Kysely, on
 * SQLite and PostgreSQL: one row per service, replaced by each run (an upsert, so two copies writing at once leave
 * one of the two reports whole).
 */
import type { ReadinessReport } from "@dr/contract";
import type { Kysely } from "kysely";
import type { Database } from "./database.types.js";

/** A stored report with who ran it and when. */
export interface StoredReadiness {
  serviceId: string;
  checkedAt: string;
  checkedBy: string;
  report: ReadinessReport;
}

/** The store the readiness feature uses. */
export interface ReadinessStore {
  /** The service's last report; undefined before the first. */
  last(serviceId: string): Promise<StoredReadiness | undefined>;
  /** Replaces the service's last report. */
  put(row: StoredReadiness): Promise<void>;
}

/** Creates the store over a database handle. */
export function createReadinessRepository(db: Kysely<Database>): ReadinessStore {
  return {
    async last(serviceId) {
      const row = await db
        .selectFrom("readiness_reports")
        .selectAll()
        .where("service_id", "=", serviceId)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        serviceId: row.service_id,
        checkedAt: row.checked_at,
        checkedBy: row.checked_by,
        report: JSON.parse(row.report) as ReadinessReport,
      };
    },
    async put(row) {
      const values = {
        checked_at: row.checkedAt,
        checked_by: row.checkedBy,
        ok: row.report.ok ? 1 : 0,
        report: JSON.stringify(row.report),
      };
      await db
        .insertInto("readiness_reports")
        .values({ service_id: row.serviceId, ...values })
        .onConflict((oc) => oc.column("service_id").doUpdateSet(values))
        .execute();
    },
  };
}
