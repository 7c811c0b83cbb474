/**
 * Migration 0004_rate_hits: one row per counted request of the validation rate limit
 * (storage/rate-limit.repository.ts), so several server copies on one PostgreSQL count together. Never edit it:
 * databases that applied it keep its DDL.
 */
import type { Kysely, Migration } from "kysely";

/** Migration 0004_rate_hits. */
export const m0004_rate_hits: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("rate_hits")
      .addColumn("key", "text", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("rate_hits_key_at").on("rate_hits").columns(["key", "at"]).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("rate_hits").execute();
  },
};
