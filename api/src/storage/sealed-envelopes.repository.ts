/**
 * The stored envelopes as the key rotation sees them (api/src/secrets/key-rotation.ts), on SQLite and PostgreSQL:
 *
 * - `service_secrets.envelope`: JSON of one SealedSecret, associated data `service:<service_id>:v<sealed_at_version>`
 *   (serviceSecretAad in secrets/associated-data.ts); the `kek_id` column is kept equal to the envelope's.
 * - `invitations.envelope`: JSON of one SealedSecret (a completed invitation's), associated data `invitation:<id>`
 *   (invitationSecretAad); null before completion and after use, expiry or revocation; `kek_id` kept equal.
 * - `provisioning_runs.sealed`: JSON of one SealedSecret (the client secret a run added), associated data
 *   `provisioning:<id>` (provisioningSecretAad); null until the run added it and after use, cleanup or failure;
 *   `kek_id` kept equal.
 * - `bot_dialogs.data`: the dialog's JSON; every object in it with a string `kekId` is an envelope sealed with the
 *   associated data `bot-dialog:<dialog_id>` (botDialogAad, used by secretSealer in bot/bot.wiring.ts; today
 *   `credentials.sealedSecret`).
 *   Searching the whole document keeps this right if the dialog's shape changes.
 *
 * Key ids are read in SQL (the envelope's own `kekId`, the one `open` goes by), so counting never loads the records.
 * A batch runs in one transaction (on SQLite BEGIN IMMEDIATE, so another process waits instead of failing), walks the
 * primary key from a cursor, and writes each record only where it still holds exactly the text that was read. A
 * dialog's revision and update time are left alone: re-wrapping is not a click, so the operator's open card stays
 * current.
 */
import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import {
  botDialogAad,
  invitationSecretAad,
  provisioningSecretAad,
  serviceSecretAad,
} from "../secrets/associated-data.js";
import type {
  EnvelopeCursor,
  EnvelopePlace,
  KekCount,
  RewrapBatchResult,
  SealedEnvelopeStore,
} from "../secrets/key-rotation.js";
import type { SealedSecret } from "../secrets/secret-store.types.js";
import type { Database } from "./database.types.js";

/** The associated data of each envelope, as everything that seals and opens them uses it. */
export { botDialogAad, invitationSecretAad, provisioningSecretAad, serviceSecretAad };

type Rewrap = (sealed: SealedSecret, associatedData: string) => SealedSecret;

/** Creates the store over the server's database handle. */
export function createSealedEnvelopesRepository(
  db: Kysely<Database>,
  engine: "sqlite" | "postgres",
): SealedEnvelopeStore {
  const pg = engine === "postgres";

  /** The envelope's kekId when it is a string, else null (SQL over a text column holding one SealedSecret). */
  const kekOf = (column: "envelope" | "sealed"): RawBuilder<string | null> => {
    const c = sql.ref(column);
    return pg
      ? sql`case when jsonb_typeof(${c}::jsonb -> 'kekId') = 'string' then ${c}::jsonb ->> 'kekId' end`
      : sql`case when json_valid(${c}) then case when json_type(${c}, '$.kekId') = 'text' then json_extract(${c}, '$.kekId') end end`;
  };
  const serviceKek = kekOf("envelope");
  const runKek = kekOf("sealed");

  /** Runs `fn` in one write transaction. */
  async function inTransaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    if (pg) return db.transaction().execute((trx: Transaction<Database>) => fn(trx));
    return db.connection().execute(async (conn) => {
      // IMMEDIATE takes the write lock at once: a deferred transaction that read first could not write after
      // another process committed (SQLITE_BUSY_SNAPSHOT), while a waiting BEGIN IMMEDIATE just waits its turn.
      await sql`begin immediate`.execute(conn);
      try {
        const result = await fn(conn);
        await sql`commit`.execute(conn);
        return result;
      } catch (error) {
        await sql`rollback`.execute(conn);
        throw error;
      }
    });
  }

  async function countServices(): Promise<KekCount[]> {
    const rows = await db
      .selectFrom("service_secrets")
      .select([serviceKek.as("kek_id"), sql<number | string | bigint>`count(*)`.as("records")])
      .groupBy(sql`1`)
      .execute();
    return rows.map((r) => ({ place: "serviceSecrets" as const, kekId: r.kek_id, records: Number(r.records) }));
  }

  async function countInvitations(): Promise<KekCount[]> {
    const rows = await db
      .selectFrom("invitations")
      .select([serviceKek.as("kek_id"), sql<number | string | bigint>`count(*)`.as("records")])
      .where("envelope", "is not", null)
      .groupBy(sql`1`)
      .execute();
    return rows.map((r) => ({ place: "invitations" as const, kekId: r.kek_id, records: Number(r.records) }));
  }

  async function countRuns(): Promise<KekCount[]> {
    const rows = await db
      .selectFrom("provisioning_runs")
      .select([runKek.as("kek_id"), sql<number | string | bigint>`count(*)`.as("records")])
      .where("sealed", "is not", null)
      .groupBy(sql`1`)
      .execute();
    return rows.map((r) => ({ place: "provisioningRuns" as const, kekId: r.kek_id, records: Number(r.records) }));
  }

  async function countDialogs(): Promise<KekCount[]> {
    // One row per dialog and key id, whatever the number of envelopes the dialog holds under it.
    const perDialog = pg
      ? sql`select distinct d.tenant_id, d.user_id, d.dialog_id, p.v #>> '{}' as kek_id
            from bot_dialogs d
            cross join lateral jsonb_path_query(d.data::jsonb, 'strict $.**.kekId ? (@.type() == "string")', '{}', true) as p(v)`
      : sql`select distinct d.tenant_id, d.user_id, d.dialog_id, j.value as kek_id
            from bot_dialogs d, json_tree(case when json_valid(d.data) then d.data else '{}' end) j
            where j.key = 'kekId' and j.type = 'text'`;
    const result = await sql<{ kek_id: string; records: number | string | bigint }>`
      select kek_id, count(*) as records from (${perDialog}) as envelopes group by kek_id`.execute(db);
    return result.rows.map((r) => ({ place: "botDialogs" as const, kekId: r.kek_id, records: Number(r.records) }));
  }

  type RewrapOptions = {
    currentKekId: string;
    limit: number;
    after: EnvelopeCursor | undefined;
    rewrap: Rewrap;
  };

  /**
   * The batch loop of a table with one envelope column (service secrets, invitations): re-wraps each row read, and
   * writes it only where the row still holds the envelope that was read.
   */
  async function rewrapRows(
    place: EnvelopePlace,
    rows: readonly { id: string; envelope: string; aad: string }[],
    limit: number,
    write: (id: string, read: string, envelope: string, kekId: string) => Promise<boolean>,
    rewrap: Rewrap,
  ): Promise<RewrapBatchResult> {
    const result: RewrapBatchResult = { rewrapped: 0, skipped: 0, failed: [], next: undefined };
    for (const row of rows) {
      let envelope: string;
      let kekId: string;
      try {
        const sealed = rewrap(parseJson(row.envelope) as SealedSecret, row.aad);
        envelope = JSON.stringify(sealed);
        kekId = sealed.kekId;
      } catch (error) {
        result.failed.push({ place, id: row.id, reason: reasonOf(error) });
        continue;
      }
      if (await write(row.id, row.envelope, envelope, kekId)) result.rewrapped++;
      else result.skipped++;
    }
    const last = rows.at(-1);
    if (rows.length === limit && last) result.next = [last.id];
    return result;
  }

  async function rewrapServices(options: RewrapOptions): Promise<RewrapBatchResult> {
    return inTransaction(async (trx) => {
      let query = trx
        .selectFrom("service_secrets")
        .select(["service_id", "envelope", "sealed_at_version"])
        .where(sql<boolean>`${serviceKek} <> ${options.currentKekId}`)
        .orderBy("service_id")
        .limit(options.limit);
      const after = options.after?.[0];
      if (after !== undefined) query = query.where("service_id", ">", after);
      const rows = (await query.execute()).map((r) => ({
        id: r.service_id,
        envelope: r.envelope,
        aad: serviceSecretAad(r.service_id, Number(r.sealed_at_version)),
      }));
      return rewrapRows(
        "serviceSecrets",
        rows,
        options.limit,
        async (id, read, envelope, kekId) => {
          const written = await trx
            .updateTable("service_secrets")
            .set({ envelope, kek_id: kekId })
            .where("service_id", "=", id)
            .where("envelope", "=", read)
            .executeTakeFirst();
          return Number(written.numUpdatedRows) === 1;
        },
        options.rewrap,
      );
    });
  }

  async function rewrapInvitations(options: RewrapOptions): Promise<RewrapBatchResult> {
    return inTransaction(async (trx) => {
      let query = trx
        .selectFrom("invitations")
        .select(["id", "envelope"])
        .where("envelope", "is not", null)
        .where(sql<boolean>`${serviceKek} <> ${options.currentKekId}`)
        .orderBy("id")
        .limit(options.limit);
      const after = options.after?.[0];
      if (after !== undefined) query = query.where("id", ">", after);
      const rows = (await query.execute()).flatMap((r) =>
        r.envelope === null ? [] : [{ id: r.id, envelope: r.envelope, aad: invitationSecretAad(r.id) }],
      );
      // Only where the invitation still holds what was read (not used, revoked or expired meanwhile).
      return rewrapRows(
        "invitations",
        rows,
        options.limit,
        async (id, read, envelope, kekId) => {
          const written = await trx
            .updateTable("invitations")
            .set({ envelope, kek_id: kekId })
            .where("id", "=", id)
            .where("envelope", "=", read)
            .executeTakeFirst();
          return Number(written.numUpdatedRows) === 1;
        },
        options.rewrap,
      );
    });
  }

  async function rewrapRuns(options: RewrapOptions): Promise<RewrapBatchResult> {
    return inTransaction(async (trx) => {
      let query = trx
        .selectFrom("provisioning_runs")
        .select(["id", "sealed"])
        .where("sealed", "is not", null)
        .where(sql<boolean>`${runKek} <> ${options.currentKekId}`)
        .orderBy("id")
        .limit(options.limit);
      const after = options.after?.[0];
      if (after !== undefined) query = query.where("id", ">", after);
      const rows = (await query.execute()).flatMap((r) =>
        r.sealed === null ? [] : [{ id: r.id, envelope: r.sealed, aad: provisioningSecretAad(r.id) }],
      );
      // Only where the run still holds what was read (not used, cleaned up or failed meanwhile).
      return rewrapRows(
        "provisioningRuns",
        rows,
        options.limit,
        async (id, read, envelope, kekId) => {
          const written = await trx
            .updateTable("provisioning_runs")
            .set({ sealed: envelope, kek_id: kekId })
            .where("id", "=", id)
            .where("sealed", "=", read)
            .executeTakeFirst();
          return Number(written.numUpdatedRows) === 1;
        },
        options.rewrap,
      );
    });
  }

  async function rewrapDialogs(options: {
    currentKekId: string;
    limit: number;
    after: EnvelopeCursor | undefined;
    rewrap: Rewrap;
  }): Promise<RewrapBatchResult> {
    const current = options.currentKekId;
    const notCurrent = pg
      ? sql<boolean>`jsonb_path_exists(data::jsonb, 'strict $.**.kekId ? (@.type() == "string" && @ != $current)', jsonb_build_object('current', ${current}::text), true)`
      : sql<boolean>`exists (select 1 from json_tree(case when json_valid(data) then data else '{}' end) j
                            where j.key = 'kekId' and j.type = 'text' and j.value <> ${current})`;
    return inTransaction(async (trx) => {
      let query = trx
        .selectFrom("bot_dialogs")
        .select(["tenant_id", "user_id", "dialog_id", "rev", "data"])
        .where(notCurrent)
        .orderBy("tenant_id")
        .orderBy("user_id")
        .orderBy("dialog_id")
        .limit(options.limit);
      const [tenant, user, dialog] = options.after ?? [];
      if (tenant !== undefined && user !== undefined && dialog !== undefined) {
        query = query.where(sql<boolean>`(tenant_id, user_id, dialog_id) > (${tenant}, ${user}, ${dialog})`);
      }
      const rows = await query.execute();

      const result: RewrapBatchResult = { rewrapped: 0, skipped: 0, failed: [], next: undefined };
      for (const row of rows) {
        let data: string;
        try {
          const aad = botDialogAad(row.dialog_id);
          data = JSON.stringify(
            replaceEnvelopes(parseJson(row.data), current, (sealed) => options.rewrap(sealed, aad)),
          );
        } catch (error) {
          result.failed.push({ place: "botDialogs", id: row.dialog_id, reason: reasonOf(error) });
          continue;
        }
        const written = await trx
          .updateTable("bot_dialogs")
          .set({ data })
          .where("tenant_id", "=", row.tenant_id)
          .where("user_id", "=", row.user_id)
          .where("dialog_id", "=", row.dialog_id)
          .where("rev", "=", row.rev)
          .where("data", "=", row.data)
          .executeTakeFirst();
        if (Number(written.numUpdatedRows) === 1) result.rewrapped++;
        else result.skipped++;
      }
      const last = rows.at(-1);
      if (rows.length === options.limit && last) result.next = [last.tenant_id, last.user_id, last.dialog_id];
      return result;
    });
  }

  return {
    async countByKek() {
      return [
        ...(await countServices()),
        ...(await countDialogs()),
        ...(await countInvitations()),
        ...(await countRuns()),
      ];
    },
    rewrapBatch(place: EnvelopePlace, options) {
      if (place === "serviceSecrets") return rewrapServices(options);
      if (place === "invitations") return rewrapInvitations(options);
      if (place === "provisioningRuns") return rewrapRuns(options);
      return rewrapDialogs(options);
    },
  };
}

/**
 * A copy of a JSON value in which every object with a string `kekId` other than `currentKekId` (an envelope, as the
 * SQL above finds them) is replaced by `rewrap` of it. Throws what `rewrap` throws.
 */
export function replaceEnvelopes(
  value: unknown,
  currentKekId: string,
  rewrap: (sealed: SealedSecret) => SealedSecret,
): unknown {
  if (Array.isArray(value)) return value.map((item) => replaceEnvelopes(item, currentKekId, rewrap));
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (typeof record.kekId === "string") {
    return record.kekId === currentKekId ? record : rewrap(record as unknown as SealedSecret);
  }
  return Object.fromEntries(
    Object.entries(record).map(([key, item]) => [key, replaceEnvelopes(item, currentKekId, rewrap)]),
  );
}

/** JSON.parse, whose error would quote the text; this one says only that it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error("the record is not valid JSON");
  }
}

/** The error's message, which from the secret store and parseJson names a key id at most (never a secret). */
function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : "unreadable record";
}
