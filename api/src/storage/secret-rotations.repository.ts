/**
 * The rotation journal (`secret_rotations`, migration 0011) over Kysely, on SQLite and PostgreSQL. The rotation
 * feature (api/src/rotation/) uses it to rotate a service's secret once across server copies: `claim` inserts the
 * service's one active row before anything is written in Graph (a unique partial index refuses a second), every later
 * step renews the row's lease by compare-and-set, and a row whose lease lapsed (its copy died) is closed by the next
 * claim, which keeps the password it left behind as an orphan for that rotation to remove. KeyIds and hints only.
 */
import type { Kysely, Selectable } from "kysely";
import type { Database, SecretRotationsTable } from "./database.types.js";
import { createKyselyRepository } from "./kysely.repository.js";
import type { Repository } from "./repository.types.js";
import { uniqueViolation } from "./rows.js";

/** How a rotation ended: switched, refused or failed (old secret kept), nothing to do, or its copy died. */
export type RotationOutcome = "success" | "failed" | "not_permitted" | "skipped" | "abandoned";

/** A row of the journal. */
export interface SecretRotationRecord {
  id: string;
  serviceId: string;
  state: "active" | "done";
  /** While active: until when the copy that claimed it holds it. */
  leaseUntil: string;
  trigger: "manual" | "scheduled";
  actor: string;
  /** The keyId of the secret stored when the rotation began, when known. */
  oldKeyId: string | null;
  oldSecretHint: string;
  /** The new password's keyId, once Graph added it. */
  newKeyId: string | null;
  /** When the stored secret was switched to the new one; null before (and for a rotation that never switched). */
  switchedAt: string | null;
  /** A password this rotation left on the app, which the next rotation removes. */
  orphanKeyId: string | null;
  startedAt: string;
  finishedAt: string | null;
  outcome: RotationOutcome | null;
  code: string | null;
}

/** What a claim inserts. */
export type NewRotation = Pick<
  SecretRotationRecord,
  "id" | "serviceId" | "leaseUntil" | "trigger" | "actor" | "oldKeyId" | "oldSecretHint" | "startedAt"
>;

/** The answer of a claim. */
export type ClaimResult =
  | { claimed: true; abandoned?: SecretRotationRecord }
  | { claimed: false; holder?: SecretRotationRecord };

/** The journal as the rotation feature uses it. */
export interface SecretRotationStore {
  /**
   * Claims the service's rotation: inserts `row` as its one active row. Refused (`claimed: false`, with the holder
   * when it could be read) while another active row's lease runs at `at`. An active row whose lease lapsed is closed
   * first (`abandoned`, its leftover password kept as `orphanKeyId`) and answered as `abandoned`.
   */
  claim(row: NewRotation, at: string): Promise<ClaimResult>;
  /**
   * Extends the lease of an active row (compare-and-set), recording the new password's keyId when given. False when
   * the row is no longer active: its lease lapsed and another rotation closed it.
   */
  renew(id: string, leaseUntil: string, patch?: { newKeyId?: string }): Promise<boolean>;
  /** Records the switch to `newKeyId` on an active row (inside the switching transaction); false when not active. */
  markSwitched(id: string, at: string, newKeyId: string): Promise<boolean>;
  /** Closes an active row with its outcome (and a password it leaves behind); false when it was not active. */
  finish(
    id: string,
    end: { at: string; outcome: RotationOutcome; code?: string; orphanKeyId?: string | null },
  ): Promise<boolean>;
  /** The passwords earlier rotations of the service left on the app, each with the row that holds it. */
  listOrphans(serviceId: string): Promise<{ id: string; keyId: string }[]>;
  /** Forgets an orphan once removed (or found gone). */
  clearOrphan(id: string, keyId: string): Promise<void>;
  /** When the service's secret was last switched by a rotation. */
  lastRotatedAt(serviceId: string): Promise<string | undefined>;
  /** The rows of one service (or all), newest first: for operators and tests. */
  list(serviceId?: string): Promise<SecretRotationRecord[]>;
  /** Runs `fn` in one transaction with the onboarding repository and this store both bound to it (the switch). */
  transaction<T>(fn: (repo: Repository, rotations: SecretRotationStore) => Promise<T>): Promise<T>;
}

/** Creates the store over `db` (the server's database or a transaction). */
export function createSecretRotationsRepository(
  db: Kysely<Database>,
  engine: "sqlite" | "postgres",
): SecretRotationStore {
  const store: SecretRotationStore = {
    async claim(row, at) {
      const run = async (tx: Kysely<Database>): Promise<ClaimResult> => {
        let query = tx
          .selectFrom("secret_rotations")
          .selectAll()
          .where("service_id", "=", row.serviceId)
          .where("state", "=", "active");
        if (engine === "postgres") query = query.forUpdate();
        const active = await query.executeTakeFirst();
        let abandoned: SecretRotationRecord | undefined;
        if (active) {
          if (active.lease_until > at) return { claimed: false, holder: toRecord(active) };
          // Its copy died mid-way. What it left on the app: the new password when it never switched, else the old
          // one, whose removal was the step after the switch.
          const orphan = active.switched_at === null ? active.new_key_id : active.old_key_id;
          const closed = await tx
            .updateTable("secret_rotations")
            .set({
              state: "done",
              finished_at: at,
              outcome: "abandoned",
              code: "lease_expired",
              orphan_key_id: orphan,
            })
            .where("id", "=", active.id)
            .where("state", "=", "active")
            .executeTakeFirst();
          if (Number(closed.numUpdatedRows) !== 1) return { claimed: false };
          abandoned = {
            ...toRecord(active),
            state: "done",
            finishedAt: at,
            outcome: "abandoned",
            code: "lease_expired",
            orphanKeyId: orphan,
          };
        }
        await tx
          .insertInto("secret_rotations")
          .values({
            id: row.id,
            service_id: row.serviceId,
            state: "active",
            lease_until: row.leaseUntil,
            trigger: row.trigger,
            actor: row.actor,
            old_key_id: row.oldKeyId,
            old_secret_hint: row.oldSecretHint,
            new_key_id: null,
            switched_at: null,
            orphan_key_id: null,
            started_at: row.startedAt,
            finished_at: null,
            outcome: null,
            code: null,
          })
          .execute();
        return abandoned ? { claimed: true, abandoned } : { claimed: true };
      };
      try {
        return db.isTransaction ? await run(db) : await db.transaction().execute(run);
      } catch (error) {
        // Another claim inserted its active row first (the unique partial index): that one holds the rotation.
        if (uniqueViolation(error) !== undefined) return { claimed: false };
        throw error;
      }
    },

    async renew(id, leaseUntil, patch = {}) {
      const result = await db
        .updateTable("secret_rotations")
        .set({ lease_until: leaseUntil, ...(patch.newKeyId !== undefined ? { new_key_id: patch.newKeyId } : {}) })
        .where("id", "=", id)
        .where("state", "=", "active")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async markSwitched(id, at, newKeyId) {
      const result = await db
        .updateTable("secret_rotations")
        .set({ switched_at: at, new_key_id: newKeyId })
        .where("id", "=", id)
        .where("state", "=", "active")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async finish(id, end) {
      const result = await db
        .updateTable("secret_rotations")
        .set({
          state: "done",
          finished_at: end.at,
          outcome: end.outcome,
          code: end.code ?? null,
          orphan_key_id: end.orphanKeyId ?? null,
        })
        .where("id", "=", id)
        .where("state", "=", "active")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async listOrphans(serviceId) {
      const rows = await db
        .selectFrom("secret_rotations")
        .select(["id", "orphan_key_id"])
        .where("service_id", "=", serviceId)
        .where("orphan_key_id", "is not", null)
        .orderBy("started_at")
        .execute();
      return rows.flatMap((r) => (r.orphan_key_id ? [{ id: r.id, keyId: r.orphan_key_id }] : []));
    },

    async clearOrphan(id, keyId) {
      await db
        .updateTable("secret_rotations")
        .set({ orphan_key_id: null })
        .where("id", "=", id)
        .where("orphan_key_id", "=", keyId)
        .execute();
    },

    async lastRotatedAt(serviceId) {
      const row = await db
        .selectFrom("secret_rotations")
        .select("switched_at")
        .where("service_id", "=", serviceId)
        .where("switched_at", "is not", null)
        .orderBy("switched_at", "desc")
        .limit(1)
        .executeTakeFirst();
      return row?.switched_at ?? undefined;
    },

    async list(serviceId) {
      let query = db.selectFrom("secret_rotations").selectAll().orderBy("started_at", "desc").orderBy("id");
      if (serviceId !== undefined) query = query.where("service_id", "=", serviceId);
      return (await query.execute()).map(toRecord);
    },

    async transaction(fn) {
      if (db.isTransaction) return fn(createKyselyRepository(db, engine), store);
      return db
        .transaction()
        .execute((trx) => fn(createKyselyRepository(trx, engine), createSecretRotationsRepository(trx, engine)));
    },
  };
  return store;
}

function toRecord(row: Selectable<SecretRotationsTable>): SecretRotationRecord {
  return {
    id: row.id,
    serviceId: row.service_id,
    state: row.state === "active" ? "active" : "done",
    leaseUntil: row.lease_until,
    trigger: row.trigger === "scheduled" ? "scheduled" : "manual",
    actor: row.actor,
    oldKeyId: row.old_key_id,
    oldSecretHint: row.old_secret_hint,
    newKeyId: row.new_key_id,
    switchedAt: row.switched_at,
    orphanKeyId: row.orphan_key_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome as RotationOutcome | null,
    code: row.code,
  };
}
