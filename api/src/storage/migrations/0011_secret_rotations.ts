/**
 * Migration 0011_secret_rotations: the journal of zero-touch secret rotations (docs/api.md, "Secret rotation"). One
 * row per rotation attempt of a service. A row is `active` while a server copy rotates (until `lease_until`, renewed
 * at each long step) and `done` afterwards, with its `outcome`. The unique partial index on `service_id` where the
 * state is `active` is the claim: of two copies (or two operators) that start a rotation of one service, one inserts
 * its row and the other gets a unique violation, before anything is written in Graph. A copy that died mid-way leaves
 * an active row whose lease lapses; the next rotation closes it (`abandoned`) and removes the password it left behind
 * (`orphan_key_id`: a new password added but never switched to, or the old one of a switch whose removal never ran).
 * No secret is stored: keyIds and hints only.
 */
import { type Kysely, type Migration, sql } from "kysely";

/** Name of the unique partial index that allows one active rotation per service (the same on both engines). */
export const SECRET_ROTATIONS_ACTIVE_UQ = "secret_rotations_active_uq";

/** Migration 0011_secret_rotations. */
export const m0011_secret_rotations: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("secret_rotations")
      .addColumn("id", "text", (c) => c.primaryKey())
      // No foreign key, as the audit trail: the journal outlives a deleted service.
      .addColumn("service_id", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("lease_until", "text", (c) => c.notNull())
      .addColumn("trigger", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("old_key_id", "text")
      .addColumn("old_secret_hint", "text", (c) => c.notNull())
      .addColumn("new_key_id", "text")
      .addColumn("switched_at", "text")
      .addColumn("orphan_key_id", "text")
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("finished_at", "text")
      .addColumn("outcome", "text")
      .addColumn("code", "text")
      .execute();
    // Literal DDL: a partial index with a constant, the same text on SQLite and PostgreSQL.
    await sql`create unique index ${sql.id(SECRET_ROTATIONS_ACTIVE_UQ)} on secret_rotations (service_id) where state = 'active'`.execute(
      db,
    );
    // A service's journal, newest first (last rotation, orphans).
    await db.schema
      .createIndex("secret_rotations_service_idx")
      .on("secret_rotations")
      .columns(["service_id", "started_at"])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("secret_rotations").execute();
  },
};
