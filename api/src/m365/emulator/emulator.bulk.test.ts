/**
 * The bulk fleet (emulator.bulk.ts): the same seed gives the same credentials, every app validates like the valid
 * scenario through the real validator, a wrong secret is refused as Entra refuses it, and the emulator counts the
 * tokens it issues per app (what the fleet bench reads its duplicates from).
 */
import { describe, expect, it } from "vitest";
import { createValidator } from "../validator.js";
import { bulkCredentials, bulkFleet } from "./emulator.bulk.js";
import { createEmulator } from "./emulator.core.js";
import { emulatorDispatch } from "./emulator.dispatch.js";
import { sandboxTenants } from "./emulator.fixtures.js";

const BASE = "https://login.emulator.test";

describe("bulk fleet", () => {
  it("derives the same ids and secrets from the same seed, and other ones from another", () => {
    const a = bulkCredentials({ tenants: 3, appsPerTenant: 2, seed: "s1" });
    const b = bulkCredentials({ tenants: 3, appsPerTenant: 2, seed: "s1" });
    const c = bulkCredentials({ tenants: 3, appsPerTenant: 2, seed: "s2" });
    expect(a).toEqual(b);
    expect(a).toHaveLength(6);
    expect(new Set(a.map((x) => x.tenantId)).size).toBe(3);
    expect(new Set(a.map((x) => x.clientId)).size).toBe(6);
    expect(new Set(a.map((x) => x.clientSecret)).size).toBe(6);
    for (const x of a) expect(x.clientSecret).toMatch(/^[A-Za-z0-9]{3}8Q~[A-Za-z0-9~._-]{34}$/);
    expect(c.map((x) => x.clientId)).not.toContain(a[0]?.clientId);
    expect(() => bulkCredentials({ tenants: 1, appsPerTenant: 0 })).toThrow(/apps per tenant/);
    expect(() => bulkCredentials({ tenants: -1, appsPerTenant: 1 })).toThrow(/tenants/);
  });

  it("validates every app like the valid scenario, refuses a wrong secret, and counts tokens per app", async () => {
    const options = { tenants: 4, appsPerTenant: 3, seed: "test" };
    const fleet = bulkFleet(options);
    expect(fleet).toHaveLength(4);
    expect(fleet.every((t) => t.apps.length === 3)).toBe(true);
    const emulator = await createEmulator({ tenants: [...sandboxTenants(), ...fleet] });
    const validator = createValidator({
      dispatch: emulatorDispatch(emulator),
      timeoutMs: 2000,
      requiredPermissions: ["Organization.Read.All", "Application.Read.All"],
      overrides: { loginUrl: BASE, graphUrl: BASE },
    });
    const credentials = bulkCredentials(options);
    for (const c of credentials) {
      const report = await validator.validate({
        tenantId: c.tenantId,
        clientId: c.clientId,
        clientSecret: c.clientSecret,
        cloud: "global",
      });
      expect(report.ok, JSON.stringify(report.checks.map((k) => [k.id, k.status, k.code]))).toBe(true);
      expect(report.tenant?.displayName).toBe(c.tenantName);
      expect(report.tenant?.domains).toEqual([c.tenantDomain]);
      const days = (Date.parse(report.secret?.expiresAt ?? "") - Date.now()) / 86_400_000;
      expect(Math.round(days)).toBe(c.secretEndDays);
    }
    const first = credentials[0];
    if (first === undefined) throw new Error("no credentials");
    // Another app's secret is no secret of this app: AADSTS7000215, as Entra answers.
    const wrong = await validator.validate({
      tenantId: first.tenantId,
      clientId: first.clientId,
      clientSecret: credentials[1]?.clientSecret ?? "",
      cloud: "global",
    });
    expect(wrong.checks.find((k) => k.id === "token")?.code).toBe("invalid_secret");

    const issued = emulator.tokensIssued();
    expect(issued.size).toBe(credentials.length);
    for (const c of credentials) expect(issued.get(`${c.tenantId}/${c.clientId}`)).toBe(1);
    emulator.resetCounters();
    expect(emulator.tokensIssued().size).toBe(0);
  });
});
