import { type Kysely, type Migration, sql } from "kysely";
import { BOT_REMINDERS_PK } from "./0002_bot_state.js";

/** Name of the deliveries' primary key (the same on both engines). */
export const BOT_REMINDER_DELIVERIES_PK = "bot_reminder_deliveries_pk";

/**
 * Migration 0008_reminder_deliveries: the reminder claims of 0002 (`bot_reminders`) become a delivery outbox,
 * `bot_reminder_deliveries`. The primary key is still the claim (service, secret, threshold, recipient), inserted once
 * before any send, so a reminder goes out once per threshold across server copies. The recipient is the conversation
 * id of a channel or group chat, or `operator:<Entra object id>` for the personal chat of the operator who onboarded
 * the service (whose conversation may not exist yet: the bot opens it with createConversation). The other columns
 * carry the delivery: state (pending, sent, failed, dropped, cancelled), attempts, when the next attempt is due, a
 * lease (owner and expiry; a copy sends a row only while it holds the lease), the conversation it went to, the
 * activity id Teams answered, and the last failure's code and status. No secret is stored: the reason column holds
 * the reminder's kind and the failed checks' messages; the card is rebuilt from the service at send time.
 *
 * The claims already made are kept as sent deliveries; a personal chat's claim is keyed by its operator (from the
 * stored reference), so a threshold already reminded is not reminded again. Then `bot_reminders` is dropped.
 */
export const m0008_reminder_deliveries: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("bot_reminder_deliveries")
      .addColumn("service_id", "text", (c) => c.notNull())
      .addColumn("secret_id", "text", (c) => c.notNull())
      .addColumn("threshold", "text", (c) => c.notNull())
      .addColumn("recipient", "text", (c) => c.notNull())
      .addColumn("tenant_id", "text", (c) => c.notNull())
      .addColumn("operator_id", "text")
      .addColumn("conversation_id", "text")
      .addColumn("reason", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("next_at", "text", (c) => c.notNull())
      .addColumn("lease_owner", "text")
      .addColumn("lease_until", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("sent_at", "text")
      .addColumn("activity_id", "text")
      .addColumn("last_code", "text")
      .addColumn("last_status", "integer")
      .addPrimaryKeyConstraint(BOT_REMINDER_DELIVERIES_PK, ["service_id", "secret_id", "threshold", "recipient"])
      .execute();
    // The delivery step's query: pending rows by due time.
    await db.schema
      .createIndex("bot_reminder_deliveries_due_idx")
      .on("bot_reminder_deliveries")
      .columns(["state", "next_at"])
      .execute();

    // `where true`: SQLite needs it to parse INSERT ... SELECT ... ON CONFLICT.
    await sql`insert into bot_reminder_deliveries
        (service_id, secret_id, threshold, recipient, tenant_id, operator_id, conversation_id, reason, state, attempts,
         next_at, created_at, updated_at, sent_at)
      select r.service_id, r.secret_id, r.threshold,
        coalesce((select 'operator:' || lower(c.aad_object_id) from bot_conversations c
                  where c.conversation_id = r.conversation_id and c.kind = 'personal' and c.aad_object_id is not null),
                 r.conversation_id),
        coalesce((select c.tenant_id from bot_conversations c where c.conversation_id = r.conversation_id), ''),
        (select lower(c.aad_object_id) from bot_conversations c
         where c.conversation_id = r.conversation_id and c.kind = 'personal'),
        r.conversation_id, '{}', 'sent', 1, r.claimed_at, r.claimed_at, r.claimed_at, r.claimed_at
      from bot_reminders r where true
      on conflict do nothing`.execute(db);
    await db.schema.dropTable("bot_reminders").execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("bot_reminders")
      .addColumn("service_id", "text", (c) => c.notNull())
      .addColumn("secret_id", "text", (c) => c.notNull())
      .addColumn("threshold", "text", (c) => c.notNull())
      .addColumn("conversation_id", "text", (c) => c.notNull())
      .addColumn("claimed_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint(BOT_REMINDERS_PK, ["service_id", "secret_id", "threshold", "conversation_id"])
      .execute();
    await sql`insert into bot_reminders (service_id, secret_id, threshold, conversation_id, claimed_at)
      select service_id, secret_id, threshold, conversation_id, created_at from bot_reminder_deliveries
      where state = 'sent' and conversation_id is not null
      on conflict do nothing`.execute(db);
    await db.schema.dropTable("bot_reminder_deliveries").execute();
  },
};
