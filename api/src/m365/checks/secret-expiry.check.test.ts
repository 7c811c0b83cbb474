/** The `secret_expiry` check against the emulator's application object: days left, missing, unreadable, expired. */
import { beforeAll, describe, expect, it } from "vitest";
import { type CheckHarness, checkHarness, sandbox } from "./check.fixtures.js";
import { secretExpiryCheck } from "./secret-expiry.check.js";

describe("secret expiry check", () => {
  let h: CheckHarness;
  beforeAll(async () => {
    h = await checkHarness();
  });

  it("finds the entered secret by its hint and counts the days left", async () => {
    const c = sandbox("valid");
    const outcome = await secretExpiryCheck.run(h.context(c, await h.factsUpToToken(c)));
    expect(outcome.result.status).toBe("pass");
    expect(outcome.facts?.secret?.daysUntilExpire).toBe(300);
    expect(outcome.facts?.secret?.keyId).toBeTruthy();
    expect(h.requests.at(-1)).toBe(`GET /v1.0/applications(appId='${c.clientId}')`);
  });

  it("warns when 30 days or fewer are left", async () => {
    const c = sandbox("expiring");
    const outcome = await secretExpiryCheck.run(h.context(c, await h.factsUpToToken(c)));
    expect(`${outcome.result.status}:${outcome.result.code}`).toBe("warn:secret_expiring");
    expect(outcome.result.message).toContain("5 days");
  });

  it("warns when no listed secret has the hint (rotated)", async () => {
    const c = sandbox("secret-rotated");
    const outcome = await secretExpiryCheck.run(h.context(c, await h.factsUpToToken(c)));
    expect(`${outcome.result.status}:${outcome.result.code}`).toBe("warn:secret_not_found");
  });

  it("ignores credentials Graph lists with `hint: null`: they match nothing and crash nothing", async () => {
    const c = sandbox("valid");
    // An old credential without a hint beside the entered one: the entered one is still found.
    const beside = await checkHarness({
      tenants: (tenants) => {
        const app = tenants.find((t) => t.id === c.tenantId)?.apps.find((a) => a.appId === c.clientId);
        app?.secrets.push({
          keyId: "0b9a4c1e-6f0d-4a8e-9d43-2f6c5b7e8a10",
          value: "old",
          hint: null,
          startDays: -900,
          endDays: 400,
        });
        return tenants;
      },
    });
    const found = await secretExpiryCheck.run(beside.context(c, await beside.factsUpToToken(c)));
    expect(found.result.status).toBe("pass");
    expect(found.facts?.secret?.daysUntilExpire).toBe(300);
    // Every hint null: no credential matches, so the expiry stays unknown (the existing warning).
    const allNull = await checkHarness({
      tenants: (tenants) => {
        for (const s of tenants.find((t) => t.id === c.tenantId)?.apps.find((a) => a.appId === c.clientId)?.secrets ??
          [])
          s.hint = null;
        return tenants;
      },
    });
    const none = await secretExpiryCheck.run(allNull.context(c, await allNull.factsUpToToken(c)));
    expect(`${none.result.status}:${none.result.code}`).toBe("warn:secret_not_found");
    expect(none.result.detail).toMatchObject({ secretsOnApp: 2 });
    expect(none.facts).toBeUndefined();
  });

  it("only warns when the expiry cannot be read: no Application.Read.All (403), app of another tenant (404)", async () => {
    const partial = sandbox("partial-consent");
    const denied = await secretExpiryCheck.run(h.context(partial, await h.factsUpToToken(partial)));
    expect(`${denied.result.status}:${denied.result.code}`).toBe("warn:expiry_unreadable");
    expect(denied.result.detail?.httpStatus).toBe(403);
    const multi = sandbox("multi-tenant-app");
    const elsewhere = await secretExpiryCheck.run(h.context(multi, await h.factsUpToToken(multi)));
    expect(`${elsewhere.result.status}:${elsewhere.result.code}`).toBe("warn:expiry_unreadable");
    expect(elsewhere.result.detail?.httpStatus).toBe(404);
  });

  it("fails when our clock says the matching secret has ended (a skew against Entra's)", async () => {
    const now = new Date();
    const skewed = await checkHarness({ emulator: { now: () => now } });
    const c = sandbox("valid");
    const facts = await skewed.factsUpToToken(c);
    const later = { ...skewed.context(c, facts), now: () => new Date(now.getTime() + 301 * 86_400_000) };
    const outcome = await secretExpiryCheck.run(later);
    expect(`${outcome.result.status}:${outcome.result.code}`).toBe("fail:secret_expired");
    expect(outcome.facts?.secret?.daysUntilExpire).toBe(-1);
  });
});
