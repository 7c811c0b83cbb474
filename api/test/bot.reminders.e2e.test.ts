/**
 * Reminders over real HTTP: the bot learns its conversations from installationUpdate activities, an injectable
 * clock walks a service's secret through 30, 14, 7 and 1 days and past expiry, and every threshold sends exactly
 * one reminder per conversation (the team channel and the onboarding operator's personal chat), none again after
 * a restart. A newly failed validation sends one reminder; a 403 BotNotInConversationRoster drops the reference; a
 * 500 is not retried (docs/teams.md section 9). A certificate service (certificate-expiring) is reminded the same
 * way (scheduled rotation off), the card naming its thumbprint, never its key. Retries, createConversation and
 * pacing: bot.reminders.delivery.e2e.
 * On PostgreSQL (TEST_DATABASE_URL) two server copies on one schema run the scheduler at once and still send once.
 */
import { randomBytes, X509Certificate } from "node:crypto";
import type { SandboxCredentials, Service } from "@dr/contract";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "../../bot/src/cards/adaptive-parse.test-helper.js";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { channelInstall, personalInstall, post, TEAMS } from "./bot-activities.js";
import { type FakeConnector, startFakeConnector } from "./bot-connector.fake.js";
import { ENGINES, type EngineDatabase, enginesNamed, type TestEngine } from "./engines.js";
import { startTestApp, type TestApp } from "./helpers.js";
import { credentialOf } from "./scenarios.js";

const DAY = 86_400_000;
const sandboxValid = SANDBOX.valid;
if (!sandboxValid) throw new Error("sandbox scenario missing");
const valid = sandboxValid;

/** The reminder headlines sent so far, per conversation. */
function headlines(fake: FakeConnector): { conversationId: string; title: string }[] {
  return fake.cards().flatMap(({ conversationId, card }) => {
    const body = card.body as { text?: string }[];
    const title = body[0]?.text ?? "";
    return /expires in|has expired|failed for/.test(title) ? [{ conversationId, title }] : [];
  });
}

interface Rig {
  apps: TestApp[];
  fake: FakeConnector;
  database: EngineDatabase;
  service: Service;
  setDay: (daysBeforeExpiry: number) => void;
  restart: () => Promise<void>;
  cleanup: () => Promise<void>;
}

/**
 * Starts `copies` servers on one database, installs the bot, creates a service linked to the operator, with the
 * credential of a sandbox scenario whose secret or certificate ends `expiresInDays` after the emulator started.
 */
async function rig(
  copies: number,
  engine: TestEngine,
  credential: { creds: SandboxCredentials; expiresInDays: number; env?: Record<string, string> } = {
    creds: valid,
    expiresInDays: 300,
  },
): Promise<Rig> {
  const fake = await startFakeConnector();
  const database = engine.setup("dr-bot-rem-");
  // The clock moves relative to the credential's end.
  const base = Date.now();
  let nowMs = base;
  // Every copy on one PostgreSQL shares the key (startTestApp's TEST_SECRET_KEY; config requires one there).
  const env = { ...database.env, VALIDATION_RATE_LIMIT: "1000", ...credential.env };
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
  expect((await post(first.url, channelInstall(fake.url))).status).toBe(200);
  expect((await post(first.url, personalInstall(fake.url))).status).toBe(200);
  const customer = (await (
    await fetch(`${first.url}/api/customers`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Reminder Customer" }),
    })
  ).json()) as { id: string };
  const created = await fetch(`${first.url}/api/services`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      customerId: customer.id,
      shortName: `rem${randomBytes(3).toString("hex")}`,
      licenseType: "hosted-pro",
      licensedUsers: 10,
      m365: {
        tenantId: credential.creds.tenantId,
        clientId: credential.creds.clientId,
        ...credentialOf(credential.creds),
        cloud: credential.creds.cloud,
      },
    }),
  });
  expect(created.status).toBe(201);
  const service = (await created.json()) as Service;
  // As the bot's Create does (covered by the onboarding test): the operator who onboarded it gets reminders.
  await first.bot.store.linkServiceOperator(
    {
      serviceId: service.id,
      tenantId: TEAMS.tenantId,
      aadObjectId: TEAMS.operator.aadObjectId,
      userId: TEAMS.operator.id,
    },
    new Date(nowMs).toISOString(),
  );
  const r: Rig = {
    apps,
    fake,
    database,
    service,
    // +1 h inside the day, so "d days before expiry" counts as d whole days (rounded up).
    setDay: (d) => {
      nowMs = base + (credential.expiresInDays - d) * DAY + 3_600_000;
    },
    async restart() {
      for (const app of r.apps) await app.close();
      r.apps = await startAll();
    },
    async cleanup() {
      for (const app of r.apps) await app.close();
      await fake.close();
      await database.cleanup();
    },
  };
  return r;
}

describe.each(ENGINES)("bot reminders on $name", (engine) => {
  let r: Rig;
  beforeAll(async () => {
    r = await rig(1, engine);
  });
  afterAll(async () => {
    await r.cleanup();
  });

  const run = async () => (r.apps[0] as TestApp).bot.scheduler.runOnce();

  it("sends one reminder per threshold and conversation, none in between and none after a restart", async () => {
    const steps: [number, string | undefined][] = [
      [40, undefined],
      [30, "expires in 30 day(s)"],
      [20, undefined],
      [14, "expires in 14 day(s)"],
      [10, undefined],
      [7, "expires in 7 day(s)"],
      [1, "expires in 1 day(s)"],
      [-1, "has expired"],
    ];
    let seen = 0;
    for (const [day, expected] of steps) {
      r.setDay(day);
      const summary = await run();
      expect(summary.validated).toBe(1);
      const now = headlines(r.fake);
      const fresh = now.slice(seen);
      seen = now.length;
      if (expected === undefined) expect(fresh, `day ${day}`).toEqual([]);
      else {
        expect(fresh.map((h) => h.conversationId).sort(), `day ${day}`).toEqual([TEAMS.personal, TEAMS.channel].sort());
        for (const h of fresh) expect(h.title).toContain(expected);
      }
    }
    // The operator's copy refreshes for them; the card never holds the secret.
    const last = r.fake.cards().at(-1)?.card as { refresh?: { userIds?: string[] } };
    expect(last.refresh?.userIds).toEqual([TEAMS.operator.id]);
    expect(JSON.stringify(r.fake.calls)).not.toContain(valid.clientSecret);

    await r.restart();
    r.setDay(-2);
    expect((await run()).validated).toBe(1);
    expect(headlines(r.fake).length).toBe(seen);
  });

  it("sends one reminder when a validation newly fails, and drops a conversation answering 403", async () => {
    // A fresh database: this secret is far from expiry, so a failure is told as a failure.
    const f = await rig(1, engine);
    try {
      const app = f.apps[0] as TestApp;
      const fixture = app.sandbox?.emulator.tenants.find((t) => t.id === valid.tenantId)?.apps[0];
      if (!fixture) throw new Error("no fixture");
      f.setDay(100);
      expect((await app.bot.scheduler.runOnce()).validated).toBe(1);
      expect(headlines(f.fake)).toEqual([]);
      // The customer disables the app: the next scheduled validation fails (AADSTS7000112); the channel is gone.
      fixture.enabled = false;
      f.fake.gone.add(TEAMS.channel);
      f.setDay(99);
      const summary = await app.bot.scheduler.runOnce();
      expect(summary).toMatchObject({ validated: 1, sent: 1, dropped: 1 });
      expect(headlines(f.fake)).toEqual([
        { conversationId: TEAMS.personal, title: expect.stringContaining("Validate Authentication failed") },
      ]);
      expect((await app.bot.store.listConversations()).map((c) => c.conversationId)).toEqual([TEAMS.personal]);
      // Failing again is the same episode: no second reminder.
      f.setDay(98);
      await app.bot.scheduler.runOnce();
      expect(headlines(f.fake)).toHaveLength(1);
      // It recovers: the failure reminder's message now says so (the card's state stays true for everyone), once.
      const reminder = f.fake.calls.find(
        (c) => c.method === "POST" && JSON.stringify(c.activity).includes("Validate Authentication failed"),
      );
      fixture.enabled = true;
      f.setDay(97);
      expect((await app.bot.scheduler.runOnce()).resolved).toBe(1);
      const resolved = await f.fake.waitForUpdate(reminder?.id ?? "", (a) => JSON.stringify(a).includes("Resolved: "));
      expect(JSON.stringify(resolved)).toContain("validates again");
      expect((await app.bot.store.listReminderDeliveries(f.service.id)).map((d) => d.state)).toContain("resolved");
      // It fails again: a new episode, one new reminder.
      fixture.enabled = false;
      f.setDay(96);
      await app.bot.scheduler.runOnce();
      expect(headlines(f.fake)).toHaveLength(2);
    } finally {
      await f.cleanup();
    }
  });

  it("marks a send Teams says not to retry (500) as failed, and does not send it again", async () => {
    const f = await rig(1, engine);
    try {
      const app = f.apps[0] as TestApp;
      f.fake.failing.add(TEAMS.channel);
      f.setDay(30);
      expect(await app.bot.scheduler.runOnce()).toMatchObject({ sent: 1, failedSends: 1, retrying: 0 });
      expect(headlines(f.fake).map((h) => h.conversationId)).toEqual([TEAMS.personal]);
      const channelRow = (await app.bot.store.listReminderDeliveries()).find((d) => d.key.recipient === TEAMS.channel);
      expect(channelRow).toMatchObject({ state: "failed", lastStatus: 500, attempts: 1 });
      expect(app.logs.some((l) => l.includes("reminder not sent; given up"))).toBe(true);
      f.fake.failing.clear();
      f.setDay(29);
      expect(await app.bot.scheduler.runOnce()).toMatchObject({ sent: 0, failedSends: 0 });
      expect(headlines(f.fake).map((h) => h.conversationId)).toEqual([TEAMS.personal]);
      // The next threshold is a new reminder: it goes out.
      f.setDay(14);
      expect(await app.bot.scheduler.runOnce()).toMatchObject({ sent: 2 });
    } finally {
      await f.cleanup();
    }
  });

  it("reminds a certificate service before and at expiry, naming its thumbprint; no key in the cards or the outbox", async () => {
    const pem = SANDBOX["certificate-expiring"]?.clientCertificatePem;
    const creds = SANDBOX["certificate-expiring"];
    if (!pem || !creds) throw new Error("no certificate-expiring scenario");
    const certificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0] ?? "";
    const thumbprint = new X509Certificate(certificate).fingerprint.replaceAll(":", "");
    // A few lines of the key's base64 body: what must never be sent or stored.
    const keyLines = (/-----BEGIN PRIVATE KEY-----\n([\s\S]+?)-----END/.exec(pem)?.[1] ?? "")
      .split("\n")
      .slice(1, 4)
      .join("\n");
    expect(keyLines.length).toBeGreaterThan(100);
    // The certificate's keyCredential ends 10 days after the emulator started. Scheduled rotation is off: a
    // certificate the app may rotate would be rotated instead (rotation.e2e); these are the reminders without it.
    const c = await rig(1, engine, { creds, expiresInDays: 10, env: { ROTATE_BEFORE_DAYS: "0" } });
    try {
      const app = c.apps[0] as TestApp;
      expect(c.service.m365).toMatchObject({ credentialType: "certificate", certificateThumbprint: thumbprint });
      for (const [day, expected] of [
        // The first scheduled validation comes a day after the service was created.
        [9, "expires in 9 day(s)"],
        [8, undefined],
        [7, "expires in 7 day(s)"],
        [1, "expires in 1 day(s)"],
        [-1, "has expired"],
      ] as const) {
        c.setDay(day);
        const before = c.fake.cards().length;
        expect((await app.bot.scheduler.runOnce()).validated).toBe(1);
        const fresh = c.fake.cards().slice(before);
        if (expected === undefined) {
          expect(fresh, `day ${day}`).toEqual([]);
          continue;
        }
        expect(fresh.map((f) => f.conversationId).sort(), `day ${day}`).toEqual([TEAMS.personal, TEAMS.channel].sort());
        for (const { card } of fresh) {
          // Microsoft's Adaptive Cards library takes the card as it is.
          expect(adaptiveCardsProblems(card)).toEqual([]);
          const body = card.body as { text?: string; facts?: { title: string; value: string }[] }[];
          expect(body[0]?.text).toContain(`The certificate of ${c.service.shortName} ${expected}`);
          const facts = body.flatMap((b) => b.facts ?? []);
          expect(facts).toContainEqual({ title: "Certificate", value: `thumbprint ${thumbprint}` });
          expect(facts.map((f) => f.title)).not.toContain("Client secret");
        }
      }
      // The outbox: one row per threshold and recipient, holding no key; nor the activities sent or the logs.
      const handle = await c.database.open();
      try {
        const rows = await sql<Record<string, unknown>>`select * from bot_reminder_deliveries`.execute(handle.db);
        expect(rows.rows).toHaveLength(8);
        expect(rows.rows.every((row) => row.state === "sent")).toBe(true);
        expect(JSON.stringify(rows.rows)).not.toContain(keyLines);
        expect(JSON.stringify(rows.rows)).not.toContain("PRIVATE KEY");
      } finally {
        await handle.close();
      }
      expect(JSON.stringify(c.fake.calls)).not.toContain(keyLines);
      expect(JSON.stringify(c.fake.calls)).not.toContain("PRIVATE KEY");
      expect(app.logs.join("\n")).not.toContain(keyLines);
    } finally {
      await c.cleanup();
    }
  });

  it("forgets a channel on uninstall", async () => {
    const app = r.apps[0] as TestApp;
    r.fake.gone.clear();
    await post(app.url, channelInstall(r.fake.url));
    expect((await app.bot.store.listConversations()).map((c) => c.kind).sort()).toEqual(["channel", "personal"]);
    await post(app.url, channelInstall(r.fake.url, "remove"));
    expect((await app.bot.store.listConversations()).map((c) => c.kind)).toEqual(["personal"]);
  });
});

// Registered on PostgreSQL only: two copies in one process on one SQLite file would wait on each other.
for (const engine of enginesNamed("postgres")) {
  describe("bot reminders with two server copies on PostgreSQL", () => {
    let r: Rig;
    beforeAll(async () => {
      r = await rig(2, engine);
    });
    afterAll(async () => {
      await r?.cleanup();
    });

    it("sends each reminder once although both schedulers run at the same moment", async () => {
      for (const [day, count] of [
        [30, 2],
        [14, 4],
        [7, 6],
        [1, 8],
        [-1, 10],
      ] as const) {
        r.setDay(day);
        await Promise.all(r.apps.map((app) => app.bot.scheduler.runOnce()));
        expect(headlines(r.fake).length, `day ${day}`).toBe(count);
      }
    });
  });
}
