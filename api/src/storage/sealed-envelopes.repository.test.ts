/**
 * The key rotation's storage side and the start-up step over it (reconcileSecretKeys), on the engines of
 * api/test/engines.ts (SQLite always, PostgreSQL when TEST_DATABASE_URL is set); each test gets a fresh database
 * (directory or schema). Envelopes are written and read back through the product's own repositories, with the
 * associated data the product uses (serviceSecretAad, botDialogAad; that the bot's sealer uses botDialogAad is
 * checked in api/src/bot/bot.wiring.test.ts, and end to end in api/test/key-rotation.e2e.test.ts). On PostgreSQL two
 * handles stand for two server copies starting at once.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ENGINES, type EngineDatabase } from "../../test/engines.js";
import { reconcileSecretKeys, UnknownSecretKeyError } from "../secrets/key-rotation.js";
import { createLocalSecretStore } from "../secrets/local-secret-store.js";
import type { SealedSecret, SecretStore } from "../secrets/secret-store.types.js";
import { createBotStateRepository } from "./bot-state.repository.js";
import type { DatabaseHandle } from "./database.js";
import { createKyselyRepository } from "./kysely.repository.js";
import { createProvisioningRepository } from "./provisioning.repository.js";
import {
  botDialogAad,
  createSealedEnvelopesRepository,
  provisioningSecretAad,
  replaceEnvelopes,
  serviceSecretAad,
} from "./sealed-envelopes.repository.js";

const SECRET = "Qx8~rotation.secret_0123456789abcdefABCD";
const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("base64");
const keyC = randomBytes(32).toString("base64");

function quietLog() {
  const lines: { level: "info" | "warn"; o: object; m: string }[] = [];
  return {
    lines,
    text: () => JSON.stringify(lines),
    info: (o: object, m?: string) => lines.push({ level: "info", o, m: m ?? "" }),
    warn: (o: object, m?: string) => lines.push({ level: "warn", o, m: m ?? "" }),
  };
}

describe.each(ENGINES)("sealed envelopes on $name", (engine) => {
  const handles: DatabaseHandle[] = [];
  let database: EngineDatabase;
  let dataDir: string;
  let storeA: SecretStore;
  let storeB: SecretStore;
  let storeBA: SecretStore;

  async function open(): Promise<DatabaseHandle> {
    const handle = await database.open();
    handles.push(handle);
    return handle;
  }

  beforeEach(async () => {
    database = engine.setup("dr-envelopes-");
    dataDir = database.dataDir;
    storeA = await createLocalSecretStore({ keyBase64: keyA, dataDir });
    storeB = await createLocalSecretStore({ keyBase64: keyB, dataDir });
    storeBA = await createLocalSecretStore({ keyBase64: keyB, previousKeysBase64: [keyA], dataDir });
  });

  afterEach(async () => {
    for (const handle of handles.splice(0)) await handle.close();
    await database.cleanup();
  });

  /** A customer and a service (raw rows: this suite is about the secret), with its secret sealed by `store`. */
  async function addService(h: DatabaseHandle, store: SecretStore, version = 1): Promise<string> {
    const customerId = randomUUID();
    const id = randomUUID();
    const at = "2025-01-01T00:00:00.000Z";
    await sql`insert into customers (id, name, created_at, created_by) values (${customerId}, 'Contoso', ${at}, 'op')`.execute(
      h.db,
    );
    await sql`insert into services (id, customer_id, short_name, short_name_norm, license_type, licensed_users,
        created_at, created_by, updated_at, version, m365_cloud, m365_tenant_id, m365_tenant_domains, m365_client_id,
        m365_secret_hint, m365_user_name)
      values (${id}, ${customerId}, ${`s${id.slice(0, 8)}`}, ${`s${id.slice(0, 8)}`}, 'hosted-pro', 10, ${at}, 'op',
        ${at}, ${version}, 'global', 'tenant', '[]', 'client', 'abc', 'op')`.execute(h.db);
    await createKyselyRepository(h.db, h.engine).putServiceSecret({
      serviceId: id,
      sealed: store.seal(SECRET, serviceSecretAad(id, version)),
      sealedAtVersion: version,
    });
    return id;
  }

  async function openService(h: DatabaseHandle, store: SecretStore, id: string): Promise<string> {
    const stored = await createKyselyRepository(h.db, h.engine).getServiceSecret(id);
    if (!stored) throw new Error("no secret");
    return store.open(stored.sealed, serviceSecretAad(id, stored.sealedAtVersion));
  }

  async function envelopeRow(h: DatabaseHandle, id: string): Promise<{ kek_id: string; envelope: string }> {
    const row = await h.db
      .selectFrom("service_secrets")
      .select(["kek_id", "envelope"])
      .where("service_id", "=", id)
      .executeTakeFirstOrThrow();
    return row;
  }

  const dialogKey = (n: number, tenantId = "tenant-1") => ({ tenantId, userId: `user-${n % 3}`, dialogId: `d-${n}` });

  /**
   * A bot dialog at the credentials step holding a secret sealed over `store` as the bot's sealer seals it (with
   * botDialogAad; api/src/bot/bot.wiring.test.ts checks that the sealer uses that associated data).
   */
  async function addDialog(h: DatabaseHandle, store: SecretStore | undefined, key = dialogKey(0)): Promise<void> {
    await createBotStateRepository(h.db).createDialog({
      key,
      step: store ? "report" : "details",
      rev: 4,
      data: {
        operator: { userId: key.userId, aadObjectId: "oid", name: "Op" },
        ...(store
          ? {
              credentials: {
                tenantId: "tenant",
                clientId: "client",
                cloud: "global",
                secretHint: "abc",
                sealedSecret: store.seal(SECRET, botDialogAad(key.dialogId)),
              },
            }
          : {}),
      },
      updatedAt: "2025-02-03T04:05:06.000Z",
    });
  }

  /** Opens a dialog's sealed secret as the bot's sealer does. */
  const openDialogSecret = (store: SecretStore, sealed: unknown, dialogId: string) =>
    store.open(sealed as SealedSecret, botDialogAad(dialogId));

  async function dialog(h: DatabaseHandle, key = dialogKey(0)) {
    const record = await createBotStateRepository(h.db).getDialog<{ credentials?: { sealedSecret: unknown } }>(key);
    if (!record) throw new Error("no dialog");
    return record;
  }

  it("counts records per key id in the database, dialogs without a secret not at all", async () => {
    const h = await open();
    const repo = createSealedEnvelopesRepository(h.db, h.engine);
    expect(await repo.countByKek()).toEqual([]);
    await addService(h, storeA);
    await addService(h, storeA);
    await addService(h, storeB);
    await addDialog(h, storeA, dialogKey(1));
    await addDialog(h, undefined, dialogKey(2));
    // An envelope without a key id is counted as such (null), not skipped.
    const damaged = await addService(h, storeB);
    await h.db
      .updateTable("service_secrets")
      .set({ envelope: JSON.stringify({ v: 1 }) })
      .where("service_id", "=", damaged)
      .execute();
    const sort = (a: { kekId: string | null }, b: { kekId: string | null }) =>
      String(a.kekId).localeCompare(String(b.kekId));
    expect((await repo.countByKek()).sort(sort)).toEqual(
      [
        { place: "serviceSecrets", kekId: storeA.currentKekId, records: 2 },
        { place: "serviceSecrets", kekId: storeB.currentKekId, records: 1 },
        { place: "serviceSecrets", kekId: null, records: 1 },
        { place: "botDialogs", kekId: storeA.currentKekId, records: 1 },
      ].sort(sort),
    );
  });

  it("refuses start-up when a key id is unknown, naming it and SECRET_KEY_PREVIOUS, and changes nothing", async () => {
    const h = await open();
    const service = await addService(h, storeA);
    await addDialog(h, storeA);
    const storeC = await createLocalSecretStore({ keyBase64: keyC, dataDir });
    await addDialog(h, storeC, dialogKey(7));
    const before = await envelopeRow(h, service);
    const log = quietLog();
    const error = await reconcileSecretKeys({
      secrets: storeB,
      envelopes: createSealedEnvelopesRepository(h.db, h.engine),
      log,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownSecretKeyError);
    const message = (error as Error).message;
    expect(message).toContain(`${storeA.currentKekId}: 1 service secret, 1 bot dialog`);
    expect(message).toContain(`${storeC.currentKekId}: 1 bot dialog`);
    expect(message).toContain("SECRET_KEY_PREVIOUS");
    expect(message).toContain(`${storeB.currentKekId} (SECRET_KEY)`);
    expect((error as UnknownSecretKeyError).missingKekIds).toEqual(
      expect.arrayContaining([storeA.currentKekId, storeC.currentKekId]),
    );
    for (const secretish of [SECRET, keyA, keyB, keyC]) expect(message).not.toContain(secretish);
    expect(await envelopeRow(h, service)).toEqual(before);
    expect(log.lines).toEqual([]);
  });

  it("re-wraps every envelope under a previous key in batches; the new key alone then opens them all", async () => {
    const h = await open();
    const services = [];
    for (let i = 0; i < 7; i++) services.push(await addService(h, storeA, 1 + (i % 3)));
    const fresh = await addService(h, storeB);
    const keys = [0, 1, 2, 3, 4].map((n) => dialogKey(n, n % 2 ? "tenant-2" : "tenant-1"));
    for (const key of keys) await addDialog(h, storeA, key);
    await addDialog(h, undefined, dialogKey(9));
    const before = new Map(await Promise.all(services.map(async (id) => [id, await envelopeRow(h, id)] as const)));
    const freshBefore = await envelopeRow(h, fresh);
    const dialogsBefore = await Promise.all(keys.map((key) => dialog(h, key)));

    const log = quietLog();
    const summary = await reconcileSecretKeys({
      secrets: storeBA,
      envelopes: createSealedEnvelopesRepository(h.db, h.engine),
      log,
      batchSize: 2,
    });
    expect(summary).toEqual({
      rewrapped: { serviceSecrets: 7, botDialogs: 5, invitations: 0, provisioningRuns: 0 },
      skipped: 0,
      failed: 0,
      remaining: 0,
    });
    expect(log.lines.map((l) => l.m)).toEqual([
      "re-wrapped 12 secret envelopes under the current SECRET_KEY",
      "every secret is sealed under the current SECRET_KEY: SECRET_KEY_PREVIOUS can be removed",
    ]);
    expect(log.lines[0]?.o).toMatchObject({
      serviceSecrets: 7,
      botDialogs: 5,
      fromKekIds: [storeA.currentKekId],
      kekId: storeB.currentKekId,
    });
    for (const secretish of [SECRET, keyA, keyB]) expect(log.text()).not.toContain(secretish);

    for (const id of services) {
      const row = await envelopeRow(h, id);
      const sealed = JSON.parse(row.envelope) as SealedSecret;
      const old = JSON.parse(before.get(id)?.envelope ?? "") as SealedSecret;
      expect(row.kek_id).toBe(storeB.currentKekId);
      expect(sealed.kekId).toBe(storeB.currentKekId);
      // Only the data key's wrapping changed.
      expect([sealed.ciphertext, sealed.iv, sealed.tag]).toEqual([old.ciphertext, old.iv, old.tag]);
      expect(await openService(h, storeB, id)).toBe(SECRET);
    }
    expect(await envelopeRow(h, fresh)).toEqual(freshBefore);
    for (const [i, key] of keys.entries()) {
      const record = await dialog(h, key);
      // Not a click: revision, step and time stay, so the operator's open card is still current.
      expect({ rev: record.rev, step: record.step, updatedAt: record.updatedAt }).toEqual({
        rev: dialogsBefore[i]?.rev,
        step: dialogsBefore[i]?.step,
        updatedAt: dialogsBefore[i]?.updatedAt,
      });
      expect(openDialogSecret(storeB, record.data.credentials?.sealedSecret, key.dialogId)).toBe(SECRET);
      const { credentials: _now, ...restNow } = record.data;
      const { credentials: _then, ...restThen } = dialogsBefore[i]?.data ?? {};
      expect(restNow).toEqual(restThen);
    }

    // Idempotent: a second start-up (or a second copy coming late) finds nothing to do.
    const again = quietLog();
    const second = await reconcileSecretKeys({
      secrets: storeBA,
      envelopes: createSealedEnvelopesRepository(h.db, h.engine),
      log: again,
    });
    expect(second.rewrapped).toEqual({ serviceSecrets: 0, botDialogs: 0, invitations: 0, provisioningRuns: 0 });
    expect(again.lines.map((l) => l.m)).toEqual([
      "no secret is sealed under a SECRET_KEY_PREVIOUS key: SECRET_KEY_PREVIOUS can be removed",
    ]);
    // And with the new key alone, start-up passes the check.
    const alone = quietLog();
    await reconcileSecretKeys({
      secrets: storeB,
      envelopes: createSealedEnvelopesRepository(h.db, h.engine),
      log: alone,
    });
    expect(alone.lines).toEqual([]);
  });

  it("leaves a damaged envelope as it is, names it, and says to keep SECRET_KEY_PREVIOUS", async () => {
    const h = await open();
    const good = await addService(h, storeA);
    const bad = await addService(h, storeA);
    const row = await envelopeRow(h, bad);
    const tampered = JSON.parse(row.envelope) as SealedSecret;
    tampered.wrapTag = Buffer.alloc(16).toString("base64");
    await h.db
      .updateTable("service_secrets")
      .set({ envelope: JSON.stringify(tampered) })
      .where("service_id", "=", bad)
      .execute();
    const log = quietLog();
    const summary = await reconcileSecretKeys({
      secrets: storeBA,
      envelopes: createSealedEnvelopesRepository(h.db, h.engine),
      log,
    });
    expect(summary).toEqual({
      rewrapped: { serviceSecrets: 1, botDialogs: 0, invitations: 0, provisioningRuns: 0 },
      skipped: 0,
      failed: 1,
      remaining: 1,
    });
    expect(await openService(h, storeB, good)).toBe(SECRET);
    expect(JSON.parse((await envelopeRow(h, bad)).envelope)).toEqual(tampered);
    const warnings = log.lines.filter((l) => l.level === "warn");
    expect(warnings[0]).toMatchObject({ o: { place: "serviceSecrets", id: bad }, m: "secret envelope not re-wrapped" });
    expect(warnings[1]?.m).toMatch(/keep SECRET_KEY_PREVIOUS/);
  });

  it("counts and re-wraps a provisioning run's sealed secret (provisioningSecretAad), not one that was dropped", async () => {
    const h = await open();
    const customerId = randomUUID();
    const at = "2025-01-01T00:00:00.000Z";
    await sql`insert into customers (id, name, created_at, created_by) values (${customerId}, 'Contoso', ${at}, 'op')`.execute(
      h.db,
    );
    const runs = createProvisioningRepository(h.db, h.engine);
    const addRun = async (store: SecretStore | undefined) => {
      const id = randomUUID();
      await runs.insert({
        id,
        origin: "operator",
        customerId,
        invitationId: null,
        cloud: "global",
        appName: "Contoso DR",
        options: {
          assignTeamsAdministrator: true,
          allowSelfRotation: true,
          secretLifetimeDays: 180,
          reuseExistingApp: false,
        },
        status: store ? "done" : "failed",
        userCode: null,
        verificationUri: null,
        signInMessage: null,
        expiresAt: at,
        tenantId: "tenant",
        signedInAs: null,
        steps: [],
        created: [],
        result: null,
        problem: null,
        sealed: store ? store.seal(SECRET, provisioningSecretAad(id)) : null,
        createdBy: "op",
        createdAt: at,
        updatedAt: at,
        usedByServiceId: null,
        usedAt: null,
      });
      return id;
    };
    const sealedRun = await addRun(storeA);
    const dropped = await addRun(undefined);
    const repo = createSealedEnvelopesRepository(h.db, h.engine);
    expect(await repo.countByKek()).toEqual([{ place: "provisioningRuns", kekId: storeA.currentKekId, records: 1 }]);
    // Under a key the server lacks: start-up refuses, naming the run.
    const refused = await reconcileSecretKeys({ secrets: storeB, envelopes: repo, log: quietLog() }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(UnknownSecretKeyError);
    expect((refused as Error).message).toContain(`${storeA.currentKekId}: 1 provisioning run`);

    const summary = await reconcileSecretKeys({ secrets: storeBA, envelopes: repo, log: quietLog() });
    expect(summary).toEqual({
      rewrapped: { serviceSecrets: 0, botDialogs: 0, invitations: 0, provisioningRuns: 1 },
      skipped: 0,
      failed: 0,
      remaining: 0,
    });
    const after = await runs.get(sealedRun);
    expect(after?.sealed?.kekId).toBe(storeB.currentKekId);
    expect(storeB.open(after?.sealed as SealedSecret, provisioningSecretAad(sealedRun))).toBe(SECRET);
    const row = await h.db
      .selectFrom("provisioning_runs")
      .select(["kek_id"])
      .where("id", "=", sealedRun)
      .executeTakeFirstOrThrow();
    expect(row.kek_id).toBe(storeB.currentKekId);
    expect((await runs.get(dropped))?.sealed).toBeNull();
  });

  if (engine.name === "postgres")
    it("does not overwrite a secret replaced while the batch waits for it (conditional write)", async () => {
      const h = await open();
      const other = await open();
      const ids = [await addService(h, storeA), await addService(h, storeA), await addService(h, storeA)];
      const target = [...ids].sort()[1] as string;
      // Another copy replaces the target's secret in a transaction that is still open while the re-wrap runs.
      const replaced = storeB.seal("a-new-secret", serviceSecretAad(target, 2));
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked: () => void = () => {};
      const isLocked = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const replacement = other.db.transaction().execute(async (trx) => {
        await trx
          .updateTable("service_secrets")
          .set({ envelope: JSON.stringify(replaced), kek_id: replaced.kekId, sealed_at_version: 2 })
          .where("service_id", "=", target)
          .execute();
        locked();
        await held;
      });
      await isLocked;
      const run = reconcileSecretKeys({
        secrets: storeBA,
        envelopes: createSealedEnvelopesRepository(h.db, h.engine),
        log: quietLog(),
      });
      await new Promise((resolve) => setTimeout(resolve, 300)); // the batch now waits on the target's row lock
      release();
      await replacement;
      const summary = await run;
      expect(summary).toMatchObject({ rewrapped: { serviceSecrets: 2 }, skipped: 1, failed: 0, remaining: 0 });
      expect(await openService(h, storeB, target)).toBe("a-new-secret");
      for (const id of ids.filter((i) => i !== target)) expect(await openService(h, storeB, id)).toBe(SECRET);
    });

  if (engine.name === "postgres")
    it("two copies starting at once re-wrap each envelope exactly once", async () => {
      const h = await open();
      const other = await open();
      const ids = [];
      for (let i = 0; i < 25; i++) ids.push(await addService(h, storeA));
      for (let n = 0; n < 9; n++) await addDialog(h, storeA, dialogKey(n, `tenant-${n % 4}`));
      const [one, two] = await Promise.all(
        [h, other].map((handle) =>
          reconcileSecretKeys({
            secrets: storeBA,
            envelopes: createSealedEnvelopesRepository(handle.db, handle.engine),
            log: quietLog(),
            batchSize: 4,
          }),
        ),
      );
      if (!one || !two) throw new Error("missing summary");
      expect(one.rewrapped.serviceSecrets + two.rewrapped.serviceSecrets).toBe(25);
      expect(one.rewrapped.botDialogs + two.rewrapped.botDialogs).toBe(9);
      expect(one.failed + two.failed).toBe(0);
      for (const id of ids) expect(await openService(h, storeB, id)).toBe(SECRET);
      for (let n = 0; n < 9; n++) {
        const key = dialogKey(n, `tenant-${n % 4}`);
        expect(openDialogSecret(storeB, (await dialog(h, key)).data.credentials?.sealedSecret, key.dialogId)).toBe(
          SECRET,
        );
      }
    });
});

describe("replaceEnvelopes", () => {
  it("replaces every object with a kekId other than the current one, anywhere in the document", () => {
    const rewrap = (sealed: SealedSecret) => ({ ...sealed, kekId: "new" });
    const doc = {
      a: 1,
      credentials: { sealedSecret: { v: 1, kekId: "old", wrappedKey: "x" } },
      list: [{ kekId: "old" }, { kekId: "new", keep: true }, 3, null, "kekId"],
    };
    expect(replaceEnvelopes(doc, "new", rewrap)).toEqual({
      a: 1,
      credentials: { sealedSecret: { v: 1, kekId: "new", wrappedKey: "x" } },
      list: [{ kekId: "new" }, { kekId: "new", keep: true }, 3, null, "kekId"],
    });
    expect(doc.credentials.sealedSecret.kekId).toBe("old");
  });

  it("uses the bot's associated data for dialogs and the onboarding service's for services", () => {
    expect(botDialogAad("d-1")).toBe("bot-dialog:d-1");
    expect(serviceSecretAad("s-1", 3)).toBe("service:s-1:v3");
  });
});
