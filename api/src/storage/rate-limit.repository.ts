/**
 * The validation rate limit over the database (onboarding/rate-limiter.ts declares it as `RateLimiter`): a sliding
 * window per key, its hits in table rate_hits (migration 0004_rate_hits), so several server copies on one PostgreSQL
 * count together. On PostgreSQL a transaction-scoped advisory lock per key serialises the check-and-count of
 * concurrent requests; SQLite has one writer anyway.
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "./database.types.js";

/** Answer of `take`: admitted, or refused with the full key and the seconds until it has room again. */
export type RateLimitDecision = { ok: true } | { ok: false; retryAfterSeconds: number; key: string };

/** Counts requests per key (the shape of onboarding's `RateLimiter`). */
export interface RateLimitRepository {
  /** Admits a request when every key is under its limit, and then counts it against every key. */
  take(keys: string[]): Promise<RateLimitDecision>;
  /** Counts a request against `key` without asking (one already admitted under another name of the same thing). */
  record(key: string): Promise<void>;
}

/** Options of {@link createRateLimitRepository}. */
export interface RateLimitOptions {
  /** The server's database. */
  db: Kysely<Database>;
  /** Which engine `db` is (PostgreSQL takes an advisory lock per key). */
  engine: "sqlite" | "postgres";
  /** Requests allowed per key within the window. */
  limit: number;
  /** Window length, ms. Default 60 000. */
  windowMs?: number;
  /** Clock, epoch milliseconds. Default `Date.now`. */
  now?: () => number;
}

/** Keys longer than this are cut (a tenant name is at most 256 characters; the key only has to tell them apart). */
const MAX_KEY_LENGTH = 300;

/** Creates the limiter over the server's database (onboarding's `RateLimiter`). */
export function createRateLimitRepository(options: RateLimitOptions): RateLimitRepository {
  const { db } = options;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  let sinceSweep = 0;

  const clip = (key: string) => key.slice(0, MAX_KEY_LENGTH);

  return {
    async take(rawKeys) {
      const keys = [...new Set(rawKeys.map(clip))].sort(); // one lock order for every request: no deadlock
      const at = now();
      const decision = await db.transaction().execute(async (trx): Promise<RateLimitDecision> => {
        if (options.engine === "postgres") {
          for (const key of keys) await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
        }
        await trx
          .deleteFrom("rate_hits")
          .where("key", "in", keys)
          .where("at", "<=", at - windowMs)
          .execute();
        const rows = await trx
          .selectFrom("rate_hits")
          .select([
            "key",
            (eb) => eb.fn.countAll<number | string | bigint>().as("n"),
            (eb) => eb.fn.min("at").as("oldest"),
          ])
          .where("key", "in", keys)
          .groupBy("key")
          .execute();
        for (const key of keys) {
          const row = rows.find((r) => r.key === key);
          if (row && Number(row.n) >= options.limit) {
            const oldest = Number(row.oldest ?? at);
            return { ok: false, key, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - at) / 1000)) };
          }
        }
        await trx
          .insertInto("rate_hits")
          .values(keys.map((key) => ({ key, at })))
          .execute();
        return { ok: true };
      });
      // Keys that are never asked for again would keep their rows: sweep the whole table now and then.
      if (++sinceSweep >= 100) {
        sinceSweep = 0;
        await db
          .deleteFrom("rate_hits")
          .where("at", "<=", at - windowMs)
          .execute();
      }
      return decision;
    },

    async record(key) {
      await db
        .insertInto("rate_hits")
        .values({ key: clip(key), at: now() })
        .execute();
    },
  };
}
