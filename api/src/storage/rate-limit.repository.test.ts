/**
 * The validation rate limiter on both engines (api/test/engines.ts): SQLite always, PostgreSQL when
 * TEST_DATABASE_URL is set (a fresh schema, dropped afterwards). On PostgreSQL two handles on one database stand for
 * two server copies and count together; SQLite serves one server process (two synchronous connections in one thread
 * would wait on each other), so there the concurrent requests share one handle.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, type EngineDatabase } from "../../test/engines.js";
import type { DatabaseHandle } from "./database.js";
import { createRateLimitRepository } from "./rate-limit.repository.js";

describe.each(ENGINES)("the validation rate limiter on $name", (engine) => {
  let database: EngineDatabase;
  let first: DatabaseHandle;
  let second: DatabaseHandle;
  beforeAll(async () => {
    database = engine.setup("dr-rate-");
    first = await database.open();
    second = await database.open();
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.cleanup();
  });
  const limiter = (h: DatabaseHandle, now: () => number, limit = 2) =>
    createRateLimitRepository({ db: h.db, engine: h.engine, limit, windowMs: 10_000, now });

  it("admits up to the limit per key within the window, then says when to retry", async () => {
    let t = 1_000_000;
    const l = limiter(first, () => t);
    const a = `a-${randomBytes(4).toString("hex")}`;
    const b = `b-${randomBytes(4).toString("hex")}`;
    expect(await l.take([a, b])).toEqual({ ok: true });
    t += 4_000;
    expect(await l.take([a])).toEqual({ ok: true });
    expect(await l.take([a])).toEqual({ ok: false, key: a, retryAfterSeconds: 6 });
    // A refused request is not counted: b still has one try left.
    expect(await l.take([b])).toEqual({ ok: true });
    t += 6_001;
    expect(await l.take([a])).toEqual({ ok: true });
  });

  it("counts a recorded request like an admitted one", async () => {
    const l = limiter(first, () => 2_000_000);
    const key = `tenant:${randomBytes(4).toString("hex")}`;
    await l.record(key);
    expect(await l.take([key])).toEqual({ ok: true });
    expect((await l.take([key])).ok).toBe(false);
  });

  it("counts concurrent requests exactly, across server copies on PostgreSQL", async () => {
    const t = () => 3_000_000;
    const copies = [limiter(first, t, 5), limiter(engine.name === "postgres" ? second : first, t, 5)];
    const key = `operator:${randomBytes(4).toString("hex")}`;
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => copies[i % 2]?.take([key])));
    expect(answers.filter((a) => a?.ok).length).toBe(5);
  });
});
