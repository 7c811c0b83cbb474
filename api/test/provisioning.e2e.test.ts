/**
 * Automatic App registration over the real HTTP server and the real HTTPS emulator (docs/api.md, "Provisioning"), on
 * SQLite and (with TEST_DATABASE_URL) PostgreSQL: an operator's run in sandbox mode from the device code to a
 * `connected` service (the event stream, every step, what the emulator's directory then holds), one use per run, a
 * run from the invitation page that completes the invitation, the sandbox sign-in routes, bad input, and the canary
 * search: no secret a run issued appears in any answer, event, log line, audit row, mail or database row.
 */
import { randomBytes } from "node:crypto";
import type {
  AuditEvent,
  Customer,
  Invitation,
  InvitationWithUrl,
  OutboxMessage,
  Problem,
  ProvisioningRun,
  SandboxAdmin,
  Service,
} from "@dr/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, type EngineDatabase } from "./engines.js";
import { apiCaller, startTestApp, type TestApp } from "./helpers.js";
import { dumpDatabase, tokenOf } from "./invitations.support.js";
import { auditText, runThrough, sandboxSignIn, sealedSecretOf, stepStatuses } from "./provisioning.support.js";

/** The `provision` scenario's tenant (Lamna Healthcare, admin@lamna.onmicrosoft.com, Global Administrator). */
const LAMNA = "a2cc66d2-fa90-4b1b-9f2a-441040ea5f79";
const TEAMS_ADMINISTRATOR = "69091246-20e8-4a56-aa4d-066075b2a7a8";

describe.each(ENGINES)("provisioning runs on $name", (engine) => {
  const secretKey = randomBytes(32).toString("base64");
  let app: TestApp;
  let database: EngineDatabase;
  let customer: Customer;
  const responses: string[] = [];
  const issued: string[] = [];
  const call = apiCaller(() => app.url, { seen: (text) => responses.push(text) });
  const operatorRun = (body: Record<string, unknown>, scenario = "provision") =>
    runThrough(call, {
      startPath: "/api/provisioning",
      runPath: (id) => `/api/provisioning/${id}`,
      body: { customerId: customer.id, ...body },
      scenario,
    });

  beforeAll(async () => {
    database = engine.setup(`dr-prov-${engine.name}-`);
    app = await startTestApp(
      {
        ...database.env,
        SECRET_KEY: secretKey,
        VALIDATION_RATE_LIMIT: "1000",
        INVITE_RATE_LIMIT: "1000",
        PROVISIONING_REPLICATION_TIMEOUT_MS: "60000",
      },
      { ...database.appOptions, sandboxEmulator: { deviceCodeIntervalSeconds: 1 } },
    );
    const created = await call("POST", "/api/customers", { name: "Lamna Healthcare" });
    expect(created.status).toBe(201);
    customer = created.json as Customer;
  });

  afterAll(async () => {
    await app?.close();
    await database?.cleanup();
  });

  it("lists the sandbox admins publicly, and signs in only with a run's code", async () => {
    const admins = await fetch(`${app.url}/api/sandbox/admins`);
    expect(admins.status).toBe(200);
    const items = ((await admins.json()) as { items: SandboxAdmin[] }).items;
    expect(items.map((a) => a.scenario)).toEqual(
      expect.arrayContaining(["provision", "provision-app-admin", "provision-declined", "provision-expired"]),
    );
    expect(items.find((a) => a.scenario === "provision")).toMatchObject({
      userPrincipalName: "admin@lamna.onmicrosoft.com",
      action: "approve",
    });
    const unknownCode = await sandboxSignIn(call, "ABCDEFGHJ", "provision");
    expect(unknownCode.status).toBe(400);
    expect((unknownCode.json as Problem).errors?.[0]).toMatchObject({ path: "userCode", code: "unknown_code" });
    const unknownScenario = await sandboxSignIn(call, "ABCDEFGHJ", "nobody");
    expect(unknownScenario.status).toBe(400);
    expect((unknownScenario.json as Problem).errors?.[0]).toMatchObject({ path: "scenario" });
    const bad = await call("POST", "/api/sandbox/device-sign-in", { userCode: 7 });
    expect(bad.status).toBe(400);
    expect((bad.json as Problem).errors?.map((e) => e.path)).toEqual(expect.arrayContaining(["userCode", "scenario"]));
  });

  it("refuses bad start bodies naming the field, and unknown or malformed run ids", async () => {
    const noName = await call("POST", "/api/provisioning", { customerId: customer.id });
    expect(noName.status).toBe(400);
    expect((noName.json as Problem).errors?.[0]?.path).toBe("appName");
    const tooLong = await call("POST", "/api/provisioning", {
      customerId: customer.id,
      appName: "x",
      secretLifetimeDays: 731,
    });
    expect(tooLong.status).toBe(400);
    expect((tooLong.json as Problem).errors?.[0]?.path).toBe("secretLifetimeDays");
    const extra = await call("POST", "/api/provisioning", { customerId: customer.id, appName: "x", clientSecret: "y" });
    expect(extra.status).toBe(400);
    const noCustomer = await call("POST", "/api/provisioning", {
      customerId: "00000000-0000-4000-8000-000000000000",
      appName: "x",
    });
    expect(noCustomer.status).toBe(400);
    expect((noCustomer.json as Problem).errors?.[0]).toMatchObject({ path: "customerId", code: "not_found" });
    expect((await call("GET", "/api/provisioning/not-a-uuid")).status).toBe(400);
    expect((await call("GET", "/api/provisioning/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await call("DELETE", "/api/provisioning/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  it("creates the App registration from the device code to a connected service (the happy path)", async () => {
    const { started, events, final } = await operatorRun({ appName: "Lamna Direct Routing" });
    expect(started).toMatchObject({
      origin: "operator",
      customerId: customer.id,
      cloud: "global",
      appName: "Lamna Direct Routing",
      assignTeamsAdministrator: true,
      allowSelfRotation: true,
      secretLifetimeDays: 180,
      createdBy: "alice@provider.example",
      cleanupAvailable: false,
    });
    expect(started.signInMessage).toContain(started.userCode);
    // The stream showed the run move: waiting, running step by step, done.
    expect(events[0]?.status).toBe("waiting_for_sign_in");
    expect(events.some((e) => e.status === "running")).toBe(true);
    expect(events.filter((e) => e.steps.some((s) => s.status === "running")).length).toBeGreaterThan(5);
    expect(final.status, JSON.stringify(final.problem)).toBe("done");
    expect(stepStatuses(final)).toEqual({
      sign_in: "pass",
      create_app: "pass",
      create_service_principal: "pass",
      grant_consent: "pass",
      assign_role: "pass",
      allow_self_rotation: "pass",
      add_secret: "pass",
      wait_for_replication: "pass",
      validate: "pass",
    });
    expect(final.signedInAs).toBe("admin@lamna.onmicrosoft.com");
    expect(final.tenant).toEqual({ id: LAMNA, displayName: "Lamna Healthcare" });
    expect(final.userCode).toBeUndefined();
    expect(final.result).toMatchObject({ tenantId: LAMNA, selfRotation: true });
    expect(final.result?.report.ok).toBe(true);
    expect(final.result?.secretHint).toHaveLength(3);
    expect(final.created.map((o) => o.kind)).toEqual([
      "application",
      "service_principal",
      "app_role_assignment",
      "app_role_assignment",
      "directory_role_assignment",
      "owner",
      "app_role_assignment",
      "password",
    ]);
    expect(final.cleanupAvailable).toBe(true);

    // The emulator's directory holds what the run reported.
    const directory = app.sandbox?.emulator.directory(LAMNA);
    const made = directory?.applications.find((a) => a.appId === final.result?.clientId);
    expect(made?.displayName).toBe("Lamna Direct Routing");
    expect(made?.id).toBe(final.result?.applicationObjectId);
    expect(made?.servicePrincipalId).toBeDefined();
    expect(made?.owners).toContain(made?.servicePrincipalId);
    expect(made?.graphRoles).toEqual(
      expect.arrayContaining(["Organization.Read.All", "Application.Read.All", "Application.ReadWrite.OwnedBy"]),
    );
    expect(made?.directoryRoles).toContain(TEAMS_ADMINISTRATOR);
    expect(made?.passwords.map((p) => p.hint)).toEqual([final.result?.secretHint]);

    const secret = await sealedSecretOf(database, secretKey, final.id);
    expect(secret).toBeDefined();
    issued.push(secret as string);

    // The service is made from the run: no value typed.
    const createdService = await call("POST", "/api/services", {
      customerId: customer.id,
      shortName: "lamna-dr",
      licenseType: "hosted-pro",
      licensedUsers: 25,
      provisioningId: final.id,
    });
    expect(createdService.status, createdService.text).toBe(201);
    const service = createdService.json as Service;
    expect(service.status).toBe("connected");
    expect(service.m365).toMatchObject({
      tenantId: LAMNA,
      clientId: final.result?.clientId,
      secretHint: secret?.slice(0, 3),
    });
    const audit = await call("GET", `/api/services/${service.id}/audit`);
    expect((audit.json as { items: AuditEvent[] }).items.map((e) => e.action)).toEqual(
      expect.arrayContaining(["service.create", "provisioning.use"]),
    );
    // One use per run: the envelope is gone, a second create is refused naming provisioningId.
    expect(await sealedSecretOf(database, secretKey, final.id)).toBeUndefined();
    const again = await call("POST", "/api/services", {
      customerId: customer.id,
      shortName: "lamna-dr-2",
      licenseType: "hosted-pro",
      licensedUsers: 25,
      provisioningId: final.id,
    });
    expect(again.status).toBe(400);
    expect((again.json as Problem).errors?.[0]).toMatchObject({ path: "provisioningId", code: "provisioning_used" });
    const read = await call("GET", `/api/provisioning/${final.id}`);
    expect(read.json as ProvisioningRun).toMatchObject({
      status: "done",
      serviceId: service.id,
      cleanupAvailable: false,
    });
    // A run a service uses cannot be cleaned up.
    const cleanup = await call("POST", `/api/provisioning/${final.id}/cleanup`);
    expect(cleanup.status).toBe(409);
    expect((cleanup.json as Problem).code).toBe("provisioning_used");
    // Credentials and provisioningId together are refused naming provisioningId.
    const both = await call("POST", "/api/services", {
      customerId: customer.id,
      shortName: "lamna-dr-3",
      licenseType: "hosted-pro",
      licensedUsers: 25,
      provisioningId: final.id,
      m365: { tenantId: LAMNA, clientId: final.result?.clientId, clientSecret: "x".repeat(40) },
    });
    expect(both.status).toBe(400);
    expect((both.json as Problem).errors?.[0]?.path).toBe("provisioningId");
  }, 120_000);

  it("cancels a run waiting for sign-in; a cancelled run cannot be cancelled again nor signed into", async () => {
    const started = await call("POST", "/api/provisioning", { customerId: customer.id, appName: "Lamna Cancelled" });
    expect(started.status, started.text).toBe(201);
    const run = started.json as ProvisioningRun;
    const cancelled = await call("DELETE", `/api/provisioning/${run.id}`);
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.json as ProvisioningRun).toMatchObject({ status: "cancelled" });
    expect((cancelled.json as ProvisioningRun).steps[0]).toMatchObject({
      id: "sign_in",
      status: "fail",
      code: "cancelled",
    });
    const twice = await call("DELETE", `/api/provisioning/${run.id}`);
    expect(twice.status).toBe(409);
    expect((twice.json as Problem).code).toBe("provisioning_not_waiting");
    // The admin signs in anyway: nothing is created.
    const before = app.sandbox?.emulator.directory(LAMNA).applications.length;
    await sandboxSignIn(call, run.userCode ?? "", "provision");
    await new Promise((r) => setTimeout(r, 2500));
    expect(app.sandbox?.emulator.directory(LAMNA).applications.length).toBe(before);
    expect(((await call("GET", `/api/provisioning/${run.id}`)).json as ProvisioningRun).status).toBe("cancelled");
    const use = await call("POST", "/api/services", {
      customerId: customer.id,
      shortName: "lamna-cancelled",
      licenseType: "hosted-pro",
      licensedUsers: 5,
      provisioningId: run.id,
    });
    expect(use.status).toBe(400);
    expect((use.json as Problem).errors?.[0]).toMatchObject({ path: "provisioningId", code: "provisioning_failed" });
  }, 60_000);

  it("runs from the invitation page: the invitation is completed and the operator creates the service from it", async () => {
    const created = await call("POST", "/api/invitations", { customerId: customer.id, email: "it@lamna.example" });
    expect(created.status, created.text).toBe(201);
    const invitation = created.json as InvitationWithUrl;
    const token = tokenOf(invitation.url);
    const publicCall = apiCaller(() => app.url, { operator: "", seen: (text) => responses.push(text) });
    const { final } = await runThrough(publicCall, {
      startPath: `/api/invite/${token}/provisioning`,
      runPath: (id) => `/api/invite/${token}/provisioning/${id}`,
      body: { appName: "Lamna DR from the invitation", assignTeamsAdministrator: false },
      scenario: "provision",
    });
    expect(final.status, JSON.stringify(final.problem)).toBe("done");
    expect(final).toMatchObject({
      origin: "invitation",
      customerId: customer.id,
      createdBy: `invitation:${invitation.id}`,
    });
    expect(stepStatuses(final).assign_role).toBe("skipped");
    expect(final.cleanupAvailable).toBe(false);
    // The invitation is completed as a typed validation completes it; the run's own envelope is gone.
    const read = await call("GET", `/api/invitations/${invitation.id}`);
    expect(read.json as Invitation).toMatchObject({ status: "completed", tenant: { id: LAMNA } });
    expect(await sealedSecretOf(database, secretKey, final.id)).toBeUndefined();
    const handle = await database.open();
    try {
      const row = await handle.db
        .selectFrom("invitations")
        .select(["envelope"])
        .where("id", "=", invitation.id)
        .executeTakeFirstOrThrow();
      const { createLocalSecretStore } = await import("../src/secrets/local-secret-store.js");
      const { invitationSecretAad } = await import("../src/secrets/associated-data.js");
      const store = await createLocalSecretStore({ keyBase64: secretKey, dataDir: database.dataDir });
      issued.push(store.open(JSON.parse(row.envelope ?? "null"), invitationSecretAad(invitation.id)));
    } finally {
      await handle.close();
    }
    // The page can still read its run; a run of another invitation, or an unknown run, is the neutral 404.
    const own = await publicCall("GET", `/api/invite/${token}/provisioning/${final.id}`);
    expect(own.status).toBe(200);
    const other = await call("POST", "/api/invitations", { customerId: customer.id });
    const otherToken = tokenOf((other.json as InvitationWithUrl).url);
    const foreign = await publicCall("GET", `/api/invite/${otherToken}/provisioning/${final.id}`);
    expect(foreign.status).toBe(404);
    const badToken = await publicCall("GET", `/api/invite/${"A".repeat(43)}/provisioning/${final.id}`);
    expect(badToken.status).toBe(404);
    expect((badToken.json as Problem).detail).toBe((foreign.json as Problem).detail);
    // A completed invitation's link no longer starts runs.
    const again = await publicCall("POST", `/api/invite/${token}/provisioning`, { appName: "Again" });
    expect(again.status).toBe(404);
    // The operator continues with invitationId as today.
    const service = await call("POST", "/api/services", {
      customerId: customer.id,
      shortName: "lamna-inv",
      licenseType: "hosted-pro",
      licensedUsers: 5,
      invitationId: invitation.id,
    });
    expect(service.status, service.text).toBe(201);
    expect((service.json as Service).status).toBe("connected");
  }, 120_000);

  it("never shows a secret a run issued: answers, events, log lines, audit rows, mail, database", async () => {
    expect(issued.length).toBe(2);
    for (const secret of issued) expect(secret.length).toBeGreaterThanOrEqual(16);
    const outbox = await call("GET", "/api/outbox");
    const mails = JSON.stringify((outbox.json as { items: OutboxMessage[] }).items);
    const audit = await auditText(database);
    const stored = await dumpDatabase(database);
    const places: [string, string][] = [
      ["answers", responses.join("\n")],
      ["logs", app.logs.join("\n")],
      ["audit", audit],
      ["mail", mails],
      ["database", stored],
    ];
    expect(responses.length).toBeGreaterThan(20);
    for (const secret of issued) {
      for (const [where, text] of places) {
        expect(text.includes(secret), `${where} holds an issued secret`).toBe(false);
        expect(text.includes(Buffer.from(secret).toString("base64")), `${where} holds it in base64`).toBe(false);
      }
    }
    expect(audit).toContain("provisioning.start");
    expect(audit).toContain("provisioning.done");
    expect(audit).toContain("provisioning.use");
    // No access token of the admin either (a JWT's header starts eyJ).
    expect(responses.join("\n")).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
    expect(app.logs.join("\n")).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
    expect(audit).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
  });
});
