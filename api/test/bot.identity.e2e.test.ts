/**
 * The bot knows operators by their Entra object id, never by their Teams display name (not unique): in entra mode
 * by the upn the API itself uses for them (remembered from their verified sign-in to the tab), in dev mode by
 * `aad:<object id>`. So two operators who share a display name have separate rate limits, and the audit trail,
 * createdBy and the M365 user name say who really acted. A turn without an object id cannot act at all.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Service } from "@dr/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_IDENTITY } from "../../bot/src/bot.composition.js";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { execute, message, post, TEAMS } from "./bot-activities.js";
import { type FakeConnector, startFakeConnector } from "./bot-connector.fake.js";
import { type EntraSetup, PROVIDER_TENANT, startEntraSetup } from "./entra.js";
import { startTestApp, type TestApp } from "./helpers.js";

const valid = SANDBOX.valid;
const expiring = SANDBOX.expiring;
if (!valid || !expiring) throw new Error("sandbox scenarios missing");

type Card = { body: { id?: string; text?: string }[]; actions?: { verb?: string; data?: Record<string, unknown> }[] };
type User = { id: string; aadObjectId?: string; name: string };

/** The card an invoke answered with (or fails the test). */
function invokeCard(json: unknown): Card {
  expect(json).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
  return (json as { value: Card }).value;
}

const dialogOf = (card: Card) => {
  const data = card.actions?.[0]?.data ?? {};
  return { dialogId: String(data.dialogId), step: String(data.step), rev: Number(data.rev) };
};

/** One operator talking to the bot in their personal chat of `tenantId`. */
function operator(appUrl: () => string, fake: FakeConnector, user: User, tenantId: string) {
  const where = {
    from: user,
    conversation: { id: `a:personal-${user.id}`, conversationType: "personal", tenantId },
    channelData: { tenant: { id: tenantId } },
  };
  return {
    /** What the bot answered to a message: the card it sent, or its text. */
    async say(text: string): Promise<Card | string> {
      const before = fake.calls.length;
      expect((await post(appUrl(), message(fake.url, text, where))).status).toBe(200);
      // The first new message in this chat (updates of earlier cards may arrive meanwhile: they are PUTs).
      const sent = fake.calls
        .slice(before)
        .find((c) => c.method === "POST" && c.conversationId === where.conversation.id)?.activity as
        | { text?: string; attachments?: { content: Card }[] }
        | undefined;
      return sent?.attachments?.[0]?.content ?? String(sent?.text);
    },
    async click(verb: string, data: Record<string, unknown>) {
      return post(appUrl(), execute(fake.url, verb, data, where));
    },
    /** Onboard: details, then credentials; answers the card after the credentials. */
    async toCredentialsResult(shortName: string, tenant: { tenantId: string; clientId: string; clientSecret: string }) {
      const first = await this.say("onboard");
      if (typeof first === "string") throw new Error(`no dialog: ${first}`);
      let r = await this.click("onboard.details", {
        ...dialogOf(first),
        customerId: "new",
        newCustomerName: `Customer ${shortName}`,
        shortName,
        licenseType: "hosted-pro",
        licensedUsers: "10",
      });
      const credentials = invokeCard(r.json);
      r = await this.click("onboard.credentials", { ...dialogOf(credentials), ...tenant, cloud: "global" });
      return invokeCard(r.json);
    },
    /** The whole onboarding through Create; answers the created service's short name. */
    async onboard(shortName: string, tenant: { tenantId: string; clientId: string; clientSecret: string }) {
      let card = await this.toCredentialsResult(shortName, tenant);
      card = invokeCard((await this.click("onboard.next", dialogOf(card))).json);
      const domain = (card.body.find((e) => e.id === "m365Domain") as { value?: string } | undefined)?.value;
      card = invokeCard((await this.click("onboard.settings", { ...dialogOf(card), m365Domain: domain })).json);
      card = invokeCard((await this.click("onboard.create", dialogOf(card))).json);
      expect(JSON.stringify(card)).toContain("created");
    },
  };
}

describe("dev mode: operators by Entra object id", () => {
  let app: TestApp;
  let fake: FakeConnector;
  const url = () => app.url;

  beforeAll(async () => {
    fake = await startFakeConnector();
    app = await startTestApp({ VALIDATION_RATE_LIMIT: "2", REVALIDATION_INTERVAL_MS: "0" });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it("refuses to act for a turn without an Entra object id; help still answers", async () => {
    const anonymous = operator(url, fake, { id: "29:no-oid", name: TEAMS.operator.name }, TEAMS.tenantId);
    expect(await anonymous.say("onboard")).toBe(NO_IDENTITY);
    expect(await anonymous.say("services")).toBe(NO_IDENTITY);
    expect(await anonymous.say("validate anything")).toBe(NO_IDENTITY);
    const click = await anonymous.click("onboard.start", {});
    expect(click.json).toMatchObject({ type: "application/vnd.microsoft.activity.message", value: NO_IDENTITY });
    expect(typeof (await anonymous.say("help"))).toBe("object");
  });

  it("keeps two operators with one display name apart: rate limit, createdBy, audit", async () => {
    const samA = operator(url, fake, { id: "29:sam-a", aadObjectId: randomUUID(), name: "Sam Same" }, TEAMS.tenantId);
    const samBOid = randomUUID();
    const samB = operator(url, fake, { id: "29:sam-b", aadObjectId: samBOid, name: "Sam Same" }, TEAMS.tenantId);
    // Sam A uses up their 2 validations a minute (the valid tenant is then at 2 as well).
    let card = await samA.toCredentialsResult(`sa${randomBytes(3).toString("hex")}`, valid);
    expect(JSON.stringify(card)).toContain("The credentials work");
    card = invokeCard((await samA.click("onboard.retry", dialogOf(card))).json);
    expect(JSON.stringify(card)).toContain("The credentials work");
    // Sam B is someone else: their own limit, in another tenant. Named by display name, they were refused here.
    const shortName = `sb${randomBytes(3).toString("hex")}`;
    await samB.onboard(shortName, expiring);
    const list = (await (await fetch(`${app.url}/api/services`)).json()) as { items: Service[] };
    const created = list.items.find((s) => s.shortName === shortName);
    expect(created).toMatchObject({ createdBy: `aad:${samBOid}`, m365: { userName: `aad:${samBOid}` } });
    const audit = (await (await fetch(`${app.url}/api/services/${created?.id}/audit`)).json()) as {
      items: { actor: string }[];
    };
    expect(audit.items.map((e) => e.actor)).toContain(`aad:${samBOid}`);
    expect(JSON.stringify(audit)).not.toContain("Sam Same");
  });
});

describe("entra mode: operators by the upn of their tab sign-in", () => {
  let setup: EntraSetup;
  let fake: FakeConnector;
  const url = () => setup.app.url;
  const UPN = "olivia.upn@provider.example";

  beforeAll(async () => {
    fake = await startFakeConnector();
    setup = await startEntraSetup({ VALIDATION_RATE_LIMIT: "1000", REVALIDATION_INTERVAL_MS: "0" });
  });
  afterAll(async () => {
    await setup?.close();
    await fake?.close();
  });

  it("audits, owns and validates under the upn the API uses, not the display name", async () => {
    const token = await setup.ssoToken({
      oid: TEAMS.operator.aadObjectId,
      upn: UPN,
      preferred_username: UPN,
      roles: ["Onboarding.Operator"],
    });
    const api = (path: string) => fetch(`${url()}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await api("/api/settings")).status).toBe(200); // Olivia opens the tab once: the server remembers her.
    const olivia = operator(url, fake, TEAMS.operator, PROVIDER_TENANT);
    const shortName = `up${randomBytes(3).toString("hex")}`;
    await olivia.onboard(shortName, valid);
    const list = (await (await api("/api/services")).json()) as { items: Service[] };
    const created = list.items.find((s) => s.shortName === shortName);
    expect(created).toMatchObject({ createdBy: UPN, m365: { userName: UPN } });

    // Validate now through the bot: recorded under the upn as well.
    const card = await olivia.say(`validate ${shortName}`);
    expect(JSON.stringify(card)).toContain("The credentials work");
    const settings = (await (await api(`/api/services/${created?.id}/m365`)).json()) as { lastValidatedBy?: string };
    expect(settings.lastValidatedBy).toBe(UPN);
    const audit = (await (await api(`/api/services/${created?.id}/audit`)).json()) as { items: { actor: string }[] };
    expect(new Set(audit.items.map((e) => e.actor))).toEqual(new Set([UPN]));
  });
});
