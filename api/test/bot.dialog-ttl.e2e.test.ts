/**
 * Bot dialogs expire after BOT_DIALOG_TTL_HOURS untouched, and the client secret sealed in them goes with them: a
 * click on an expired dialog is told to start again (and deletes it), the scheduler's pass and each new dialog sweep
 * the expired ones, and so does the start-up. An injected clock moves time. SQLite always; PostgreSQL too when
 * TEST_DATABASE_URL is set.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expiredText } from "../../bot/src/dialog/onboarding.dialog.js";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { execute, message, post, TEAMS } from "./bot-activities.js";
import { type FakeConnector, startFakeConnector } from "./bot-connector.fake.js";
import { ENGINES } from "./engines.js";
import { startTestApp, type TestApp } from "./helpers.js";

const sandboxValid = SANDBOX.valid;
if (!sandboxValid) throw new Error("sandbox scenario missing");
const valid = sandboxValid;
const HOUR = 3_600_000;
const TTL_HOURS = 2;

type Card = { actions?: { data?: Record<string, unknown> }[] };
const dialogOf = (card: Card) => {
  const data = card.actions?.[0]?.data ?? {};
  return { dialogId: String(data.dialogId), step: String(data.step), rev: Number(data.rev) };
};

describe.each(ENGINES)("bot dialog time to live on $name", (engine) => {
  let app: TestApp;
  let fake: FakeConnector;
  let nowMs = Date.now();
  const database = engine.setup("dr-bot-ttl-");
  const start = () =>
    startTestApp(
      { ...database.env, BOT_DIALOG_TTL_HOURS: String(TTL_HOURS), VALIDATION_RATE_LIMIT: "1000" },
      { botScheduler: false, now: () => new Date(nowMs), ...database.appOptions },
    );

  /** The stored dialog of Olivia with this id (the key the bot uses: tenant and object id in lower case). */
  const stored = (dialogId: string) =>
    app.bot.store.getDialog({ tenantId: TEAMS.tenantId, userId: TEAMS.operator.aadObjectId, dialogId });

  /** Opens a dialog and enters valid credentials: the secret is now sealed in it. Answers the report's dialog data. */
  async function dialogWithSecret() {
    const before = fake.calls.length;
    await post(app.url, message(fake.url, "onboard"));
    // The new wizard message (updates of earlier wizards' messages may arrive meanwhile: they are PUTs).
    const posted = fake.calls.slice(before).find((c) => c.method === "POST");
    const first = (posted?.activity.attachments as { content: Card }[] | undefined)?.[0]?.content as Card;
    let r = await post(
      app.url,
      execute(fake.url, "onboard.details", {
        ...dialogOf(first),
        customerId: "new",
        newCustomerName: "TTL Customer",
        shortName: `ttl${randomBytes(3).toString("hex")}`,
        licenseType: "hosted-pro",
        licensedUsers: "5",
      }),
    );
    r = await post(
      app.url,
      execute(fake.url, "onboard.credentials", {
        ...dialogOf((r.json as { value: Card }).value),
        tenantId: valid.tenantId,
        clientId: valid.clientId,
        clientSecret: valid.clientSecret,
        cloud: "global",
      }),
    );
    const report = dialogOf((r.json as { value: Card }).value);
    expect(report.step).toBe("report");
    const record = await stored(report.dialogId);
    expect(JSON.stringify(record?.data)).toContain("sealedSecret");
    return report;
  }

  beforeAll(async () => {
    fake = await startFakeConnector();
    app = await start();
  });
  afterAll(async () => {
    await app.close();
    await fake.close();
    await database.cleanup();
  });

  it("continues a dialog within its time to live, and tells a click after it to start again", async () => {
    const report = await dialogWithSecret();
    nowMs += TTL_HOURS * HOUR - 60_000;
    let r = await post(app.url, execute(fake.url, "onboard.back", report));
    expect(r.json).toMatchObject({ type: "application/vnd.microsoft.card.adaptive" });
    const credentials = dialogOf((r.json as { value: Card }).value);
    nowMs += TTL_HOURS * HOUR + 60_000;
    r = await post(app.url, execute(fake.url, "onboard.back", credentials));
    expect(r.json).toMatchObject({
      type: "application/vnd.microsoft.activity.message",
      value: expiredText(TTL_HOURS * HOUR),
    });
    expect(String((r.json as { value: string }).value)).toContain("Send **onboard** to start again");
    expect(await stored(report.dialogId)).toBeUndefined();
  });

  it("sweeps expired dialogs on the scheduler's pass, and on a new dialog", async () => {
    const old = await dialogWithSecret();
    nowMs += TTL_HOURS * HOUR + 60_000;
    await app.bot.scheduler.runOnce();
    expect(await stored(old.dialogId)).toBeUndefined();
    expect(app.logs.some((l) => l.includes("expired bot dialogs deleted"))).toBe(true);

    const other = await dialogWithSecret();
    nowMs += TTL_HOURS * HOUR + 60_000;
    const fresh = await dialogWithSecret(); // starting a new one clears the expired one
    expect(await stored(other.dialogId)).toBeUndefined();
    expect(await stored(fresh.dialogId)).toBeDefined();
  });

  it("sweeps expired dialogs at start-up", async () => {
    const left = await dialogWithSecret();
    await app.close();
    nowMs += TTL_HOURS * HOUR + 60_000;
    app = await start();
    await app.bot.ready;
    expect(await stored(left.dialogId)).toBeUndefined();
    expect(app.logs.some((l) => l.includes("expired bot dialogs deleted"))).toBe(true);
    expect(JSON.stringify(app.logs)).not.toContain(valid.clientSecret);
  });
});
