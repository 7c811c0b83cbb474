/**
 * Migration 0002_bot_state: the bot's own tables. Wizard dialogs (with a revision for stale clicks), conversation
 * references in our own shape, who onboarded which service, the reminder claims (their primary key is what makes
 * each reminder go out once across server copies) and the scheduler's last successful validation per service.
 * JSON is text and times are ISO text, as in 0001, so one mapping serves SQLite and PostgreSQL.
 */
import type { Kysely, Migration } from "kysely";

/** Name of the reminder claims' primary key (the same on both engines). */
export const BOT_REMINDERS_PK = "bot_reminders_pk";

/** The migration. */
export const m0002_bot_state: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("bot_dialogs")
      .addColumn("tenant_id", "text", (c) => c.notNull())
      .addColumn("user_id", "text", (c) => c.notNull())
      .addColumn("dialog_id", "text", (c) => c.notNull())
      .addColumn("step", "text", (c) => c.notNull())
      .addColumn("rev", "integer", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("bot_dialogs_pk", ["tenant_id", "user_id", "dialog_id"])
      .execute();

    await db.schema
      .createTable("bot_conversations")
      .addColumn("conversation_id", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("service_url", "text", (c) => c.notNull())
      .addColumn("tenant_id", "text", (c) => c.notNull())
      .addColumn("aad_object_id", "text")
      .addColumn("bot_id", "text", (c) => c.notNull())
      .addColumn("channel_id", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("bot_conversations_pk", ["conversation_id"])
      .execute();

    // No foreign key to services: a reminder or a link outliving a deleted service is harmless and keeps the bot's
    // tables independent of the onboarding schema.
    await db.schema
      .createTable("bot_service_operators")
      .addColumn("service_id", "text", (c) => c.notNull())
      .addColumn("tenant_id", "text", (c) => c.notNull())
      .addColumn("aad_object_id", "text", (c) => c.notNull())
      .addColumn("user_id", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("bot_service_operators_pk", ["service_id"])
      .execute();

    await db.schema
      .createTable("bot_reminders")
      .addColumn("service_id", "text", (c) => c.notNull())
      .addColumn("secret_id", "text", (c) => c.notNull())
      .addColumn("threshold", "text", (c) => c.notNull())
      .addColumn("conversation_id", "text", (c) => c.notNull())
      .addColumn("claimed_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint(BOT_REMINDERS_PK, ["service_id", "secret_id", "threshold", "conversation_id"])
      .execute();

    await db.schema
      .createTable("bot_service_watch")
      .addColumn("service_id", "text", (c) => c.notNull())
      .addColumn("last_ok_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("bot_service_watch_pk", ["service_id"])
      .execute();
  },
};
