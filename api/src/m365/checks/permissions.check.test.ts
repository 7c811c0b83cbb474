/** The `permissions` check on tokens the emulator issues: roles against the requirement, and a foreign token. */
import { beforeAll, describe, expect, it } from "vitest";
import { type CheckHarness, checkHarness, sandbox } from "./check.fixtures.js";
import { decodeJwtPayload, permissionCovered, permissionsCheck } from "./permissions.check.js";

describe("permissions check", () => {
  let h: CheckHarness;
  beforeAll(async () => {
    h = await checkHarness();
  });

  it("passes a consented token without a request and names the app's directory roles", async () => {
    const c = sandbox("valid");
    const facts = await h.factsUpToToken(c);
    const sent = h.requests.length;
    const outcome = await permissionsCheck.run(h.context(c, facts));
    expect(outcome.result.status).toBe("pass");
    expect(outcome.facts?.permissions?.directoryRoles).toEqual(["Teams Administrator"]);
    expect(outcome.facts?.permissions?.missing).toEqual([]);
    expect(h.requests.length).toBe(sent);
  });

  it("lists exactly what is missing, with the admin-consent link", async () => {
    const c = sandbox("partial-consent");
    const outcome = await permissionsCheck.run(h.context(c, await h.factsUpToToken(c)));
    expect(`${outcome.result.status}:${outcome.result.code}`).toBe("fail:permissions_missing");
    expect(outcome.facts?.permissions?.missing).toEqual(["Application.Read.All"]);
    expect(outcome.facts?.permissions?.adminConsentUrl).toBe(
      `https://login.emulator.test/${c.tenantId}/adminconsent?client_id=${c.clientId}`,
    );
    expect(outcome.result.message).not.toContain("Organization.Read.All");
  });

  it("fails a token without any roles claim (no consent at all)", async () => {
    const c = sandbox("missing-consent");
    const outcome = await permissionsCheck.run(h.context(c, await h.factsUpToToken(c)));
    expect(outcome.facts?.permissions?.granted).toEqual([]);
    expect(outcome.facts?.permissions?.missing).toEqual(["Organization.Read.All", "Application.Read.All"]);
    // Graph answers such a token 403 AccessDenied; the missing consent is reported here, with the consent link.
    expect(`${outcome.result.status}:${outcome.result.code}`).toBe("fail:permissions_missing");
    expect(outcome.result.remedy).toContain(`adminconsent?client_id=${c.clientId}`);
  });

  it("does not take a token for another tenant, or an unreadable one, for this one", async () => {
    const c = sandbox("valid");
    const facts = await h.factsUpToToken(c);
    const foreign = await h.emulator.signToken({ tid: "00000000-0000-0000-0000-000000000001", appid: c.clientId });
    const swapped = await permissionsCheck.run(h.context(c, { ...facts, accessToken: foreign }));
    expect(`${swapped.result.status}:${swapped.result.code}`).toBe("fail:token_mismatch");
    expect(swapped.facts).toBeUndefined();
    const garbage = await permissionsCheck.run(h.context(c, { ...facts, accessToken: "not.a-jwt" }));
    expect(garbage.result.code).toBe("token_mismatch");
  });
});

describe("permission helpers", () => {
  it("covers a permission by itself, its ReadWrite form and the Directory umbrellas", () => {
    expect(permissionCovered("Application.Read.All", ["application.read.all"])).toBe(true);
    expect(permissionCovered("Application.Read.All", ["Application.ReadWrite.All"])).toBe(true);
    expect(permissionCovered("Domain.Read.All", ["Directory.ReadWrite.All"])).toBe(true);
    // Graph reads /applications app-only with Application.* only; OwnedBy reads them too (docs/entra.md section 11).
    expect(permissionCovered("Application.Read.All", ["Directory.Read.All"])).toBe(false);
    expect(permissionCovered("Application.Read.All", ["Directory.ReadWrite.All"])).toBe(false);
    expect(permissionCovered("Application.Read.All", ["Application.ReadWrite.OwnedBy"])).toBe(true);
    expect(permissionCovered("Organization.Read.All", ["Application.ReadWrite.All"])).toBe(false);
  });

  it("decodes a payload without verifying it, and gives up quietly on anything else", () => {
    const payload = Buffer.from(JSON.stringify({ tid: "x" })).toString("base64url");
    expect(decodeJwtPayload(`h.${payload}.s`)).toEqual({ tid: "x" });
    expect(decodeJwtPayload("only-one-part")).toBeUndefined();
    expect(decodeJwtPayload(`h.${Buffer.from("[1]").toString("base64url")}.s`)).toBeUndefined();
    expect(decodeJwtPayload("h.%%%.s")).toBeUndefined();
  });
});
