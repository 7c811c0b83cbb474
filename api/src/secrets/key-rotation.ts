/**
 * The start-up step of a SECRET_KEY rotation, run once after the database is migrated and before the server
 * listens:
 *
 * 1. Every key id under which storage holds an envelope (service secrets, bot dialogs, completed invitations and
 *    provisioning runs holding the secret they made) must be one this server
 *    has (SECRET_KEY or SECRET_KEY_PREVIOUS). Otherwise start-up refuses with {@link UnknownSecretKeyError}, naming
 *    the missing key ids and the variables to set, instead of answering 500 at the first Validate Authentication.
 * 2. Envelopes under a previous key are re-wrapped under the current key in batches (one transaction each): only
 *    the data key is unwrapped and wrapped again, the encrypted secret stays, and no plaintext is ever produced.
 *    Writes are conditional on the row still holding the envelope that was read, so several server copies starting
 *    at once neither clobber each other nor a concurrent secret replacement; an envelope already under the current
 *    key is never touched, so running the step again does nothing.
 * 3. The counts are logged (key ids and record ids only, never a secret or a key), and whether SECRET_KEY_PREVIOUS
 *    can now be removed.
 *
 * Storage is reached through {@link SealedEnvelopeStore} (api/src/storage/sealed-envelopes.repository.ts).
 */
import { ConfigError } from "../config.js";
import type { SealedSecret, SecretStore } from "./secret-store.types.js";

/** Where envelopes are stored. */
export type EnvelopePlace = "serviceSecrets" | "botDialogs" | "invitations" | "provisioningRuns";

/** How many records of one place hold an envelope under one key id (`null`: an envelope without a key id). */
export interface KekCount {
  place: EnvelopePlace;
  kekId: string | null;
  records: number;
}

/** Opaque position after the last record of a batch (its primary key). */
export type EnvelopeCursor = readonly string[];

/** What one batch did. */
export interface RewrapBatchResult {
  /** Records written under the current key. */
  rewrapped: number;
  /** Records changed by someone else between the read and the write (another server copy, a new secret). */
  skipped: number;
  /** Records whose envelope could not be re-wrapped (damaged, or under a key this server lacks); left unchanged. */
  failed: { place: EnvelopePlace; id: string; reason: string }[];
  /** Where the next batch starts; undefined when this batch reached the end. */
  next: EnvelopeCursor | undefined;
}

/** The storage side of the rotation. */
export interface SealedEnvelopeStore {
  /** Records per place and key id, counted in the database. */
  countByKek(): Promise<KekCount[]>;
  /**
   * In one transaction: reads up to `limit` records of `place` after `after` (primary-key order) holding an envelope
   * not under `currentKekId`, re-wraps each with `rewrap` (the store supplies the record's associated data) and
   * writes it back only where the record still holds what was read.
   */
  rewrapBatch(
    place: EnvelopePlace,
    options: {
      currentKekId: string;
      limit: number;
      after: EnvelopeCursor | undefined;
      rewrap: (sealed: SealedSecret, associatedData: string) => SealedSecret;
    },
  ): Promise<RewrapBatchResult>;
}

/** Options of {@link reconcileSecretKeys}. */
export interface ReconcileSecretKeysOptions {
  secrets: SecretStore;
  envelopes: SealedEnvelopeStore;
  log: { info(o: object, m?: string): void; warn(o: object, m?: string): void };
  /** Records per transaction; default 200. */
  batchSize?: number;
}

/** What {@link reconcileSecretKeys} did. */
export interface ReconcileSummary {
  rewrapped: Record<EnvelopePlace, number>;
  skipped: number;
  failed: number;
  /** Records still under a previous key afterwards (failed ones, or rows an older copy wrote meanwhile). */
  remaining: number;
}

const PLACES: readonly EnvelopePlace[] = ["serviceSecrets", "botDialogs", "invitations", "provisioningRuns"];
const NOUNS: Record<EnvelopePlace, [string, string]> = {
  serviceSecrets: ["service secret", "service secrets"],
  botDialogs: ["bot dialog", "bot dialogs"],
  invitations: ["invitation", "invitations"],
  provisioningRuns: ["provisioning run", "provisioning runs"],
};
/** A key id we repeat in a message; anything else came from a damaged record (as in local-secret-store.ts). */
const PRINTABLE_KEK_ID = /^[A-Za-z0-9:._-]{1,64}$/;
/** At most this many failed records are named in the log, so a bad table cannot flood it. */
const MAX_FAILURES_LOGGED = 20;

/**
 * Start-up refuses: storage holds envelopes under key ids this server was not given. A {@link ConfigError}, because
 * the remedy is the configuration (SECRET_KEY_PREVIOUS, or SECRET_KEY), and main.ts prints those and exits 1.
 */
export class UnknownSecretKeyError extends ConfigError {
  constructor(
    /** The key ids storage needs and this server lacks. */
    readonly missingKekIds: readonly string[],
    message: string,
  ) {
    super(message);
  }
}

/** Checks that every stored envelope can be opened, then re-wraps those under previous keys (module comment). */
export async function reconcileSecretKeys(options: ReconcileSecretKeysOptions): Promise<ReconcileSummary> {
  const { secrets, envelopes, log } = options;
  const batchSize = options.batchSize ?? 200;
  const current = secrets.currentKekId;
  const known = new Set(secrets.kekIds);
  const previous = secrets.kekIds.filter((id) => id !== current);

  const counts = await envelopes.countByKek();
  const unknown = counts.filter((c): c is KekCount & { kekId: string } => c.kekId !== null && !known.has(c.kekId));
  if (unknown.length > 0) throw unknownKeyError(unknown, current, previous);

  const damaged = counts.filter((c) => c.kekId === null && c.records > 0);
  for (const c of damaged) {
    log.warn({ place: c.place, records: c.records }, "secret envelopes without a key id (damaged): no key opens them");
  }

  const pending = counts.filter((c) => c.kekId !== null && c.kekId !== current && c.records > 0);
  const summary: ReconcileSummary = {
    rewrapped: { serviceSecrets: 0, botDialogs: 0, invitations: 0, provisioningRuns: 0 },
    skipped: 0,
    failed: 0,
    remaining: 0,
  };
  if (pending.length === 0) {
    if (previous.length > 0) {
      log.info(
        { previousKekIds: previous, kekId: current },
        "no secret is sealed under a SECRET_KEY_PREVIOUS key: SECRET_KEY_PREVIOUS can be removed",
      );
    }
    return summary;
  }

  const failures: RewrapBatchResult["failed"] = [];
  const rewrap = (sealed: SealedSecret, associatedData: string) => secrets.rewrap(sealed, associatedData);
  for (const place of PLACES) {
    if (!pending.some((c) => c.place === place)) continue;
    let after: EnvelopeCursor | undefined;
    do {
      const batch = await envelopes.rewrapBatch(place, { currentKekId: current, limit: batchSize, after, rewrap });
      summary.rewrapped[place] += batch.rewrapped;
      summary.skipped += batch.skipped;
      failures.push(...batch.failed);
      after = batch.next;
    } while (after !== undefined);
  }
  summary.failed = failures.length;

  log.info(
    {
      serviceSecrets: summary.rewrapped.serviceSecrets,
      botDialogs: summary.rewrapped.botDialogs,
      invitations: summary.rewrapped.invitations,
      provisioningRuns: summary.rewrapped.provisioningRuns,
      ...(summary.skipped > 0 ? { skippedChangedMeanwhile: summary.skipped } : {}),
      fromKekIds: [...new Set(pending.map((c) => c.kekId))],
      kekId: current,
    },
    `re-wrapped ${PLACES.reduce((n, place) => n + summary.rewrapped[place], 0)} secret envelopes under the current SECRET_KEY`,
  );
  for (const f of failures.slice(0, MAX_FAILURES_LOGGED)) {
    log.warn({ place: f.place, id: f.id, reason: f.reason }, "secret envelope not re-wrapped");
  }

  const after = (await envelopes.countByKek()).filter((c) => c.kekId !== null && c.kekId !== current && c.records > 0);
  summary.remaining = after.reduce((sum, c) => sum + c.records, 0);
  if (summary.remaining === 0) {
    log.info(
      { kekId: current },
      "every secret is sealed under the current SECRET_KEY: SECRET_KEY_PREVIOUS can be removed",
    );
  } else {
    log.warn(
      { remaining: after.map((c) => ({ place: c.place, kekId: label(c.kekId), records: c.records })) },
      "secrets are still sealed under previous keys: keep SECRET_KEY_PREVIOUS (the next start-up re-wraps them again)",
    );
  }
  return summary;
}

function label(kekId: string | null): string {
  return kekId !== null && PRINTABLE_KEK_ID.test(kekId) ? kekId : "(invalid kek id)";
}

function unknownKeyError(
  unknown: (KekCount & { kekId: string })[],
  current: string,
  previous: string[],
): UnknownSecretKeyError {
  const ids = [...new Set(unknown.map((c) => c.kekId))];
  const lines = ids.map((id) => {
    const where = PLACES.flatMap((place) => {
      const records = unknown.filter((c) => c.kekId === id && c.place === place).reduce((n, c) => n + c.records, 0);
      if (records === 0) return [];
      const [one, many] = NOUNS[place];
      return [`${records} ${records === 1 ? one : many}`];
    });
    return `  ${label(id)}: ${where.join(", ")}`;
  });
  const have =
    previous.length > 0
      ? `${current} (SECRET_KEY) and ${previous.join(", ")} (SECRET_KEY_PREVIOUS)`
      : `${current} (SECRET_KEY)`;
  return new UnknownSecretKeyError(
    ids.map(label),
    [
      `Stored secrets are sealed under key ids this server was not given:`,
      ...lines,
      `This server has ${have}.`,
      `Set SECRET_KEY_PREVIOUS to the older key they were sealed with (comma-separated for several; SECRET_KEY stays the`,
      `new key): start-up then re-wraps them under SECRET_KEY. Or set SECRET_KEY back to that key.`,
      `A key's id is "local:" and the first 16 hex digits of the SHA-256 of its 32 bytes:`,
      `  printf %s "$KEY" | base64 -d | sha256sum | cut -c1-16`,
      `See docs/deploy.md, "Rotating SECRET_KEY".`,
    ].join("\n"),
  );
}
