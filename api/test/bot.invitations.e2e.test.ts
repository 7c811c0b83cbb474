/**
 * Invitations through the bot over real HTTP, with the fake Bot Connector: `invite <customer> <e-mail>` in the
 * operator's personal chat creates the invitation and shows the link once; in a channel it is refused (the link is a
 * bearer token); the customer's admin completing the link (POST /api/invite/{token}/validation) sends the operator a
 * card with Continue onboarding in their personal chat; onboarding from it creates the service and uses the
 * invitation up. The client secret appears in no card, activity or log line. SQLite; PostgreSQL too with
 * TEST_DATABASE_URL.
 */
import { randomBytes } from "node:crypto";
import { DEFAULT_ANSWER_BUDGET_MS } from "@dr/bot";
import type { Invitation, Service } from "@dr/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { execute, message, post, TEAMS } from "./bot-activities.js";
import { type FakeConnector, startFakeConnector } from "./bot-connector.fake.js";
import { ENGINES, type EngineDatabase } from "./engines.js";
import { apiCaller, postJson, startTestApp, type TestApp } from "./helpers.js";

const valid = SANDBOX.valid;
if (!valid) throw new Error("sandbox scenario missing");

type Node = Record<string, unknown>;
type Card = { body: Node[]; actions?: Node[] };

function cardIn(activity: Node): Card | undefined {
  const attachments = activity.attachments as { contentType?: string; content?: Card }[] | undefined;
  return attachments?.find((a) => a.contentType === "application/vnd.microsoft.card.adaptive")?.content;
}
function invokeCard(json: unknown): Card {
  const body = json as { statusCode: number; type: string; value: Card };
  expect(body.type).toBe("application/vnd.microsoft.card.adaptive");
  return body.value;
}
const shownText = (text: unknown) => String(text).replace(/\\(.)/g, "$1");
const dialogOf = (card: Card) => {
  const data = (card.actions?.[0]?.data ?? {}) as Node;
  return { dialogId: String(data.dialogId), step: String(data.step), rev: Number(data.rev) };
};

async function until<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(ENGINES)("bot invitations on $name", (engine) => {
  let app: TestApp;
  let fake: FakeConnector;
  let database: EngineDatabase;
  const seen: string[] = [];
  const api = apiCaller(() => app.url, { seen: (t) => seen.push(t) });
  const customerName = `Invited ${randomBytes(3).toString("hex")}`;
  const shortName = `inv${randomBytes(3).toString("hex")}`;
  let customerId = "";
  let invitationId = "";
  let token = "";

  beforeAll(async () => {
    fake = await startFakeConnector();
    database = engine.setup("dr-bot-inv-");
    app = await startTestApp(
      { ...database.env, VALIDATION_RATE_LIMIT: "1000", REVALIDATION_INTERVAL_MS: "0" },
      { ...database.appOptions, botAnswerBudgetMs: DEFAULT_ANSWER_BUDGET_MS },
    );
    const customer = await api("POST", "/api/customers", { name: customerName });
    expect(customer.status).toBe(201);
    customerId = (customer.json as { id: string }).id;
  });

  afterAll(async () => {
    await app?.close();
    await fake?.close();
    await database?.cleanup();
  });

  it("refuses invite in a channel: the link goes to the personal chat only", async () => {
    const before = fake.calls.length;
    await post(
      app.url,
      message(fake.url, `<at>DR Bot</at> invite ${customerName} admin@contoso.example`, {
        conversation: { id: TEAMS.channel, conversationType: "channel", tenantId: TEAMS.tenantId },
        entities: [{ type: "mention", text: "<at>DR Bot</at>", mentioned: TEAMS.bot }],
      }),
    );
    const sent = fake.calls.slice(before);
    expect(sent.map((c) => String(c.activity.text ?? ""))).toContain(
      "Send it in our personal chat: the invitation link lets whoever has it enter the customer's credentials, so I show it only there.",
    );
    expect(JSON.stringify(sent)).not.toContain("/invite/");
    const list = await api("GET", "/api/invitations");
    expect((list.json as { items: Invitation[] }).items.filter((i) => i.customerId === customerId)).toEqual([]);
  });

  it("invite in the personal chat creates the invitation and shows the link once, with the mail's outcome", async () => {
    const before = fake.calls.length;
    await post(app.url, message(fake.url, `invite ${customerName} admin@contoso.example`));
    const card = await until(() =>
      fake.calls
        .slice(before)
        .map((c) => ({ c, card: cardIn(c.activity) }))
        .find((x) => x.card?.body.some((b) => b.id === "invitationLink")),
    );
    expect(card.c.conversationId).toBe(TEAMS.personal);
    const url = shownText(card.card?.body.find((b) => b.id === "invitationLink")?.text);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/invite\/\S+$/);
    token = url.split("/invite/")[1] ?? "";
    expect(JSON.stringify(card.card)).toContain("Mailed to admin@contoso.example");
    const list = await api("GET", "/api/invitations");
    const mine = (list.json as { items: Invitation[] }).items.filter((i) => i.customerId === customerId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: "sent", email: "admin@contoso.example", emailSent: true });
    invitationId = mine[0]?.id ?? "";
    // The list never carries the link.
    expect(list.text).not.toContain(token);
  });

  it("tells the operator in their personal chat when the admin completes the link, with Continue onboarding", async () => {
    expect(token).not.toBe("");
    const before = fake.calls.length;
    const validated = await postJson(`${app.url}/api/invite/${token}/validation`, {
      tenantId: valid.tenantId,
      clientId: valid.clientId,
      clientSecret: valid.clientSecret,
    });
    expect(validated.status).toBe(200);
    expect((validated.json as { ok: boolean }).ok).toBe(true);
    const notice = await until(() =>
      fake.calls
        .slice(before)
        .map((c) => ({ c, card: cardIn(c.activity) }))
        .find((x) => JSON.stringify(x.card ?? {}).includes("Invitation completed")),
    );
    expect(notice.c.conversationId).toBe(TEAMS.personal);
    expect(notice.card?.actions?.some((a) => a.verb === "onboard.fromInvitation")).toBe(true);
    const action = notice.card?.actions?.find((a) => a.verb === "onboard.fromInvitation");
    expect(action?.data).toMatchObject({ invitationId });
    expect(JSON.stringify(notice.card)).not.toContain(valid.clientSecret);
  });

  it("onboards from the invitation: the wizard has it chosen, Create sends invitationId and uses it up", async () => {
    let before = fake.calls.length;
    const start = await post(app.url, execute(fake.url, "onboard.fromInvitation", { invitationId }));
    expect(JSON.stringify(start.json)).toContain("The onboarding wizard is in a new message below.");
    const posted = await until(() => fake.calls.slice(before).find((c) => cardIn(c.activity)));
    let card = cardIn(posted.activity) as Card;
    let dialog = dialogOf(card);
    expect(dialog.step).toBe("details");
    expect(card.body.find((b) => b.id === "customerId")?.value).toBe(customerId);

    let answer = await post(
      app.url,
      execute(fake.url, "onboard.details", {
        ...dialog,
        customerId,
        shortName,
        licenseType: "hosted-pro",
        licensedUsers: "5",
      }),
    );
    card = invokeCard(answer.json);
    dialog = dialogOf(card);
    expect(dialog.step).toBe("credentials");
    expect(card.body.find((b) => b.id === "invitationId")).toMatchObject({
      type: "Input.ChoiceSet",
      label: "Pending invitation",
      value: invitationId,
    });

    answer = await post(app.url, execute(fake.url, "onboard.credentials", { ...dialog, invitationId }));
    card = invokeCard(answer.json);
    dialog = dialogOf(card);
    expect(dialog.step).toBe("summary");
    expect(JSON.stringify(card)).toContain("From the invitation");

    before = fake.calls.length;
    answer = await post(app.url, execute(fake.url, "onboard.create", dialog));
    card = invokeCard(answer.json);
    expect(JSON.stringify(card)).toContain(`Service ${shortName} created`);
    const services = await api("GET", "/api/services");
    const created = (services.json as { items: Service[] }).items.find((s) => s.shortName === shortName);
    expect(created?.m365.tenantId).toBe(valid.tenantId);
    const used = await api("GET", `/api/invitations/${invitationId}`);
    expect((used.json as Invitation).status).toBe("used");

    // A second start from the used invitation is refused in words.
    const again = await post(app.url, execute(fake.url, "onboard.fromInvitation", { invitationId }));
    expect(JSON.stringify(again.json)).toContain("cannot be used to onboard any more");
  });

  it("never puts the client secret in a card, an activity, an API answer or a log line", () => {
    expect(JSON.stringify(fake.calls)).not.toContain(valid.clientSecret);
    expect(seen.join("\n")).not.toContain(valid.clientSecret);
    expect(app.logs.join("\n")).not.toContain(valid.clientSecret);
    // Nor the link's token in the logs (the request log redacts it).
    expect(app.logs.join("\n")).not.toContain(token);
  });
});
