/**
 * The validation rate limit as the onboarding rules see it: a sliding-window limiter keyed per operator and per
 * target tenant, so that the validation endpoints cannot be used to guess secrets. Declared here, implemented in
 * storage (storage/rate-limit.repository.ts: the hits live in the database, so several server copies on one
 * PostgreSQL count together); app.ts wires the one to the other.
 */

/** Answer of {@link RateLimiter.take}. */
export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number; key: string };

/** Counts requests per key. */
export interface RateLimiter {
  /** Admits a request when every key is under its limit, and then counts it against every key. */
  take(keys: string[]): Promise<RateDecision>;
  /** Counts a request against `key` without asking (one already admitted under another name of the same thing). */
  record(key: string): Promise<void>;
}
