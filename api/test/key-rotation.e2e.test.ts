/**
 * Rotating SECRET_KEY, as an operator does it (docs/deploy.md, "Rotating SECRET_KEY"), on the real server restarted
 * over one database: SQLite always, PostgreSQL too when TEST_DATABASE_URL is set. A service (and a bot dialog holding
 * a secret) sealed under key A; a restart with key B alone refuses to start, naming A's key id and
 * SECRET_KEY_PREVIOUS (before, it started and every Validate Authentication answered 500 "unknown kek"); B with
 * SECRET_KEY_PREVIOUS=A starts, re-wraps both and validates; B alone then starts and validates. The secret and the
 * keys never appear in any log line.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Customer, Service, ValidationReport } from "@dr/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secretSealer } from "../src/bot/bot.wiring.js";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { UnknownSecretKeyError } from "../src/secrets/key-rotation.js";
import { createLocalSecretStore } from "../src/secrets/local-secret-store.js";
import type { SecretStore } from "../src/secrets/secret-store.types.js";
import { ENGINES, type EngineDatabase } from "./engines.js";
import { spawnServer, startTestApp, type TestApp } from "./helpers.js";

const valid = SANDBOX.valid;
if (!valid) throw new Error("no valid sandbox scenario");
const DIALOG_SECRET = "Dlg8Q~dialog.secret_ABCDEFGHIJKLMNOPQRSTUV";

describe.each(ENGINES)("rotating SECRET_KEY on $name", (engine) => {
  const keyA = randomBytes(32).toString("base64");
  const keyB = randomBytes(32).toString("base64");
  let database: EngineDatabase;
  let storeA: SecretStore;
  let storeB: SecretStore;
  let serviceId: string;
  let customerId: string;
  let invitationId: string;
  const dialogKey = { tenantId: "provider-tenant", userId: "operator-1", dialogId: randomUUID() };
  const logs: string[] = [];
  const running: TestApp[] = [];

  async function start(env: Record<string, string>): Promise<TestApp> {
    const app = await startTestApp(
      { ...database.env, LOG_LEVEL: "info", M365_TIMEOUT_MS: "3000", ...env },
      database.appOptions,
    );
    running.push(app);
    return app;
  }

  async function stop(app: TestApp): Promise<void> {
    logs.push(...app.logs);
    running.splice(running.indexOf(app), 1);
    await app.close();
  }

  async function call(app: TestApp, method: string, path: string, body?: unknown) {
    const response = await fetch(`${app.url}${path}`, {
      method,
      headers: {
        "x-dev-user": "alice@provider.example",
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined, text };
  }

  async function validateAuthentication(app: TestApp): Promise<void> {
    const validated = await call(app, "POST", `/api/services/${serviceId}/m365/validate`);
    expect(validated.status, validated.text).toBe(200);
    expect((validated.json as ValidationReport).ok).toBe(true);
  }

  beforeAll(async () => {
    database = engine.setup(`dr-rotation-${engine.name}-`);
    const keysDir = mkdtempSync(join(tmpdir(), "dr-rotation-keys-"));
    storeA = await createLocalSecretStore({ keyBase64: keyA, dataDir: keysDir });
    storeB = await createLocalSecretStore({ keyBase64: keyB, dataDir: keysDir });
    rmSync(keysDir, { recursive: true, force: true });
  });

  afterAll(async () => {
    for (const app of running.splice(0)) await app.close();
    await database?.cleanup();
  });

  it("under key A: a service is created and validates; a bot dialog holds a sealed secret", async () => {
    const app = await start({ SECRET_KEY: keyA });
    const customer = await call(app, "POST", "/api/customers", { name: "Rotation Ltd" });
    expect(customer.status).toBe(201);
    const created = await call(app, "POST", "/api/services", {
      customerId: (customer.json as Customer).id,
      shortName: "rotation-dr",
      licenseType: "hosted-pro",
      licensedUsers: 10,
      m365: { tenantId: valid.tenantDomain, clientId: valid.clientId, clientSecret: valid.clientSecret },
    });
    expect(created.status, created.text).toBe(201);
    serviceId = (created.json as Service).id;
    customerId = (customer.json as Customer).id;
    await validateAuthentication(app);
    // A completed invitation: the customer's admin validated through the link, the secret is sealed on it.
    const invitation = await call(app, "POST", "/api/invitations", { customerId });
    expect(invitation.status, invitation.text).toBe(201);
    invitationId = (invitation.json as { id: string }).id;
    const token = new URL((invitation.json as { url: string }).url).pathname.split("/").pop() ?? "";
    const completed = await call(app, "POST", `/api/invite/${token}/validation`, {
      tenantId: valid.tenantId,
      clientId: valid.clientId,
      clientSecret: valid.clientSecret,
    });
    expect(completed.status, completed.text).toBe(200);
    expect((completed.json as ValidationReport).ok).toBe(true);
    // A dialog of the bot's wizard, its secret sealed as the bot seals it (under A: the server's key).
    await app.bot.store.createDialog({
      key: dialogKey,
      step: "report",
      rev: 3,
      data: {
        operator: { userId: dialogKey.userId, aadObjectId: "oid", name: "Alice" },
        credentials: {
          tenantId: valid.tenantId,
          clientId: valid.clientId,
          cloud: "global",
          secretHint: "Dlg",
          sealedSecret: secretSealer(storeA).seal(DIALOG_SECRET, dialogKey.dialogId),
        },
      },
      updatedAt: new Date().toISOString(),
    });
    await stop(app);
  });

  it("with key B alone, start-up refuses, naming A's key id and SECRET_KEY_PREVIOUS", async () => {
    const error = await start({ SECRET_KEY: keyB }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownSecretKeyError);
    const message = (error as Error).message;
    expect(message).toContain(`${storeA.currentKekId}: 1 service secret, 1 bot dialog, 1 invitation`);
    expect(message).toContain("SECRET_KEY_PREVIOUS");
    expect(message).toContain(storeB.currentKekId);
    for (const secretish of [keyA, keyB, valid.clientSecret, DIALOG_SECRET]) expect(message).not.toContain(secretish);
  });

  if (engine.name === "sqlite")
    it("as `npm start`, the refusal is printed and the process exits 1", async () => {
      const error = await spawnServer({ DATA_DIR: database.dataDir, SECRET_KEY: keyB }).then(
        async (started) => {
          await started.stop(); // the old behaviour: it started (and answered 500 later)
          return started;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      const output = (error as Error).message;
      expect(output).toMatch(/^server exited with 1:/);
      expect(output).toContain(storeA.currentKekId);
      expect(output).toContain("SECRET_KEY_PREVIOUS");
      for (const secretish of [keyA, keyB, valid.clientSecret, DIALOG_SECRET]) expect(output).not.toContain(secretish);
    });

  it("with B and SECRET_KEY_PREVIOUS=A, it starts, re-wraps both envelopes, logs the count and validates", async () => {
    const app = await start({ SECRET_KEY: keyB, SECRET_KEY_PREVIOUS: keyA });
    const rewrapped = app.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg?.toString().startsWith("re-wrapped"));
    expect(rewrapped).toMatchObject({
      msg: "re-wrapped 3 secret envelopes under the current SECRET_KEY",
      serviceSecrets: 1,
      botDialogs: 1,
      invitations: 1,
      fromKekIds: [storeA.currentKekId],
      kekId: storeB.currentKekId,
    });
    expect(app.logs.join("\n")).toContain("SECRET_KEY_PREVIOUS can be removed");
    await validateAuthentication(app);
    const dialog = await app.bot.store.getDialog<{ credentials: { sealedSecret: unknown } }>(dialogKey);
    expect(dialog?.rev).toBe(3);
    // The new key alone opens the dialog's secret now.
    expect(secretSealer(storeB).open(dialog?.data.credentials.sealedSecret, dialogKey.dialogId)).toBe(DIALOG_SECRET);
    await stop(app);
  });

  it("with B alone again, it starts and validates; A can be forgotten", async () => {
    const app = await start({ SECRET_KEY: keyB });
    expect(app.logs.join("\n")).not.toContain("re-wrapped");
    await validateAuthentication(app);
    // The invitation's secret, re-wrapped under B, opens: a service is made from it.
    const fromInvitation = await call(app, "POST", "/api/services", {
      customerId,
      shortName: "rotation-inv",
      licenseType: "hosted-pro",
      licensedUsers: 5,
      invitationId,
      m365: { cloud: "global" },
    });
    expect(fromInvitation.status, fromInvitation.text).toBe(201);
    await stop(app);
  });

  it("no log line of any run holds the secrets or the keys", () => {
    expect(logs.length).toBeGreaterThan(10);
    const text = logs.join("\n");
    for (const secretish of [keyA, keyB, valid.clientSecret, DIALOG_SECRET]) expect(text).not.toContain(secretish);
  });
});

describe.each(ENGINES)("an abandoned bot dialog under a lost key, on $name", (engine) => {
  it("is dropped with its secret at start-up, past BOT_DIALOG_TTL_HOURS, instead of stopping the start", async () => {
    const database = engine.setup(`dr-rotation-ttl-${engine.name}-`);
    const keyA = randomBytes(32).toString("base64");
    const keyB = randomBytes(32).toString("base64");
    const keysDir = mkdtempSync(join(tmpdir(), "dr-rotation-keys-"));
    const storeA = await createLocalSecretStore({ keyBase64: keyA, dataDir: keysDir });
    rmSync(keysDir, { recursive: true, force: true });
    const stale = { tenantId: "provider-tenant", userId: "operator-2", dialogId: randomUUID() };
    const fresh = { tenantId: "provider-tenant", userId: "operator-3", dialogId: randomUUID() };
    const dialog = (key: typeof stale, updatedAt: string) => ({
      key,
      step: "report",
      rev: 1,
      data: {
        operator: { userId: key.userId, aadObjectId: "oid", name: "Bob" },
        credentials: {
          tenantId: valid.tenantId,
          clientId: valid.clientId,
          cloud: "global",
          secretHint: "Dlg",
          sealedSecret: secretSealer(storeA).seal(DIALOG_SECRET, key.dialogId),
        },
      },
      updatedAt,
    });
    const env = { ...database.env, LOG_LEVEL: "info", BOT_DIALOG_TTL_HOURS: "24" };
    try {
      const first = await startTestApp({ ...env, SECRET_KEY: keyA }, database.appOptions);
      await first.bot.store.createDialog(dialog(stale, new Date(Date.now() - 25 * 3_600_000).toISOString()));
      await first.close();
      // Key A is gone, but only an abandoned dialog needed it: the server starts on B and the dialog is gone.
      const second = await startTestApp({ ...env, SECRET_KEY: keyB }, database.appOptions);
      expect(await second.bot.store.getDialog(stale)).toBeUndefined();
      await second.bot.store.createDialog(dialog(fresh, new Date().toISOString()));
      await second.close();
      // A dialog still within its time to live is kept, so its lost key still refuses the start.
      await expect(startTestApp({ ...env, SECRET_KEY: keyB }, database.appOptions)).rejects.toBeInstanceOf(
        UnknownSecretKeyError,
      );
    } finally {
      await database.cleanup();
    }
  });
});
