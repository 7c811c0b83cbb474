/**
 * With MicrosoftAppId set, botbuilder's own validation guards /api/messages: an activity without a valid Bot
 * Framework token gets 401 and reaches no handler. (Anonymous local mode is covered by the other bot tests.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { message, post } from "./bot-activities.js";
import { type FakeConnector, startFakeConnector } from "./bot-connector.fake.js";
import { startTestApp, type TestApp } from "./helpers.js";

describe("bot endpoint with a bot registration (SingleTenant)", () => {
  let app: TestApp;
  let fake: FakeConnector;

  beforeAll(async () => {
    fake = await startFakeConnector();
    app = await startTestApp({
      MicrosoftAppId: "7f0b4c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e",
      MicrosoftAppPassword: "bot-password-for-tests",
      MicrosoftAppTenantId: "5e1c9c3e-0f5b-4c53-9f44-0d1f3c1a2b3c",
      MicrosoftAppType: "SingleTenant",
      REVALIDATION_INTERVAL_MS: "0",
    });
  });
  afterAll(async () => {
    await app.close();
    await fake.close();
  });

  it("answers 401 to an activity without a token, and runs no handler", async () => {
    const r = await post(app.url, message(fake.url, "help"));
    expect(r.status).toBe(401);
    expect(fake.calls).toHaveLength(0);
  });

  it("answers 401 to a token that is not a JWT", async () => {
    const r = await post(app.url, message(fake.url, "help"), { authorization: "Bearer not-a-jwt" });
    expect(r.status).toBe(401);
    expect(fake.calls).toHaveLength(0);
  });

  it("refuses a body that is not an activity", async () => {
    const r = await post(app.url, "just text");
    expect(r.status).toBe(400);
  });
});
