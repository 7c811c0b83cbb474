/**
 * A {@link SecretStore} whose key-encryption key (KEK) is a local 256-bit master key: from `SECRET_KEY` in
 * production-like deployments, or from a key file generated on first start in development. The envelope format is
 * the one a KMS-backed store will use too, so swapping the KEK source later needs no data migration.
 *
 * This module never logs: every error message names keys only by their `kekId` and never echoes plaintext.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { link, mkdir, open, rm } from "node:fs/promises";
import { join } from "node:path";
import type { SealedSecret, SecretStore } from "./secret-store.types.js";

/** Options for {@link createLocalSecretStore}. */
export interface LocalSecretStoreOptions {
  /** `SECRET_KEY`: standard base64 of exactly 32 bytes. When given (even empty), the key file is not used. */
  keyBase64?: string;
  /** Directory holding the generated key file when `keyBase64` is absent. */
  dataDir: string;
  /** Name of the key file inside `dataDir`; default `"secret-key"`. */
  keyFileName?: string;
  /** Older KEKs (base64 of 32 bytes) still accepted by `open()`, so secrets sealed before a rotation stay readable. */
  previousKeysBase64?: string[];
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = "aes-256-gcm";
const DEFAULT_KEY_FILE = "secret-key";
/** A kekId we are willing to repeat in an error message; anything else came from a damaged record. */
const PRINTABLE_KEK_ID = /^[A-Za-z0-9:._-]{1,64}$/;
/** With the `u` flag a surrogate pair is one code point, so this matches only lone surrogates. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Creates a secret store keyed by a local master key.
 *
 * Key source, in order: `options.keyBase64` (refused unless it is base64 of exactly 32 bytes), else the file
 * `<dataDir>/<keyFileName>`, which is created with a fresh random key (mode 0600, in a 0700 directory) when absent.
 * An existing key file readable or writable by group/others is refused rather than silently chmod-ed, because a
 * key that was exposed should be rotated, not quietly tightened.
 */
export async function createLocalSecretStore(options: LocalSecretStoreOptions): Promise<SecretStore> {
  const current =
    options.keyBase64 !== undefined
      ? decodeKey(options.keyBase64, "SECRET_KEY")
      : await loadOrCreateKeyFile(options.dataDir, options.keyFileName ?? DEFAULT_KEY_FILE);

  const currentKekId = kekIdOf(current);
  const keks = new Map<string, Buffer>([[currentKekId, current]]);
  (options.previousKeysBase64 ?? []).forEach((encoded, index) => {
    const key = decodeKey(encoded, `previous secret key #${index + 1}`);
    const id = kekIdOf(key);
    // The same key listed twice (or the current key listed as previous) is harmless; keep the first copy.
    if (keks.has(id)) key.fill(0);
    else keks.set(id, key);
  });

  return Object.freeze({
    currentKekId,
    kekIds: Object.freeze([...keks.keys()]),
    seal(plaintext: string, associatedData: string): SealedSecret {
      // A lone surrogate would be replaced by U+FFFD when encoded, so open() could not return the same string, and
      // two different AADs could encode to the same bytes.
      assertWellFormed(plaintext, "plaintext");
      assertWellFormed(associatedData, "associated data");
      const dataKey = randomBytes(KEY_BYTES);
      const plainBytes = Buffer.from(plaintext, "utf8");
      try {
        const body = gcmEncrypt(dataKey, plainBytes, Buffer.from(associatedData, "utf8"));
        // Binding the wrapped key to both the KEK and the record stops a wrapped key being moved between records.
        const wrap = gcmEncrypt(current, dataKey, wrapAad(currentKekId, associatedData));
        return {
          v: 1,
          kekId: currentKekId,
          wrappedKey: wrap.ciphertext.toString("base64"),
          wrapIv: wrap.iv.toString("base64"),
          wrapTag: wrap.tag.toString("base64"),
          ciphertext: body.ciphertext.toString("base64"),
          iv: body.iv.toString("base64"),
          tag: body.tag.toString("base64"),
        };
      } finally {
        dataKey.fill(0);
        plainBytes.fill(0);
      }
    },
    open(sealed: SealedSecret, associatedData: string): string {
      assertWellFormed(associatedData, "associated data");
      const { record, kekId, label, kek } = envelopeOf(sealed, keks);

      let dataKey: Buffer | undefined;
      let plainBytes: Buffer | undefined;
      try {
        dataKey = unwrapDataKey(record, kek, kekId, associatedData);
        plainBytes = gcmDecrypt(
          dataKey,
          field(record, "ciphertext"),
          field(record, "iv", IV_BYTES),
          field(record, "tag", TAG_BYTES),
          Buffer.from(associatedData, "utf8"),
        );
        return plainBytes.toString("utf8");
      } catch {
        // One message for every failure (bad tag, wrong AAD, malformed field): the cause could only help an attacker
        // probe the envelope, and crypto errors must not leak into logs next to record data.
        throw new Error(`secret envelope could not be opened (kek ${label})`);
      } finally {
        dataKey?.fill(0);
        plainBytes?.fill(0);
      }
    },
    rewrap(sealed: SealedSecret, associatedData: string): SealedSecret {
      assertWellFormed(associatedData, "associated data");
      const { record, kekId, label, kek } = envelopeOf(sealed, keks);
      if (kekId === currentKekId) return sealed;

      let dataKey: Buffer | undefined;
      try {
        // Only the data key is unwrapped (its tag proves it belongs to this record); the secret is never decrypted.
        dataKey = unwrapDataKey(record, kek, kekId, associatedData);
        // The body is carried over unchanged, but only in its one canonical spelling with the right sizes.
        field(record, "ciphertext");
        field(record, "iv", IV_BYTES);
        field(record, "tag", TAG_BYTES);
        const wrap = gcmEncrypt(current, dataKey, wrapAad(currentKekId, associatedData));
        return {
          v: 1,
          kekId: currentKekId,
          wrappedKey: wrap.ciphertext.toString("base64"),
          wrapIv: wrap.iv.toString("base64"),
          wrapTag: wrap.tag.toString("base64"),
          ciphertext: record.ciphertext as string,
          iv: record.iv as string,
          tag: record.tag as string,
        };
      } catch {
        throw new Error(`secret envelope could not be re-wrapped (kek ${label})`);
      } finally {
        dataKey?.fill(0);
      }
    },
  } satisfies SecretStore);
}

/** Checks an envelope's shape and version and finds its KEK; errors name the kekId only when it is printable. */
function envelopeOf(
  sealed: SealedSecret,
  keks: ReadonlyMap<string, Buffer>,
): { record: Record<string, unknown>; kekId: string; label: string; kek: Buffer } {
  const envelope: unknown = sealed;
  if (typeof envelope !== "object" || envelope === null) throw new Error("secret envelope is not an object");
  const record = envelope as Record<string, unknown>;
  if (record.v !== 1) throw new Error("secret envelope has an unsupported version");
  const kekId = typeof record.kekId === "string" ? record.kekId : "";
  const label = PRINTABLE_KEK_ID.test(kekId) ? kekId : "(invalid kek id)";
  const kek = keks.get(kekId);
  if (kek === undefined) throw new Error(`secret envelope could not be opened: unknown kek ${label}`);
  return { record, kekId, label, kek };
}

/** `local:` + 16 hex chars of SHA-256(key): stable across restarts, and 64 bits of a hash reveal nothing usable. */
function kekIdOf(key: Buffer): string {
  return `local:${createHash("sha256").update(key).digest("hex").slice(0, 16)}`;
}

/** Unwraps an envelope's data key with its KEK; the tag proves the wrapped key belongs to this record. */
function unwrapDataKey(record: Record<string, unknown>, kek: Buffer, kekId: string, associatedData: string): Buffer {
  return gcmDecrypt(
    kek,
    field(record, "wrappedKey", KEY_BYTES),
    field(record, "wrapIv", IV_BYTES),
    field(record, "wrapTag", TAG_BYTES),
    wrapAad(kekId, associatedData),
  );
}

function wrapAad(kekId: string, associatedData: string): Buffer {
  // kekId never contains "|", so the concatenation is unambiguous.
  return Buffer.from(`${kekId}|${associatedData}`, "utf8");
}

function assertWellFormed(value: string, what: string): void {
  if (typeof value !== "string") throw new TypeError(`${what} must be a string`);
  if (LONE_SURROGATE.test(value)) throw new TypeError(`${what} is not well-formed Unicode (lone surrogate)`);
}

/**
 * Decodes a base64 envelope field. Node's decoder silently skips junk (e.g. anything after `=`), so only canonical
 * base64 is accepted: one stored envelope has exactly one valid spelling. Lengths are checked before any crypto runs.
 */
function field(record: Record<string, unknown>, name: string, expectedBytes?: number): Buffer {
  const value = record[name];
  if (typeof value !== "string") throw new Error(`field ${name} missing`);
  const bytes = Buffer.from(value, "base64");
  if (bytes.toString("base64") !== value) throw new Error(`field ${name} is not canonical base64`);
  if (expectedBytes !== undefined && bytes.length !== expectedBytes) throw new Error(`field ${name} has wrong length`);
  return bytes;
}

function gcmEncrypt(key: Buffer, plaintext: Buffer, aad: Buffer): { ciphertext: Buffer; iv: Buffer; tag: Buffer } {
  // A fresh random 96-bit IV per encryption; each data key encrypts exactly once, so IV reuse is not a concern
  // there, and for the KEK the 2^-32 collision bound holds far beyond the number of secrets we will ever store.
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag() };
}

function gcmDecrypt(key: Buffer, ciphertext: Buffer, iv: Buffer, tag: Buffer, aad: Buffer): Buffer {
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  // final() throws when the tag does not verify, so no unauthenticated plaintext is ever returned.
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** Accepts only canonical standard base64 of exactly 32 bytes; the message names the source, never the value. */
function decodeKey(encoded: string, source: string): Buffer {
  const trimmed = encoded.trim();
  const key = Buffer.from(trimmed, "base64");
  if (key.length !== KEY_BYTES || key.toString("base64") !== trimmed) {
    key.fill(0);
    throw new Error(
      `${source} must be the base64 encoding of exactly 32 bytes (generate one: openssl rand -base64 32)`,
    );
  }
  return key;
}

async function loadOrCreateKeyFile(dataDir: string, fileName: string): Promise<Buffer> {
  const path = join(dataDir, fileName);
  return (await readKeyFile(path)) ?? (await createKeyFile(dataDir, path));
}

/** Reads the key file, or returns undefined when it does not exist. */
async function readKeyFile(path: string): Promise<Buffer | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
  try {
    // fstat on the open handle checks the file we actually read, not whatever the path points to a moment later.
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error(`secret key file ${path} is not a regular file`);
    // Windows has no POSIX modes (Node reports 0o666), so the check would always fail there.
    if (process.platform !== "win32" && (stats.mode & 0o077) !== 0) {
      const mode = (stats.mode & 0o777).toString(8).padStart(3, "0");
      throw new Error(
        `secret key file ${path} is accessible by group or others (mode 0${mode}); ` +
          `restrict it with: chmod 600 '${path}' (and consider rotating the key)`,
      );
    }
    const content = await handle.readFile();
    try {
      return decodeKey(content.toString("latin1"), `secret key file ${path}`);
    } finally {
      content.fill(0);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Writes a fresh key to a private temp file, then publishes it with link(), which, unlike rename(), refuses to replace
 * an existing file: when two processes race, exactly one key wins and the loser reads it, so no process keeps a key
 * that was overwritten on disk. Readers never see a partial file because the name appears only once it is complete.
 */
async function createKeyFile(dataDir: string, path: string): Promise<Buffer> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  const tempPath = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  let won = false;
  try {
    const handle = await open(tempPath, "wx", 0o600);
    try {
      // The umask can only remove bits from 0600, but set it explicitly so the file is exactly 0600.
      await handle.chmod(0o600);
      await handle.writeFile(`${key.toString("base64")}\n`, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(tempPath, path);
      won = true;
    } catch (error) {
      if (errorCode(error) !== "EEXIST") throw error;
    }
  } catch (error) {
    key.fill(0);
    throw error;
  } finally {
    await rm(tempPath, { force: true });
  }
  if (won) return key;

  key.fill(0);
  const winner = await readKeyFile(path);
  if (winner === undefined) throw new Error(`secret key file ${path} vanished while it was being created`);
  return winner;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
}
