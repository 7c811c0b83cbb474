import { type Kysely, type Migration, sql } from "kysely";

/**
 * Migration 0006_bot_tenant_boundary. What a migration can do for the tenant boundary without knowing the
 * configuration: tenant ids of the bot's rows in lower case (Teams sends GUIDs in either case; the bot now writes and
 * compares them lowered, so the start-up clean-up `tenant_id <> :provider` is exact), and an index for the sweep of
 * expired dialogs. Deleting other tenants' conversation references is NOT done here: which tenant is the provider's
 * (AUTH_TENANT_ID) is known only to the running server, and may be set after this migration ran, so the bot does it at
 * every start-up (bot.composition.ts) and logs how many it deleted.
 */
export const m0006_bot_tenant_boundary: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const table of ["bot_conversations", "bot_dialogs", "bot_service_operators"]) {
      await sql`update ${sql.table(table)} set tenant_id = lower(tenant_id) where tenant_id <> lower(tenant_id)`.execute(
        db,
      );
    }
    await db.schema.createIndex("bot_dialogs_updated_at_idx").on("bot_dialogs").column("updated_at").execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex("bot_dialogs_updated_at_idx").execute();
  },
};
