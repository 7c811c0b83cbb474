/**
 * The real-world failures of automatic App registration (issue 13 point 2; docs/api.md, "Provisioning"), each with
 * its remedy, over the real server and the real HTTPS emulator, on SQLite and (with TEST_DATABASE_URL) PostgreSQL:
 * the admin declines, the code expires (also across a restart), the user lacks the role (403 at create_app), an
 * Application Administrator cannot grant consent (403 at grant_consent; what was created is listed and removed by
 * "Remove what was created"), a tenant policy blocks consent (AADSTS65001), the name is taken (and then reused), 429
 * on Graph writes (honoured once, then a `throttled` failure), no PROVISIONING_CLIENT_ID in live mode, and a cleanup
 * after a restart (the admin's token is gone: 409 `sign_in_again` listing what to remove by hand).
 */
import { randomBytes } from "node:crypto";
import { type Customer, type Problem, type ProvisioningRun, SANDBOX_PROVISIONING_CLIENT_ID } from "@dr/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, type EngineDatabase } from "./engines.js";
import { apiCaller, startTestApp, type TestApp } from "./helpers.js";
import { auditText, runThrough, stepStatuses } from "./provisioning.support.js";

const LAMNA = "a2cc66d2-fa90-4b1b-9f2a-441040ea5f79";
const BELLOWS = "02191945-e0f0-4244-aec9-022b44c76749";
const SKIPPED_AFTER = (run: ProvisioningRun, step: string) => {
  const at = run.steps.findIndex((s) => s.id === step);
  return run.steps.slice(at + 1).every((s) => s.status === "skipped" && s.code === "prerequisite_failed");
};

describe.each(ENGINES)("provisioning failures on $name", (engine) => {
  const secretKey = randomBytes(32).toString("base64");
  let app: TestApp;
  let database: EngineDatabase;
  let customer: Customer;
  const call = apiCaller(() => app.url);
  const env = () => ({
    ...database.env,
    SECRET_KEY: secretKey,
    VALIDATION_RATE_LIMIT: "1000",
    PROVISIONING_REPLICATION_TIMEOUT_MS: "60000",
  });
  const run = (appName: string, scenario: string, extra: Record<string, unknown> = {}) =>
    runThrough(call, {
      startPath: "/api/provisioning",
      runPath: (id) => `/api/provisioning/${id}`,
      body: { customerId: customer.id, appName, ...extra },
      scenario,
    });
  const tenant = (id: string) => {
    const found = app.sandbox?.emulator.tenants.find((t) => t.id === id);
    if (!found) throw new Error(`no tenant ${id}`);
    return found;
  };

  beforeAll(async () => {
    database = engine.setup(`dr-prov-fail-${engine.name}-`);
    app = await startTestApp(env(), { ...database.appOptions, sandboxEmulator: { deviceCodeIntervalSeconds: 1 } });
    const created = await call("POST", "/api/customers", { name: "Failing Ltd" });
    customer = created.json as Customer;
  });

  afterAll(async () => {
    await app?.close();
    await database?.cleanup();
  });

  it("the admin declines: declined, with the remedy, nothing created", async () => {
    const { final } = await run("Declined DR", "provision-declined");
    expect(final.status).toBe("declined");
    expect(final.steps[0]).toMatchObject({ id: "sign_in", status: "fail", code: "declined" });
    expect(final.steps[0]?.remedy).toMatch(/start again/i);
    expect(SKIPPED_AFTER(final, "sign_in")).toBe(true);
    expect(final.problem).toMatchObject({ code: "provisioning_failed", title: "The admin declined the sign-in" });
    expect(final.problem?.errors?.[0]).toMatchObject({ path: "sign_in", code: "declined" });
    expect(final.created).toEqual([]);
  }, 60_000);

  it("the code expires: expired, with the remedy", async () => {
    const { final } = await run("Expired DR", "provision-expired");
    expect(final.status).toBe("expired");
    expect(final.steps[0]).toMatchObject({ status: "fail", code: "expired" });
    expect(final.steps[0]?.remedy).toMatch(/new code/i);
    expect(final.problem?.title).toBe("The sign-in code expired");
  }, 60_000);

  it("the user lacks the role: 403 at create_app, insufficient_privileges naming the roles", async () => {
    const { final } = await run("No Role DR", "provision-no-role");
    expect(final.status).toBe("failed");
    expect(final.signedInAs).toBe("user@munsonspickles.onmicrosoft.com");
    expect(stepStatuses(final)).toMatchObject({ sign_in: "pass", create_app: "fail" });
    const step = final.steps.find((s) => s.id === "create_app");
    expect(step).toMatchObject({ code: "insufficient_privileges", detail: { httpStatus: 403 } });
    expect(step?.remedy).toContain("Application Administrator or Cloud Application Administrator");
    expect(SKIPPED_AFTER(final, "create_app")).toBe(true);
    expect(final.created).toEqual([]);
    expect(final.cleanupAvailable).toBe(false);
    expect(final.problem?.errors?.[0]).toMatchObject({ path: "create_app", code: "insufficient_privileges" });
  }, 60_000);

  it("an Application Administrator: 403 at grant_consent; what was created is listed, then removed", async () => {
    const { final } = await run("Bellows DR", "provision-app-admin");
    expect(final.status).toBe("failed");
    expect(stepStatuses(final)).toMatchObject({
      create_app: "pass",
      create_service_principal: "pass",
      grant_consent: "fail",
    });
    const step = final.steps.find((s) => s.id === "grant_consent");
    expect(step?.code).toBe("insufficient_privileges");
    expect(step?.remedy).toContain("Privileged Role Administrator or Global Administrator");
    expect(final.created.map((o) => o.kind)).toEqual(["application", "service_principal"]);
    expect(final.cleanupAvailable).toBe(true);
    const appId = final.steps.find((s) => s.id === "create_app")?.detail?.clientId;
    expect(typeof appId).toBe("string");
    expect(app.sandbox?.emulator.directory(BELLOWS).applications.some((a) => a.appId === appId)).toBe(true);

    const cleaned = await call("POST", `/api/provisioning/${final.id}/cleanup`);
    expect(cleaned.status, cleaned.text).toBe(200);
    const after = cleaned.json as ProvisioningRun;
    expect(after.created.every((o) => o.removed === true)).toBe(true);
    expect(after.cleanupAvailable).toBe(false);
    expect(app.sandbox?.emulator.directory(BELLOWS).applications.some((a) => a.appId === appId)).toBe(false);
    const calls = app.sandbox?.emulator.directory(BELLOWS).calls ?? {};
    expect(calls.deleteServicePrincipal).toBeGreaterThanOrEqual(1);
    expect(calls.deleteApplication).toBeGreaterThanOrEqual(1);
    // Again: nothing left, nothing done.
    const again = await call("POST", `/api/provisioning/${final.id}/cleanup`);
    expect(again.status).toBe(200);
    expect(await auditText(database)).toContain("provisioning.cleanup");
  }, 60_000);

  it("a tenant policy blocks consent (AADSTS65001): consent_blocked with the admin-consent link", async () => {
    const { final } = await run("Blocked DR", "provision-consent-blocked");
    expect(final.status).toBe("failed");
    const step = final.steps[0];
    expect(step).toMatchObject({ id: "sign_in", status: "fail", code: "consent_blocked", detail: { aadsts: 65001 } });
    expect(step?.remedy).toContain("Global Administrator or Privileged Role Administrator");
    expect(step?.remedy).toContain(`/organizations/adminconsent?client_id=${SANDBOX_PROVISIONING_CLIENT_ID}`);
    expect(SKIPPED_AFTER(final, "sign_in")).toBe(true);
  }, 60_000);

  it("the name is taken: app_name_taken with the remedy; with reuseExistingApp the app is reused", async () => {
    const first = await run("Lamna Shared Name", "provision", { assignTeamsAdministrator: false });
    expect(first.final.status, JSON.stringify(first.final.problem)).toBe("done");
    const taken = await run("Lamna Shared Name", "provision");
    expect(taken.final.status).toBe("failed");
    const step = taken.final.steps.find((s) => s.id === "create_app");
    expect(step?.code).toBe("app_name_taken");
    expect(step?.remedy).toMatch(/choose another name, or reuse the existing app/i);
    expect(taken.final.created).toEqual([]);

    const reused = await run("Lamna Shared Name", "provision", { reuseExistingApp: true });
    expect(reused.final.status, JSON.stringify(reused.final.problem)).toBe("done");
    expect(stepStatuses(reused.final)).toMatchObject({ create_app: "warn", create_service_principal: "pass" });
    expect(reused.final.steps.find((s) => s.id === "create_app")?.code).toBe("app_reused");
    expect(reused.final.result?.clientId).toBe(first.final.result?.clientId);
    // Not listed as created: the app and its service principal were there before.
    expect(reused.final.created.map((o) => o.kind)).toEqual(["directory_role_assignment", "password"]);
    const made = app.sandbox?.emulator
      .directory(LAMNA)
      .applications.filter((a) => a.displayName === "Lamna Shared Name");
    expect(made).toHaveLength(1);
    expect(made?.[0]?.passwords).toHaveLength(2);
  }, 120_000);

  it("429 on Graph writes: honoured once (Retry-After), then a throttled failure with the remedy", async () => {
    const lamna = tenant(LAMNA);
    try {
      app.sandbox?.emulator.resetCounters();
      lamna.faults = { graphWrite: { kind: "throttle", retryAfterSeconds: 1, times: 1 } };
      const once = await run("Lamna Throttled Once", "provision", { assignTeamsAdministrator: false });
      expect(once.final.status, JSON.stringify(once.final.problem)).toBe("done");

      app.sandbox?.emulator.resetCounters();
      lamna.faults = { graphWrite: { kind: "throttle", retryAfterSeconds: 3600, times: Number.POSITIVE_INFINITY } };
      const always = await run("Lamna Throttled Always", "provision");
      expect(always.final.status).toBe("failed");
      const step = always.final.steps.find((s) => s.id === "create_app");
      expect(step).toMatchObject({ status: "fail", code: "throttled", detail: { httpStatus: 429 } });
      expect(step?.remedy).toMatch(/try again in a few minutes/i);
      expect(always.final.created).toEqual([]);
    } finally {
      lamna.faults = undefined;
      app.sandbox?.emulator.resetCounters();
    }
  }, 120_000);

  it("after a restart: a waiting run past its expiry is expired, and cleanup without the token is sign_in_again", async () => {
    const failed = await run("Bellows Left Over", "provision-app-admin");
    expect(failed.final.status).toBe("failed");
    expect(failed.final.created.length).toBe(2);
    // A run waiting for sign-in when the server stops; its code lives 2 s on the next server's emulator.
    await app.close();
    app = await startTestApp(env(), {
      ...database.appOptions,
      sandboxEmulator: { deviceCodeIntervalSeconds: 1, deviceCodeLifetimeSeconds: 2 },
    });
    const started = await call("POST", "/api/provisioning", { customerId: customer.id, appName: "Soon Expired" });
    expect(started.status).toBe(201);
    const waiting = started.json as ProvisioningRun;
    await app.close();
    app = await startTestApp(env(), { ...database.appOptions, sandboxEmulator: { deviceCodeIntervalSeconds: 1 } });
    const stillWaiting = await call("GET", `/api/provisioning/${waiting.id}`);
    expect(["waiting_for_sign_in", "expired"]).toContain((stillWaiting.json as ProvisioningRun).status);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(waiting.expiresAt) - Date.now()) + 200));
    const swept = await call("GET", `/api/provisioning/${waiting.id}`);
    expect(swept.json as ProvisioningRun).toMatchObject({ status: "expired" });

    const cleanup = await call("POST", `/api/provisioning/${failed.final.id}/cleanup`);
    expect(cleanup.status).toBe(409);
    const problem = cleanup.json as Problem;
    expect(problem.code).toBe("sign_in_again");
    expect(problem.errors?.[0]?.message).toContain("Entra admin center");
    for (const o of failed.final.created) expect(problem.errors?.[0]?.message).toContain(o.id);
    expect(((await call("GET", `/api/provisioning/${failed.final.id}`)).json as ProvisioningRun).cleanupAvailable).toBe(
      false,
    );
  }, 120_000);
});

describe.each(ENGINES)("provisioning in live mode without PROVISIONING_CLIENT_ID on $name", (engine) => {
  it("answers 409 provisioning_not_configured naming the variable; the sandbox sign-in routes are 404", async () => {
    const database = engine.setup(`dr-prov-live-${engine.name}-`);
    const app = await startTestApp({ ...database.env, M365_MODE: "live" }, database.appOptions);
    try {
      const call = apiCaller(() => app.url);
      const customer = await call("POST", "/api/customers", { name: "Live Ltd" });
      const started = await call("POST", "/api/provisioning", {
        customerId: (customer.json as Customer).id,
        appName: "Live DR",
      });
      expect(started.status).toBe(409);
      const problem = started.json as Problem;
      expect(problem.code).toBe("provisioning_not_configured");
      expect(problem.errors?.[0]?.path).toBe("PROVISIONING_CLIENT_ID");
      expect((await fetch(`${app.url}/api/sandbox/admins`)).status).toBe(404);
      const signIn = await call("POST", "/api/sandbox/device-sign-in", { userCode: "ABC", scenario: "provision" });
      expect(signIn.status).toBe(404);
    } finally {
      await app.close();
      await database.cleanup();
    }
  });
});
