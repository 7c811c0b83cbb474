/**
 * The provisioning runs table (migration 0010) on the engines of api/test/engines.ts: a run written and read back
 * whole (JSON columns, the envelope and its key id), compare-and-set transitions with their conditions (status,
 * unused, sealed present, updated_at), one service per run, and a consumption that commits or rolls back with the
 * rest of its transaction.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ENGINES, type EngineDatabase } from "../../test/engines.js";
import type { SealedSecret } from "../secrets/secret-store.types.js";
import type { DatabaseHandle } from "./database.js";
import { createKyselyRepository } from "./kysely.repository.js";
import { createProvisioningRepository, type ProvisioningRecord } from "./provisioning.repository.js";

const sealed: SealedSecret = {
  v: 1,
  kekId: "local:0123456789abcdef",
  wrappedKey: "d2s=",
  wrapIv: "aXY=",
  wrapTag: "dGFn",
  ciphertext: "Y3Q=",
  iv: "aXY=",
  tag: "dGFn",
};

describe.each(ENGINES)("provisioning runs repository on $name", (engine) => {
  let database: EngineDatabase;
  let handle: DatabaseHandle;
  let customerId: string;

  beforeEach(async () => {
    database = engine.setup("dr-prov-repo-");
    handle = await database.open();
    customerId = randomUUID();
    await createKyselyRepository(handle.db, handle.engine).insertCustomer({
      id: customerId,
      name: "Contoso",
      contactEmail: null,
      note: null,
      createdAt: "2026-11-29T10:00:00.000Z",
      createdBy: "op",
    });
  });

  afterEach(async () => {
    await handle?.close();
    await database?.cleanup();
  });

  const run = (overrides: Partial<ProvisioningRecord> = {}): ProvisioningRecord => ({
    id: randomUUID(),
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
    status: "waiting_for_sign_in",
    userCode: "ABCD2345E",
    verificationUri: "https://microsoft.com/devicelogin",
    signInMessage: "To sign in…",
    expiresAt: "2026-11-29T10:15:00.000Z",
    tenantId: null,
    signedInAs: null,
    steps: [{ id: "sign_in", status: "running", message: "Waiting" }],
    created: [],
    result: null,
    problem: null,
    sealed: null,
    createdBy: "op",
    createdAt: "2026-11-29T10:00:00.000Z",
    updatedAt: "2026-11-29T10:00:00.000Z",
    usedByServiceId: null,
    usedAt: null,
    ...overrides,
  });

  it("writes and reads a run whole, and changes it only by compare-and-set", async () => {
    const store = createProvisioningRepository(handle.db, handle.engine);
    const record = run();
    await store.insert(record);
    expect(await store.get(record.id)).toEqual(record);
    expect(await store.get(randomUUID())).toBeUndefined();

    // From the wrong status: nothing changes.
    expect(await store.transition(record.id, ["running"], { status: "done" })).toBe(false);
    const created = [{ kind: "application" as const, id: "app-1", displayName: "Contoso DR" }];
    expect(
      await store.transition(record.id, ["waiting_for_sign_in"], {
        status: "running",
        tenantId: "tenant-1",
        signedInAs: "admin@contoso.example",
        created,
        sealed,
        updatedAt: "2026-11-29T10:01:00.000Z",
      }),
    ).toBe(true);
    const running = await store.get(record.id);
    expect(running).toMatchObject({ status: "running", tenantId: "tenant-1", created, sealed });
    const row = await handle.db
      .selectFrom("provisioning_runs")
      .select(["kek_id"])
      .where("id", "=", record.id)
      .executeTakeFirstOrThrow();
    expect(row.kek_id).toBe(sealed.kekId);

    // updated_at as a condition: a sweep that read an older row loses.
    expect(
      await store.transition(record.id, ["running"], { status: "failed" }, { updatedAt: "2026-11-29T10:00:00.000Z" }),
    ).toBe(false);
    expect(await store.transition(record.id, ["running"], { status: "done" })).toBe(true);
  });

  it("is used once: unused and sealed-present conditions, one service per run, and rollback with the transaction", async () => {
    const store = createProvisioningRepository(handle.db, handle.engine);
    const record = run({ status: "done", sealed });
    await store.insert(record);
    // A failing transaction leaves the run unused.
    await expect(
      store.transaction(async (_repo, tx) => {
        expect(
          await tx.transition(
            record.id,
            ["done"],
            { usedByServiceId: "service-1", sealed: null },
            { unused: true, sealedPresent: true },
          ),
        ).toBe(true);
        throw new Error("the service insert failed");
      }),
    ).rejects.toThrow("the service insert failed");
    expect(await store.get(record.id)).toMatchObject({ usedByServiceId: null, sealed });

    const use = () =>
      store.transition(
        record.id,
        ["done"],
        { usedByServiceId: "service-1", usedAt: "2026-11-29T11:00:00.000Z", sealed: null },
        { unused: true, sealedPresent: true },
      );
    expect(await use()).toBe(true);
    expect(await use()).toBe(false);
    expect((await store.getByServiceId("service-1"))?.id).toBe(record.id);
    expect(await store.get(record.id)).toMatchObject({ usedByServiceId: "service-1", sealed: null });
    const row = await handle.db
      .selectFrom("provisioning_runs")
      .select(["kek_id", "sealed"])
      .where("id", "=", record.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ kek_id: null, sealed: null });

    // The index: two runs cannot name one service.
    const other = run({ status: "done", sealed });
    await store.insert(other);
    await expect(
      handle.db
        .updateTable("provisioning_runs")
        .set({ used_by_service_id: "service-1" })
        .where("id", "=", other.id)
        .execute(),
    ).rejects.toThrow();
  });
});
