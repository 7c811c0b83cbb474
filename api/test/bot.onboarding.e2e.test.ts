/**
 * The bot over real HTTP: activities POSTed to /api/messages of the real server in unauthenticated local mode,
 * with a loopback fake of the Bot Connector as serviceUrl. A full onboarding conversation (invalid inputs at each
 * step, a stale click, a restart mid-dialog) ends with a service visible through GET /api/services; then
 * `validate <name>`, Validate now and Replace secret. No secret appears in any answer, sent activity or log line.
 * SQLite always; PostgreSQL too when TEST_DATABASE_URL is set.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_ANSWER_BUDGET_MS } from "@dr/bot";
import type { Service } from "@dr/contract";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { execute, message, post, TEAMS } from "./bot-activities.js";
import { type FakeConnector, startFakeConnector } from "./bot-connector.fake.js";
import { ENGINES, type EngineDatabase } from "./engines.js";
import { startTestApp, type TestApp } from "./helpers.js";

const sandboxValid = SANDBOX.valid;
if (!sandboxValid) throw new Error("sandbox scenario missing");
const valid = sandboxValid;
const SECRET_ID_GUID = "58e64cf3-93a9-4262-abd6-81fad5ba4b6b";

type Card = {
  body: { id?: string; type: string; text?: string; value?: unknown }[];
  actions?: { verb?: string; data?: Record<string, unknown> }[];
  refresh?: { action: { verb?: string; data?: Record<string, unknown> }; userIds?: string[] };
};

/** The Adaptive Card of a sent or updated activity. */
function cardIn(activity: Record<string, unknown>): Card | undefined {
  const attachments = activity.attachments as { contentType?: string; content?: Card }[] | undefined;
  return attachments?.find((a) => a.contentType === "application/vnd.microsoft.card.adaptive")?.content;
}

/** A wizard card's step (the step its actions carry). */
const stepOf = (activity: Record<string, unknown>) => {
  const card = cardIn(activity);
  return card ? dialogOf(card).step : undefined;
};

/** The card of an invoke answer. */
function invokeCard(json: unknown): Card {
  const body = json as { statusCode: number; type: string; value: Card };
  expect(body.statusCode).toBe(200);
  expect(body.type).toBe("application/vnd.microsoft.card.adaptive");
  return body.value;
}

/** The { dialogId, step, rev } of a card's first action. */
function dialogOf(card: Card): { dialogId: string; step: string; rev: number } {
  const data = card.actions?.[0]?.data ?? {};
  return { dialogId: String(data.dialogId), step: String(data.step), rev: Number(data.rev) };
}

/** What Teams shows of card Markdown the bot escaped (the backslashes go). */
const shown = (markdown: string | undefined) => markdown?.replace(/\\(.)/g, "$1");

/** The message under an input (the TextBlock right after it), as shown. */
function errorUnder(card: Card, inputId: string): string | undefined {
  const index = card.body.findIndex((e) => e.id === inputId);
  const next = card.body[index + 1];
  return next?.type === "TextBlock" && next.id === `${inputId}.error` ? shown(next.text) : undefined;
}

describe.each(ENGINES)("bot onboarding on $name", (engine) => {
  let app: TestApp;
  let fake: FakeConnector;
  let database: EngineDatabase;
  const env = (): Record<string, string> => ({
    ...database.env,
    VALIDATION_RATE_LIMIT: "1000",
    REVALIDATION_INTERVAL_MS: "0",
  });
  const answers: string[] = [];
  const logs: string[] = [];
  const shortName = `bot${randomBytes(3).toString("hex")}`;

  // The bot's own answer budget, as deployed: its steps may answer with a working card on a loaded machine.
  const start = async () => {
    app = await startTestApp(env(), { ...database.appOptions, botAnswerBudgetMs: DEFAULT_ANSWER_BUDGET_MS });
  };
  const send = async (activity: unknown) => {
    const result = await post(app.url, activity);
    answers.push(result.text);
    return result;
  };

  beforeAll(async () => {
    fake = await startFakeConnector();
    database = engine.setup("dr-bot-");
    await start();
  });

  afterAll(async () => {
    logs.push(...app.logs);
    await app.close();
    await fake.close();
    await database?.cleanup();
  });

  it("answers help for unknown text, without echoing it", async () => {
    const before = fake.cards().length;
    const r = await send(message(fake.url, `hello ${valid.clientSecret}`));
    expect(r.status).toBe(200);
    const cards = fake.cards().slice(before);
    expect(cards).toHaveLength(1);
    const json = JSON.stringify(cards[0]?.card);
    expect(json).toContain("I did not understand that");
    expect(json).not.toContain(valid.clientSecret);
  });

  it("strips the @mention in a channel and answers services", async () => {
    const before = fake.cards().length;
    await send(
      message(fake.url, "<at>DR Bot</at> services", {
        conversation: { id: TEAMS.channel, conversationType: "channel", tenantId: TEAMS.tenantId },
        entities: [{ type: "mention", text: "<at>DR Bot</at>", mentioned: TEAMS.bot }],
      }),
    );
    const sent = fake.cards().slice(before);
    expect(sent[0]?.conversationId).toBe(TEAMS.channel);
    expect(JSON.stringify(sent[0]?.card)).toContain("Direct Routing services");
  });

  it("runs the whole onboarding conversation and creates the service", async () => {
    // 1. onboard: the details card arrives through the connector, as a message whose id the dialog keeps. Every
    // card refreshes itself for the operator (Universal Actions), and every step below also replaces that message.
    const before = fake.calls.length;
    await send(message(fake.url, "onboard"));
    const posted = fake.calls.slice(before).find((c) => c.method === "POST" && cardIn(c.activity));
    let card = cardIn(posted?.activity ?? {}) as Card;
    expect(card).toBeDefined();
    const messageId = posted?.id ?? "";
    let dialog = dialogOf(card);
    expect(dialog.step).toBe("details");
    expect(card.refresh).toMatchObject({
      action: { verb: "onboard.refresh", data: { dialogId: dialog.dialogId } },
      userIds: [TEAMS.operator.id],
    });
    const updated = (step: string) => fake.waitForUpdate(messageId, (a) => stepOf(a) === step);
    // A step that asks Microsoft answers with the result when it comes within the bot's budget (800 ms), else with a
    // working card (⏳) and the result by update of the message: on a loaded machine either may happen.
    const settled = async (result: { json: unknown }, from: number): Promise<Card> => {
      const answer = invokeCard(result.json);
      if (!JSON.stringify(answer).includes("⏳")) return answer;
      const later = await fake.waitForUpdate(messageId, (a) => !JSON.stringify(a).includes("⏳"), 20_000, from);
      return cardIn(later) as Card;
    };

    // 2. Invalid details come back on the same card, each message under its input.
    let r = await send(
      execute(fake.url, "onboard.details", {
        ...dialog,
        customerId: "new",
        newCustomerName: "",
        shortName: "a.b",
        licenseType: "hosted-gold",
        licensedUsers: "900",
      }),
    );
    card = invokeCard(r.json);
    expect(dialogOf(card)).toEqual(dialog);
    expect(errorUnder(card, "shortName")).toMatch(/Short name/);
    expect(errorUnder(card, "licensedUsers")).toMatch(/at most 500/);
    expect(errorUnder(card, "licenseType")).toMatch(/Licence type/);
    expect(errorUnder(card, "newCustomerName")).toMatch(/Customer name/);

    // 3. Valid details: the credentials card.
    r = await send(
      execute(fake.url, "onboard.details", {
        ...dialog,
        customerId: "new",
        newCustomerName: "Contoso Bot Customer",
        shortName,
        licenseType: "hosted-pro",
        licensedUsers: "25",
      }),
    );
    card = invokeCard(r.json);
    const detailsDialog = dialog;
    dialog = dialogOf(card);
    expect(dialog).toMatchObject({ step: "credentials", rev: detailsDialog.rev + 1 });
    expect(dialogOf(cardIn(await updated("credentials")) as Card)).toEqual(dialog);

    // A refresh (Teams asks for it after a reload, on another device, after each update) draws the current step.
    r = await send(
      execute(
        fake.url,
        "onboard.refresh",
        { dialogId: dialog.dialogId },
        {
          value: {
            action: { type: "Action.Execute", verb: "onboard.refresh", data: { dialogId: dialog.dialogId } },
            trigger: "automatic",
          },
        },
      ),
    );
    expect(dialogOf(invokeCard(r.json))).toEqual(dialog);

    // 4. A stale click (the details card again) is refused politely with the current card.
    r = await send(execute(fake.url, "onboard.details", { ...detailsDialog, shortName: "other", licensedUsers: "3" }));
    card = invokeCard(r.json);
    expect(JSON.stringify(card)).toContain("out of date");
    expect(dialogOf(card)).toEqual(dialog);

    // 5. Invalid credentials: same card, messages under the inputs. A GUID-shaped secret is accepted by the field
    // rules (legacy secrets were GUIDs): no message under it; validation would warn and report invalid_secret.
    r = await send(
      execute(fake.url, "onboard.credentials", {
        ...dialog,
        tenantId: "common",
        clientId: "not-a-guid",
        clientSecret: SECRET_ID_GUID,
        cloud: "global",
      }),
    );
    card = invokeCard(r.json);
    expect(errorUnder(card, "tenantId")).toMatch(/Tenant ID/);
    expect(errorUnder(card, "clientId")).toMatch(/Application \(client\) ID/);
    expect(errorUnder(card, "clientSecret")).toBeUndefined();
    expect(r.text).not.toContain(SECRET_ID_GUID);

    // 6. Restart mid-dialog: a new server on the same database continues the dialog.
    logs.push(...app.logs);
    await app.close();
    await start();

    // 7. Valid credentials: the validation report, ok, with Next.
    let mark = fake.calls.length;
    r = await send(
      execute(fake.url, "onboard.credentials", {
        ...dialog,
        tenantId: valid.tenantId,
        clientId: valid.clientId,
        clientSecret: valid.clientSecret,
        cloud: "global",
      }),
    );
    card = await settled(r, mark);
    dialog = dialogOf(card);
    expect(dialog.step).toBe("report");
    expect(JSON.stringify(card)).toContain("The credentials work");
    expect(dialogOf(cardIn(await updated("report")) as Card)).toEqual(dialog);
    expect(card.actions?.map((a) => a.verb)).toEqual(["onboard.next", "onboard.back", "onboard.cancel"]);

    // 8. Next: the M365 settings, initial domain preselected; an unknown domain is refused under the input.
    r = await send(execute(fake.url, "onboard.next", dialog));
    card = invokeCard(r.json);
    dialog = dialogOf(card);
    expect(card.body.find((e) => e.id === "m365Domain")?.value).toBe(valid.tenantDomain);
    await updated("settings");
    r = await send(execute(fake.url, "onboard.settings", { ...dialog, m365Domain: "evil.example" }));
    card = invokeCard(r.json);
    expect(errorUnder(card, "m365Domain")).toMatch(/choose one of/);
    r = await send(execute(fake.url, "onboard.settings", { ...dialog, m365Domain: valid.tenantDomain }));
    card = invokeCard(r.json);
    dialog = dialogOf(card);
    expect(dialog.step).toBe("summary");
    expect(JSON.stringify(card)).toContain(`${valid.clientSecret.slice(0, 3)}••••••••`);
    await updated("summary");

    // 9. Create; a double click afterwards is refused politely.
    mark = fake.calls.length;
    r = await send(execute(fake.url, "onboard.create", dialog));
    card = await settled(r, mark);
    expect(JSON.stringify(card)).toContain(`Service ${shortName} created`);
    await fake.waitForUpdate(messageId, (a) => JSON.stringify(cardIn(a)).includes(`Service ${shortName} created`));
    r = await send(execute(fake.url, "onboard.create", dialog));
    expect(r.json).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.activity.message" });

    // The service is visible through the API, created by the operator's stable identity (their Entra object id:
    // dev mode knows no upn), never by their Teams display name, and linked for reminders.
    const list = (await (await fetch(`${app.url}/api/services`)).json()) as { items: Service[] };
    const created = list.items.find((s) => s.shortName === shortName);
    expect(created).toMatchObject({
      customerName: "Contoso Bot Customer",
      licensedUsers: 25,
      createdBy: `aad:${TEAMS.operator.aadObjectId}`,
    });
    const audit = (await (await fetch(`${app.url}/api/services/${created?.id}/audit`)).json()) as {
      items: { actor: string }[];
    };
    expect(audit.items.length).toBeGreaterThan(0);
    for (const event of audit.items) expect(event.actor).toBe(`aad:${TEAMS.operator.aadObjectId}`);
    expect(JSON.stringify(audit)).not.toContain(TEAMS.operator.name);
    expect(created?.directRouting?.m365Domain).toBe(valid.tenantDomain);
    expect(await app.bot.store.getServiceOperator(created?.id ?? "")).toMatchObject({
      aadObjectId: TEAMS.operator.aadObjectId,
      userId: TEAMS.operator.id,
    });
  });

  it("onboards with a certificate pasted as PEM (the card's multiline input) and creates the service", async () => {
    const certificate = SANDBOX.certificate;
    const pem = certificate?.clientCertificatePem ?? "";
    if (!certificate || pem === "") throw new Error("certificate scenario missing");
    const keyBody = pem.split("-----BEGIN PRIVATE KEY-----")[1]?.slice(0, 120) ?? "";
    const before = fake.calls.length;
    await send(message(fake.url, "onboard"));
    const posted = fake.calls.slice(before).find((c) => c.method === "POST" && cardIn(c.activity));
    const messageId = posted?.id ?? "";
    let card = cardIn(posted?.activity ?? {}) as Card;
    const settled = async (result: { json: unknown }, from: number): Promise<Card> => {
      const answer = invokeCard(result.json);
      if (!JSON.stringify(answer).includes("⏳")) return answer;
      const later = await fake.waitForUpdate(messageId, (a) => !JSON.stringify(a).includes("⏳"), 20_000, from);
      return cardIn(later) as Card;
    };
    const certName = `crt${randomBytes(3).toString("hex")}`;
    let r = await send(
      execute(fake.url, "onboard.details", {
        ...dialogOf(card),
        customerId: "new",
        newCustomerName: "Trey Research Bot",
        shortName: certName,
        licenseType: "hosted-pro",
        licensedUsers: "5",
      }),
    );
    card = invokeCard(r.json);
    const credentials = {
      ...dialogOf(card),
      tenantId: certificate.tenantId,
      clientId: certificate.clientId,
      cloud: "global",
    };
    // Both a secret and a certificate, then a PEM without its key: refused under the certificate's input.
    r = await send(
      execute(fake.url, "onboard.credentials", {
        ...credentials,
        clientSecret: certificate.clientSecret,
        clientCertificatePem: pem,
      }),
    );
    card = invokeCard(r.json);
    expect(errorUnder(card, "clientCertificatePem")).toMatch(/either the client secret or the certificate/);
    const certOnly = pem.split("-----BEGIN PRIVATE KEY-----")[0] ?? "";
    r = await send(
      execute(fake.url, "onboard.credentials", { ...dialogOf(card), ...credentials, clientCertificatePem: certOnly }),
    );
    card = invokeCard(r.json);
    expect(errorUnder(card, "clientCertificatePem")).toMatch(/no private key/);
    // Neither: asks for one of the two.
    r = await send(execute(fake.url, "onboard.credentials", { ...credentials, ...dialogOf(card) }));
    card = invokeCard(r.json);
    expect(errorUnder(card, "clientSecret")).toMatch(/client secret's Value or a certificate/);
    // The PEM: validated with the certificate.
    let mark = fake.calls.length;
    r = await send(
      execute(fake.url, "onboard.credentials", { ...credentials, ...dialogOf(card), clientCertificatePem: pem }),
    );
    card = await settled(r, mark);
    expect(dialogOf(card).step).toBe("report");
    expect(JSON.stringify(card)).toContain("The credentials work");
    r = await send(execute(fake.url, "onboard.next", dialogOf(card)));
    card = invokeCard(r.json);
    r = await send(execute(fake.url, "onboard.settings", { ...dialogOf(card), m365Domain: certificate.tenantDomain }));
    card = invokeCard(r.json);
    expect(dialogOf(card).step).toBe("summary");
    expect(JSON.stringify(card)).toMatch(/thumbprint [0-9A-F]{40}/);
    mark = fake.calls.length;
    r = await send(execute(fake.url, "onboard.create", dialogOf(card)));
    card = await settled(r, mark);
    expect(JSON.stringify(card)).toContain(`Service ${certName} created`);
    const list = (await (await fetch(`${app.url}/api/services`)).json()) as { items: Service[] };
    const created = list.items.find((x) => x.shortName === certName);
    expect(created?.m365).toMatchObject({ credentialType: "certificate", secretHint: "" });
    expect(created?.m365.certificateThumbprint).toMatch(/^[0-9A-F]{40}$/);
    // Replace secret from the bot: the app's secret in place of the certificate, then the PEM again.
    const serviceId = created?.id ?? "";
    r = await send(execute(fake.url, "service.replaceSecret.open", { serviceId }));
    expect(JSON.stringify(invokeCard(r.json))).toContain(`thumbprint ${created?.m365.certificateThumbprint}`);
    r = await send(execute(fake.url, "service.replaceSecret", { serviceId }));
    expect(errorUnder(invokeCard(r.json), "clientSecret")).toMatch(/client secret's Value or a certificate/);
    // The answer is the result or a working card; the message is updated with the result either way.
    const replace = async (fields: Record<string, string>, done: string, replyToId: string) => {
      const answer = await send(execute(fake.url, "service.replaceSecret", { serviceId, ...fields }, { replyToId }));
      expect(JSON.stringify(invokeCard(answer.json))).toMatch(new RegExp(`${done}|⏳`));
      await fake.waitForUpdate(replyToId, (a) => JSON.stringify(cardIn(a)).includes(done), 20_000);
    };
    await replace({ clientSecret: certificate.clientSecret }, "The secret was replaced.", "m-cert-1");
    let now = (await (await fetch(`${app.url}/api/services/${serviceId}`)).json()) as Service;
    expect(now.m365.credentialType).toBe("secret");
    await replace({ clientCertificatePem: pem }, "The certificate replaced the credential.", "m-cert-2");
    now = (await (await fetch(`${app.url}/api/services/${serviceId}`)).json()) as Service;
    expect(now.m365.credentialType).toBe("certificate");
    // The key never comes back: not in an answer, a sent activity or a log line.
    expect(keyBody.length).toBeGreaterThan(50);
    expect(answers.join("\n")).not.toContain(keyBody);
    expect(JSON.stringify(fake.calls)).not.toContain(keyBody);
    expect([...logs, ...app.logs].join("\n")).not.toContain(keyBody);
  });

  it("cancels at any step and discards the dialog", async () => {
    const before = fake.calls.length;
    await send(message(fake.url, "onboard"));
    const posted = fake.calls.slice(before).find((c) => c.method === "POST" && cardIn(c.activity));
    const dialog = dialogOf(cardIn(posted?.activity ?? {}) as Card);
    let r = await send(execute(fake.url, "onboard.cancel", dialog));
    expect(r.json).toMatchObject({ type: "application/vnd.microsoft.activity.message" });
    // The wizard's message says so too, for everyone.
    await fake.waitForUpdate(posted?.id ?? "", (a) => String(a.text).includes("Onboarding cancelled"));
    r = await send(execute(fake.url, "onboard.details", { ...dialog, shortName: "x" }));
    expect(JSON.stringify(r.json)).toContain("no longer open");
  });

  it("validates on demand, refreshes in place, and replaces the secret", async () => {
    // The report is posted, or (past the bot's 800 ms budget) a working card is posted and replaced by the report.
    const before = fake.calls.length;
    await send(message(fake.url, `validate ${shortName.toUpperCase()}`));
    const post = fake.calls.slice(before).find((c) => c.method === "POST" && cardIn(c.activity));
    let report = cardIn(post?.activity ?? {}) as Card;
    if (JSON.stringify(report).includes("⏳")) {
      report = cardIn(
        await fake.waitForUpdate(post?.id ?? "", (a) => !JSON.stringify(a).includes("⏳"), 20_000),
      ) as Card;
    }
    expect(JSON.stringify(report)).toContain(`Validate Authentication: ${shortName}`);
    expect(report.actions?.map((a) => a.verb)).toEqual(["service.validate", "service.replaceSecret.open"]);
    const serviceId = String(report.actions?.[0]?.data?.serviceId);

    // Validate now on a card: the clicking client gets the report, and the clicked message shows it to everyone.
    let r = await send(execute(fake.url, "service.validate", { serviceId }, { replyToId: "report-message-1" }));
    expect(JSON.stringify(invokeCard(r.json))).toMatch(/The credentials work|⏳ Validating/);
    const works = (a: Record<string, unknown>) => JSON.stringify(cardIn(a)).includes("The credentials work");
    await fake.waitForUpdate("report-message-1", works, 20_000);

    r = await send(execute(fake.url, "service.replaceSecret.open", { serviceId }));
    let card = invokeCard(r.json);
    expect(card.body.find((e) => e.id === "clientSecret")).toMatchObject({ style: "password" });
    r = await send(execute(fake.url, "service.replaceSecret", { serviceId, clientSecret: ` ${valid.clientSecret}` }));
    card = invokeCard(r.json);
    expect(errorUnder(card, "clientSecret")).toMatch(/remove the spaces/);
    r = await send(
      execute(fake.url, "service.replaceSecret", { serviceId, clientSecret: valid.clientSecret }, { replyToId: "m-2" }),
    );
    expect(JSON.stringify(invokeCard(r.json))).toMatch(/The secret was replaced\.|⏳ Replacing/);
    const replaced = (a: Record<string, unknown>) => JSON.stringify(cardIn(a)).includes("The secret was replaced.");
    await fake.waitForUpdate("m-2", replaced, 20_000);

    const none = await send(message(fake.url, "validate nosuchservice"));
    expect(none.status).toBe(200);
  });

  it("never shows the secret in an answer, a sent activity, a log line or the database", async () => {
    logs.push(...app.logs);
    let stored = "";
    const { schema, databaseUrl, dataDir } = database;
    if (schema && databaseUrl) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      const tables = await client.query("select table_name from information_schema.tables where table_schema = $1", [
        schema,
      ]);
      for (const row of tables.rows as { table_name: string }[]) {
        stored += JSON.stringify((await client.query(`select * from ${schema}.${row.table_name}`)).rows);
      }
      await client.end();
      expect(stored).toContain("bot_");
    } else {
      // The SQLite files keep freed pages too: a secret ever written in clear would still be found here.
      for (const file of readdirSync(dataDir)) stored += readFileSync(join(dataDir, file)).toString("latin1");
    }
    const everything = [...answers, JSON.stringify(fake.calls), ...logs, stored].join("\n");
    expect(everything).not.toContain(valid.clientSecret);
    expect(everything).not.toContain(Buffer.from(valid.clientSecret).toString("base64"));
  });
});
