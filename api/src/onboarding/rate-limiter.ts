/**
 * A sliding-window limiter for validations, keyed per operator and per target tenant, so that the validation
 * endpoints cannot be used to guess secrets. In-process: each server copy counts its own requests.
 */

/** Answer of {@link RateLimiter.take}. */
export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number; key: string };

/** Counts requests per key. */
export interface RateLimiter {
  /** Admits a request when every key is under its limit, and then counts it against every key. */
  take(keys: string[]): RateDecision;
  /** Counts a request against `key` without asking (one already admitted under another name of the same thing). */
  record(key: string): void;
}

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Requests allowed per key within the window. */
  limit: number;
  /** Window length, ms. Default 60 000. */
  windowMs?: number;
  now?: () => number;
  /** Most keys remembered; the oldest are dropped past it. Default 100 000. */
  maxKeys?: number;
}

/** Creates a limiter. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const hits = new Map<string, number[]>();

  const recent = (key: string, at: number): number[] => {
    const list = (hits.get(key) ?? []).filter((t) => t > at - windowMs);
    if (list.length === 0) hits.delete(key);
    else hits.set(key, list);
    return list;
  };

  const count = (key: string, at: number) => {
    const list = hits.get(key) ?? [];
    list.push(at);
    hits.delete(key);
    hits.set(key, list);
    while (hits.size > maxKeys) {
      const first = hits.keys().next().value;
      if (first === undefined) break;
      hits.delete(first);
    }
  };

  return {
    take(keys) {
      const at = now();
      for (const key of keys) {
        const list = recent(key, at);
        if (list.length >= options.limit) {
          const oldest = list[0] ?? at;
          return { ok: false, key, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - at) / 1000)) };
        }
      }
      for (const key of keys) count(key, at);
      return { ok: true };
    },
    record(key) {
      const at = now();
      recent(key, at);
      count(key, at);
    },
  };
}
