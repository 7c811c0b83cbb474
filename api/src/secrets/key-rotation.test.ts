/**
 * reconcileSecretKeys over an in-memory SealedEnvelopeStore: the decisions and the words (the SQL side is tested on
 * both engines in storage/sealed-envelopes.repository.test.ts).
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../config.js";
import {
  type EnvelopeCursor,
  type EnvelopePlace,
  type KekCount,
  type RewrapBatchResult,
  reconcileSecretKeys,
  type SealedEnvelopeStore,
  UnknownSecretKeyError,
} from "./key-rotation.js";
import { createLocalSecretStore } from "./local-secret-store.js";
import type { SealedSecret, SecretStore } from "./secret-store.types.js";

const SECRET = "Zx8Q~unit.secret_0123456789";

/** Records kept in memory, in key order; `place` and `id` give the associated data. */
function memoryStore(records: { place: EnvelopePlace; id: string; sealed: SealedSecret | { v: 1 } }[]) {
  const calls: { place: EnvelopePlace; after: EnvelopeCursor | undefined }[] = [];
  const aad = (r: { place: EnvelopePlace; id: string }) => `${r.place}:${r.id}`;
  const store: SealedEnvelopeStore = {
    async countByKek() {
      const counts = new Map<string, KekCount>();
      for (const r of records) {
        const kekId = "kekId" in r.sealed ? r.sealed.kekId : null;
        const key = `${r.place}|${kekId}`;
        const c = counts.get(key) ?? { place: r.place, kekId, records: 0 };
        c.records++;
        counts.set(key, c);
      }
      return [...counts.values()];
    },
    async rewrapBatch(place, options) {
      calls.push({ place, after: options.after });
      const todo = records
        .filter((r) => r.place === place && "kekId" in r.sealed && r.sealed.kekId !== options.currentKekId)
        .filter((r) => options.after === undefined || r.id > (options.after[0] ?? ""))
        .slice(0, options.limit);
      const result: RewrapBatchResult = { rewrapped: 0, skipped: 0, failed: [], next: undefined };
      for (const r of todo) {
        try {
          r.sealed = options.rewrap(r.sealed as SealedSecret, aad(r));
          result.rewrapped++;
        } catch (error) {
          result.failed.push({ place, id: r.id, reason: (error as Error).message });
        }
      }
      const last = todo.at(-1);
      if (todo.length === options.limit && last) result.next = [last.id];
      return result;
    },
  };
  return { store, calls, records, aad };
}

function log() {
  const lines: { level: string; o: Record<string, unknown>; m: string }[] = [];
  return {
    lines,
    info: (o: object, m?: string) => lines.push({ level: "info", o: o as Record<string, unknown>, m: m ?? "" }),
    warn: (o: object, m?: string) => lines.push({ level: "warn", o: o as Record<string, unknown>, m: m ?? "" }),
  };
}

const key = () => randomBytes(32).toString("base64");
const storeOf = (keyBase64: string, previousKeysBase64: string[] = []): Promise<SecretStore> =>
  createLocalSecretStore({ keyBase64, previousKeysBase64, dataDir: "/nonexistent" });

describe("reconcileSecretKeys", () => {
  it("does nothing and says nothing when every envelope is under the current key and no previous key is set", async () => {
    const current = await storeOf(key());
    const memory = memoryStore([
      { place: "serviceSecrets", id: "s1", sealed: current.seal(SECRET, "serviceSecrets:s1") },
    ]);
    const out = log();
    const summary = await reconcileSecretKeys({ secrets: current, envelopes: memory.store, log: out });
    expect(summary).toEqual({
      rewrapped: { serviceSecrets: 0, botDialogs: 0, invitations: 0, provisioningRuns: 0 },
      skipped: 0,
      failed: 0,
      remaining: 0,
    });
    expect(memory.calls).toEqual([]);
    expect(out.lines).toEqual([]);
  });

  it("walks each place batch by batch from the cursor, and only the places that need it", async () => {
    const [a, b] = [key(), key()];
    const old = await storeOf(a);
    const rotated = await storeOf(b, [a]);
    const ids = ["s1", "s2", "s3", "s4", "s5"];
    const memory = memoryStore(
      ids.map((id) => ({ place: "serviceSecrets" as const, id, sealed: old.seal(SECRET, `serviceSecrets:${id}`) })),
    );
    const out = log();
    const summary = await reconcileSecretKeys({ secrets: rotated, envelopes: memory.store, log: out, batchSize: 2 });
    expect(summary.rewrapped).toEqual({ serviceSecrets: 5, botDialogs: 0, invitations: 0, provisioningRuns: 0 });
    expect(memory.calls).toEqual([
      { place: "serviceSecrets", after: undefined },
      { place: "serviceSecrets", after: ["s2"] },
      { place: "serviceSecrets", after: ["s4"] },
    ]);
    const newOnly = await storeOf(b);
    for (const r of memory.records) expect(newOnly.open(r.sealed as SealedSecret, memory.aad(r))).toBe(SECRET);
    expect(out.lines.map((l) => l.m)).toEqual([
      "re-wrapped 5 secret envelopes under the current SECRET_KEY",
      "every secret is sealed under the current SECRET_KEY: SECRET_KEY_PREVIOUS can be removed",
    ]);
  });

  it("refuses with a ConfigError that counts per place, lists the server's own keys and never quotes a bad id", async () => {
    const [a, b, c] = [key(), key(), key()];
    const stranger = await storeOf(a);
    const current = await storeOf(b, [c]);
    const previousId = (await storeOf(c)).currentKekId;
    const weird = { ...stranger.seal(SECRET, "x"), kekId: "evil\nline DROP TABLE" };
    const memory = memoryStore([
      { place: "serviceSecrets", id: "s1", sealed: stranger.seal(SECRET, "serviceSecrets:s1") },
      { place: "serviceSecrets", id: "s2", sealed: stranger.seal(SECRET, "serviceSecrets:s2") },
      { place: "botDialogs", id: "d1", sealed: stranger.seal(SECRET, "botDialogs:d1") },
      { place: "botDialogs", id: "d2", sealed: weird },
    ]);
    const error = await reconcileSecretKeys({ secrets: current, envelopes: memory.store, log: log() }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnknownSecretKeyError);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`  ${stranger.currentKekId}: 2 service secrets, 1 bot dialog\n`);
    expect(message).toContain("  (invalid kek id): 1 bot dialog\n");
    expect(message).not.toContain("DROP TABLE");
    expect(message).toContain(
      `This server has ${current.currentKekId} (SECRET_KEY) and ${previousId} (SECRET_KEY_PREVIOUS).`,
    );
    expect(message).toMatch(/Set SECRET_KEY_PREVIOUS to the older key/);
    expect(message).toMatch(/set SECRET_KEY back to that key/);
    for (const k of [a, b, c, SECRET]) expect(message).not.toContain(k);
    expect((error as UnknownSecretKeyError).missingKekIds).toEqual([stranger.currentKekId, "(invalid kek id)"]);
    // Nothing was re-wrapped before refusing.
    expect(memory.calls).toEqual([]);
  });

  it("warns about envelopes without a key id and about those it could not re-wrap, naming at most 20", async () => {
    const [a, b] = [key(), key()];
    const old = await storeOf(a);
    const memory = memoryStore([
      { place: "serviceSecrets", id: "damaged", sealed: { v: 1 } },
      ...Array.from({ length: 25 }, (_, i) => ({
        place: "botDialogs" as const,
        id: `d${String(i).padStart(2, "0")}`,
        sealed: old.seal(SECRET, "some other record"),
      })),
    ]);
    const out = log();
    const summary = await reconcileSecretKeys({ secrets: await storeOf(b, [a]), envelopes: memory.store, log: out });
    expect(summary).toMatchObject({ rewrapped: { botDialogs: 0 }, failed: 25, remaining: 25 });
    const warnings = out.lines.filter((l) => l.level === "warn");
    expect(warnings[0]).toMatchObject({ o: { place: "serviceSecrets", records: 1 } });
    expect(warnings.filter((l) => l.m === "secret envelope not re-wrapped")).toHaveLength(20);
    expect(warnings.at(-1)?.m).toMatch(/keep SECRET_KEY_PREVIOUS/);
    expect(warnings.at(-1)?.o).toEqual({
      remaining: [{ place: "botDialogs", kekId: old.currentKekId, records: 25 }],
    });
    expect(JSON.stringify(out.lines)).not.toContain(SECRET);
  });
});
