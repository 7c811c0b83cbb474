/**
 * Names that are not ours reach the bot's cards escaped for Teams card Markdown, end to end: a customer named like
 * a link, and a customer tenant whose organisation name (read from Graph during validation) is a link. Over real
 * HTTP with the sandbox emulator answering Graph; the card tests in bot/src/cards cover every card one by one.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdaptiveCard } from "../../bot/src/cards/card.types.js";
import { markdownProblems, markdownTexts } from "../../bot/src/cards/card-rules.js";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { message, post } from "./bot-activities.js";
import { type FakeConnector, startFakeConnector } from "./bot-connector.fake.js";
import { onboardThroughApi, startTestApp, type TestApp } from "./helpers.js";

const valid = SANDBOX.valid;
if (!valid) throw new Error("sandbox scenario missing");
const LINK = "[Click](https://evil.example)";
const ESCAPED = "\\[Click\\]\\(https://evil.example\\)";

let app: TestApp;
let fake: FakeConnector;
const shortName = `md${randomBytes(3).toString("hex")}`;

/** The card the bot sent in answer to a message. */
async function cardFor(text: string): Promise<AdaptiveCard> {
  const before = fake.cards().length;
  expect((await post(app.url, message(fake.url, text))).status).toBe(200);
  const card = fake.cards().slice(before)[0]?.card;
  if (!card) throw new Error(`no card for ${text}`);
  return card as unknown as AdaptiveCard;
}

beforeAll(async () => {
  fake = await startFakeConnector();
  app = await startTestApp({ REVALIDATION_INTERVAL_MS: "0", VALIDATION_RATE_LIMIT: "1000" });
  // The customer's directory calls itself by a link (Graph /organization displayName).
  const tenant = app.sandbox?.emulator.tenants.find((t) => t.id === valid?.tenantId);
  if (!tenant) throw new Error("no sandbox tenant");
  tenant.displayName = LINK;
  await onboardThroughApi(app.url, { customerName: `${LINK} Ltd`, shortName, credentials: valid });
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

describe("untrusted names in the bot's cards", () => {
  it("lists a customer named like a link, escaped", async () => {
    const card = await cardFor("services");
    expect(markdownProblems(card, [LINK])).toEqual([]);
    expect(markdownTexts(card).some((t) => t.value.includes(`${ESCAPED} Ltd`))).toBe(true);
  });

  it("shows the organisation name Graph returned, escaped, in the validation report", async () => {
    const card = await cardFor(`validate ${shortName}`);
    expect(JSON.stringify(card)).toContain("The credentials work");
    expect(markdownProblems(card, [LINK])).toEqual([]);
    expect(markdownTexts(card).some((t) => t.value.startsWith(`Tenant: ${ESCAPED}`))).toBe(true);
  });
});
