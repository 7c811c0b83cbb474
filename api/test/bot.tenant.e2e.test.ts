/** With AUTH_TENANT_ID set, the bot serves the provider's own tenant only: other tenants get a refusal, nothing else. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FOREIGN_TENANT } from "../../bot/src/bot.composition.js";
import { execute, message, post as postActivity, TEAMS } from "./bot-activities.js";
import { type FakeConnector, startFakeConnector } from "./bot-connector.fake.js";
import { startTestApp, type TestApp } from "./helpers.js";

let app: TestApp;
let fake: FakeConnector;
const OTHER_TENANT = "0c8a3f55-3c61-4bd8-b5d5-0d6f3d8b9e22";

const post = (body: unknown) => postActivity(app.url, body);

beforeAll(async () => {
  fake = await startFakeConnector();
  app = await startTestApp({ AUTH_TENANT_ID: TEAMS.tenantId, REVALIDATION_INTERVAL_MS: "0" });
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

describe("bot tenant guard", () => {
  const foreign = {
    conversation: { id: "a:foreign", conversationType: "personal", tenantId: OTHER_TENANT },
    channelData: { tenant: { id: OTHER_TENANT } },
  };

  it("answers the provider's own operators", async () => {
    const before = fake.cards().length;
    expect((await post(message(fake.url, "help"))).status).toBe(200);
    expect(fake.cards().length).toBe(before + 1);
  });

  it("refuses messages and card actions from another tenant", async () => {
    const before = fake.cards().length;
    expect((await post(message(fake.url, "services", foreign))).status).toBe(200);
    expect(fake.cards().length).toBe(before);
    expect(JSON.stringify(fake.calls.at(-1)?.activity)).toContain(FOREIGN_TENANT);
    const invoke = await post(execute(fake.url, "services.list", {}, foreign));
    expect(invoke.text).toContain(FOREIGN_TENANT);
    expect(invoke.text).not.toContain("Direct Routing services");
  });
});
