/**
 * Direct Routing readiness end to end (docs/api.md, "Readiness"; issue 14 point 4): the real server over HTTP, the
 * checks over real HTTPS to the sandbox emulator, SQLite and PostgreSQL. Every readiness scenario's outcome through
 * POST /api/services/{id}/readiness/check and GET …/readiness (404 before the first), the wizard's POST
 * /api/readiness (nothing stored, bad input naming the field), the round trips counted by the emulator, the
 * scheduler's run after a passing validation, the credential status left alone, and a secret canary.
 */
import type { Problem, ReadinessCheckId, ReadinessReport, Service } from "@dr/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { ENGINES, type EngineDatabase } from "./engines.js";
import { apiCaller, startTestApp, type TestApp } from "./helpers.js";

/** Expected outcome per scenario ("status" or "status:code"; unlisted checks pass). */
const READY: Record<string, { label: string; ok: boolean; checks: Partial<Record<ReadinessCheckId, string>> }> = {
  valid: { label: "contoso", ok: true, checks: {} },
  "readiness-domain-not-added": {
    label: "adventureworks",
    ok: false,
    checks: { sbc_domain: "fail:domain_not_added", activation_user: "fail:no_activation_user" },
  },
  "readiness-domain-unverified": {
    label: "blueyonder",
    ok: false,
    checks: { sbc_domain: "fail:domain_not_verified", activation_user: "fail:no_activation_user" },
  },
  "readiness-no-free-licence": { label: "cpandl", ok: false, checks: { phone_licences: "fail:no_free_phone_licence" } },
  "readiness-no-activation-user": {
    label: "graphicdesign",
    ok: false,
    checks: { activation_user: "fail:no_activation_user" },
  },
  "readiness-no-teams-role": { label: "nod", ok: false, checks: { teams_admin_role: "fail:teams_admin_role_missing" } },
  "readiness-no-teams-api": {
    label: "southridge",
    ok: false,
    checks: { teams_admin_api: "fail:teams_api_not_in_tenant" },
  },
  "readiness-permissions-missing": {
    label: "consolidated",
    ok: false,
    checks: { sbc_domain: "unknown:permission_missing", activation_user: "unknown:permission_missing" },
  },
};

const IDS: ReadinessCheckId[] = [
  "teams_admin_role",
  "teams_admin_api",
  "sbc_domain",
  "phone_licences",
  "activation_user",
];

function outcomeOf(report: ReadinessReport, id: ReadinessCheckId): string {
  const check = report.checks.find((c) => c.id === id);
  if (!check) return "missing";
  return check.status === "pass" || check.status === "skipped" ? check.status : `${check.status}:${check.code}`;
}

function creds(scenario: string) {
  const c = SANDBOX[scenario];
  if (!c) throw new Error(`no scenario ${scenario}`);
  return { tenantId: c.tenantId, clientId: c.clientId, clientSecret: c.clientSecret };
}

describe.each(ENGINES)("Direct Routing readiness on $name", (engine) => {
  let db: EngineDatabase;
  let app: TestApp;
  const seen: string[] = [];
  const api = apiCaller(() => app.url, { seen: (text) => seen.push(text) });
  const services = new Map<string, string>();
  /** The server's clock: the scheduler test moves it past every service's next validation slot. */
  let nowMs = Date.now();

  async function onboard(scenario: string, label: string, shortName: string): Promise<string> {
    const customer = await api("POST", "/api/customers", { name: `Customer ${shortName}` });
    expect(customer.status, customer.text).toBe(201);
    const created = await api("POST", "/api/services", {
      customerId: (customer.json as { id: string }).id,
      shortName,
      licenseType: "hosted-pro",
      licensedUsers: 10,
      directRouting: { subdomainLabel: label },
      m365: creds(scenario),
    });
    expect(created.status, created.text).toBe(201);
    return (created.json as Service).id;
  }

  beforeAll(async () => {
    db = engine.setup("dr-readiness-");
    app = await startTestApp(
      { ...db.env, VALIDATION_RATE_LIMIT: "10000" },
      {
        ...db.appOptions,
        botScheduler: false,
        now: () => new Date(nowMs),
      },
    );
    let n = 0;
    for (const [scenario, want] of Object.entries(READY)) {
      n += 1;
      services.set(scenario, await onboard(scenario, want.label, `ready${n}`));
    }
  });

  afterAll(async () => {
    await app?.close();
    await db?.cleanup();
  });

  it("answers 404 before the first report, and 404 for an unknown service", async () => {
    const id = services.get("valid") as string;
    const before = await api("GET", `/api/services/${id}/readiness`);
    expect(before.status).toBe(404);
    expect(before.headers.get("content-type")).toContain("application/problem+json");
    expect((before.json as Problem).detail).toContain("no readiness report yet");
    const unknown = await api("POST", "/api/services/6d0f1a52-3c1e-4c8e-9c57-8e2f0f8d0a11/readiness/check");
    expect(unknown.status).toBe(404);
    const badId = await api("GET", "/api/services/not-a-uuid/readiness");
    expect(badId.status).toBe(400);
    expect((badId.json as Problem & { errors: { path: string }[] }).errors[0]?.path).toBe("id");
  });

  for (const [scenario, want] of Object.entries(READY)) {
    it(`scenario ${scenario}: each check's outcome, with a remedy for each failure, stored as the last report`, async () => {
      const id = services.get(scenario) as string;
      const ran = await api("POST", `/api/services/${id}/readiness/check`);
      expect(ran.status, ran.text).toBe(200);
      const report = ran.json as ReadinessReport;
      expect(report.checks.map((c) => c.id)).toEqual(IDS);
      for (const check of IDS) {
        expect(`${check}=${outcomeOf(report, check)}`).toBe(`${check}=${want.checks[check] ?? "pass"}`);
      }
      for (const c of report.checks) {
        if (c.status === "fail" || c.status === "unknown") expect(c.remedy, c.id).toBeTruthy();
      }
      expect(report.ok).toBe(want.ok);
      expect(report.sbcFqdn).toBe(`${want.label}.sbc.sandbox.provider.example`);
      // The last report, as stored.
      const stored = await api("GET", `/api/services/${id}/readiness`);
      expect(stored.status).toBe(200);
      expect(stored.json).toEqual(report);
      // Readiness never changes the credential status.
      const service = (await api("GET", `/api/services/${id}`)).json as Service;
      expect(service.status).toBe("connected");
    });
  }

  it("names the TXT record of a domain that is not verified, the steps to add a missing one, the missing permission", async () => {
    const unverified = (await api("GET", `/api/services/${services.get("readiness-domain-unverified")}/readiness`))
      .json as ReadinessReport;
    const domain = unverified.checks.find((c) => c.id === "sbc_domain");
    expect(domain?.remedy).toMatch(
      /TXT record at blueyonder\.sbc\.sandbox\.provider\.example with the value MS=ms\d{8}/,
    );
    expect(domain?.detail?.txtRecord).toMatchObject({ type: "TXT", name: "blueyonder.sbc.sandbox.provider.example" });
    const missing = (await api("GET", `/api/services/${services.get("readiness-domain-not-added")}/readiness`))
      .json as ReadinessReport;
    expect(missing.checks.find((c) => c.id === "sbc_domain")?.remedy).toContain(
      "Microsoft 365 admin center, go to Settings > Domains > Add domain",
    );
    const perms = (await api("GET", `/api/services/${services.get("readiness-permissions-missing")}/readiness`))
      .json as ReadinessReport;
    expect(perms.checks.find((c) => c.id === "sbc_domain")?.message).toContain("Domain.Read.All");
    expect(perms.checks.find((c) => c.id === "activation_user")?.message).toContain("User.Read.All");
    expect(perms.checks.find((c) => c.id === "activation_user")?.detail?.permission).toBe("User.Read.All");
  });

  it("costs two round trips: the two tokens, then the three Graph reads (one more for a TXT record)", async () => {
    const emulator = app.sandbox?.emulator;
    if (!emulator) throw new Error("no emulator");
    emulator.resetCounters();
    expect((await api("POST", `/api/services/${services.get("valid")}/readiness/check`)).status).toBe(200);
    // 2 tokens (Graph, Teams Tenant Admin API) + GET /domains/{fqdn}, /subscribedSkus, /users.
    expect(emulator.requestCount).toBe(5);
    emulator.resetCounters();
    expect(
      (await api("POST", `/api/services/${services.get("readiness-domain-unverified")}/readiness/check`)).status,
    ).toBe(200);
    expect(emulator.requestCount).toBe(6);
  });

  it("runs the wizard's POST /api/readiness without storing it, refusing bad input by field", async () => {
    const ready = await api("POST", "/api/readiness", { ...creds("valid"), subdomainLabel: "contoso" });
    expect(ready.status, ready.text).toBe(200);
    expect((ready.json as ReadinessReport).ok).toBe(true);
    const notReady = await api("POST", "/api/readiness", { ...creds("valid"), subdomainLabel: "elsewhere" });
    expect(outcomeOf(notReady.json as ReadinessReport, "sbc_domain")).toBe("fail:domain_not_added");
    // Credentials Entra refuses: readiness cannot tell, and says so, never judging them.
    const expired = (await api("POST", "/api/readiness", { ...creds("expired"), subdomainLabel: "adatum" }))
      .json as ReadinessReport;
    expect(outcomeOf(expired, "teams_admin_role")).toBe("unknown:credentials_failed");
    expect(outcomeOf(expired, "teams_admin_api")).toBe("unknown:credentials_failed");
    expect(outcomeOf(expired, "sbc_domain")).toBe("skipped");
    const badLabel = await api("POST", "/api/readiness", { ...creds("valid"), subdomainLabel: "Not_A_Label" });
    expect(badLabel.status).toBe(400);
    expect((badLabel.json as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["subdomainLabel"]);
    const badTenant = await api("POST", "/api/readiness", {
      ...creds("valid"),
      tenantId: "x",
      subdomainLabel: "contoso",
    });
    expect(badTenant.status).toBe(400);
    expect((badTenant.json as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["tenantId"]);
    const missing = await api("POST", "/api/readiness", { subdomainLabel: "contoso" });
    expect(missing.status).toBe(400);
    expect((missing.json as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(["tenantId", "clientId"]),
    );
    // Neither a secret nor a certificate (docs/api.md, "Credentials"): named by its code.
    const { clientSecret: _secret, ...noCredential } = creds("valid");
    const none = await api("POST", "/api/readiness", { ...noCredential, subdomainLabel: "contoso" });
    expect(none.status).toBe(400);
    expect((none.json as { errors: { path: string; code: string }[] }).errors).toEqual([
      expect.objectContaining({ path: "clientSecret", code: "credential_missing" }),
    ]);
  });

  it("runs on the scheduler after a passing validation, keeping the report and sending no reminder for it", async () => {
    // Valid credentials, an SBC sub-domain the tenant does not have.
    const id = await onboard("valid", "elsewhere", "sched1");
    expect((await api("GET", `/api/services/${id}/readiness`)).status).toBe(404);
    nowMs += 2 * 86_400_000;
    const summary = await app.bot.scheduler.runOnce();
    expect(summary).toMatchObject({ queued: 0 });
    expect(summary.validated).toBeGreaterThanOrEqual(1);
    const stored = await api("GET", `/api/services/${id}/readiness`);
    expect(stored.status).toBe(200);
    expect(outcomeOf(stored.json as ReadinessReport, "sbc_domain")).toBe("fail:domain_not_added");
    expect(((await api("GET", `/api/services/${id}`)).json as Service).status).toBe("connected");
  });

  it("keeps every secret out of every answer and log line", () => {
    const secrets = [...Object.keys(READY), "expired"].map((s) => creds(s).clientSecret);
    for (const secret of secrets) {
      for (const text of seen) expect(text.includes(secret)).toBe(false);
      for (const line of app.logs) expect(line.includes(secret)).toBe(false);
    }
    expect(app.logs.some((l) => l.includes('"event":"readiness"'))).toBe(true);
  });
});
