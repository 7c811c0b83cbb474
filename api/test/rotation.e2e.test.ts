/**
 * Zero-touch secret rotation end to end (docs/api.md, "Secret rotation"; issue 13 point 3), on SQLite and PostgreSQL:
 * the real server in live mode against the emulator over HTTPS (its clock and the server's moved together), the fake
 * Bot Connector for the operator's chat.
 *
 * - The scheduled pass, with the clock 29 days before the `self-rotation` secret's expiry, rotates it: the emulator's
 *   directory shows the old keyId gone and the new one, the service stays `connected` with the new expiry, the chats
 *   get the rotation card and no expiry reminder; the Rotate secret now button on a card rotates it again.
 * - By hand (POST /api/services/{id}/m365/rotate): `valid` (no OwnedBy) answers 409 rotation_not_permitted with the
 *   remedy and no Graph write; a rotation that fails in the middle (replication timeout, a Graph write fault on
 *   addPassword, a new secret that does not validate) keeps the old secret and removes the new password; two at once
 *   give one 200 and one 409 rotation_in_progress; the event stream carries the new secret's checks.
 * - Canary: neither the old nor any new secret appears in an answer, a log line, an audit row, the journal or a card.
 * - Two server copies on one PostgreSQL schema, one emulator: their scheduled passes rotate once.
 */
import { randomBytes, X509Certificate } from "node:crypto";
import type { M365Settings, Problem, RotationReport, Service, ValidationEvent } from "@dr/contract";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type Emulator } from "../src/m365/emulator/emulator.core.js";
import { SANDBOX, sandboxTenants } from "../src/m365/emulator/emulator.fixtures.js";
import { createEmulatorTls, type EmulatorServer, startEmulatorServer } from "../src/m365/emulator/emulator.server.js";
import type { TenantFixture } from "../src/m365/emulator/emulator.types.js";
import { serviceSecretAad } from "../src/secrets/associated-data.js";
import { createLocalSecretStore } from "../src/secrets/local-secret-store.js";
import type { SealedSecret } from "../src/secrets/secret-store.types.js";
import { channelInstall, execute, personalInstall, post, TEAMS } from "./bot-activities.js";
import { type FakeConnector, startFakeConnector } from "./bot-connector.fake.js";
import { ENGINES, type EngineDatabase, enginesNamed, type TestEngine } from "./engines.js";
import { type EntraSetup, startEntraSetup } from "./entra.js";
import { type ApiAnswer, apiCaller, startTestApp, TEST_SECRET_KEY, type TestApp } from "./helpers.js";

const DAY = 86_400_000;
const selfRotation = SANDBOX["self-rotation"];
const valid = SANDBOX.valid;
if (!selfRotation || !valid) throw new Error("sandbox scenarios missing");
const OLD_KEY_ID = "3dd289f7-41cd-4bba-b3eb-35728e420cdb";

/** A running rig: the emulator over HTTPS, `copies` servers on one database, the bot installed. */
interface Rig {
  apps: TestApp[];
  emulator: Emulator;
  server: EmulatorServer;
  fake: FakeConnector;
  database: EngineDatabase;
  /** The emulator's self-rotation tenant (mutable: faults, replication delay). */
  tenant: TenantFixture;
  /** Every tenant of the emulator (mutable). */
  tenants: TenantFixture[];
  /** Every API answer's text (the canary reads it). */
  seen: string[];
  api: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiAnswer>;
  /** Moves the shared clock to `days` before the self-rotation secret's first expiry (+1 h inside the day). */
  setDaysBeforeExpiry(days: number): void;
  /** Moves the shared clock to `at` (ms since the epoch). */
  setNow(at: number): void;
  /** Onboards a service with sandbox credentials, linked to the operator's personal chat. */
  onboard(credentials: {
    tenantId: string;
    clientId: string;
    clientSecret?: string;
    clientCertificate?: { pem: string };
  }): Promise<Service>;
  /** The service's stored secret, opened with the servers' SECRET_KEY. */
  storedSecret(serviceId: string): Promise<string>;
  /** Every text column of the tables a secret must never reach. */
  tableTexts(): Promise<string>;
  close(): Promise<void>;
}

async function rig(engine: TestEngine, copies = 1, env: Record<string, string> = {}): Promise<Rig> {
  const database = engine.setup("dr-rotation-");
  let offsetMs = 0;
  // Time flows (replication delays pass), moved by an offset shared by the emulator and every server copy.
  const now = () => new Date(Date.now() + offsetMs);
  const tenants = sandboxTenants();
  const tenant = tenants.find((t) => t.id === selfRotation?.tenantId);
  if (!tenant) throw new Error("no self-rotation tenant");
  const emulator = await createEmulator({ tenants, now });
  // The secret's end, fixed when the emulator resolved its fixtures (20 days after its start).
  const expiry = Date.now() + 20 * DAY;
  const server = await startEmulatorServer({ emulator, tls: await createEmulatorTls() });
  const fake = await startFakeConnector();
  const appEnv = {
    ...database.env,
    M365_MODE: "live",
    M365_LOGIN_URL: server.url,
    M365_GRAPH_URL: server.url,
    SECRET_KEY: TEST_SECRET_KEY,
    VALIDATION_RATE_LIMIT: "1000",
    ...env,
  };
  const apps: TestApp[] = [];
  for (let i = 0; i < copies; i++) {
    apps.push(
      await startTestApp(appEnv, { now, botScheduler: false, extraCaPem: [server.caPem], ...database.appOptions }),
    );
  }
  const first = apps[0] as TestApp;
  expect((await post(first.url, channelInstall(fake.url))).status).toBe(200);
  expect((await post(first.url, personalInstall(fake.url))).status).toBe(200);
  const seen: string[] = [];
  const api = apiCaller(() => first.url, { seen: (text) => seen.push(text) });
  const secrets = await createLocalSecretStore({ keyBase64: TEST_SECRET_KEY, dataDir: database.dataDir });
  const handle = await database.open();
  return {
    apps,
    emulator,
    server,
    fake,
    database,
    tenant,
    tenants,
    seen,
    api,
    setDaysBeforeExpiry(days) {
      offsetMs = expiry - days * DAY + 3_600_000 - Date.now();
    },
    setNow(at) {
      offsetMs = at - Date.now();
    },
    async onboard(credentials) {
      const customer = await api("POST", "/api/customers", { name: `Customer ${randomBytes(3).toString("hex")}` });
      expect(customer.status).toBe(201);
      const created = await api("POST", "/api/services", {
        customerId: (customer.json as { id: string }).id,
        shortName: `rot${randomBytes(3).toString("hex")}`,
        licenseType: "hosted-pro",
        licensedUsers: 10,
        m365: credentials,
      });
      expect(created.status, created.text).toBe(201);
      const service = created.json as Service;
      await first.bot.store.linkServiceOperator(
        {
          serviceId: service.id,
          tenantId: TEAMS.tenantId,
          aadObjectId: TEAMS.operator.aadObjectId,
          userId: TEAMS.operator.id,
        },
        now().toISOString(),
      );
      return service;
    },
    async storedSecret(serviceId) {
      const row = await handle.db
        .selectFrom("service_secrets")
        .selectAll()
        .where("service_id", "=", serviceId)
        .executeTakeFirstOrThrow();
      return secrets.open(JSON.parse(row.envelope) as SealedSecret, serviceSecretAad(serviceId, row.sealed_at_version));
    },
    async tableTexts() {
      const tables = [
        "audit_events",
        "secret_rotations",
        "validations",
        "services",
        "service_secrets",
        "bot_reminder_deliveries",
      ] as const;
      const parts: string[] = [];
      for (const table of tables) {
        const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(handle.db);
        parts.push(JSON.stringify(rows.rows));
      }
      return parts.join("\n");
    },
    async close() {
      for (const app of apps) await app.close();
      await handle.close();
      await server.close();
      await fake.close();
      await database.cleanup();
    },
  };
}

/** The self-rotation app in the emulator's directory. */
function directoryApp(r: Rig, clientId: string) {
  const snapshot = r.emulator.directory(r.tenant.id);
  const app = snapshot.applications.find((a) => a.appId === clientId);
  if (!app) throw new Error("no app in the directory");
  return { app, calls: snapshot.calls };
}

/** Cards sent to the fake connector whose first line matches. */
function cardsTitled(fake: FakeConnector, pattern: RegExp): { conversationId: string; title: string }[] {
  return fake.cards().flatMap(({ conversationId, card }) => {
    const title = ((card.body as { text?: string }[])[0]?.text ?? "").toString();
    return pattern.test(title) ? [{ conversationId, title }] : [];
  });
}

/** Waits until `check` holds (a by-hand rotation's card goes out in the background). */
async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Asserts that no secret in `secrets` appears in `texts`. */
function expectNoSecret(secrets: readonly string[], texts: Record<string, string>): void {
  for (const secret of secrets) {
    for (const [where, text] of Object.entries(texts)) {
      expect(text.includes(secret), `a secret appears in ${where}`).toBe(false);
    }
  }
}

describe.each(ENGINES)("secret rotation on $name", (engine) => {
  describe("on the schedule", () => {
    let r: Rig;
    beforeAll(async () => {
      r = await rig(engine);
    });
    afterAll(async () => {
      await r?.close();
    });

    it("rotates a self-rotating secret 29 days before expiry, keeps the service connected, and tells the chats", async () => {
      const app = r.apps[0] as TestApp;
      const creds = {
        tenantId: selfRotation.tenantId,
        clientId: selfRotation.clientId,
        clientSecret: selfRotation.clientSecret,
      };
      r.setDaysBeforeExpiry(31);
      const service = await r.onboard(creds);
      expect(service.status).toBe("connected");
      expect(service.m365.selfRotation).toBe(true);
      // 31 days before: validated, nothing rotated, nothing reminded.
      const quiet = await app.bot.scheduler.runOnce();
      expect(quiet).toMatchObject({ rotated: 0, rotationFailed: 0, queued: 0 });
      expect(directoryApp(r, creds.clientId).calls.addPassword ?? 0).toBe(0);

      r.setDaysBeforeExpiry(29);
      const summary = await app.bot.scheduler.runOnce();
      expect(summary).toMatchObject({ rotated: 1, rotationFailed: 0, validated: 1 });

      // The emulator: the old password gone, one new one; one addPassword and one removePassword.
      const { app: entra, calls } = directoryApp(r, creds.clientId);
      expect(calls.addPassword).toBe(1);
      expect(calls.removePassword).toBe(1);
      expect(entra.passwords.map((p) => p.keyId)).not.toContain(OLD_KEY_ID);
      expect(entra.passwords).toHaveLength(1);
      const [fresh] = entra.passwords;
      expect(fresh?.displayName).toMatch(/^dr-onboarding rotated \d{4}-\d{2}-\d{2}$/);

      // The service: connected, with the new secret's hint, keyId and expiry (the old one's lifetime: 365 days).
      const after = (await r.api("GET", `/api/services/${service.id}`)).json as Service;
      expect(after.status).toBe("connected");
      expect(after.m365.secretHint).toBe(fresh?.hint);
      expect(after.m365.daysUntilExpire).toBeGreaterThanOrEqual(364);
      expect(after.m365.secretExpiresAt).toBe(new Date(fresh?.endDateTime ?? "").toISOString());
      const settings = (await r.api("GET", `/api/services/${service.id}/m365`)).json as M365Settings;
      expect(settings.secretKeyId).toBe(fresh?.keyId);
      expect(settings.lastRotatedAt).toBeDefined();
      expect(settings.history[0]).toMatchObject({ trigger: "rotation", ok: true, actor: "scheduler" });
      const newSecret = await r.storedSecret(service.id);
      expect(newSecret).not.toBe(creds.clientSecret);
      expect(newSecret.slice(0, 3)).toBe(fresh?.hint);

      // The audit: old and new hints and keyIds only.
      const audit = (await r.api("GET", `/api/services/${service.id}/audit`)).json as {
        items: { action: string; outcome: string; detail?: Record<string, unknown> }[];
      };
      const rotated = audit.items.find((e) => e.action === "service.secret_rotate");
      expect(rotated).toMatchObject({
        outcome: "success",
        detail: {
          trigger: "scheduled",
          oldKeyId: OLD_KEY_ID,
          newKeyId: fresh?.keyId,
          oldSecretHint: creds.clientSecret.slice(0, 3),
          newSecretHint: fresh?.hint,
        },
      });

      // The chats: the rotation card in the channel and the operator's personal chat; no expiry reminder.
      const cards = cardsTitled(r.fake, /was rotated/);
      expect(cards.map((c) => c.conversationId).sort()).toEqual([TEAMS.channel, TEAMS.personal].sort());
      expect(cardsTitled(r.fake, /expires in|has expired/)).toEqual([]);

      // The next pass: nothing to rotate, nothing to remind.
      r.setDaysBeforeExpiry(27);
      expect(await app.bot.scheduler.runOnce()).toMatchObject({ rotated: 0, queued: 0 });
      expect(directoryApp(r, creds.clientId).calls.addPassword).toBe(1);

      // Rotate secret now on a card (the same operator role as Replace secret): rotated again, answered with the card.
      const clicked = await post(app.url, execute(r.fake.url, "service.rotateSecret", { serviceId: service.id }));
      expect(clicked.status).toBe(200);
      expect(clicked.text).toContain("was rotated");
      const third = directoryApp(r, creds.clientId);
      expect(third.calls.addPassword).toBe(2);
      expect(third.app.passwords).toHaveLength(1);
      const newest = await r.storedSecret(service.id);
      expect(newest.slice(0, 3)).toBe(third.app.passwords[0]?.hint);
      // Told in the chats too (a rotation by hand is sent at once).
      await eventually(() => cardsTitled(r.fake, /was rotated/).length === 4, "the second rotation's cards");

      // Canary: no secret, old or new, in any answer, log line, audit row, journal row or card.
      expectNoSecret([creds.clientSecret, newSecret, newest], {
        answers: r.seen.join("\n") + clicked.text,
        logs: r.apps.flatMap((a) => a.logs).join("\n"),
        cards: JSON.stringify(r.fake.calls),
        tables: (await r.tableTexts()).replaceAll(/"envelope":"[^"]*"/g, ""),
      });
    });
  });

  describe("on the schedule, failing", () => {
    let r: Rig;
    beforeAll(async () => {
      r = await rig(engine, 1, { PROVISIONING_REPLICATION_TIMEOUT_MS: "1000" });
    });
    afterAll(async () => {
      await r?.close();
    });

    it("keeps the old secret, tells the failure once per secret, reminds with Rotate secret now, and rotates once it can", async () => {
      const app = r.apps[0] as TestApp;
      const creds = {
        tenantId: selfRotation.tenantId,
        clientId: selfRotation.clientId,
        clientSecret: selfRotation.clientSecret,
      };
      r.setDaysBeforeExpiry(31);
      const service = await r.onboard(creds);
      await app.bot.scheduler.runOnce();
      // Entra replicates slower than the server waits: every scheduled rotation fails.
      r.tenant.provisioning = { replicationDelayMs: 60_000 };
      r.setDaysBeforeExpiry(29);
      expect(await app.bot.scheduler.runOnce()).toMatchObject({ rotated: 0, rotationFailed: 1, validated: 1 });
      expect(await r.storedSecret(service.id)).toBe(creds.clientSecret);
      expect(directoryApp(r, creds.clientId).app.passwords.map((p) => p.keyId)).toEqual([OLD_KEY_ID]);
      const failures = cardsTitled(r.fake, /Rotating the client secret of .* failed/);
      expect(failures.map((c) => c.conversationId).sort()).toEqual([TEAMS.channel, TEAMS.personal].sort());
      // The old secret still expires: its reminder goes out, offering Rotate secret now.
      const reminders = r.fake
        .cards()
        .filter(({ card }) => /expires in 29 day/.test(JSON.stringify((card.body as unknown[])[0])));
      expect(reminders).toHaveLength(2);
      const verbs = ((reminders[0]?.card.actions ?? []) as { verb?: string }[]).map((a) => a.verb);
      expect(verbs).toContain("service.rotateSecret");

      // The next day fails the same way: tried again, but told once.
      r.setDaysBeforeExpiry(28);
      expect(await app.bot.scheduler.runOnce()).toMatchObject({ rotationFailed: 1 });
      expect(directoryApp(r, creds.clientId).calls.addPassword).toBe(2);
      expect(cardsTitled(r.fake, /Rotating the client secret of .* failed/)).toHaveLength(2);

      // Entra is back to normal: the next pass rotates, and the sent expiry reminders say they are resolved.
      r.tenant.provisioning = {};
      r.setDaysBeforeExpiry(27);
      const summary = await app.bot.scheduler.runOnce();
      expect(summary).toMatchObject({ rotated: 1, rotationFailed: 0 });
      expect(summary.resolved).toBeGreaterThanOrEqual(1);
      const { app: entra, calls } = directoryApp(r, creds.clientId);
      expect(entra.passwords.map((p) => p.keyId)).not.toContain(OLD_KEY_ID);
      expect(entra.passwords).toHaveLength(1);
      // Two removals of failed rotations' new passwords, one of the old secret.
      expect(calls.removePassword).toBe(3);
      expect(cardsTitled(r.fake, /was rotated/)).toHaveLength(2);
    });
  });

  describe("by hand", () => {
    let r: Rig;
    let service: Service;
    const creds = {
      tenantId: selfRotation.tenantId,
      clientId: selfRotation.clientId,
      clientSecret: selfRotation.clientSecret,
    };
    const rotate = (id: string, headers: Record<string, string> = {}) =>
      r.api("POST", `/api/services/${id}/m365/rotate`, undefined, headers);
    /** The stored secret is still the old one, and it still validates. */
    const expectOldSecretKept = async () => {
      expect(await r.storedSecret(service.id)).toBe(creds.clientSecret);
      const { app } = directoryApp(r, creds.clientId);
      expect(app.passwords.map((p) => p.keyId)).toEqual([OLD_KEY_ID]);
      const validated = await r.api("POST", `/api/services/${service.id}/m365/validate`);
      expect(validated.status).toBe(200);
      expect((validated.json as { ok: boolean }).ok).toBe(true);
    };

    beforeAll(async () => {
      // A short replication wait, so the tenant whose replication is slower fails in a second.
      r = await rig(engine, 1, { PROVISIONING_REPLICATION_TIMEOUT_MS: "1000" });
      r.setDaysBeforeExpiry(29);
      service = await r.onboard(creds);
    });
    afterAll(async () => {
      await r?.close();
    });

    it("refuses an app without Application.ReadWrite.OwnedBy with 409 rotation_not_permitted and writes nothing", async () => {
      const plain = await r.onboard({
        tenantId: valid.tenantId,
        clientId: valid.clientId,
        clientSecret: valid.clientSecret,
      });
      expect(plain.m365.selfRotation).toBeUndefined();
      const refused = await rotate(plain.id);
      expect(refused.status).toBe(409);
      expect(refused.headers.get("content-type")).toContain("application/problem+json");
      const problem = refused.json as Problem;
      expect(problem.code).toBe("rotation_not_permitted");
      expect(problem.remedy).toContain("runs automatic registration again");
      expect(problem.remedy).toContain("replace the secret by hand");
      const directory = r.emulator.directory(valid.tenantId);
      expect(directory.calls.addPassword ?? 0).toBe(0);
      expect(directory.calls.removePassword ?? 0).toBe(0);
      expect(await r.storedSecret(plain.id)).toBe(valid.clientSecret);
      const audit = (await r.api("GET", `/api/services/${plain.id}/audit`)).json as {
        items: { action: string; outcome: string; detail?: Record<string, unknown> }[];
      };
      expect(audit.items[0]).toMatchObject({
        action: "service.secret_rotate",
        outcome: "failure",
        detail: { code: "rotation_not_permitted", step: "permission" },
      });
      // A bad id is a 400 naming the field, an unknown one a 404.
      const bad = await rotate("not-a-uuid");
      expect(bad.status).toBe(400);
      expect((bad.json as Problem).errors?.[0]?.path).toBe("id");
      expect((await rotate("00000000-0000-4000-8000-000000000000")).status).toBe(404);
    });

    it("keeps the old secret when Entra does not accept the new one in time, and removes the new password", async () => {
      r.tenant.provisioning = { replicationDelayMs: 60_000 };
      try {
        const failed = await rotate(service.id);
        expect(failed.status).toBe(409);
        const problem = failed.json as Problem;
        expect(problem.code).toBe("rotation_failed");
        expect(problem.rotation).toMatchObject({ step: "replication", oldSecretKept: true, newPasswordRemoved: true });
        expect(problem.detail).toContain("did not accept the new secret");
        const { calls } = directoryApp(r, creds.clientId);
        expect(calls.addPassword).toBe(1);
        expect(calls.removePassword).toBe(1);
      } finally {
        r.tenant.provisioning = {};
      }
      await expectOldSecretKept();
      // The operator's chat hears of it.
      await eventually(() => cardsTitled(r.fake, /failed/).length >= 2, "the failure cards");
    });

    it("keeps the old secret when Graph fails on addPassword", async () => {
      r.tenant.faults = { graphWrite: { kind: "unavailable", retryAfterSeconds: 60, times: 1 } };
      try {
        const failed = await rotate(service.id);
        expect(failed.status).toBe(409);
        const problem = failed.json as Problem;
        expect(problem).toMatchObject({ code: "rotation_failed", rotation: { step: "add_password" } });
        expect(problem.rotation?.newKeyId).toBeUndefined();
      } finally {
        r.tenant.faults = {};
      }
      await expectOldSecretKept();
    });

    it("keeps the old secret when the new one does not validate, and removes the new password", async () => {
      const fixture = r.tenant.apps.find((a) => a.appId === creds.clientId);
      if (!fixture) throw new Error("no fixture app");
      fixture.organizationDenied = true;
      let failed: ApiAnswer;
      try {
        failed = await rotate(service.id);
      } finally {
        fixture.organizationDenied = false;
      }
      expect(failed.status).toBe(409);
      const problem = failed.json as Problem;
      expect(problem).toMatchObject({
        code: "rotation_failed",
        rotation: { step: "validate", newPasswordRemoved: true },
        report: { ok: false },
      });
      await expectOldSecretKept();
      const settings = (await r.api("GET", `/api/services/${service.id}/m365`)).json as M365Settings;
      expect(settings.history.some((h) => h.trigger === "rotation" && !h.ok)).toBe(true);
      expect(settings.lastRotatedAt).toBeUndefined();
    });

    it("rotates once of two at once (409 rotation_in_progress), then streams a rotation's checks", async () => {
      // Each token request waits 300 ms, so the first rotation is still running when the second asks.
      r.tenant.faults = { token: { kind: "latency", ms: 300 } };
      let answers: ApiAnswer[];
      try {
        answers = await Promise.all([rotate(service.id), rotate(service.id)]);
      } finally {
        r.tenant.faults = {};
      }
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      const refused = answers.find((a) => a.status === 409)?.json as Problem;
      expect(refused.code).toBe("rotation_in_progress");
      const done = answers.find((a) => a.status === 200)?.json as RotationReport;
      expect(done.ok).toBe(true);
      expect(done.rotation).toMatchObject({ trigger: "manual", oldKeyId: OLD_KEY_ID, oldSecretRemoved: true });
      expect(done.rotation.warnings).toEqual([]);
      const first = await r.storedSecret(service.id);
      expect(first.slice(0, 3)).toBe(done.rotation.newSecretHint);
      const afterFirst = directoryApp(r, creds.clientId);
      expect(afterFirst.app.passwords.map((p) => p.keyId)).toEqual([done.rotation.newKeyId]);

      // With Accept: text/event-stream: one event per check of the new secret, then the report with the rotation.
      const streamed = await fetch(`${(r.apps[0] as TestApp).url}/api/services/${service.id}/m365/rotate`, {
        method: "POST",
        headers: { accept: "text/event-stream", "x-dev-user": "alice@provider.example" },
      });
      expect(streamed.headers.get("content-type")).toContain("text/event-stream");
      const text = await streamed.text();
      r.seen.push(text);
      const events = text
        .trim()
        .split("\n\n")
        .map((block) => {
          const [eventLine, dataLine] = block.split("\n");
          return { event: eventLine?.slice(7), data: JSON.parse(dataLine?.slice(6) ?? "null") } as ValidationEvent;
        });
      expect(events.filter((e) => e.event === "check")).toHaveLength(6);
      const report = events.at(-1);
      expect(report?.event).toBe("report");
      const rotation = (report?.data as RotationReport | undefined)?.rotation;
      if (!rotation) throw new Error("no rotation in the streamed report");
      expect(rotation.oldKeyId).toBe(done.rotation.newKeyId);
      const second = await r.storedSecret(service.id);
      const { app } = directoryApp(r, creds.clientId);
      expect(app.passwords.map((p) => p.keyId)).toEqual([rotation.newKeyId]);

      expectNoSecret([creds.clientSecret, first, second], {
        answers: r.seen.join("\n"),
        logs: r.apps.flatMap((a) => a.logs).join("\n"),
        cards: JSON.stringify(r.fake.calls),
        tables: (await r.tableTexts()).replaceAll(/"envelope":"[^"]*"/g, ""),
      });
    });
  });
});

describe.each(ENGINES)("who may rotate, on $name", (engine) => {
  let database: EngineDatabase;
  let setup: EntraSetup;
  beforeAll(async () => {
    database = engine.setup("dr-rotation-roles-");
    setup = await startEntraSetup(
      { ...database.env, SECRET_KEY: TEST_SECRET_KEY, VALIDATION_RATE_LIMIT: "1000" },
      database.appOptions,
    );
  });
  afterAll(async () => {
    await setup?.close();
    await database?.cleanup();
  });

  it("needs the role that replaces secrets: a Reader gets 403, an Operator gets the rotation's own answer", async () => {
    const call = async (roles: string[], method: string, path: string, body?: unknown) => {
      const response = await fetch(`${setup.app.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await setup.ssoToken({ roles })}`,
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    const operator = ["Onboarding.Operator"];
    const customer = await call(operator, "POST", "/api/customers", { name: "Roles Customer" });
    const created = await call(operator, "POST", "/api/services", {
      customerId: customer.json.id,
      shortName: `roles${randomBytes(3).toString("hex")}`,
      licenseType: "hosted-pro",
      licensedUsers: 1,
      m365: { tenantId: valid.tenantId, clientId: valid.clientId, clientSecret: valid.clientSecret },
    });
    expect(created.status).toBe(201);
    const path = `/api/services/${created.json.id as string}/m365/rotate`;
    const reader = await call(["Onboarding.Reader"], "POST", path);
    expect(reader).toMatchObject({ status: 403, json: { code: "forbidden" } });
    const allowed = await call(operator, "POST", path);
    expect(allowed).toMatchObject({ status: 409, json: { code: "rotation_not_permitted" } });
    expect(setup.emulator.directory(valid.tenantId).calls.addPassword ?? 0).toBe(0);
  });
});

describe.each(enginesNamed("postgres"))("secret rotation by two server copies on $name", (engine) => {
  let r: Rig;
  beforeAll(async () => {
    r = await rig(engine, 2);
  });
  afterAll(async () => {
    await r?.close();
  });

  it("rotates once when both copies' scheduled passes find the secret due", async () => {
    const creds = {
      tenantId: selfRotation.tenantId,
      clientId: selfRotation.clientId,
      clientSecret: selfRotation.clientSecret,
    };
    r.setDaysBeforeExpiry(31);
    const service = await r.onboard(creds);
    r.setDaysBeforeExpiry(29);
    const summaries = await Promise.all(r.apps.map((app) => app.bot.scheduler.runOnce()));
    expect(summaries.reduce((n, s) => n + s.rotated, 0)).toBe(1);
    expect(summaries.reduce((n, s) => n + s.rotationFailed, 0)).toBe(0);
    // Passes later, on either copy: nothing more to rotate.
    r.setDaysBeforeExpiry(28);
    await Promise.all(r.apps.map((app) => app.bot.scheduler.runOnce()));
    const { app, calls } = directoryApp(r, creds.clientId);
    expect(calls.addPassword).toBe(1);
    expect(calls.removePassword).toBe(1);
    expect(app.passwords.map((p) => p.keyId)).not.toContain(OLD_KEY_ID);
    expect(app.passwords).toHaveLength(1);
    const after = (await r.api("GET", `/api/services/${service.id}`)).json as Service;
    expect(after.status).toBe("connected");
    expect(after.m365.secretHint).toBe(app.passwords[0]?.hint);
    // One rotation card per conversation.
    const cards = cardsTitled(r.fake, /was rotated/);
    expect(cards.map((c) => c.conversationId).sort()).toEqual([TEAMS.channel, TEAMS.personal].sort());
  });
});

/** The app's keyCredentials as Graph lists them (a read token signed by the emulator). */
async function keyCredentials(r: Rig, tenantId: string, clientId: string) {
  const token = await r.emulator.signToken({
    aud: "https://graph.microsoft.com",
    tid: tenantId,
    appid: clientId,
    roles: ["Application.Read.All"],
  });
  const raw = await r.emulator.handle({
    method: "GET",
    path: `/v1.0/applications(appId='${clientId}')?$select=keyCredentials`,
    headers: { host: "graph.microsoft.com", authorization: `Bearer ${token}` },
    body: "",
  });
  if (raw.kind !== "response") throw new Error("no answer");
  return (JSON.parse(raw.body ?? "{}") as { keyCredentials: { keyId: string; customKeyIdentifier: string }[] })
    .keyCredentials;
}

describe.each(ENGINES)("certificate rotation on $name", (engine) => {
  const cert = SANDBOX.certificate;
  if (!cert?.clientCertificatePem) throw new Error("certificate scenario missing");
  const pem = cert.clientCertificatePem;
  const OLD_CERT_KEY_ID = "0a176e89-e045-46cb-bade-9b00d1bff632";
  const keyBody = (text: string) =>
    (/-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(text)?.[1] ?? "").trim();
  const thumbprintOf = (text: string) =>
    new X509Certificate(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text)?.[0] ?? "",
    ).fingerprint.replace(/:/g, "");
  const hex = (base64: string) => Buffer.from(base64, "base64").toString("hex").toUpperCase();
  let r: Rig;
  let service: Service;
  const rotate = () => r.api("POST", `/api/services/${service.id}/m365/rotate`);
  const calls = () => r.emulator.directory(cert.tenantId).calls;

  beforeAll(async () => {
    // Scheduled passes every minute: the clock moves minutes, not days (see the scheduled case below).
    r = await rig(engine, 1, { PROVISIONING_REPLICATION_TIMEOUT_MS: "2000", REVALIDATION_INTERVAL_MS: "60000" });
    service = await r.onboard({ tenantId: cert.tenantId, clientId: cert.clientId, clientCertificate: { pem } });
  });
  afterAll(async () => {
    await r?.close();
  });

  it("keeps the old certificate when addKey fails or the new one does not validate, and removes the new key", async () => {
    expect(service.status).toBe("connected");
    expect(service.m365.selfRotation).toBe(true);
    const tenant = r.tenants.find((t) => t.id === cert.tenantId);
    const fixture = tenant?.apps.find((a) => a.appId === cert.clientId);
    if (!tenant || !fixture) throw new Error("no certificate tenant");
    const expectOldKept = async () => {
      expect((await keyCredentials(r, cert.tenantId, cert.clientId)).map((k) => k.keyId)).toEqual([OLD_CERT_KEY_ID]);
      expect(thumbprintOf(await r.storedSecret(service.id))).toBe(service.m365.certificateThumbprint);
      const validated = await r.api("POST", `/api/services/${service.id}/m365/validate`);
      expect((validated.json as { ok: boolean }).ok).toBe(true);
    };

    tenant.faults = { graphWrite: { kind: "unavailable", retryAfterSeconds: 60, times: 1 } };
    try {
      const failed = await rotate();
      expect(failed.status).toBe(409);
      expect(failed.json).toMatchObject({
        code: "rotation_failed",
        rotation: { step: "add_key", oldSecretKept: true },
      });
    } finally {
      tenant.faults = {};
    }
    expect(calls()).toMatchObject({ addKey: 1 });
    await expectOldKept();

    fixture.organizationDenied = true;
    let invalid: ApiAnswer;
    try {
      invalid = await rotate();
    } finally {
      fixture.organizationDenied = false;
    }
    expect(invalid.status).toBe(409);
    expect(invalid.json).toMatchObject({
      code: "rotation_failed",
      rotation: { step: "validate", newPasswordRemoved: true },
      report: { ok: false },
    });
    // The new key went again, removed with a proof of the current certificate.
    expect(calls()).toMatchObject({ addKey: 2, removeKey: 1 });
    await expectOldKept();
  });

  it("rotates by hand and on the schedule: addKey, the switch, removeKey of the old key; no key anywhere", async () => {
    const before = (await r.api("GET", `/api/services/${service.id}`)).json as Service;
    const rotated = await rotate();
    expect(rotated.status, rotated.text).toBe(200);
    expect(calls()).toMatchObject({ addKey: 3, removeKey: 2 });
    const keys = await keyCredentials(r, cert.tenantId, cert.clientId);
    expect(keys.map((k) => k.keyId)).not.toContain(OLD_CERT_KEY_ID);
    expect(keys).toHaveLength(1);
    const after = (await r.api("GET", `/api/services/${service.id}`)).json as Service;
    expect(after.status).toBe("connected");
    expect(after.m365.credentialType).toBe("certificate");
    expect(after.m365.certificateThumbprint).not.toBe(before.m365.certificateThumbprint);
    expect(after.m365.certificateThumbprint).toBe(hex(keys[0]?.customKeyIdentifier ?? ""));
    expect(after.m365.certificateSubject).toBe(before.m365.certificateSubject);
    // The current certificate's lifetime (301 days) from now: the expiry moved.
    expect(Date.parse(after.m365.secretExpiresAt ?? "")).toBeGreaterThan(Date.parse(before.m365.secretExpiresAt ?? ""));
    expect(after.m365.daysUntilExpire).toBeGreaterThanOrEqual(300);
    const stored = await r.storedSecret(service.id);
    expect(thumbprintOf(stored)).toBe(after.m365.certificateThumbprint);
    const settings = (await r.api("GET", `/api/services/${service.id}/m365`)).json as M365Settings;
    expect(settings.secretKeyId).toBe(keys[0]?.keyId);
    expect(settings.history[0]).toMatchObject({ trigger: "rotation", ok: true });
    const validated = await r.api("POST", `/api/services/${service.id}/m365/validate`);
    expect((validated.json as { ok: boolean }).ok).toBe(true);
    const audit = (await r.api("GET", `/api/services/${service.id}/audit`)).json as {
      items: { action: string; outcome: string; detail?: Record<string, unknown> }[];
    };
    expect(audit.items.find((e) => e.action === "service.secret_rotate" && e.outcome === "success")).toMatchObject({
      detail: { oldKeyId: OLD_CERT_KEY_ID, newKeyId: keys[0]?.keyId, trigger: "manual" },
    });

    // The schedule: nothing to rotate for this one. msal signs client assertions with the real clock and the emulator
    // allows five minutes of skew, so the shared clock moves by minutes only (a pass a minute): the
    // `certificate-expiring` service (10 days left, within ROTATE_BEFORE_DAYS 30) is the one due.
    const app = r.apps[0] as TestApp;
    r.setNow(Date.now() + 2 * 60_000);
    expect(await app.bot.scheduler.runOnce()).toMatchObject({ validated: 1, rotated: 0 });
    const expiring = SANDBOX["certificate-expiring"];
    if (!expiring?.clientCertificatePem) throw new Error("certificate-expiring scenario missing");
    const due = await r.onboard({
      tenantId: expiring.tenantId,
      clientId: expiring.clientId,
      clientCertificate: { pem: expiring.clientCertificatePem },
    });
    expect(due.status).toBe("expiring");
    r.setNow(Date.now() + 4 * 60_000);
    expect(await app.bot.scheduler.runOnce()).toMatchObject({ rotated: 1, rotationFailed: 0 });
    expect(r.emulator.directory(expiring.tenantId).calls).toMatchObject({ addKey: 1, removeKey: 1 });
    const again = await keyCredentials(r, expiring.tenantId, expiring.clientId);
    expect(again.map((k) => k.keyId)).not.toContain("1852ff9a-66ab-4717-bc8f-fabb8a724696");
    expect(again).toHaveLength(1);
    const scheduled = (await r.api("GET", `/api/services/${due.id}`)).json as Service;
    expect(scheduled.m365.certificateThumbprint).not.toBe(due.m365.certificateThumbprint);
    expect(scheduled.m365.certificateThumbprint).toBe(hex(again[0]?.customKeyIdentifier ?? ""));
    expect(Date.parse(scheduled.m365.secretExpiresAt ?? "")).toBeGreaterThan(
      Date.parse(due.m365.secretExpiresAt ?? ""),
    );
    const dueAudit = (await r.api("GET", `/api/services/${due.id}/audit`)).json as {
      items: { action: string; outcome: string; detail?: Record<string, unknown> }[];
    };
    expect(dueAudit.items.find((e) => e.action === "service.secret_rotate")).toMatchObject({
      outcome: "success",
      detail: { trigger: "scheduled" },
    });
    const dueStored = await r.storedSecret(due.id);
    const newest = await r.storedSecret(service.id);

    // Canary: no private key, old or new, in an answer, a log line, a card or a table (the sealed envelope aside).
    const secrets = [keyBody(pem), keyBody(stored), keyBody(newest), keyBody(dueStored)];
    for (const secret of secrets) expect(secret.length).toBeGreaterThan(100);
    expectNoSecret(
      secrets.flatMap((k) => k.split("\n").slice(1, 3)),
      {
        answers: r.seen.join("\n"),
        logs: r.apps.flatMap((a) => a.logs).join("\n"),
        cards: JSON.stringify(r.fake.calls),
        tables: (await r.tableTexts()).replaceAll(/"envelope":"[^"]*"/g, ""),
      },
    );
    expect(r.seen.join("\n")).not.toMatch(/-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/);
  });
});
