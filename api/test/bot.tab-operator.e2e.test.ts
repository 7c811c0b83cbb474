/**
 * A service onboarded in the tab (AUTH_MODE=entra) reaches its operator too: the API links the service to the
 * signed-in operator's Entra identity, so the reminders go to that operator's personal chat with the bot, and the
 * operator's Teams id, learnt from their next turn with the bot, lets the card refresh for them. Another operator's personal chat
 * gets nothing.
 */
import { randomUUID } from "node:crypto";
import type { Service } from "@dr/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { activity, message, post, TEAMS } from "./bot-activities.js";
import { type FakeConnector, startFakeConnector } from "./bot-connector.fake.js";
import { type EntraSetup, PROVIDER_TENANT, startEntraSetup } from "./entra.js";

const sandboxExpiring = SANDBOX.expiring;
if (!sandboxExpiring) throw new Error("no expiring scenario");
const expiring = sandboxExpiring;

const OTHER = { id: "29:other-mri", aadObjectId: randomUUID(), name: "Oscar Other" };

let setup: EntraSetup;
let fake: FakeConnector;
let nowMs = Date.now();

/** The bot installed in a user's personal scope, in the provider's tenant (the bot refuses other tenants). */
function personalInstallOf(user: { id: string; aadObjectId: string; name: string }, conversationId: string) {
  return activity(fake.url, {
    type: "installationUpdate",
    action: "add",
    from: user,
    conversation: { id: conversationId, conversationType: "personal", tenantId: PROVIDER_TENANT },
    channelData: { tenant: { id: PROVIDER_TENANT } },
  });
}

async function createAs(oid: string, shortName: string): Promise<Service> {
  const token = await setup.ssoToken({ oid, roles: ["Onboarding.Operator"] });
  const call = async (path: string, body: unknown) =>
    fetch(`${setup.app.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const customer = (await (await call("/api/customers", { name: `Customer of ${shortName}` })).json()) as {
    id: string;
  };
  const created = await call("/api/services", {
    customerId: customer.id,
    shortName,
    licenseType: "hosted-pro",
    licensedUsers: 10,
    m365: { tenantId: expiring.tenantId, clientId: expiring.clientId, clientSecret: expiring.clientSecret },
  });
  expect(created.status).toBe(201);
  return (await created.json()) as Service;
}

beforeAll(async () => {
  fake = await startFakeConnector();
  setup = await startEntraSetup({ VALIDATION_RATE_LIMIT: "1000" }, { botScheduler: false, now: () => new Date(nowMs) });
});

afterAll(async () => {
  await setup?.close();
  await fake?.close();
});

describe("reminders for services onboarded in the tab", () => {
  it("go to the onboarding operator's personal chat, refreshing for them, and not to another operator", async () => {
    expect((await post(setup.app.url, personalInstallOf(TEAMS.operator, "a:personal-olivia"))).status).toBe(200);
    expect((await post(setup.app.url, personalInstallOf(OTHER, "a:personal-oscar"))).status).toBe(200);
    // Olivia onboards in the tab; the secret expires in 5 days, so the first pass owes her the 7-day reminder.
    const service = await createAs(TEAMS.operator.aadObjectId.toUpperCase(), "tab-olivia");
    // Her next word with the bot tells it her Teams id for this service's cards.
    expect(
      (
        await post(
          setup.app.url,
          message(fake.url, "help", {
            conversation: personalInstallOf(TEAMS.operator, "a:personal-olivia").conversation,
            channelData: { tenant: { id: PROVIDER_TENANT } },
          }),
        )
      ).status,
    ).toBe(200);
    // A day later the scheduled re-validation is due (creating it validated it just now): 4 days are left.
    nowMs += 25 * 3_600_000;

    const summary = await setup.app.bot.scheduler.runOnce();
    expect(summary).toMatchObject({ validated: 1, sent: 1 });
    const cards = fake.cards().filter((c) => (c.card.body as { text?: string }[])[0]?.text?.includes("expires"));
    expect(cards.map((c) => c.conversationId)).toEqual(["a:personal-olivia"]);
    const card = cards[0]?.card as { body: { text?: string }[]; refresh?: { userIds?: string[] } };
    expect(card.body[0]?.text).toContain(service.shortName);
    expect(card.body[0]?.text).toContain("expires in 4 day(s)");
    expect(card.refresh?.userIds).toEqual([TEAMS.operator.id]);
    expect(JSON.stringify(fake.calls)).not.toContain(expiring.clientSecret);
  });
});
