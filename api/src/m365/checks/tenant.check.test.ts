/** The `tenant` check against the emulator's openid-configuration: found, resolved, unknown, other cloud, no answer. */
import { beforeAll, describe, expect, it } from "vitest";
import { type CheckHarness, checkHarness, sandbox } from "./check.fixtures.js";
import { tenantCheck } from "./tenant.check.js";

describe("tenant check", () => {
  let h: CheckHarness;
  beforeAll(async () => {
    h = await checkHarness();
  });

  it("passes an existing tenant with one GET of its openid-configuration", async () => {
    const c = sandbox("valid");
    const before = h.requests.length;
    const outcome = await tenantCheck.run(h.context(c, { tenant: c.tenantId }));
    expect(outcome.result.status).toBe("pass");
    expect(outcome.facts?.tenantGuid).toBe(c.tenantId);
    expect(outcome.result.detail?.regionScope).toBe("NA");
    expect(h.requests.slice(before)).toEqual([`GET /${c.tenantId}/v2.0/.well-known/openid-configuration`]);
  });

  it("resolves a domain to the tenant GUID from the issuer", async () => {
    const c = sandbox("valid");
    const outcome = await tenantCheck.run(h.context(c, { tenant: c.tenantDomain }));
    expect(outcome.facts?.tenantGuid).toBe(c.tenantId);
    expect(outcome.result.message).toBe(`The tenant ${c.tenantDomain} exists; its tenant ID is ${c.tenantId}.`);
  });

  it("reports an unknown tenant by its AADSTS number", async () => {
    const c = sandbox("unknown-tenant");
    const outcome = await tenantCheck.run(h.context(c, { tenant: c.tenantId }));
    expect(`${outcome.result.status}:${outcome.result.code}`).toBe("fail:tenant_not_found");
    expect(outcome.result.detail?.aadsts).toBe(90002);
  });

  it("refuses a multi-tenant endpoint, whose document names no single tenant", async () => {
    const outcome = await tenantCheck.run(h.context(sandbox("valid"), { tenant: "organizations" }));
    expect(`${outcome.result.status}:${outcome.result.code}`).toBe("fail:tenant_not_found");
  });

  it("notices a tenant of another cloud, both ways round", async () => {
    const gov = sandbox("gcc-high");
    const govOutcome = await tenantCheck.run(h.context(gov, { tenant: gov.tenantId }));
    expect(`${govOutcome.result.status}:${govOutcome.result.code}`).toBe("fail:wrong_cloud");
    expect(govOutcome.result.detail?.tenantCloud).toBe("usgov-gcchigh");
    const global = sandbox("valid");
    const globalOutcome = await tenantCheck.run(h.context(global, { tenant: global.tenantId }, "usgov-gcchigh"));
    expect(`${globalOutcome.result.status}:${globalOutcome.result.code}`).toBe("fail:wrong_cloud");
  });

  it("is unknown, never failed, when the login service hangs or drops the connection", async () => {
    const slow = sandbox("slow");
    const hung = await tenantCheck.run(h.context(slow, { tenant: slow.tenantId }));
    expect(`${hung.result.status}:${hung.result.code}`).toBe("unknown:entra_timeout");
    const reset = sandbox("reset");
    const dropped = await tenantCheck.run(h.context(reset, { tenant: reset.tenantId }));
    expect(`${dropped.result.status}:${dropped.result.code}`).toBe("unknown:entra_unreachable");
    expect(dropped.result.detail?.cause).toBe("reset");
  });
});
