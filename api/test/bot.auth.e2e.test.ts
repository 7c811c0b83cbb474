/**
 * With MicrosoftAppId set, botbuilder's own validation guards /api/messages: an activity without a valid Bot
 * Framework token gets 401 and reaches no handler. (Anonymous local mode is covered by the other bot tests.) And an
 * activity naming a serviceUrl that is not a Teams connector host of the cloud is refused with 400 before any token
 * check: a registered bot never answers loopback, so the fake connector stays silent.
 *
 * No test here reaches the network: every refused token is refused before botbuilder would fetch the Bot
 * Framework's signing keys (a missing header, a token that is not a JWT, a JWT whose issuer is not the Bot
 * Framework's), and a signed token is not tested for that reason.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { message, post } from "./bot-activities.js";
import { type FakeConnector, startFakeConnector } from "./bot-connector.fake.js";
import { startTestApp, type TestApp } from "./helpers.js";

/** A Teams connector URL of the commercial cloud (docs/teams.md section 8): allowed, so the token check decides. */
const TEAMS_SERVICE_URL = "https://smba.trafficmanager.net/emea/";

/** An unsigned JWT (alg none) with another issuer than https://api.botframework.com. */
function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`;
}

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
    const r = await post(app.url, message(TEAMS_SERVICE_URL, "help"));
    expect(r.status).toBe(401);
    expect(await app.bot.store.listConversations()).toEqual([]);
  });

  it("answers 401 to a token that is not a JWT", async () => {
    const r = await post(app.url, message(TEAMS_SERVICE_URL, "help"), { authorization: "Bearer not-a-jwt" });
    expect(r.status).toBe(401);
  });

  it("answers 401 to an unsigned token from another issuer", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = unsignedJwt({
      iss: "https://evil.example",
      aud: "7f0b4c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e",
      serviceurl: TEAMS_SERVICE_URL,
      iat: now,
      exp: now + 600,
    });
    const r = await post(app.url, message(TEAMS_SERVICE_URL, "help"), { authorization: `Bearer ${token}` });
    expect(r.status).toBe(401);
  });

  it("refuses a loopback serviceUrl with 400 before the token check, and logs it without the activity", async () => {
    const r = await post(app.url, message(fake.url, "help canary-activity-text"));
    expect(r.status).toBe(400);
    expect(r.text).toContain("ServiceUrlNotAllowed");
    expect(fake.calls).toHaveLength(0);
    const line = app.logs.find((l) => l.includes("bot activity refused"));
    expect(line).toContain(fake.url);
    expect(app.logs.join("\n")).not.toContain("canary-activity-text");
  });

  it("refuses a body that is not an activity", async () => {
    const r = await post(app.url, "just text");
    expect(r.status).toBe(400);
  });
});
