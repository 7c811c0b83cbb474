/**
 * Reminder delivery over real HTTP (the outbox of migration 0008, bot/src/reminders/reminder.delivery.ts), on SQLite
 * and PostgreSQL: a 429 with Retry-After is retried from the database, also after a restart; the operator's personal
 * chat is opened with createConversation when none is stored, and reused; an operator for whom the app is not
 * installed is marked failed without endless retries; a personal reminder waits while the tenant has no conversation
 * to open the chat from; a gone conversation is dropped; no client secret reaches the outbox, the logs or the
 * activities; sends into one channel keep Teams' per-thread windows (docs/teams.md section 9). On PostgreSQL, two
 * server copies under injected 429s still send each reminder exactly once.
 */
import { randomBytes } from "node:crypto";
import type { Service } from "@dr/contract";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { channelInstall, personalInstall, post, TEAMS } from "./bot-activities.js";
import { type FakeConnector, startFakeConnector } from "./bot-connector.fake.js";
import { ENGINES, type EngineDatabase, enginesNamed, type TestEngine } from "./engines.js";
import { startTestApp, type TestApp } from "./helpers.js";

const DAY = 86_400_000;
const MINUTE = 60_000;
const sandboxValid = SANDBOX.valid;
if (!sandboxValid) throw new Error("sandbox scenario missing");
const valid = sandboxValid;
const OPERATOR = TEAMS.operator.aadObjectId;
const OPENED = `a:personal-${OPERATOR}`;
/**
 * Requests one send makes when throttled: one. botbuilder's HTTP pipeline would retry a 429 itself 3 times; the
 * adapter removes those retries from proactive calls, so the bot's own policy (in the database) is the only one.
 */
const TRIES_PER_SEND = 1;
/** The fake answers the next send into `conversationId` with 429 and Retry-After 1 s. */
const throttle = (fake: FakeConnector, conversationId: string) =>
  fake.throttled.set(conversationId, { remaining: TRIES_PER_SEND, retryAfterSeconds: 1 });

/** Successful reminder sends (POST, 200) per conversation. */
function delivered(fake: FakeConnector): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of fake.arrivals) {
    if (a.method === "POST" && a.status === 200) out[a.conversationId] = (out[a.conversationId] ?? 0) + 1;
  }
  return out;
}

/** Requests answered `status`, per conversation. */
function answered(fake: FakeConnector, status: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of fake.arrivals) if (a.status === status) out[a.conversationId] = (out[a.conversationId] ?? 0) + 1;
  return out;
}

interface Rig {
  apps: TestApp[];
  fake: FakeConnector;
  database: EngineDatabase;
  services: Service[];
  setDay: (daysBeforeExpiry: number) => void;
  advance: (ms: number) => void;
  restart: () => Promise<void>;
  run: (copy?: number) => ReturnType<TestApp["bot"]["scheduler"]["runOnce"]>;
  cleanup: () => Promise<void>;
}

interface RigOptions {
  copies?: number;
  /** Install the bot in a team channel (default true). */
  channel?: boolean;
  /** The operator's personal chat is stored (default true); else the bot has to open it. */
  personal?: boolean;
  /** Services to create (default 1); only the first is linked to the operator. */
  services?: number;
}

/** Starts the servers on one database, installs the bot, creates the services (the first linked to the operator). */
async function rig(engine: TestEngine, options: RigOptions = {}): Promise<Rig> {
  const copies = options.copies ?? 1;
  const fake = await startFakeConnector();
  const database = engine.setup("dr-bot-deliv-");
  // The sandbox secret ends 300 days after the emulator starts; the clock moves relative to that.
  const base = Date.now();
  let nowMs = base;
  const env = { ...database.env, VALIDATION_RATE_LIMIT: "1000" };
  const startAll = async () => {
    const started: TestApp[] = [];
    for (let i = 0; i < copies; i++) {
      started.push(
        await startTestApp(env, { now: () => new Date(nowMs), botScheduler: false, ...database.appOptions }),
      );
    }
    return started;
  };
  const apps = await startAll();
  const first = apps[0] as TestApp;
  if (options.channel ?? true) expect((await post(first.url, channelInstall(fake.url))).status).toBe(200);
  if (options.personal ?? true) expect((await post(first.url, personalInstall(fake.url))).status).toBe(200);
  const customer = (await (
    await fetch(`${first.url}/api/customers`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Delivery Customer" }),
    })
  ).json()) as { id: string };
  const services: Service[] = [];
  for (let i = 0; i < (options.services ?? 1); i++) {
    const created = await fetch(`${first.url}/api/services`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        customerId: customer.id,
        shortName: `dlv${randomBytes(3).toString("hex")}`,
        // Every service here is on the sandbox tenant: each needs its own SBC sub-domain.
        directRouting: { subdomainLabel: `dlv${i}-${randomBytes(3).toString("hex")}` },
        licenseType: "hosted-pro",
        licensedUsers: 10,
        m365: { tenantId: valid.tenantId, clientId: valid.clientId, clientSecret: valid.clientSecret, cloud: "global" },
      }),
    });
    expect(created.status).toBe(201);
    services.push((await created.json()) as Service);
  }
  await first.bot.store.linkServiceOperator(
    {
      serviceId: (services[0] as Service).id,
      tenantId: TEAMS.tenantId,
      aadObjectId: OPERATOR,
      userId: TEAMS.operator.id,
    },
    new Date(nowMs).toISOString(),
  );
  const r: Rig = {
    apps,
    fake,
    database,
    services,
    // +1 h inside the day, so "d days before expiry" counts as d whole days (rounded up).
    setDay: (d) => {
      nowMs = base + (300 - d) * DAY + 3_600_000;
    },
    advance: (ms) => {
      nowMs += ms;
    },
    async restart() {
      for (const app of r.apps) await app.close();
      r.apps = await startAll();
    },
    run: (copy = 0) => (r.apps[copy] as TestApp).bot.scheduler.runOnce(),
    async cleanup() {
      for (const app of r.apps) await app.close();
      await fake.close();
      await database.cleanup();
    },
  };
  return r;
}

describe.each(ENGINES)("reminder delivery on $name", (engine) => {
  it("retries a 429 after its Retry-After from the database, also across a restart, and sends once", async () => {
    const r = await rig(engine);
    try {
      for (const c of [TEAMS.channel, TEAMS.personal]) throttle(r.fake, c);
      r.setDay(30);
      expect(await r.run()).toMatchObject({ validated: 1, queued: 2, sent: 0, failedSends: 2, retrying: 2 });
      expect(answered(r.fake, 429)).toEqual({ [TEAMS.channel]: TRIES_PER_SEND, [TEAMS.personal]: TRIES_PER_SEND });
      const pending = await (r.apps[0] as TestApp).bot.store.listReminderDeliveries();
      expect(pending.map((d) => [d.state, d.attempts, d.lastStatus, d.lastCode])).toEqual([
        ["pending", 1, 429, "Throttled"],
        ["pending", 1, 429, "Throttled"],
      ]);
      // Not before Retry-After (the clock has not moved).
      expect(await r.run()).toMatchObject({ sent: 0, failedSends: 0 });

      // A restart between the 429 and the retry: the retry is in the database, not in the process.
      await r.restart();
      r.advance(20 * MINUTE);
      expect(await r.run()).toMatchObject({ sent: 2, failedSends: 0 });
      expect(delivered(r.fake)).toEqual({ [TEAMS.channel]: 1, [TEAMS.personal]: 1 });
      const sent = await (r.apps[0] as TestApp).bot.store.listReminderDeliveries();
      expect(sent.map((d) => d.state)).toEqual(["sent", "sent"]);
      for (const d of sent) expect(d.activityId).toMatch(/^activity-/);
      r.advance(20 * MINUTE);
      await r.run();
      expect(delivered(r.fake)).toEqual({ [TEAMS.channel]: 1, [TEAMS.personal]: 1 });
    } finally {
      await r.cleanup();
    }
  });

  it("opens the operator's personal chat with createConversation when none is stored, then reuses it", async () => {
    const r = await rig(engine, { personal: false });
    try {
      r.setDay(30);
      expect(await r.run()).toMatchObject({ sent: 2, opened: 1 });
      expect(r.fake.opened).toEqual([{ aadObjectId: OPERATOR, tenantId: TEAMS.tenantId, conversationId: OPENED }]);
      expect(delivered(r.fake)).toEqual({ [TEAMS.channel]: 1, [OPENED]: 1 });
      const app = r.apps[0] as TestApp;
      expect(await app.bot.store.getConversation(OPENED)).toMatchObject({
        kind: "personal",
        tenantId: TEAMS.tenantId,
        aadObjectId: OPERATOR,
        serviceUrl: r.fake.url,
        botId: TEAMS.bot.id,
      });
      const personal = (await app.bot.store.listReminderDeliveries()).find((d) => d.operatorId === OPERATOR);
      expect(personal).toMatchObject({
        state: "sent",
        conversationId: OPENED,
        key: { recipient: `operator:${OPERATOR}` },
      });
      // The next threshold goes to the stored chat: no second createConversation.
      r.setDay(14);
      expect(await r.run()).toMatchObject({ sent: 2, opened: 0 });
      expect(r.fake.opened).toHaveLength(1);
      expect(delivered(r.fake)).toEqual({ [TEAMS.channel]: 2, [OPENED]: 2 });
    } finally {
      await r.cleanup();
    }
  });

  it("marks an operator for whom the app is not installed as failed, with a warning, and does not retry", async () => {
    const r = await rig(engine, { personal: false });
    try {
      r.fake.notInstalled.add(OPERATOR);
      r.setDay(30);
      expect(await r.run()).toMatchObject({ sent: 1, failedSends: 1, retrying: 0, opened: 0 });
      const app = r.apps[0] as TestApp;
      const personal = (await app.bot.store.listReminderDeliveries()).find((d) => d.operatorId === OPERATOR);
      expect(personal).toMatchObject({ state: "failed", lastStatus: 403, attempts: 1 });
      expect(app.logs.some((l) => l.includes("the app is not installed for the operator"))).toBe(true);
      for (let i = 0; i < 3; i++) {
        r.advance(30 * MINUTE);
        await r.run();
      }
      const opens = r.fake.arrivals.filter((a) => a.method === "POST" && a.conversationId === "");
      expect(opens.map((a) => a.status)).toEqual([403]);
    } finally {
      await r.cleanup();
    }
  });

  it("keeps a personal reminder pending while the tenant has no conversation to open the chat from", async () => {
    const r = await rig(engine, { channel: false, personal: false });
    try {
      r.setDay(30);
      expect(await r.run()).toMatchObject({ queued: 1, sent: 0, retrying: 1 });
      const app = r.apps[0] as TestApp;
      expect(app.logs.some((l) => l.includes("no conversation reference of the tenant"))).toBe(true);
      expect((await app.bot.store.listReminderDeliveries())[0]).toMatchObject({
        state: "pending",
        lastCode: "no_conversation_reference",
      });
      // The bot is installed in a channel: the next try opens the operator's chat from that reference.
      expect((await post(app.url, channelInstall(r.fake.url))).status).toBe(200);
      r.advance(20 * MINUTE);
      expect(await r.run()).toMatchObject({ sent: 1, opened: 1 });
      expect(delivered(r.fake)).toEqual({ [OPENED]: 1 });
    } finally {
      await r.cleanup();
    }
  });

  it("drops a conversation answering 403 BotNotInConversationRoster and records the row as dropped", async () => {
    const r = await rig(engine);
    try {
      r.fake.gone.add(TEAMS.channel);
      r.setDay(30);
      expect(await r.run()).toMatchObject({ sent: 1, dropped: 1, retrying: 0 });
      const app = r.apps[0] as TestApp;
      expect((await app.bot.store.listConversations()).map((c) => c.conversationId)).toEqual([TEAMS.personal]);
      const channel = (await app.bot.store.listReminderDeliveries()).find((d) => d.key.recipient === TEAMS.channel);
      expect(channel).toMatchObject({ state: "dropped", lastCode: "BotNotInConversationRoster" });
      r.advance(30 * MINUTE);
      await r.run();
      expect(answered(r.fake, 403)).toEqual({ [TEAMS.channel]: 1 });
    } finally {
      await r.cleanup();
    }
  });

  it("keeps every client secret out of the outbox rows, the logs and the activities sent", async () => {
    const r = await rig(engine, { personal: false });
    try {
      const app = r.apps[0] as TestApp;
      const fixture = app.sandbox?.emulator.tenants.find((t) => t.id === valid.tenantId)?.apps[0];
      if (!fixture) throw new Error("no fixture");
      throttle(r.fake, TEAMS.channel);
      r.setDay(30);
      await r.run();
      r.advance(20 * MINUTE);
      await r.run();
      // A failure reminder too: it stores the failed checks' messages.
      fixture.enabled = false;
      r.setDay(20);
      await r.run();
      fixture.enabled = true;
      expect(delivered(r.fake)).toEqual({ [TEAMS.channel]: 2, [OPENED]: 2 });
      const handle = await r.database.open();
      try {
        const rows = await sql<Record<string, unknown>>`select * from bot_reminder_deliveries`.execute(handle.db);
        expect(rows.rows).toHaveLength(4);
        expect(rows.rows.some((row) => String(row.reason).includes("failures"))).toBe(true);
        expect(JSON.stringify(rows.rows)).not.toContain(valid.clientSecret);
      } finally {
        await handle.close();
      }
      expect(app.logs.join("\n")).not.toContain(valid.clientSecret);
      expect(JSON.stringify(r.fake.calls)).not.toContain(valid.clientSecret);
    } finally {
      await r.cleanup();
    }
  });

  if (engine.name === "sqlite") {
    it("keeps Teams' per-thread windows when one pass sends many reminders into one channel", async () => {
      const r = await rig(engine, { services: 18 });
      try {
        r.setDay(30);
        const started = Date.now();
        expect(await r.run()).toMatchObject({ validated: 18, sent: 19 });
        const times = r.fake.arrivals
          .filter((a) => a.conversationId === TEAMS.channel && a.method === "POST")
          .map((a) => a.at)
          .sort((a, b) => a - b);
        expect(times).toHaveLength(18);
        // docs/teams.md section 9: at most 7 in any 1 s and 8 in any 2 s (i and i + 7 are 1 s apart, i and i + 8 2 s).
        for (let i = 0; i + 7 < times.length; i++) {
          expect((times[i + 7] as number) - (times[i] as number)).toBeGreaterThanOrEqual(1_000);
        }
        for (let i = 0; i + 8 < times.length; i++) {
          expect((times[i + 8] as number) - (times[i] as number)).toBeGreaterThanOrEqual(2_000);
        }
        expect(Date.now() - started).toBeLessThan(15_000);
      } finally {
        await r.cleanup();
      }
    }, 60_000);
  }
});

// Registered on PostgreSQL only: two copies in one process on one SQLite file would wait on each other.
for (const engine of enginesNamed("postgres")) {
  describe("reminder delivery with two server copies on PostgreSQL", () => {
    it("sends each reminder exactly once per threshold although every first send gets a 429", async () => {
      const r = await rig(engine, { copies: 2 });
      try {
        const thresholds = [30, 14, 7, 1, -1];
        for (const [n, day] of thresholds.entries()) {
          for (const c of [TEAMS.channel, TEAMS.personal]) throttle(r.fake, c);
          r.setDay(day);
          await Promise.all([r.run(0), r.run(1)]);
          // One copy took each row: one 429 per conversation, nothing delivered yet.
          const throttled = TRIES_PER_SEND * (n + 1);
          expect(answered(r.fake, 429), `day ${day}`).toEqual({
            [TEAMS.channel]: throttled,
            [TEAMS.personal]: throttled,
          });
          expect(delivered(r.fake), `day ${day}`).toEqual(n === 0 ? {} : { [TEAMS.channel]: n, [TEAMS.personal]: n });
          // Time passes: both copies' passes deliver the due retries, once.
          r.advance(20 * MINUTE);
          await Promise.all([r.run(0), r.run(1)]);
          r.advance(20 * MINUTE);
          await Promise.all([r.run(0), r.run(1)]);
          expect(delivered(r.fake), `day ${day}`).toEqual({ [TEAMS.channel]: n + 1, [TEAMS.personal]: n + 1 });
        }
        const rows = await (r.apps[0] as TestApp).bot.store.listReminderDeliveries();
        expect(rows).toHaveLength(2 * thresholds.length);
        for (const row of rows) expect(row).toMatchObject({ state: "sent", attempts: 2 });
      } finally {
        await r.cleanup();
      }
    }, 60_000);
  });
}
