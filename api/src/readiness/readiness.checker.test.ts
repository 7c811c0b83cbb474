/**
 * The readiness checker over the in-process emulator when Microsoft cannot be asked (docs/validation.md, "Direct
 * Routing readiness"): a token request that hangs, is throttled past the retry budget or meets a proxy's HTML page,
 * and Graph reads that hang, are cut off or throttled. Each is `unknown` with the network code, never a verdict.
 */

import type { ReadinessCheckId, ReadinessReport } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { secretCredential } from "../m365/credentials/credential.js";
import { createEmulator } from "../m365/emulator/emulator.core.js";
import { emulatorDispatch } from "../m365/emulator/emulator.dispatch.js";
import { SANDBOX, SANDBOX_SBC_BASE_DOMAIN, sandboxTenants } from "../m365/emulator/emulator.fixtures.js";
import type { TenantFixture } from "../m365/emulator/emulator.types.js";
import { createReadinessChecker } from "./readiness.checker.js";

const BASE = "https://login.emulator.test";

/** Runs readiness for a sandbox scenario (with the SBC label `label`), the tenants changed by `change`. */
async function readiness(
  scenario: string,
  label: string,
  change: (tenant: TenantFixture) => TenantFixture = (t) => t,
): Promise<ReadinessReport> {
  const creds = SANDBOX[scenario];
  if (!creds) throw new Error(`no sandbox scenario ${scenario}`);
  const tenants = sandboxTenants().map((t) => (t.id === creds.tenantId ? change(t) : t));
  const emulator = await createEmulator({ tenants });
  const checker = createReadinessChecker({
    dispatch: emulatorDispatch(emulator),
    timeoutMs: 300,
    retryBudgetMs: 3000,
    overrides: { loginUrl: BASE, graphUrl: BASE },
  });
  return checker.check({
    tenantId: creds.tenantId,
    clientId: creds.clientId,
    credential: secretCredential(creds.clientSecret),
    cloud: "global",
    sbcFqdn: `${label}.${SANDBOX_SBC_BASE_DOMAIN}`,
  });
}

function outcomes(report: ReadinessReport): Record<ReadinessCheckId, string> {
  return Object.fromEntries(
    report.checks.map((c) => [
      c.id,
      c.status === "pass" || c.status === "skipped" ? c.status : `${c.status}:${c.code}`,
    ]),
  ) as Record<ReadinessCheckId, string>;
}

describe("readiness checker when Microsoft cannot be asked", () => {
  it("entra_timeout: both token requests hang (scenario token-hang); the Graph checks are not run", async () => {
    const started = Date.now();
    const report = await readiness("token-hang", "contoso");
    // The emulator never answers: only the 300 ms request timeout can end the wait. The bound is loose on purpose
    // (a busy 2-core CI machine took 2.5 s); what it proves is that the hang was cut, not how fast.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(outcomes(report)).toEqual({
      teams_admin_role: "unknown:entra_timeout",
      teams_admin_api: "unknown:entra_timeout",
      sbc_domain: "skipped",
      phone_licences: "skipped",
      activation_user: "skipped",
    });
    expect(report.checks.find((c) => c.id === "sbc_domain")?.code).toBe("prerequisite_failed");
    expect(report.ok).toBe(false);
  });

  it("throttled: every token request answers 429 with a Retry-After beyond the budget (scenario throttled)", async () => {
    const report = await readiness("throttled", "contoso");
    expect(outcomes(report)).toMatchObject({
      teams_admin_role: "unknown:throttled",
      teams_admin_api: "unknown:throttled",
    });
    expect(report.checks.find((c) => c.id === "teams_admin_role")?.remedy).toContain("120 seconds");
  });

  it("entra_unreachable: a proxy's HTML 502 instead of the token answer (scenario html-502)", async () => {
    const report = await readiness("html-502", "contoso");
    expect(outcomes(report)).toMatchObject({
      teams_admin_role: "unknown:entra_unreachable",
      teams_admin_api: "unknown:entra_unreachable",
    });
    expect(report.checks.find((c) => c.id === "teams_admin_role")?.detail).toMatchObject({ httpStatus: 502 });
  });

  it("entra_timeout, entra_unreachable, throttled and graph_unavailable on the Graph reads", async () => {
    const report = await readiness("valid", "contoso", (t) => ({
      ...t,
      faults: {
        domains: { kind: "hang" },
        users: { kind: "reset" },
        subscribedSkus: { kind: "throttle", retryAfterSeconds: 120, times: Number.POSITIVE_INFINITY },
      },
    }));
    expect(outcomes(report)).toEqual({
      teams_admin_role: "pass",
      teams_admin_api: "pass",
      sbc_domain: "unknown:entra_timeout",
      phone_licences: "unknown:throttled",
      activation_user: "unknown:entra_unreachable",
    });
    const html = await readiness("valid", "contoso", (t) => ({
      ...t,
      faults: { subscribedSkus: { kind: "html502" } },
    }));
    expect(outcomes(html).phone_licences).toBe("unknown:graph_unavailable");
    expect(html.checks.find((c) => c.id === "phone_licences")?.detail).toMatchObject({ httpStatus: 502 });
  });
});
