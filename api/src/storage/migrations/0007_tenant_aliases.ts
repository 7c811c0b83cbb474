/**
 * Migration 0007_tenant_aliases: which tenant ID a tenant name (a verified domain, lower case) stands for, learnt
 * from validations that resolved it. The per-tenant validation rate limit keys a run by the tenant's ID whichever
 * name it was entered under; these used to live in one process's memory while the hits they key were shared through
 * rate_hits, so a second server copy counted a known domain apart from its tenant until it learnt it too. In the
 * database every copy on one PostgreSQL shares them. The first copy to learn a name keeps it (insert or ignore).
 */
import type { Kysely, Migration } from "kysely";

/** Migration 0007_tenant_aliases. */
export const m0007_tenant_aliases: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("tenant_aliases")
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("tenant_id", "text", (c) => c.notNull())
      .addColumn("learnt_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("tenant_aliases_pk", ["name"])
      .execute();
    // The oldest aliases are forgotten first when the table is trimmed (kysely.repository.ts).
    await db.schema.createIndex("tenant_aliases_learnt_at_idx").on("tenant_aliases").column("learnt_at").execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("tenant_aliases").execute();
  },
};
