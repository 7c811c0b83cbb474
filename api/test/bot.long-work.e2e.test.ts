/**
 * Long work outside the invoke (docs/teams.md section 5): against an emulator tenant whose token endpoint takes 8 s,
 * every bot step that asks Microsoft answers its invoke within 2 s with a working card, and the result replaces the
 * message by update when the run ends: the wizard's credentials and Create steps, Validate now on a card, and the
 * `validate <name>` command. The invoke times measured here are printed for the closing note. SQLite always;
 * PostgreSQL too when TEST_DATABASE_URL is set.
 */
import { randomBytes } from "node:crypto";
import { DEFAULT_ANSWER_BUDGET_MS } from "@dr/bot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { execute, message, post, TEAMS } from "./bot-activities.js";
import { type FakeConnector, startFakeConnector } from "./bot-connector.fake.js";
import { ENGINES, type EngineDatabase } from "./engines.js";
import { startTestApp, type TestApp } from "./helpers.js";

const sandboxValid = SANDBOX.valid;
if (!sandboxValid) throw new Error("sandbox scenario missing");
const valid = sandboxValid;
const TOKEN_LATENCY_MS = 8_000;
/** What the issue asks of an invoke that asks Microsoft. */
const INVOKE_LIMIT_MS = 2_000;

type Card = { body: { text?: string }[]; actions?: { verb?: string; data?: Record<string, unknown> }[] };

function cardIn(activity: Record<string, unknown>): Card | undefined {
  const attachments = activity.attachments as { contentType?: string; content?: Card }[] | undefined;
  return attachments?.find((a) => a.contentType === "application/vnd.microsoft.card.adaptive")?.content;
}

function invokeCard(json: unknown): Card {
  const body = json as { statusCode: number; type: string; value: Card };
  expect(body.type).toBe("application/vnd.microsoft.card.adaptive");
  return body.value;
}

const dialogOf = (card: Card) => {
  const data = card.actions?.[0]?.data ?? {};
  return { dialogId: String(data.dialogId), step: String(data.step), rev: Number(data.rev) };
};
const has = (text: string) => (activity: Record<string, unknown>) => JSON.stringify(activity).includes(text);

describe.each(ENGINES)("bot long work on $name", (engine) => {
  let app: TestApp;
  let fake: FakeConnector;
  let database: EngineDatabase;
  const measured: Record<string, number> = {};
  const shortName = `slow${randomBytes(3).toString("hex")}`;

  /** Posts an activity and measures how long the bot took to answer it. */
  const timed = async (name: string, activity: unknown) => {
    const started = performance.now();
    const result = await post(app.url, activity);
    measured[name] = Math.round(performance.now() - started);
    expect(result.status).toBe(200);
    return result;
  };

  beforeAll(async () => {
    fake = await startFakeConnector();
    database = engine.setup("dr-bot-slow-");
    // Outbound M365 calls may take their documented 10 s here (the other test servers use 600 ms).
    app = await startTestApp(
      { ...database.env, VALIDATION_RATE_LIMIT: "1000", REVALIDATION_INTERVAL_MS: "0", M365_TIMEOUT_MS: "20000" },
      // The bot's own budget, as deployed (startTestApp sets a long one for the other tests).
      { ...database.appOptions, botAnswerBudgetMs: DEFAULT_ANSWER_BUDGET_MS },
    );
    const tenant = app.sandbox?.emulator.tenants.find((t) => t.id === valid.tenantId);
    if (!tenant) throw new Error("sandbox emulator missing");
    tenant.faults = { token: { kind: "latency", ms: TOKEN_LATENCY_MS } };
  });

  afterAll(async () => {
    console.info(`invoke answer times with an ${TOKEN_LATENCY_MS} ms token endpoint (${engine.name}):`, measured);
    await app?.close();
    await fake?.close();
    await database?.cleanup();
  });

  it("answers the wizard's credentials and Create steps at once, then updates the message", async () => {
    let mark = fake.calls.length;
    await post(app.url, message(fake.url, "onboard"));
    const posted = fake.calls.slice(mark).find((c) => c.method === "POST" && cardIn(c.activity));
    const messageId = posted?.id ?? "";
    let dialog = dialogOf(cardIn(posted?.activity ?? {}) as Card);
    let r = await post(
      app.url,
      execute(fake.url, "onboard.details", {
        ...dialog,
        customerId: "new",
        newCustomerName: "Slow Tenant Customer",
        shortName,
        licenseType: "hosted-pro",
        licensedUsers: "5",
      }),
    );
    dialog = dialogOf(invokeCard(r.json));

    mark = fake.calls.length;
    r = await timed(
      "credentials",
      execute(fake.url, "onboard.credentials", {
        ...dialog,
        tenantId: valid.tenantId,
        clientId: valid.clientId,
        clientSecret: valid.clientSecret,
        cloud: "global",
      }),
    );
    expect(measured.credentials).toBeLessThan(INVOKE_LIMIT_MS);
    const working = invokeCard(r.json);
    expect(JSON.stringify(working)).toContain("Validating the credentials");
    expect(dialogOf(working).step).toBe("validating");
    // The message shows the working card to everyone, then the report replaces it when the token arrives.
    await fake.waitForUpdate(messageId, has("Validating the credentials"), 5_000, mark);
    const report = cardIn(await fake.waitForUpdate(messageId, has("The credentials work"), 30_000, mark)) as Card;
    dialog = dialogOf(report);
    expect(dialog.step).toBe("report");

    r = await post(app.url, execute(fake.url, "onboard.next", dialog));
    dialog = dialogOf(invokeCard(r.json));
    r = await post(app.url, execute(fake.url, "onboard.settings", { ...dialog, m365Domain: valid.tenantDomain }));
    dialog = dialogOf(invokeCard(r.json));
    expect(dialog.step).toBe("summary");

    mark = fake.calls.length;
    r = await timed("create", execute(fake.url, "onboard.create", dialog));
    expect(measured.create).toBeLessThan(INVOKE_LIMIT_MS);
    expect(JSON.stringify(invokeCard(r.json))).toContain("Creating the service");
    // A second click while Create runs gets the working card again, and does not create twice.
    r = await post(app.url, execute(fake.url, "onboard.create", dialog));
    expect(JSON.stringify(invokeCard(r.json))).toContain("Creating the service");
    await fake.waitForUpdate(messageId, has(`Service ${shortName} created`), 30_000, mark);
    const services = (await (await fetch(`${app.url}/api/services`)).json()) as { items: { shortName: string }[] };
    expect(services.items.filter((s) => s.shortName === shortName)).toHaveLength(1);
  }, 90_000);

  it("answers Validate now and the validate command at once, then updates their messages", async () => {
    const services = (await (await fetch(`${app.url}/api/services`)).json()) as {
      items: { id: string; shortName: string }[];
    };
    const service = services.items.find((s) => s.shortName === shortName);
    if (!service) throw new Error("service from the previous test missing");

    // Both at once: each waits for its own 8 s token.
    const mark = fake.calls.length;
    const [r] = await Promise.all([
      timed(
        "validate now",
        execute(fake.url, "service.validate", { serviceId: service.id }, { replyToId: "reminder-message-7" }),
      ),
      timed("validate command", message(fake.url, `validate ${shortName}`)),
    ]);
    expect(measured["validate now"]).toBeLessThan(INVOKE_LIMIT_MS);
    expect(measured["validate command"]).toBeLessThan(INVOKE_LIMIT_MS);
    expect(JSON.stringify(invokeCard(r.json))).toContain("Validating");
    const workingPost = fake.calls.slice(mark).find((c) => c.method === "POST" && has("Validating")(c.activity));
    expect(workingPost?.conversationId).toBe(TEAMS.personal);
    await fake.waitForUpdate("reminder-message-7", has("The credentials work"), 30_000, mark);
    await fake.waitForUpdate(workingPost?.id ?? "", has(`Validate Authentication: ${shortName}`), 30_000, mark);
  }, 90_000);

  it("never puts the secret in a sent or updated activity", () => {
    const everything = JSON.stringify(fake.calls) + app.logs.join("\n");
    expect(everything).not.toContain(valid.clientSecret);
  });
});
