/** The `format` check: the input rules offline, each refusal naming its field, and the parsed values it leaves. */
import { beforeAll, describe, expect, it } from "vitest";
import { type CheckHarness, checkHarness, sandbox } from "./check.fixtures.js";
import { formatCheck } from "./format.check.js";

describe("format check", () => {
  let h: CheckHarness;
  beforeAll(async () => {
    h = await checkHarness();
  });

  it("passes well-formed sandbox credentials and leaves the parsed tenant, client and hint", async () => {
    const c = sandbox("valid");
    const outcome = await formatCheck.run(h.context(c));
    expect(outcome.result.status).toBe("pass");
    expect(outcome.facts).toEqual({
      tenant: c.tenantId,
      clientId: c.clientId,
      secretHint: c.clientSecret.slice(0, 3),
      credential: { kind: "secret", secret: c.clientSecret },
    });
    expect(h.requests).toEqual([]);
  });

  it("reads a pasted portal URL as the tenant GUID", async () => {
    const c = sandbox("valid");
    const url = `https://portal.azure.com/#view/Microsoft_AAD_IAM/TenantOverview/tenantId/${c.tenantId.toUpperCase()}`;
    const outcome = await formatCheck.run(h.context({ ...c, tenantId: url }));
    expect(outcome.facts?.tenant).toBe(c.tenantId);
  });

  it("names every broken field, sends nothing and leaves no facts", async () => {
    const outcome = await formatCheck.run(
      h.context({ ...sandbox("valid"), tenantId: "common", clientId: "not-a-guid", clientSecret: " padded " }),
    );
    expect(`${outcome.result.status}:${outcome.result.code}`).toBe("fail:invalid_tenant_format");
    const errors = outcome.result.detail?.errors as { path: string; code: string }[];
    expect(errors.map((e) => `${e.path}:${e.code}`)).toEqual([
      "tenantId:invalid_tenant_format",
      "clientId:invalid_client_id",
      "clientSecret:secret_whitespace",
    ]);
    expect(outcome.result.remedy).toContain("nothing was sent");
    expect(outcome.facts).toBeUndefined();
    expect(h.requests).toEqual([]);
  });

  it("only warns about a GUID-shaped secret (maybe the Secret ID, maybe a legacy secret) and goes on", async () => {
    const guid = "6a3f1c2e-7b8d-4e9f-a0b1-c2d3e4f5a6b7";
    const outcome = await formatCheck.run(h.context({ ...sandbox("valid"), clientSecret: guid }));
    expect(`${outcome.result.status}:${outcome.result.code}`).toBe("warn:secret_id_not_value");
    expect(outcome.result.remedy).toContain("AADSTS7000215");
    expect(outcome.facts?.secretHint).toBe("6a3");
    expect(JSON.stringify(outcome.result)).not.toContain(guid);
  });

  it("refuses an empty and an over-long secret", async () => {
    const c = sandbox("valid");
    const code = async (clientSecret: string) => (await formatCheck.run(h.context({ ...c, clientSecret }))).result.code;
    expect(await code("")).toBe("secret_missing");
    expect(await code("a".repeat(1025))).toBe("secret_too_long");
  });

  it("only warns about an odd-looking secret, and still leaves the facts", async () => {
    const outcome = await formatCheck.run(h.context({ ...sandbox("valid"), clientSecret: "short!secret" }));
    expect(`${outcome.result.status}:${outcome.result.code}`).toBe("warn:secret_unusual");
    expect(outcome.facts?.secretHint).toBe("sho");
  });
});
