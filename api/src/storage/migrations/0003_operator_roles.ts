/**
 * Migration 0003_operator_roles: what each signed-in operator may do (and the name the API knows them by), as last
 * seen in a verified Teams SSO token, for the bot (auth/operator-directory.ts). Never edit it: databases that applied
 * it keep its DDL.
 */
import type { Kysely, Migration } from "kysely";

/** Migration 0003_operator_roles. */
export const m0003_operator_roles: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("operator_roles")
      .addColumn("tenant_id", "text", (c) => c.notNull())
      .addColumn("object_id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("permissions", "text", (c) => c.notNull())
      .addColumn("seen_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("operator_roles_pk", ["tenant_id", "object_id"])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("operator_roles").execute();
  },
};
