/**
 * The bot's storage for the tenant boundary and the dialogs' time to live, on real SQLite and PostgreSQL
 * (TEST_DATABASE_URL): migration 0006 lowers the tenant ids already stored and indexes dialogs by age; the repository
 * deletes the references of every tenant but the provider's and the dialogs untouched since a time; the operator
 * directory remembers each operator's API name (upn) for the bot. Migration 0008 turns the reminder claims into the
 * delivery outbox (keeping the claims made, a personal chat's keyed by its operator); the outbox claims a reminder
 * once, lets one caller take a due row (compare-and-set on its attempts, a lease that lapses) and records its outcome
 * only while that caller holds it.
 */
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperatorDirectory } from "../src/auth/operator-directory.js";
import { createBotStateRepository } from "../src/storage/bot-state.repository.js";
import type { DatabaseHandle } from "../src/storage/database.js";
import type { Database } from "../src/storage/database.types.js";
import { MIGRATIONS, migrateToLatest } from "../src/storage/migrations.js";
import { createOperatorRolesRepository } from "../src/storage/operator-roles.repository.js";
import { ENGINES, type EngineDatabase } from "./engines.js";

const PROVIDER = "5e1c9c3e-0f5b-4c53-9f44-0d1f3c1a2b3c";
const OTHER = "0c8a3f55-3c61-4bd8-b5d5-0d6f3d8b9e22";
const BEFORE_0006 = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < "0006"));
const UP_TO_0006 = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < "0007"));
const BEFORE_0008 = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < "0008"));
const OPERATOR = "8a0e2d7c-1111-4b6f-9d55-2c3e4f5a6b7c";

describe.each(ENGINES)("bot state storage on $name", ({ name: engine, setup }) => {
  let database: EngineDatabase;
  let handle: DatabaseHandle;
  let db: Kysely<Database>;
  const migrate = (migrations?: typeof MIGRATIONS) =>
    migrateToLatest(db as Kysely<unknown>, {
      engine,
      ...(database.schema ? { schema: database.schema } : {}),
      ...(migrations ? { migrations } : {}),
    });

  beforeAll(async () => {
    database = setup("dr-bot-state-");
    handle = await database.open({ migrations: BEFORE_0006 });
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
    await database?.cleanup();
  });

  it("0006 lowers the tenant ids already stored and indexes dialogs by age", async () => {
    await sql`insert into bot_conversations (conversation_id, kind, service_url, tenant_id, aad_object_id, bot_id, channel_id, updated_at)
      values ('19:upper', 'channel', 'https://smba.trafficmanager.net/emea/', ${PROVIDER.toUpperCase()}, null, '28:b', 'msteams', '2026-01-01T00:00:00.000Z')`.execute(
      db,
    );
    await sql`insert into bot_dialogs (tenant_id, user_id, dialog_id, step, rev, data, updated_at)
      values (${PROVIDER.toUpperCase()}, 'u', 'd-upper', 'details', 0, '{}', '2026-01-01T00:00:00.000Z')`.execute(db);
    expect(await migrate(UP_TO_0006)).toEqual(["0006_bot_tenant_boundary"]);
    await migrate();
    const store = createBotStateRepository(db);
    expect((await store.listConversations()).map((c) => c.tenantId)).toEqual([PROVIDER]);
    expect(await store.getDialog({ tenantId: PROVIDER, userId: "u", dialogId: "d-upper" })).toBeDefined();
    const indexes =
      engine === "sqlite"
        ? await sql<{ name: string }>`select name from sqlite_master where type = 'index'`.execute(db)
        : await sql<{
            name: string;
          }>`select indexname as name from pg_indexes where schemaname = ${database.schema}`.execute(db);
    expect(indexes.rows.map((r) => r.name)).toContain("bot_dialogs_updated_at_idx");
  });

  it("deletes the references of every other tenant, and says how many", async () => {
    const store = createBotStateRepository(db);
    const ref = (conversationId: string, tenantId: string) => ({
      serviceUrl: "https://smba.trafficmanager.net/emea/",
      conversationId,
      tenantId,
      aadObjectId: null,
      botId: "28:b",
      kind: "channel" as const,
      channelId: "msteams",
    });
    await store.putConversation(ref("19:other-1", OTHER), "2026-01-01T00:00:00.000Z");
    await store.putConversation(ref("19:other-2", OTHER), "2026-01-01T00:00:00.000Z");
    await store.putConversation(ref("19:none", ""), "2026-01-01T00:00:00.000Z");
    expect(await store.deleteConversationsOutsideTenant(PROVIDER.toUpperCase())).toBe(3);
    expect((await store.listConversations()).map((c) => c.conversationId)).toEqual(["19:upper"]);
    expect(await store.deleteConversationsOutsideTenant(PROVIDER)).toBe(0);
  });

  it("deletes the dialogs untouched since a time, and says how many", async () => {
    const store = createBotStateRepository(db);
    const dialog = (dialogId: string, updatedAt: string) => ({
      key: { tenantId: PROVIDER, userId: "u", dialogId },
      step: "credentials",
      rev: 1,
      data: { sealedSecret: { v: 1 } },
      updatedAt,
    });
    await store.createDialog(dialog("old", "2026-01-02T09:59:59.999Z"));
    await store.createDialog(dialog("edge", "2026-01-02T10:00:00.000Z"));
    await store.createDialog(dialog("new", "2026-01-02T11:00:00.000Z"));
    // d-upper (0006 test) is older still.
    expect(await store.deleteDialogsUpdatedBefore("2026-01-02T10:00:00.000Z")).toBe(2);
    const left = await sql<{ dialog_id: string }>`select dialog_id from bot_dialogs order by dialog_id`.execute(db);
    expect(left.rows.map((r) => r.dialog_id)).toEqual(["edge", "new"]);
  });

  it("remembers each operator's API name for the bot, whatever the case of the ids", async () => {
    const directory = createOperatorDirectory(createOperatorRolesRepository(db));
    const oid = "8A0E2D7C-1111-4B6F-9D55-2C3E4F5A6B7C";
    const at = new Date("2026-01-01T00:00:00.000Z");
    expect(await directory.nameOf(PROVIDER, oid)).toBeUndefined();
    await directory.record(
      { name: "olivia@provider.example", objectId: oid, tenantId: PROVIDER, roles: ["Onboarding.Operator"] },
      at,
    );
    expect(await directory.nameOf(PROVIDER.toUpperCase(), oid.toLowerCase())).toBe("olivia@provider.example");
    // A renamed upn is written at once (same roles, within the rewrite pause).
    await directory.record(
      { name: "olivia.new@provider.example", objectId: oid, tenantId: PROVIDER, roles: ["Onboarding.Operator"] },
      new Date(at.getTime() + 1000),
    );
    expect(await directory.nameOf(PROVIDER, oid)).toBe("olivia.new@provider.example");
  });
});

describe.each(ENGINES)("reminder outbox on $name", ({ name: engine, setup }) => {
  let database: EngineDatabase;
  let handle: DatabaseHandle;
  let db: Kysely<Database>;
  const ref = (conversationId: string, kind: "personal" | "channel", aadObjectId: string | null) => ({
    serviceUrl: "https://smba.trafficmanager.net/emea/",
    conversationId,
    tenantId: PROVIDER,
    aadObjectId,
    botId: "28:b",
    kind,
    channelId: "msteams",
  });
  const key = (recipient: string, threshold = "30") => ({ serviceId: "s1", secretId: "k1", threshold, recipient });
  const delivery = (recipient: string, at: string, threshold = "30") => ({
    key: key(recipient, threshold),
    tenantId: PROVIDER,
    operatorId: recipient.startsWith("operator:") ? OPERATOR : null,
    conversationId: recipient.startsWith("operator:") ? null : recipient,
    reason: JSON.stringify({ kind: "expiring", threshold: 30 }),
    at,
  });

  beforeAll(async () => {
    database = setup("dr-bot-outbox-");
    handle = await database.open({ migrations: BEFORE_0008 });
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
    await database?.cleanup();
  });

  it("0008 keeps the claims already made as sent deliveries, a personal chat's keyed by its operator", async () => {
    const at = "2026-01-01T00:00:00.000Z";
    for (const [id, kind, oid] of [
      ["a:personal-olivia", "personal", OPERATOR.toUpperCase()],
      ["19:general", "channel", null],
    ] as const) {
      await sql`insert into bot_conversations (conversation_id, kind, service_url, tenant_id, aad_object_id, bot_id, channel_id, updated_at)
        values (${id}, ${kind}, 'https://smba.trafficmanager.net/emea/', ${PROVIDER}, ${oid}, '28:b', 'msteams', ${at})`.execute(
        db,
      );
      await sql`insert into bot_reminders (service_id, secret_id, threshold, conversation_id, claimed_at)
        values ('s0', 'k0', '30', ${id}, ${at})`.execute(db);
    }
    // A claim whose conversation was forgotten since stays keyed by its conversation id.
    await sql`insert into bot_reminders (service_id, secret_id, threshold, conversation_id, claimed_at)
      values ('s0', 'k0', '14', '19:forgotten', ${at})`.execute(db);
    await migrateToLatest(db as Kysely<unknown>, { engine, ...(database.schema ? { schema: database.schema } : {}) });
    const store = createBotStateRepository(db);
    const rows = await store.listReminderDeliveries("s0");
    expect(rows.map((r) => [r.key.threshold, r.key.recipient, r.state, r.conversationId, r.operatorId])).toEqual([
      ["14", "19:forgotten", "sent", "19:forgotten", null],
      ["30", "19:general", "sent", "19:general", null],
      ["30", `operator:${OPERATOR}`, "sent", "a:personal-olivia", OPERATOR],
    ]);
    // The same thresholds are claimed already: no second reminder.
    expect(
      await store.enqueueReminder({
        ...delivery(`operator:${OPERATOR}`, at),
        key: { ...key(`operator:${OPERATOR}`), serviceId: "s0", secretId: "k0" },
      }),
    ).toBe(false);
    const tables =
      engine === "sqlite"
        ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)
        : await sql<{
            name: string;
          }>`select table_name as name from information_schema.tables where table_schema = ${database.schema}`.execute(
            db,
          );
    expect(tables.rows.map((r) => r.name)).not.toContain("bot_reminders");
  });

  it("claims a reminder once, even when two callers insert it at the same moment", async () => {
    const store = createBotStateRepository(db);
    const at = "2026-02-01T00:00:00.000Z";
    const results = await Promise.all([1, 2, 3].map(() => store.enqueueReminder(delivery("19:general", at))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.enqueueReminder(delivery(`operator:${OPERATOR}`, at))).toBe(true);
    const due = await store.listDueReminders(at, 10);
    expect(due.map((r) => [r.key.recipient, r.state, r.attempts])).toEqual([
      ["19:general", "pending", 0],
      [`operator:${OPERATOR}`, "pending", 0],
    ]);
    expect(await store.listDueReminders("2026-01-31T23:59:59.999Z", 10)).toEqual([]);
  });

  it("lets one caller take a due row, records its outcome only while it holds the lease, frees it after", async () => {
    const store = createBotStateRepository(db);
    const at = "2026-02-01T00:00:10.000Z";
    const until = "2026-02-01T00:05:10.000Z";
    const k = key("19:general");
    const takes = await Promise.all(["a", "b", "c"].map((owner) => store.leaseReminder(k, 0, { owner, at, until })));
    expect(takes.filter(Boolean)).toHaveLength(1);
    const winner = ["a", "b", "c"][takes.indexOf(true)] as string;
    // Held: not due for anyone else, and a stale attempt count cannot take it either.
    expect((await store.listDueReminders(at, 10)).map((r) => r.key.recipient)).toEqual([`operator:${OPERATOR}`]);
    expect(await store.leaseReminder(k, 1, { owner: "x", at, until })).toBe(false);
    // Only the holder records the outcome: a retry in 30 s after a 429.
    const retry = { state: "pending" as const, at, nextAt: "2026-02-01T00:00:40.000Z", code: "Throttled", status: 429 };
    expect(await store.settleReminder(k, "x", retry)).toBe(false);
    expect(await store.settleReminder(k, winner, retry)).toBe(true);
    expect(await store.settleReminder(k, winner, retry)).toBe(false);
    expect(await store.listDueReminders("2026-02-01T00:00:39.999Z", 10)).toHaveLength(1);
    const [again] = (await store.listDueReminders("2026-02-01T00:00:40.000Z", 10)).filter(
      (r) => r.key.recipient === "19:general",
    );
    expect(again).toMatchObject({ attempts: 1, lastCode: "Throttled", lastStatus: 429, state: "pending" });

    // A copy that takes it and dies: the row is due again once the lease has lapsed.
    const t1 = "2026-02-01T00:01:00.000Z";
    expect(await store.leaseReminder(k, 1, { owner: "dies", at: t1, until: "2026-02-01T00:06:00.000Z" })).toBe(true);
    expect(await store.leaseReminder(k, 2, { owner: "d", at: "2026-02-01T00:05:59.999Z", until: "x" })).toBe(false);
    const t2 = "2026-02-01T00:06:00.000Z";
    expect((await store.listDueReminders(t2, 10)).map((r) => r.key.recipient)).toContain("19:general");
    expect(await store.leaseReminder(k, 2, { owner: "d", at: t2, until: "2026-02-01T00:11:00.000Z" })).toBe(true);
    // The dead copy's late answer is not recorded; the live one's is.
    expect(await store.settleReminder(k, "dies", { state: "sent", at: t2 })).toBe(false);
    const sent = { state: "sent" as const, at: t2, conversationId: "19:general", activityId: "activity-7" };
    expect(await store.settleReminder(k, "d", sent)).toBe(true);
    const [row] = (await store.listReminderDeliveries("s1")).filter((r) => r.key.recipient === "19:general");
    expect(row).toMatchObject({ state: "sent", attempts: 3, sentAt: t2, activityId: "activity-7" });
    expect(row?.leaseUntil).toBeUndefined();
    expect(await store.listDueReminders("2027-01-01T00:00:00.000Z", 10)).toHaveLength(1);
    // Its cause gone, two copies resolve it at once: one wins and updates the message.
    const resolving = await Promise.all([1, 2].map(() => store.resolveReminder(k, "2026-02-02T00:00:00.000Z")));
    expect(resolving.filter(Boolean)).toHaveLength(1);
    const [after] = (await store.listReminderDeliveries("s1")).filter((r) => r.key.recipient === "19:general");
    expect(after).toMatchObject({ state: "resolved", activityId: "activity-7" });
  });

  it("finds a tenant's most recent reference, and a user's most recent personal chat", async () => {
    const store = createBotStateRepository(db);
    await store.putConversation(ref("19:older", "channel", null), "2026-03-01T00:00:00.000Z");
    await store.putConversation(ref("a:personal-2", "personal", OPERATOR.toUpperCase()), "2026-03-02T00:00:00.000Z");
    await store.putConversation(ref("19:newest", "channel", OPERATOR), "2026-03-03T00:00:00.000Z");
    expect((await store.latestConversation(PROVIDER.toUpperCase()))?.conversationId).toBe("19:newest");
    expect((await store.latestConversation(PROVIDER, OPERATOR))?.conversationId).toBe("a:personal-2");
    expect(await store.latestConversation(PROVIDER, "someone-else")).toBeUndefined();
    expect(await store.latestConversation(OTHER)).toBeUndefined();
    expect((await store.getConversation("19:older"))?.kind).toBe("channel");
    expect(await store.getConversation("19:none")).toBeUndefined();
  });
});
