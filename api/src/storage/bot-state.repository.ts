/**
 * The bot's store over Kysely, one implementation for SQLite and PostgreSQL, on the tables of migrations
 * 0002_bot_state, 0006_bot_tenant_boundary and 0008_reminder_deliveries. Dialog updates are compare-and-set on the
 * revision; a reminder's claim is the insert of its outbox row, which does nothing on conflict, so exactly one caller
 * sees its row inserted; a delivery attempt takes the row by compare-and-set on its attempt count (with a lease that
 * lapses, so a copy that died mid-send frees it) and records the outcome only while it still holds the lease. Times
 * are ISO-8601 UTC text of one length (toISOString), so text order is time order.
 * The bot declares the port (`BotStateStore` in bot/src/ports.ts) but storage knows nothing of the bot: the shapes
 * below are storage's own, written to fit that port, and api/src/bot/bot.wiring.ts assigns this repository to a
 * `BotStateStore`, so the compiler checks that they still fit.
 */
import type { Kysely, Selectable } from "kysely";
import type { BotConversationsTable, BotReminderDeliveriesTable, Database } from "./database.types.js";

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

/** The key of one reminder to one recipient (a conversation id, or `operator:<object id>` for a personal chat). */
export interface BotReminderKey {
  serviceId: string;
  secretId: string;
  threshold: string;
  recipient: string;
}

/** Delivery states of the reminder outbox. */
export type BotReminderState = "pending" | "sent" | "failed" | "dropped" | "cancelled" | "resolved";

/** A reminder as the scheduler claims it. */
export interface BotNewReminderDelivery {
  key: BotReminderKey;
  tenantId: string;
  operatorId: string | null;
  conversationId: string | null;
  reason: string;
  at: string;
}

/** A row of the reminder outbox. */
export interface BotReminderDeliveryRecord {
  key: BotReminderKey;
  tenantId: string;
  operatorId: string | null;
  conversationId: string | null;
  reason: string;
  state: BotReminderState;
  attempts: number;
  nextAt: string;
  createdAt: string;
  leaseUntil?: string;
  sentAt?: string;
  activityId?: string;
  lastCode?: string;
  lastStatus?: number;
}

/** A lease on an outbox row. */
export interface BotReminderLease {
  owner: string;
  at: string;
  until: string;
}

/** How an attempt ended. */
export interface BotReminderSettlement {
  state: BotReminderState;
  at: string;
  nextAt?: string;
  conversationId?: string;
  activityId?: string;
  code?: string;
  status?: number;
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

  getConversation(conversationId: string): Promise<BotConversationRecord | undefined>;
  latestConversation(tenantId: string, personalWith?: string): Promise<BotConversationRecord | undefined>;

  /** Inserts the outbox row unless its key exists: true for exactly one caller across every server copy. */
  enqueueReminder(delivery: BotNewReminderDelivery): Promise<boolean>;
  listDueReminders(at: string, limit: number): Promise<BotReminderDeliveryRecord[]>;
  /** Compare-and-set on the attempt count; false when another copy took the row first. */
  leaseReminder(key: BotReminderKey, expectedAttempts: number, lease: BotReminderLease): Promise<boolean>;
  /** Writes only while `owner` holds the lease. */
  settleReminder(key: BotReminderKey, owner: string, settlement: BotReminderSettlement): Promise<boolean>;
  /** Compare-and-set from `sent` to `resolved`: true for exactly one caller. */
  resolveReminder(key: BotReminderKey, at: string): Promise<boolean>;
  listReminderDeliveries(serviceId?: string): Promise<BotReminderDeliveryRecord[]>;

  getLastOk(serviceId: string): Promise<string | undefined>;
  putLastOk(serviceId: string, at: string): Promise<void>;
}

/** A stored reference in the port's shape. */
function conversationOf(r: Selectable<BotConversationsTable>): BotConversationRecord {
  return {
    conversationId: r.conversation_id,
    kind: r.kind === "personal" ? "personal" : "channel",
    serviceUrl: r.service_url,
    tenantId: r.tenant_id,
    aadObjectId: r.aad_object_id,
    botId: r.bot_id,
    channelId: r.channel_id,
  };
}

const REMINDER_STATES: readonly BotReminderState[] = ["pending", "sent", "failed", "dropped", "cancelled", "resolved"];

/** An outbox row in the port's shape. */
function deliveryOf(r: Selectable<BotReminderDeliveriesTable>): BotReminderDeliveryRecord {
  const state = REMINDER_STATES.find((s) => s === r.state) ?? "failed";
  return {
    key: { serviceId: r.service_id, secretId: r.secret_id, threshold: r.threshold, recipient: r.recipient },
    tenantId: r.tenant_id,
    operatorId: r.operator_id,
    conversationId: r.conversation_id,
    reason: r.reason,
    state,
    attempts: Number(r.attempts),
    nextAt: r.next_at,
    createdAt: r.created_at,
    ...(r.lease_until ? { leaseUntil: r.lease_until } : {}),
    ...(r.sent_at ? { sentAt: r.sent_at } : {}),
    ...(r.activity_id ? { activityId: r.activity_id } : {}),
    ...(r.last_code ? { lastCode: r.last_code } : {}),
    ...(r.last_status !== null && r.last_status !== undefined ? { lastStatus: Number(r.last_status) } : {}),
  };
}

const whereReminder = (key: BotReminderKey) =>
  ({
    service_id: key.serviceId,
    secret_id: key.secretId,
    threshold: key.threshold,
    recipient: key.recipient,
  }) as const;

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
      return rows.map(conversationOf);
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

    async getConversation(conversationId) {
      const row = await db
        .selectFrom("bot_conversations")
        .selectAll()
        .where("conversation_id", "=", conversationId)
        .executeTakeFirst();
      return row ? conversationOf(row) : undefined;
    },

    async latestConversation(tenantId, personalWith) {
      let query = db.selectFrom("bot_conversations").selectAll().where("tenant_id", "=", tenantId.toLowerCase());
      if (personalWith !== undefined) {
        query = query
          .where("kind", "=", "personal")
          .where((eb) => eb(eb.fn("lower", ["aad_object_id"]), "=", personalWith.toLowerCase()));
      }
      const row = await query.orderBy("updated_at", "desc").orderBy("conversation_id").limit(1).executeTakeFirst();
      return row ? conversationOf(row) : undefined;
    },

    async enqueueReminder(delivery) {
      // ON CONFLICT DO NOTHING on the primary key: of several copies inserting the same claim, one row goes in.
      const result = await db
        .insertInto("bot_reminder_deliveries")
        .values({
          ...whereReminder(delivery.key),
          tenant_id: delivery.tenantId.toLowerCase(),
          operator_id: delivery.operatorId,
          conversation_id: delivery.conversationId,
          reason: delivery.reason,
          state: "pending",
          attempts: 0,
          next_at: delivery.at,
          lease_owner: null,
          lease_until: null,
          created_at: delivery.at,
          updated_at: delivery.at,
        })
        .onConflict((oc) => oc.columns(["service_id", "secret_id", "threshold", "recipient"]).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },

    async listDueReminders(at, limit) {
      // Served by bot_reminder_deliveries_due_idx (state, next_at).
      const rows = await db
        .selectFrom("bot_reminder_deliveries")
        .selectAll()
        .where("state", "=", "pending")
        .where("next_at", "<=", at)
        .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<=", at)]))
        .orderBy("next_at")
        .orderBy("service_id")
        .orderBy("recipient")
        .limit(limit)
        .execute();
      return rows.map(deliveryOf);
    },

    async leaseReminder(key, expectedAttempts, lease) {
      const k = whereReminder(key);
      const result = await db
        .updateTable("bot_reminder_deliveries")
        .set({
          attempts: expectedAttempts + 1,
          lease_owner: lease.owner,
          lease_until: lease.until,
          updated_at: lease.at,
        })
        .where("service_id", "=", k.service_id)
        .where("secret_id", "=", k.secret_id)
        .where("threshold", "=", k.threshold)
        .where("recipient", "=", k.recipient)
        .where("state", "=", "pending")
        .where("attempts", "=", expectedAttempts)
        .where("next_at", "<=", lease.at)
        .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<=", lease.at)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async settleReminder(key, owner, settlement) {
      const k = whereReminder(key);
      const result = await db
        .updateTable("bot_reminder_deliveries")
        .set({
          state: settlement.state,
          lease_owner: null,
          lease_until: null,
          updated_at: settlement.at,
          ...(settlement.nextAt !== undefined ? { next_at: settlement.nextAt } : {}),
          ...(settlement.conversationId !== undefined ? { conversation_id: settlement.conversationId } : {}),
          ...(settlement.state === "sent"
            ? { sent_at: settlement.at, activity_id: settlement.activityId ?? null }
            : {}),
          ...(settlement.state !== "sent"
            ? { last_code: settlement.code ?? null, last_status: settlement.status ?? null }
            : {}),
        })
        .where("service_id", "=", k.service_id)
        .where("secret_id", "=", k.secret_id)
        .where("threshold", "=", k.threshold)
        .where("recipient", "=", k.recipient)
        .where("lease_owner", "=", owner)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async resolveReminder(key, at) {
      const k = whereReminder(key);
      const result = await db
        .updateTable("bot_reminder_deliveries")
        .set({ state: "resolved", updated_at: at })
        .where("service_id", "=", k.service_id)
        .where("secret_id", "=", k.secret_id)
        .where("threshold", "=", k.threshold)
        .where("recipient", "=", k.recipient)
        .where("state", "=", "sent")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async listReminderDeliveries(serviceId) {
      let query = db.selectFrom("bot_reminder_deliveries").selectAll();
      if (serviceId !== undefined) query = query.where("service_id", "=", serviceId);
      const rows = await query.orderBy("created_at").orderBy("service_id").orderBy("recipient").execute();
      return rows.map(deliveryOf);
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
