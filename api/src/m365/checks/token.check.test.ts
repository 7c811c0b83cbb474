/** The `token` check: msal over our transport against the emulator's token endpoint, each refusal by number. */
import { beforeAll, describe, expect, it } from "vitest";
import { type CheckHarness, checkHarness, sandbox } from "./check.fixtures.js";
import type { ValidationFacts } from "./check.types.js";
import { tokenCheck } from "./token.check.js";

const factsOf = (c: { tenantId: string; clientId: string }): Partial<ValidationFacts> => ({
  tenant: c.tenantId,
  clientId: c.clientId,
});

describe("token check", () => {
  let h: CheckHarness;
  beforeAll(async () => {
    h = await checkHarness();
  });

  it("gets a token with one POST and no discovery call of msal's own", async () => {
    const c = sandbox("valid");
    const before = h.requests.length;
    const outcome = await tokenCheck.run(h.context(c, factsOf(c)));
    expect(outcome.result.status).toBe("pass");
    expect(outcome.facts?.accessToken?.split(".")).toHaveLength(3);
    expect(h.requests.slice(before)).toEqual([`POST /${c.tenantId}/oauth2/v2.0/token`]);
  });

  it("runs beside the tenant check and is dropped when that one does not pass", () => {
    expect(tokenCheck.after).toEqual(["format", "tenant"]);
    expect(tokenCheck.alongside).toEqual(["tenant"]);
  });

  it("classifies a wrong secret, an unknown app, an expired secret, a disabled app and a policy block", async () => {
    const valid = sandbox("valid");
    const codeOf = async (c: { tenantId: string; clientId: string; clientSecret: string }) => {
      const outcome = await tokenCheck.run(h.context({ ...valid, ...c }, factsOf(c)));
      return `${outcome.result.status}:${outcome.result.code}:${outcome.result.detail?.aadsts}`;
    };
    expect(await codeOf({ ...valid, clientSecret: "xyz8Q~WrongWrongWrongWrongWrongWrongWrong" })).toBe(
      "fail:invalid_secret:7000215",
    );
    expect(await codeOf({ ...valid, clientId: "11111111-2222-3333-4444-555555555555" })).toBe(
      "fail:app_not_found:700016",
    );
    expect(await codeOf(sandbox("expired"))).toBe("fail:secret_expired:7000222");
    expect(await codeOf(sandbox("disabled"))).toBe("fail:app_disabled:7000112");
    expect(await codeOf(sandbox("blocked-by-policy"))).toBe("fail:blocked_by_policy:53003");
  });

  it("reports an app without a service principal (AADSTS7000229) as its own code, with how to create it", async () => {
    const c = sandbox("no-service-principal");
    const outcome = await tokenCheck.run(h.context(c, factsOf(c)));
    expect(`${outcome.result.status}:${outcome.result.code}`).toBe("fail:service_principal_missing");
    expect(outcome.result.detail).toMatchObject({ aadsts: 7000229, error: "invalid_client", httpStatus: 401 });
    expect(outcome.result.remedy).toContain("az ad sp create --id");
    expect(outcome.result.remedy).toContain("POST /servicePrincipals");
    expect(outcome.result.remedy).toContain("admin consent");
  });

  it("is unknown when throttled past the retry budget, keeping the Retry-After", async () => {
    const c = sandbox("throttled");
    const outcome = await tokenCheck.run(h.context(c, factsOf(c)));
    expect(`${outcome.result.status}:${outcome.result.code}`).toBe("unknown:throttled");
    expect(outcome.result.detail?.retryAfterSeconds).toBe(120);
  });

  it("is unknown on a proxy's HTML page and on a hang, never a credentials failure", async () => {
    const html = sandbox("html-502");
    const page = await tokenCheck.run(h.context(html, factsOf(html)));
    expect(`${page.result.status}:${page.result.code}`).toBe("unknown:entra_unreachable");
    expect(page.result.detail?.httpStatus).toBe(502);
    const hang = sandbox("token-hang");
    const hung = await tokenCheck.run(h.context(hang, factsOf(hang)));
    expect(`${hung.result.status}:${hung.result.code}`).toBe("unknown:entra_timeout");
  });

  it("keeps the secret out of its result and of msal's log lines", async () => {
    const valid = sandbox("valid");
    const wrong = { ...valid, clientSecret: "canary8Q~CanaryCanaryCanaryCanaryCanary00" };
    const outcome = await tokenCheck.run(h.context(wrong, factsOf(wrong)));
    expect(outcome.result.code).toBe("invalid_secret");
    expect(JSON.stringify(outcome) + h.logs.join("\n")).not.toContain(wrong.clientSecret);
  });
});
