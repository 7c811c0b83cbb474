/**
 * The bot's store over Kysely, one implementation for SQLite and PostgreSQL, on the tables of migrations
 * 0002_bot_state and 0006_bot_tenant_boundary. Dialog updates are compare-and-set on the revision; reminder claims
 * are inserts that do nothing on conflict, so exactly one caller sees its row inserted. Times are ISO-8601 UTC text
 * of one length (toISOString), so text order is time order.
 * The bot declares the port (`BotStateStore` in bot/src/ports.ts) but storage knows nothing of the bot: the shapes
 * below are storage's own, written to fit that port, and api/src/bot/bot.wiring.ts assigns this repository to a
 * `BotStateStore`, so the compiler checks that they still fit.
 */
import type { Kysely } from "kysely";
import type { Database } from "./database.types.js";

/** A dialog's key: one dialog per tenant, user and dialog id. */
export interface BotDialogKey {
  tenantId: string;
  userId: string;
  dialogId: string;
}

/** A stored dialog: its step, its revision (bumped by every accepted click) and its data (stored as JSON). */
export interface BotDialogRecord<T> {
  key: BotDialogKey;
  step: string;
  rev: number;
  data: T;
  updatedAt: string;
}

/** A conversation reference. */
export interface BotConversationRecord {
  serviceUrl: string;
  conversationId: string;
  tenantId: string;
  aadObjectId: string | null;
  botId: string;
  kind: "personal" | "channel";
  channelId: string;
}

/** Who onboarded a service; `userId` absent while not known. */
export interface BotServiceOperatorRecord {
  serviceId: string;
  tenantId: string;
  aadObjectId: string;
  userId?: string;
}

/** The key of one reminder to one conversation. */
export interface BotReminderKey {
  serviceId: string;
  secretId: string;
  threshold: string;
  conversationId: string;
}

/** What the repository offers (see the port's comments in bot/src/ports.ts for each method's contract). */
export interface BotStateRepository {
  createDialog<T>(record: BotDialogRecord<T>): Promise<void>;
  getDialog<T>(key: BotDialogKey): Promise<BotDialogRecord<T> | undefined>;
  /** Compare-and-set on the revision: false when the stored revision is not `expectedRev`. */
  updateDialog<T>(
    key: BotDialogKey,
    expectedRev: number,
    next: { step: string; data: T; updatedAt: string },
  ): Promise<boolean>;
  deleteDialog(key: BotDialogKey): Promise<void>;
  /** Deletes every dialog last changed before `at`; returns how many. */
  deleteDialogsUpdatedBefore(at: string): Promise<number>;

  putConversation(ref: BotConversationRecord, at: string): Promise<void>;
  deleteConversation(conversationId: string): Promise<void>;
  listConversations(): Promise<BotConversationRecord[]>;
  /** Deletes the references of every tenant but `tenantId`; returns how many. */
  deleteConversationsOutsideTenant(tenantId: string): Promise<number>;

  linkServiceOperator(link: BotServiceOperatorRecord, at: string): Promise<void>;
  getServiceOperator(serviceId: string): Promise<BotServiceOperatorRecord | undefined>;
  learnOperatorUserId(tenantId: string, aadObjectId: string, userId: string): Promise<void>;

  /** True for exactly one caller across every server copy. */
  claimReminder(key: BotReminderKey, at: string): Promise<boolean>;
  releaseReminder(key: BotReminderKey): Promise<void>;

  getLastOk(serviceId: string): Promise<string | undefined>;
  putLastOk(serviceId: string, at: string): Promise<void>;
}

/** Creates the bot's store over the server's database handle. */
export function createBotStateRepository(db: Kysely<Database>): BotStateRepository {
  const whereKey = (key: BotDialogKey) =>
    ({
      tenant_id: key.tenantId,
      user_id: key.userId,
      dialog_id: key.dialogId,
    }) as const;

  return {
    async createDialog(record) {
      await db
        .insertInto("bot_dialogs")
        .values({
          ...whereKey(record.key),
          step: record.step,
          rev: record.rev,
          data: JSON.stringify(record.data),
          updated_at: record.updatedAt,
        })
        .execute();
    },

    async getDialog<T>(key: BotDialogKey): Promise<BotDialogRecord<T> | undefined> {
      const k = whereKey(key);
      const row = await db
        .selectFrom("bot_dialogs")
        .selectAll()
        .where("tenant_id", "=", k.tenant_id)
        .where("user_id", "=", k.user_id)
        .where("dialog_id", "=", k.dialog_id)
        .executeTakeFirst();
      if (!row) return undefined;
      return { key, step: row.step, rev: Number(row.rev), data: JSON.parse(row.data) as T, updatedAt: row.updated_at };
    },

    async updateDialog(key, expectedRev, next) {
      const k = whereKey(key);
      const result = await db
        .updateTable("bot_dialogs")
        .set({ step: next.step, rev: expectedRev + 1, data: JSON.stringify(next.data), updated_at: next.updatedAt })
        .where("tenant_id", "=", k.tenant_id)
        .where("user_id", "=", k.user_id)
        .where("dialog_id", "=", k.dialog_id)
        .where("rev", "=", expectedRev)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async deleteDialog(key) {
      const k = whereKey(key);
      await db
        .deleteFrom("bot_dialogs")
        .where("tenant_id", "=", k.tenant_id)
        .where("user_id", "=", k.user_id)
        .where("dialog_id", "=", k.dialog_id)
        .execute();
    },

    async deleteDialogsUpdatedBefore(at) {
      // Served by the index bot_dialogs_updated_at_idx (0006); the sealed secrets go with the rows.
      const result = await db.deleteFrom("bot_dialogs").where("updated_at", "<", at).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async putConversation(ref, at) {
      const row = {
        conversation_id: ref.conversationId,
        kind: ref.kind,
        service_url: ref.serviceUrl,
        tenant_id: ref.tenantId,
        aad_object_id: ref.aadObjectId,
        bot_id: ref.botId,
        channel_id: ref.channelId,
        updated_at: at,
      };
      const { conversation_id: _id, ...changes } = row;
      await db
        .insertInto("bot_conversations")
        .values(row)
        .onConflict((oc) => oc.column("conversation_id").doUpdateSet(changes))
        .execute();
    },

    async deleteConversation(conversationId) {
      await db.deleteFrom("bot_conversations").where("conversation_id", "=", conversationId).execute();
    },

    async deleteConversationsOutsideTenant(tenantId) {
      // Tenant ids are stored in lower case (the bot writes them so; 0006 lowered the older rows).
      const result = await db
        .deleteFrom("bot_conversations")
        .where("tenant_id", "<>", tenantId.toLowerCase())
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async listConversations() {
      const rows = await db.selectFrom("bot_conversations").selectAll().orderBy("conversation_id").execute();
      return rows.map(
        (r): BotConversationRecord => ({
          conversationId: r.conversation_id,
          kind: r.kind === "personal" ? "personal" : "channel",
          serviceUrl: r.service_url,
          tenantId: r.tenant_id,
          aadObjectId: r.aad_object_id,
          botId: r.bot_id,
          channelId: r.channel_id,
        }),
      );
    },

    async linkServiceOperator(link, at) {
      const row = {
        service_id: link.serviceId,
        tenant_id: link.tenantId,
        aad_object_id: link.aadObjectId,
        // The column predates tab-onboarded links: "" stands for "not known yet".
        user_id: link.userId ?? "",
        created_at: at,
      };
      await db
        .insertInto("bot_service_operators")
        .values(row)
        .onConflict((oc) => oc.column("service_id").doNothing())
        .execute();
    },

    async getServiceOperator(serviceId) {
      const row = await db
        .selectFrom("bot_service_operators")
        .selectAll()
        .where("service_id", "=", serviceId)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        serviceId: row.service_id,
        tenantId: row.tenant_id,
        aadObjectId: row.aad_object_id,
        ...(row.user_id ? { userId: row.user_id } : {}),
      };
    },

    async learnOperatorUserId(tenantId, aadObjectId, userId) {
      await db
        .updateTable("bot_service_operators")
        .set({ user_id: userId })
        .where("tenant_id", "=", tenantId)
        .where("aad_object_id", "=", aadObjectId)
        .where("user_id", "=", "")
        .execute();
    },

    async claimReminder(key: BotReminderKey, at: string) {
      // ON CONFLICT DO NOTHING on the primary key: of several copies inserting the same claim, one row goes in.
      const result = await db
        .insertInto("bot_reminders")
        .values({
          service_id: key.serviceId,
          secret_id: key.secretId,
          threshold: key.threshold,
          conversation_id: key.conversationId,
          claimed_at: at,
        })
        .onConflict((oc) => oc.columns(["service_id", "secret_id", "threshold", "conversation_id"]).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },

    async releaseReminder(key) {
      await db
        .deleteFrom("bot_reminders")
        .where("service_id", "=", key.serviceId)
        .where("secret_id", "=", key.secretId)
        .where("threshold", "=", key.threshold)
        .where("conversation_id", "=", key.conversationId)
        .execute();
    },

    async getLastOk(serviceId) {
      const row = await db
        .selectFrom("bot_service_watch")
        .select("last_ok_at")
        .where("service_id", "=", serviceId)
        .executeTakeFirst();
      return row?.last_ok_at;
    },

    async putLastOk(serviceId, at) {
      await db
        .insertInto("bot_service_watch")
        .values({ service_id: serviceId, last_ok_at: at })
        .onConflict((oc) => oc.column("service_id").doUpdateSet({ last_ok_at: at }))
        .execute();
    },
  };
}
