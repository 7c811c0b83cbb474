import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { createLocalSecretStore } from "./local-secret-store.js";
import type { SealedSecret, SecretStore } from "./secret-store.types.js";

const AAD = "tenant-1|client-1|1";
const SECRET = "abc8Q~Zx.y_z-0123456789ABCDEFGHIJKLMNOPQ";
const isWindows = process.platform === "win32";

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "secret-store-test-"));
  tempDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newKey(): string {
  return randomBytes(32).toString("base64");
}

async function storeWithKey(keyBase64 = newKey(), previousKeysBase64?: string[]): Promise<SecretStore> {
  return createLocalSecretStore({ keyBase64, dataDir: tempDir(), previousKeysBase64 });
}

/** Flips one bit of a base64 field's first byte, keeping the length, so only the content is tampered with. */
function flipByte(base64: string): string {
  const bytes = Buffer.from(base64, "base64");
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString("base64");
}

/** Returns the error thrown by `fn`, failing the test when nothing is thrown. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error("expected a throw");
}

describe("createLocalSecretStore: seal/open", () => {
  it("round-trips ASCII, unicode, empty and 1024-character secrets", async () => {
    const store = await storeWithKey();
    const samples = [SECRET, "", "päßwörd ✓ 秘密 🔐👩‍👩‍👧", "x".repeat(1024), "é".repeat(1024)];
    for (const plaintext of samples) {
      expect(store.open(store.seal(plaintext, AAD), AAD)).toBe(plaintext);
    }
  });

  it("produces a versioned envelope with the expected field sizes and the current kekId", async () => {
    const store = await storeWithKey();
    const sealed = store.seal(SECRET, AAD);
    expect(sealed.v).toBe(1);
    expect(sealed.kekId).toBe(store.currentKekId);
    expect(store.currentKekId).toMatch(/^local:[0-9a-f]{16}$/);
    expect(Buffer.from(sealed.iv, "base64")).toHaveLength(12);
    expect(Buffer.from(sealed.wrapIv, "base64")).toHaveLength(12);
    expect(Buffer.from(sealed.tag, "base64")).toHaveLength(16);
    expect(Buffer.from(sealed.wrapTag, "base64")).toHaveLength(16);
    expect(Buffer.from(sealed.wrappedKey, "base64")).toHaveLength(32);
    expect(Buffer.from(sealed.ciphertext, "base64")).toHaveLength(Buffer.byteLength(SECRET));
  });

  it("seals the same plaintext differently every time", async () => {
    const store = await storeWithKey();
    const a = store.seal(SECRET, AAD);
    const b = store.seal(SECRET, AAD);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.iv).not.toBe(b.iv);
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
    expect(a.wrapIv).not.toBe(b.wrapIv);
  });

  it("never exposes the plaintext in the sealed JSON, in any common encoding", async () => {
    const store = await storeWithKey();
    const json = JSON.stringify(store.seal(SECRET, AAD));
    const utf8 = Buffer.from(SECRET, "utf8");
    for (const form of [SECRET, utf8.toString("base64"), utf8.toString("base64url"), utf8.toString("hex")]) {
      expect(json).not.toContain(form);
    }
    expect(json.toLowerCase()).not.toContain(utf8.toString("hex").toLowerCase());
  });

  const tamperable = ["ciphertext", "tag", "iv", "wrappedKey", "wrapTag", "wrapIv"] as const;
  it.each(tamperable)("refuses an envelope whose %s was altered, without leaking the secret", async (name) => {
    const store = await storeWithKey();
    const sealed = store.seal(SECRET, AAD);
    const tampered: SealedSecret = { ...sealed, [name]: flipByte(sealed[name]) };
    const error = thrown(() => store.open(tampered, AAD));
    expect(error.message).toMatch(/could not be opened/);
    expect(error.message).not.toContain(SECRET);
  });

  it("refuses envelopes with a changed kekId, a truncated field or an unsupported version", async () => {
    const store = await storeWithKey();
    const sealed = store.seal(SECRET, AAD);
    expect(() => store.open({ ...sealed, kekId: "local:0000000000000000" }, AAD)).toThrow(/unknown kek/);
    expect(() => store.open({ ...sealed, kekId: "" }, AAD)).toThrow(/unknown kek/);
    expect(() => store.open({ ...sealed, iv: sealed.iv.slice(0, 8) }, AAD)).toThrow(/could not be opened/);
    expect(() => store.open({ ...sealed, ciphertext: `${sealed.ciphertext}AAAA` }, AAD)).toThrow();
    const v2 = { ...sealed, v: 2 } as unknown as SealedSecret;
    expect(() => store.open(v2, AAD)).toThrow(/unsupported version/);
    expect(() => store.open(null as unknown as SealedSecret, AAD)).toThrow();
  });

  it("refuses to open under different associated data", async () => {
    const store = await storeWithKey();
    const sealed = store.seal(SECRET, AAD);
    for (const other of ["tenant-1|client-1|2", "", `${AAD} `, "tenant-2|client-1|1"]) {
      const error = thrown(() => store.open(sealed, other));
      expect(error.message).not.toContain(SECRET);
    }
  });

  it("refuses another store's envelope, naming only the kekId", async () => {
    const key = newKey();
    const a = await storeWithKey(key);
    const b = await storeWithKey();
    const error = thrown(() => b.open(a.seal(SECRET, AAD), AAD));
    expect(error.message).toContain(a.currentKekId);
    expect(error.message).not.toContain(key);
    expect(error.message).not.toContain(SECRET);
  });

  it("refuses strings with lone surrogates instead of silently altering them", async () => {
    const store = await storeWithKey();
    expect(() => store.seal("ab\uD800", AAD)).toThrow(TypeError);
    expect(() => store.seal(SECRET, "aad\uDC00")).toThrow(TypeError);
  });

  it("property: open(seal(s, aad), aad) === s for any strings", async () => {
    const store = await storeWithKey();
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-composite" }), fc.string({ unit: "grapheme" }), (plaintext, aad) => {
        expect(store.open(store.seal(plaintext, aad), aad)).toBe(plaintext);
      }),
      { numRuns: 200 },
    );
  });
});

describe("createLocalSecretStore: key sources", () => {
  it("refuses a SECRET_KEY that is not base64 of exactly 32 bytes, without echoing it", async () => {
    const bad = [randomBytes(16).toString("base64"), randomBytes(33).toString("base64"), "", "not base64 at all!!"];
    for (const keyBase64 of bad) {
      const promise = createLocalSecretStore({ keyBase64, dataDir: tempDir() });
      await expect(promise).rejects.toThrow(/SECRET_KEY/);
      if (keyBase64 !== "") await expect(promise).rejects.not.toThrow(keyBase64);
    }
  });

  it("does not touch the data directory when SECRET_KEY is given", async () => {
    const dataDir = join(tempDir(), "data");
    await createLocalSecretStore({ keyBase64: newKey(), dataDir });
    expect(() => statSync(dataDir)).toThrow();
  });

  it("derives a stable kekId from the key", async () => {
    const key = newKey();
    const a = await storeWithKey(key);
    const b = await storeWithKey(key);
    expect(a.currentKekId).toBe(b.currentKekId);
    expect(b.open(a.seal(SECRET, AAD), AAD)).toBe(SECRET);
  });

  it("creates a 0600 key file in a 0700 directory and reuses it next time", async () => {
    const dataDir = join(tempDir(), "data");
    const first = await createLocalSecretStore({ dataDir });
    const keyFile = join(dataDir, "secret-key");
    expect(readdirSync(dataDir)).toEqual(["secret-key"]); // no temp file left behind
    if (!isWindows) {
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    }
    const second = await createLocalSecretStore({ dataDir });
    expect(second.currentKekId).toBe(first.currentKekId);
    expect(second.open(first.seal(SECRET, AAD), AAD)).toBe(SECRET);
  });

  it("honours keyFileName", async () => {
    const dataDir = tempDir();
    await createLocalSecretStore({ dataDir, keyFileName: "kek.b64" });
    expect(readdirSync(dataDir)).toEqual(["kek.b64"]);
  });

  it("accepts a key file written by hand (with trailing newline) and gives it the same kekId as SECRET_KEY", async () => {
    const dataDir = tempDir();
    const key = newKey();
    writeFileSync(join(dataDir, "secret-key"), `${key}\n`, { mode: 0o600 });
    chmodSync(join(dataDir, "secret-key"), 0o600);
    const fromFile = await createLocalSecretStore({ dataDir });
    const fromEnv = await storeWithKey(key);
    expect(fromFile.currentKekId).toBe(fromEnv.currentKekId);
  });

  it.skipIf(isWindows)("refuses a key file readable by group/others, suggesting chmod", async () => {
    const dataDir = tempDir();
    const keyFile = join(dataDir, "secret-key");
    const key = newKey();
    writeFileSync(keyFile, `${key}\n`);
    chmodSync(keyFile, 0o644);
    const promise = createLocalSecretStore({ dataDir });
    await expect(promise).rejects.toThrow(/chmod 600/);
    await expect(promise).rejects.not.toThrow(key);
    // The file is left alone: an exposed key needs a human decision, not a silent fix.
    expect(statSync(keyFile).mode & 0o777).toBe(0o644);
  });

  it("refuses a key file whose content is not 32 bytes of base64", async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, "secret-key"), `${randomBytes(16).toString("base64")}\n`, { mode: 0o600 });
    chmodSync(join(dataDir, "secret-key"), 0o600);
    await expect(createLocalSecretStore({ dataDir })).rejects.toThrow(/secret key file .* 32 bytes/);
  });

  it("yields a single key when two stores are created concurrently on an empty directory", async () => {
    const dataDir = join(tempDir(), "data");
    const stores = await Promise.all(Array.from({ length: 4 }, () => createLocalSecretStore({ dataDir })));
    const [a, b] = stores as [SecretStore, SecretStore];
    expect(new Set(stores.map((s) => s.currentKekId)).size).toBe(1);
    expect(b.open(a.seal(SECRET, AAD), AAD)).toBe(SECRET);
    expect(a.open(b.seal(SECRET, AAD), AAD)).toBe(SECRET);
    expect(readdirSync(dataDir)).toEqual(["secret-key"]);
  });
});

describe("createLocalSecretStore: rotation", () => {
  it("opens envelopes sealed with a previous key and seals new ones with the new key", async () => {
    const oldKey = newKey();
    const oldStore = await storeWithKey(oldKey);
    const oldEnvelope = oldStore.seal(SECRET, AAD);

    const rotated = await storeWithKey(newKey(), [oldKey]);
    expect(rotated.currentKekId).not.toBe(oldStore.currentKekId);
    expect(rotated.open(oldEnvelope, AAD)).toBe(SECRET);

    const fresh = rotated.seal(SECRET, AAD);
    expect(fresh.kekId).toBe(rotated.currentKekId);
    expect(rotated.open(fresh, AAD)).toBe(SECRET);
    // The old key alone cannot read what the new key sealed.
    expect(() => oldStore.open(fresh, AAD)).toThrow(/unknown kek/);
  });

  it("refuses a malformed previous key, naming its position only", async () => {
    const promise = storeWithKey(newKey(), [newKey(), "short"]);
    await expect(promise).rejects.toThrow(/previous secret key #2/);
  });

  it("ignores a previous key equal to the current one", async () => {
    const key = newKey();
    const store = await storeWithKey(key, [key]);
    expect(store.open(store.seal(SECRET, AAD), AAD)).toBe(SECRET);
  });
});

describe("createLocalSecretStore: rewrap", () => {
  const KEY_FIELDS = ["wrappedKey", "wrapIv", "wrapTag"] as const;
  const BODY_FIELDS = ["ciphertext", "iv", "tag"] as const;

  async function rotatedPair(): Promise<{ oldStore: SecretStore; rotated: SecretStore; newOnly: SecretStore }> {
    const oldKey = newKey();
    const key = newKey();
    return {
      oldStore: await storeWithKey(oldKey),
      rotated: await storeWithKey(key, [oldKey]),
      newOnly: await storeWithKey(key),
    };
  }

  it("lists its key ids, the current one first, each once", async () => {
    const [a, b] = [newKey(), newKey()];
    const store = await storeWithKey(a, [b, a, b]);
    const [ida, idb] = [(await storeWithKey(a)).currentKekId, (await storeWithKey(b)).currentKekId];
    expect(store.kekIds).toEqual([ida, idb]);
    expect((await storeWithKey(a)).kekIds).toEqual([ida]);
  });

  it("moves an envelope to the current key, keeping the encrypted secret byte for byte", async () => {
    const { oldStore, rotated, newOnly } = await rotatedPair();
    const sealed = oldStore.seal(SECRET, AAD);
    const rewrapped = rotated.rewrap(sealed, AAD);
    expect(rewrapped.kekId).toBe(rotated.currentKekId);
    for (const name of BODY_FIELDS) expect(rewrapped[name]).toBe(sealed[name]);
    for (const name of KEY_FIELDS) expect(rewrapped[name]).not.toBe(sealed[name]);
    expect(Buffer.from(rewrapped.wrappedKey, "base64")).toHaveLength(32);
    // The new key alone opens it; the old key no longer does.
    expect(newOnly.open(rewrapped, AAD)).toBe(SECRET);
    expect(() => oldStore.open(rewrapped, AAD)).toThrow(/unknown kek/);
    // The input is not modified.
    expect(oldStore.open(sealed, AAD)).toBe(SECRET);
  });

  it("returns an envelope already under the current key as is", async () => {
    const store = await storeWithKey();
    const sealed = store.seal(SECRET, AAD);
    expect(store.rewrap(sealed, AAD)).toBe(sealed);
  });

  it("keeps only the envelope's own fields", async () => {
    const { oldStore, rotated } = await rotatedPair();
    const sealed = { ...oldStore.seal(SECRET, AAD), note: "extra" } as SealedSecret;
    expect(Object.keys(rotated.rewrap(sealed, AAD)).sort()).toEqual(
      ["v", "kekId", ...KEY_FIELDS, ...BODY_FIELDS].sort(),
    );
  });

  it("refuses other associated data: the wrapped key stays bound to its record", async () => {
    const { oldStore, rotated } = await rotatedPair();
    const sealed = oldStore.seal(SECRET, AAD);
    for (const other of ["tenant-1|client-1|2", "", `${AAD} `]) {
      const error = thrown(() => rotated.rewrap(sealed, other));
      expect(error.message).toMatch(/could not be re-wrapped/);
      expect(error.message).toContain(oldStore.currentKekId);
      expect(error.message).not.toContain(SECRET);
    }
  });

  it.each(KEY_FIELDS)("refuses an envelope whose %s was altered", async (name) => {
    const { oldStore, rotated } = await rotatedPair();
    const sealed = oldStore.seal(SECRET, AAD);
    expect(() => rotated.rewrap({ ...sealed, [name]: flipByte(sealed[name]) }, AAD)).toThrow(/could not be re-wrapped/);
  });

  it("refuses unknown keys, other versions and malformed body fields", async () => {
    const { oldStore, rotated } = await rotatedPair();
    const sealed = oldStore.seal(SECRET, AAD);
    expect(() => rotated.rewrap({ ...sealed, kekId: "local:0000000000000000" }, AAD)).toThrow(/unknown kek/);
    const stranger = (await storeWithKey()).seal(SECRET, AAD);
    expect(() => rotated.rewrap(stranger, AAD)).toThrow(/unknown kek/);
    expect(() => rotated.rewrap({ ...sealed, v: 2 } as unknown as SealedSecret, AAD)).toThrow(/unsupported version/);
    expect(() => rotated.rewrap(null as unknown as SealedSecret, AAD)).toThrow();
    expect(() => rotated.rewrap({ ...sealed, iv: sealed.iv.slice(0, 8) }, AAD)).toThrow(/could not be re-wrapped/);
    expect(() => rotated.rewrap({ ...sealed, tag: `${sealed.tag}=` }, AAD)).toThrow(/could not be re-wrapped/);
    const { ciphertext: _, ...noBody } = sealed;
    expect(() => rotated.rewrap(noBody as SealedSecret, AAD)).toThrow(/could not be re-wrapped/);
  });

  it("does not vouch for the body: a tampered ciphertext is carried over and still refused by open", async () => {
    const { oldStore, rotated } = await rotatedPair();
    const sealed = oldStore.seal(SECRET, AAD);
    const rewrapped = rotated.rewrap({ ...sealed, ciphertext: flipByte(sealed.ciphertext) }, AAD);
    expect(() => rotated.open(rewrapped, AAD)).toThrow(/could not be opened/);
  });

  it("never puts the secret or either key into the re-wrapped envelope", async () => {
    const oldKey = newKey();
    const key = newKey();
    const sealed = (await storeWithKey(oldKey)).seal(SECRET, AAD);
    const json = JSON.stringify((await storeWithKey(key, [oldKey])).rewrap(sealed, AAD));
    for (const form of [SECRET, Buffer.from(SECRET).toString("base64"), oldKey, key]) {
      expect(json).not.toContain(form);
    }
  });

  it("property: open(rewrap(seal(s, aad), aad), aad) === s with the new key alone", async () => {
    const { oldStore, rotated, newOnly } = await rotatedPair();
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-composite" }), fc.string({ unit: "grapheme" }), (plaintext, aad) => {
        expect(newOnly.open(rotated.rewrap(oldStore.seal(plaintext, aad), aad), aad)).toBe(plaintext);
      }),
      { numRuns: 100 },
    );
  });
});
