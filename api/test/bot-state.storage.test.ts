/**
 * The bot's storage for the tenant boundary and the dialogs' time to live, on real SQLite and PostgreSQL
 * (TEST_DATABASE_URL): migration 0006 lowers the tenant ids already stored and indexes dialogs by age; the repository
 * deletes the references of every tenant but the provider's and the dialogs untouched since a time; the operator
 * directory remembers each operator's API name (upn) for the bot.
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
