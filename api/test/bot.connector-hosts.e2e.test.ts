import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { channelInstall, execute, message, post, TEAMS } from "./bot-activities.js";
import { type FakeConnector, startFakeConnector } from "./bot-connector.fake.js";
import { onboardThroughApi, startTestApp, type TestApp } from "./helpers.js";

const expiring = SANDBOX.expiring;
if (!expiring) throw new Error("no expiring scenario");

let app: TestApp;
let fake: FakeConnector;
let nowMs = Date.now();
/** Other spellings of the fake connector's address that are not on the allow-list. */
let elsewhere: string[];

beforeAll(async () => {
  fake = await startFakeConnector();
  const port = new URL(fake.url).port;
  elsewhere = [`http://0.0.0.0:${port}`, `http://[::ffff:127.0.0.1]:${port}`];
  app = await startTestApp({ VALIDATION_RATE_LIMIT: "1000" }, { botScheduler: false, now: () => new Date(nowMs) });
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

describe("Bot Connector host allow-list", () => {
  it("answers a loopback connector in anonymous local mode", async () => {
    const before = fake.calls.length;
    expect((await post(app.url, message(fake.url, "help"))).status).toBe(200);
    expect(fake.calls.length).toBe(before + 1);
  });

  it("refuses messages, clicks and installs naming another serviceUrl: 400, nothing posted or stored, logged", async () => {
    const before = fake.calls.length;
    for (const url of elsewhere) {
      for (const activity of [
        message(url, "services canary-activity-text"),
        execute(url, "services.list", { note: "canary-activity-text" }),
        channelInstall(url),
      ]) {
        const r = await post(app.url, activity);
        expect(r.status, `${url} ${String(activity.type)}`).toBe(400);
        expect(r.text).not.toContain("Direct Routing services");
      }
    }
    expect(fake.calls.length).toBe(before);
    expect((await app.bot.store.listConversations()).map((c) => c.serviceUrl)).not.toContain(elsewhere[0]);
    const refused = app.logs.filter((l) => l.includes("bot activity refused"));
    expect(refused.length).toBe(6);
    expect(refused[0]).toContain("0.0.0.0");
    expect(app.logs.join("\n")).not.toContain("canary-activity-text");
  });

  it("never sends a reminder to a stored reference naming another host", async () => {
    // References stored before the allow-list existed: one at the fake (allowed), one elsewhere.
    const at = new Date(nowMs).toISOString();
    for (const [conversationId, serviceUrl] of [
      ["19:allowed@thread.tacv2", fake.url],
      ["19:elsewhere@thread.tacv2", elsewhere[0] ?? ""],
    ] as const) {
      await app.bot.store.putConversation(
        {
          serviceUrl,
          conversationId,
          tenantId: TEAMS.tenantId,
          aadObjectId: null,
          botId: TEAMS.bot.id,
          kind: "channel",
          channelId: "msteams",
        },
        at,
      );
    }
    await onboardThroughApi(app.url, {
      customerName: "Allow-list Customer",
      shortName: "allowlist1",
      credentials: expiring,
    });
    // A day later the scheduled validation is due; the secret is days from expiry: a reminder is owed everywhere.
    nowMs += 25 * 3_600_000;
    const before = fake.calls.length;
    const summary = await app.bot.scheduler.runOnce();
    expect(summary).toMatchObject({ validated: 1, sent: 1, failedSends: 1 });
    expect(fake.calls.slice(before).map((c) => c.conversationId)).toEqual(["19:allowed@thread.tacv2"]);
    expect(app.logs.some((l) => l.includes("proactive send refused"))).toBe(true);
    // The reference is kept (a configuration fix may make it usable), but it is never sent to.
    expect((await app.bot.store.listConversations()).map((c) => c.conversationId)).toContain(
      "19:elsewhere@thread.tacv2",
    );
  });
});
