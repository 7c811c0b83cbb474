/**
 * The rotation journal's claim and lease (migration 0011) on both engines (api/test/engines.ts): one active rotation
 * per service; a live lease refuses a second claim; a lapsed one is taken over and its leftover password kept as an
 * orphan (the new password when it never switched, the old one after a switch); renewals and the end are
 * compare-and-set, so a copy that lost its claim writes nothing. On PostgreSQL two handles stand for two server
 * copies claiming at once.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, type EngineDatabase } from "../../test/engines.js";
import type { DatabaseHandle } from "./database.js";
import { createSecretRotationsRepository, type NewRotation } from "./secret-rotations.repository.js";

const T0 = Date.parse("2030-01-01T00:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();

describe.each(ENGINES)("the rotation journal on $name", (engine) => {
  let database: EngineDatabase;
  let first: DatabaseHandle;
  let second: DatabaseHandle;
  beforeAll(async () => {
    database = engine.setup("dr-rot-");
    first = await database.open();
    second = await database.open();
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.cleanup();
  });
  const store = (h: DatabaseHandle) => createSecretRotationsRepository(h.db, h.engine);
  const row = (serviceId: string, startMs: number, leaseMs = 60_000): NewRotation => ({
    id: randomUUID(),
    serviceId,
    leaseUntil: at(startMs + leaseMs),
    trigger: "scheduled",
    actor: "scheduler",
    oldKeyId: "11111111-1111-4111-8111-111111111111",
    oldSecretHint: "abc",
    startedAt: at(startMs),
  });

  it("lets one rotation per service hold the claim while its lease runs, and renews only a live one", async () => {
    const s = store(first);
    const service = randomUUID();
    const a = row(service, 0);
    expect(await s.claim(a, at(0))).toEqual({ claimed: true });
    const refused = await s.claim(row(service, 1_000), at(1_000));
    expect(refused).toMatchObject({ claimed: false, holder: { id: a.id, state: "active" } });
    // Another service is not held up.
    expect((await s.claim(row(randomUUID(), 1_000), at(1_000))).claimed).toBe(true);
    expect(await s.renew(a.id, at(120_000), { newKeyId: "22222222-2222-4222-8222-222222222222" })).toBe(true);
    // Still held at 90 s: the renewal moved the lease to 120 s.
    expect((await s.claim(row(service, 90_000), at(90_000))).claimed).toBe(false);
    expect(await s.finish(a.id, { at: at(100_000), outcome: "failed", code: "rotation_failed" })).toBe(true);
    // Closed: no renewal, no second end, and the next rotation claims at once.
    expect(await s.renew(a.id, at(200_000))).toBe(false);
    expect(await s.finish(a.id, { at: at(100_000), outcome: "success" })).toBe(false);
    expect(await s.claim(row(service, 101_000), at(101_000))).toEqual({ claimed: true });
  });

  it("takes over a lapsed claim and keeps what it left on the app as an orphan", async () => {
    const s = store(first);
    const service = randomUUID();
    const dead = row(service, 0);
    await s.claim(dead, at(0));
    await s.renew(dead.id, at(60_000), { newKeyId: "33333333-3333-4333-8333-333333333333" });
    // The copy died before the switch: at 61 s the next rotation takes over; the new password is the orphan.
    const next = row(service, 61_000);
    const taken = await s.claim(next, at(61_000));
    expect(taken).toMatchObject({
      claimed: true,
      abandoned: { id: dead.id, outcome: "abandoned", orphanKeyId: "33333333-3333-4333-8333-333333333333" },
    });
    // The dead copy, should it wake up, can renew or finish nothing.
    expect(await s.renew(dead.id, at(200_000))).toBe(false);
    expect(await s.listOrphans(service)).toEqual([{ id: dead.id, keyId: "33333333-3333-4333-8333-333333333333" }]);
    await s.clearOrphan(dead.id, "33333333-3333-4333-8333-333333333333");
    expect(await s.listOrphans(service)).toEqual([]);

    // This one switches and dies before removing the old password: that one is the orphan then.
    expect(
      await s.transaction((_repo, rotations) =>
        rotations.markSwitched(next.id, at(62_000), "44444444-4444-4444-8444-444444444444"),
      ),
    ).toBe(true);
    expect(await s.lastRotatedAt(service)).toBe(at(62_000));
    const third = await s.claim(row(service, 200_000), at(200_000));
    expect(third).toMatchObject({
      claimed: true,
      abandoned: { id: next.id, orphanKeyId: "11111111-1111-4111-8111-111111111111" },
    });
    const states = (await s.list(service)).map((r) => `${r.state}:${r.outcome ?? "-"}`);
    expect(states.sort()).toEqual(["active:-", "done:abandoned", "done:abandoned"]);
  });

  if (engine.name === "postgres")
    it("gives the claim to exactly one of many copies claiming at once", async () => {
      const service = randomUUID();
      const stores = [store(first), store(second)];
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (stores[i % 2] ?? stores[0])?.claim(row(service, 0), at(0))),
      );
      expect(results.filter((r) => r?.claimed)).toHaveLength(1);
      const active = (await stores[0]?.list(service))?.filter((r) => r.state === "active");
      expect(active).toHaveLength(1);
    });

  it("gives the claim to exactly one of concurrent claims on one handle", async () => {
    const service = randomUUID();
    const s = store(first);
    const results = await Promise.all(Array.from({ length: 5 }, () => s.claim(row(service, 0), at(0))));
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
  });
});
