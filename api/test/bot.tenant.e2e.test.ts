/**
 * With AUTH_TENANT_ID set, the bot serves the provider's own tenant only: other tenants get a refusal, nothing else.
 * Their installs and conversation updates are not stored, reminders (which name customers and secret hints) go only
 * to the provider's conversations, and references of other tenants stored before (when AUTH_TENANT_ID was unset, or
 * by an older version) are deleted at start-up, with the count logged. SQLite always; PostgreSQL too when
 * TEST_DATABASE_URL is set.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FOREIGN_TENANT } from "../../bot/src/bot.composition.js";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { activity, execute, message, post as postActivity, TEAMS } from "./bot-activities.js";
import { type FakeConnector, startFakeConnector } from "./bot-connector.fake.js";
import { ENGINES } from "./engines.js";
import { onboardThroughApi, startTestApp, type TestApp } from "./helpers.js";

const OTHER_TENANT = "0c8a3f55-3c61-4bd8-b5d5-0d6f3d8b9e22";
const expiring = SANDBOX.expiring;
if (!expiring) throw new Error("no expiring scenario");

const foreign = {
  conversation: { id: "a:foreign", conversationType: "personal", tenantId: OTHER_TENANT },
  channelData: { tenant: { id: OTHER_TENANT } },
};

/** The bot installed in a team channel of `tenantId` (the provider's tenant id in upper case: Teams may send that). */
function channelInstallIn(serviceUrl: string, tenantId: string, conversationId: string) {
  return activity(serviceUrl, {
    type: "installationUpdate",
    action: "add",
    conversation: { id: conversationId, conversationType: "channel", tenantId },
    channelData: { tenant: { id: tenantId } },
  });
}

describe("bot tenant guard", () => {
  let app: TestApp;
  let fake: FakeConnector;
  let nowMs = Date.now();
  const post = (body: unknown) => postActivity(app.url, body);

  beforeAll(async () => {
    fake = await startFakeConnector();
    app = await startTestApp(
      { AUTH_TENANT_ID: TEAMS.tenantId, VALIDATION_RATE_LIMIT: "1000" },
      { botScheduler: false, now: () => new Date(nowMs) },
    );
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it("answers the provider's own operators", async () => {
    const before = fake.cards().length;
    expect((await post(message(fake.url, "help"))).status).toBe(200);
    expect(fake.cards().length).toBe(before + 1);
  });

  it("refuses messages and card actions from another tenant", async () => {
    const before = fake.cards().length;
    expect((await post(message(fake.url, "services", foreign))).status).toBe(200);
    expect(fake.cards().length).toBe(before);
    expect(JSON.stringify(fake.calls.at(-1)?.activity)).toContain(FOREIGN_TENANT);
    const invoke = await post(execute(fake.url, "services.list", {}, foreign));
    expect(invoke.text).toContain(FOREIGN_TENANT);
    expect(invoke.text).not.toContain("Direct Routing services");
  });

  it("does not store installs or conversation updates from another tenant", async () => {
    expect((await post(channelInstallIn(fake.url, OTHER_TENANT, "19:foreign-install@thread.tacv2"))).status).toBe(200);
    const added = activity(fake.url, {
      type: "conversationUpdate",
      membersAdded: [TEAMS.bot],
      conversation: { id: "19:foreign-added@thread.tacv2", conversationType: "channel", tenantId: OTHER_TENANT },
      channelData: { tenant: { id: OTHER_TENANT } },
    });
    expect((await post(added)).status).toBe(200);
    expect((await post(channelInstallIn(fake.url, TEAMS.tenantId.toUpperCase(), TEAMS.channel))).status).toBe(200);
    const stored = await app.bot.store.listConversations();
    expect(stored.map((c) => c.tenantId)).not.toContain(OTHER_TENANT);
    // The provider's channel is kept, its tenant id in lower case (as compared).
    expect(stored.find((c) => c.conversationId === TEAMS.channel)?.tenantId).toBe(TEAMS.tenantId);
  });

  it("sends reminders to the provider's conversations only", async () => {
    // A reference of another tenant that got in some other way (an older version stored them all).
    await app.bot.store.putConversation(
      {
        serviceUrl: fake.url,
        conversationId: "19:foreign-old@thread.tacv2",
        tenantId: OTHER_TENANT,
        aadObjectId: null,
        botId: TEAMS.bot.id,
        kind: "channel",
        channelId: "msteams",
      },
      new Date(nowMs).toISOString(),
    );
    await onboardThroughApi(app.url, {
      customerName: "Tenant Boundary Customer",
      shortName: `tb${randomBytes(3).toString("hex")}`,
      credentials: expiring,
    });
    nowMs += 25 * 3_600_000;
    const before = fake.calls.length;
    const summary = await app.bot.scheduler.runOnce();
    expect(summary).toMatchObject({ validated: 1, sent: 1 });
    expect(fake.calls.slice(before).map((c) => c.conversationId)).toEqual([TEAMS.channel]);
  });
});

describe.each(ENGINES)("start-up clean-up of other tenants' references on $name", (engine) => {
  let fake: FakeConnector;
  const database = engine.setup("dr-bot-tenant-");
  const shared = { ...database.env, REVALIDATION_INTERVAL_MS: "0" };
  const options = database.appOptions;

  beforeAll(async () => {
    fake = await startFakeConnector();
  });
  afterAll(async () => {
    await fake.close();
    await database.cleanup();
  });

  it("deletes them before the first turn and logs how many", async () => {
    // Without AUTH_TENANT_ID every tenant's install was stored.
    const open = await startTestApp(shared, options);
    for (const [tenantId, id] of [
      [TEAMS.tenantId, TEAMS.channel],
      [OTHER_TENANT, "19:foreign-1@thread.tacv2"],
      [OTHER_TENANT.toUpperCase(), "19:foreign-2@thread.tacv2"],
    ] as const) {
      expect((await postActivity(open.url, channelInstallIn(fake.url, tenantId, id))).status).toBe(200);
    }
    expect(await open.bot.store.listConversations()).toHaveLength(3);
    await open.close();

    const guarded = await startTestApp({ ...shared, AUTH_TENANT_ID: TEAMS.tenantId }, options);
    try {
      await guarded.bot.ready;
      expect((await guarded.bot.store.listConversations()).map((c) => c.conversationId)).toEqual([TEAMS.channel]);
      const line = guarded.logs.find((l) => l.includes("conversation references of other tenants deleted"));
      expect(JSON.parse(line ?? "{}")).toMatchObject({ count: 2 });
    } finally {
      await guarded.close();
    }
  });
});
