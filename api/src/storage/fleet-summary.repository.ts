/**
 * The fleet summary's reads (GET /api/fleet, docs/api.md) over Kysely, on SQLite and PostgreSQL: the services by
 * status, the credentials expiring per week and the services needing attention, each computed by the database (two
 * aggregates and one LIMITed query), never by loading every service. The status rule comes from the caller as
 * cases with their cut-offs resolved (api/src/fleet/fleet.summary.ts); here it only becomes a CASE expression. Times
 * are ISO 8601 UTC text, so comparing the text compares the instants (database.types.ts).
 */
import type { Kysely, RawBuilder } from "kysely";
import { sql } from "kysely";
import type { Database } from "./database.types.js";
import type { ServiceRecord } from "./repository.types.js";
import { toService } from "./rows.js";

/**
 * One case of the status rule at a given instant: the last validation was `validated` (null: never), or the
 * credential expires at or before `expiresAtOrBefore` (ISO text).
 */
export type ResolvedStatusCase =
  | { status: string; validated: boolean | null }
  | { status: string; expiresAtOrBefore: string };

/** What the summary asks the database. */
export interface FleetSummaryQuery {
  /** The status rule in order (first match wins) and the status when no case holds. */
  rule: readonly ResolvedStatusCase[];
  otherwise: string;
  /** Week boundaries, ascending: week i holds credentials expiring in [bounds[i], bounds[i + 1]). */
  weekBounds: readonly string[];
  /** Credentials expiring at or before this (already expired) are left out of the weeks. */
  expiredAtOrBefore: string;
  /** Statuses listed under `attention`, the worst first; other statuses are not listed. */
  attentionOrder: readonly string[];
  /** Within this status, the soonest expiry first (then by name). */
  soonestFirst: string;
  limit: number;
}

/** The database's answer. */
export interface FleetSummaryRows {
  counts: { status: string; count: number }[];
  /** Non-empty cells of the timeline: week index, status, credentials. */
  weeks: { week: number; status: string; count: number }[];
  attention: ServiceRecord[];
}

/** The store the fleet summary uses. */
export interface FleetSummaryStore {
  summary(query: FleetSummaryQuery): Promise<FleetSummaryRows>;
}

const expiresAt = sql.ref("services.m365_secret_expires_at");

/** The rule as `CASE WHEN … THEN status … ELSE otherwise END`. */
function statusExpression(rule: readonly ResolvedStatusCase[], otherwise: string): RawBuilder<string> {
  const validated = sql.ref("services.m365_last_validation_ok");
  const whens = rule.map((c) => {
    const condition =
      "validated" in c
        ? c.validated === null
          ? sql`${validated} is null`
          : sql`${validated} = ${c.validated ? 1 : 0}`
        : sql`${expiresAt} <= ${c.expiresAtOrBefore}`;
    return sql`when ${condition} then ${c.status}`;
  });
  return sql<string>`(case ${sql.join(whens, sql` `)} else ${otherwise} end)`;
}

/** The week index of the expiry (boundaries ascending), null outside them. */
function weekExpression(bounds: readonly string[]): RawBuilder<number | null> {
  const whens = bounds.slice(1).map((end, i) => sql`when ${expiresAt} < ${end} then ${sql.lit(i)}`);
  return sql<
    number | null
  >`(case when ${expiresAt} < ${bounds[0] ?? ""} then null ${sql.join(whens, sql` `)} else null end)`;
}

/** Creates the store over a database handle. */
export function createFleetSummaryRepository(db: Kysely<Database>): FleetSummaryStore {
  return {
    async summary(q: FleetSummaryQuery): Promise<FleetSummaryRows> {
      const status = statusExpression(q.rule, q.otherwise);
      const count = sql<number | string | bigint>`count(*)`;
      // Grouped outside a sub-query: PostgreSQL does not see two copies of an expression with parameters as one.
      const counts = db
        .selectFrom(db.selectFrom("services").select(status.as("status")).as("s"))
        .select(["s.status", count.as("n")])
        .groupBy("s.status")
        .execute();

      const weeks = db
        .selectFrom(
          db
            .selectFrom("services")
            .select([weekExpression(q.weekBounds).as("week"), status.as("status")])
            .where(expiresAt, ">", q.expiredAtOrBefore)
            .where(expiresAt, "<", q.weekBounds[q.weekBounds.length - 1] ?? "")
            .as("w"),
        )
        .select(["w.week", "w.status", count.as("n")])
        .groupBy(["w.week", "w.status"])
        .execute();

      const rank = sql<number>`(case ${sql.join(
        q.attentionOrder.map((s, i) => sql`when ${status} = ${s} then ${sql.lit(i)}`),
        sql` `,
      )} end)`;
      const attention = db
        .selectFrom("services")
        .innerJoin("customers", "customers.id", "services.customer_id")
        .selectAll("services")
        .select("customers.name as customer_name")
        .where(status, "in", [...q.attentionOrder])
        .orderBy(rank)
        .orderBy(sql`case when ${status} = ${q.soonestFirst} then ${expiresAt} end`)
        .orderBy("services.short_name_norm")
        .orderBy("services.id")
        .limit(q.limit)
        .execute();

      const [countRows, weekRows, attentionRows] = await Promise.all([counts, weeks, attention]);
      return {
        counts: countRows.map((r) => ({ status: r.status, count: Number(r.n) })),
        weeks: weekRows
          .filter((r) => r.week !== null)
          .map((r) => ({ week: Number(r.week), status: r.status, count: Number(r.n) })),
        attention: attentionRows.map(toService),
      };
    },
  };
}
