/**
 * The bot applies the operators' app roles (AUTH_MODE=entra). It has no SSO token of its own, so it asks what the
 * server last saw in the operator's verified sign-in to the tab: unknown operators are told to open the tab once, a
 * Reader may list services but not onboard or validate, an Operator may, and a demotion applies at the operator's
 * next tab request. Help needs no role. Everything over real HTTP with real RS256 tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCESS } from "../../bot/src/bot.composition.js";
import { execute, message, post, TEAMS } from "./bot-activities.js";
import { type FakeConnector, startFakeConnector } from "./bot-connector.fake.js";
import { type EntraSetup, PROVIDER_TENANT, startEntraSetup } from "./entra.js";

let setup: EntraSetup;
let fake: FakeConnector;
let nowMs = Date.now();

const inProvider = {
  conversation: { id: TEAMS.personal, conversationType: "personal", tenantId: PROVIDER_TENANT },
  channelData: { tenant: { id: PROVIDER_TENANT } },
};

/** Olivia opens the tab with these app roles (any API request signs her in). */
async function signInToTab(roles: string[]): Promise<void> {
  const token = await setup.ssoToken({ oid: TEAMS.operator.aadObjectId, roles });
  const r = await fetch(`${setup.app.url}/api/settings`, { headers: { authorization: `Bearer ${token}` } });
  // Without any role the tab is refused (403), yet the sign-in was verified and is remembered as such.
  expect(r.status).toBe(roles.length > 0 ? 200 : 403);
}

/** What the bot answered to Olivia's message: its text, or "card" when it sent a card. */
async function say(text: string): Promise<string> {
  const before = fake.calls.length;
  expect((await post(setup.app.url, message(fake.url, text, inProvider))).status).toBe(200);
  const sent = fake.calls.slice(before).map((c) => c.activity);
  expect(sent).toHaveLength(1);
  return Array.isArray(sent[0]?.attachments) && sent[0].attachments.length > 0 ? "card" : String(sent[0]?.text);
}

/** What the bot answered to a card button of Olivia's: its text, or "card". */
async function click(verb: string, data: Record<string, unknown> = {}): Promise<string> {
  const r = await post(setup.app.url, execute(fake.url, verb, data, inProvider));
  expect(r.status).toBe(200);
  const body = r.json as { type?: string };
  return body.type === "application/vnd.microsoft.card.adaptive" ? "card" : r.text;
}

beforeAll(async () => {
  fake = await startFakeConnector();
  setup = await startEntraSetup({ REVALIDATION_INTERVAL_MS: "0" }, { now: () => new Date(nowMs) });
});

afterAll(async () => {
  await setup?.close();
  await fake?.close();
});

describe("app roles in the bot", () => {
  it("tells an operator it has not seen to open the tab once; help needs no role", async () => {
    expect(await say("onboard")).toBe(ACCESS.unknown);
    expect(await say("services")).toBe(ACCESS.unknown);
    expect(await say("help")).toBe("card");
  });

  it("lets a Reader list services but not onboard or validate", async () => {
    await signInToTab(["Onboarding.Reader"]);
    expect(await say("services")).toBe("card");
    expect(await say("onboard")).toBe(ACCESS.operate);
    expect(await say("validate contoso")).toBe(ACCESS.operate);
    expect(await click("onboard.start")).toContain(ACCESS.operate);
    expect(await click("service.replaceSecret.open", { serviceId: "x" })).toContain(ACCESS.operate);
    expect(await click("services.list")).toBe("card");
  });

  it("lets an Operator onboard, and applies a demotion at the next tab request", async () => {
    await signInToTab(["Onboarding.Operator"]);
    expect(await say("onboard")).toBe("card");
    await signInToTab(["Onboarding.Reader"]);
    expect(await say("onboard")).toBe(ACCESS.operate);
    await signInToTab([]);
    expect(await say("services")).toBe(ACCESS.read);
  });

  it("forgets roles not confirmed by a sign-in for 12 hours", async () => {
    await signInToTab(["Onboarding.Operator"]);
    expect(await say("onboard")).toBe("card");
    nowMs += 12 * 3_600_000 + 60_000;
    expect(await say("onboard")).toBe(ACCESS.unknown);
  });
});
