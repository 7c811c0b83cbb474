/**
 * When a failed reminder send is tried again (docs/teams.md section 9): exponential backoff with full jitter (a
 * random wait between 0 and min(cap, base * factor^(attempt - 1))), never shorter than the connector's Retry-After nor
 * than a floor of 1 s, and given up as `failed` after 12 attempts or 24 hours, whichever comes first. And a timeout
 * around every outbound call, which counts as a retryable network failure.
 */
import type { SendFailure } from "../turn.types.js";

/** The retry schedule. With these numbers the ceiling of the n-th wait is 5 s, 10 s, 20 s, ... 15 min. */
export const RETRY_POLICY = {
  baseMs: 5_000,
  factor: 2,
  capMs: 15 * 60_000,
  floorMs: 1_000,
  maxAttempts: 12,
  maxAgeMs: 24 * 3_600_000,
} as const;

/** Time allowed for one outbound call (a send, or opening a personal chat), ms. */
export const OUTBOUND_TIMEOUT_MS = 15_000;

/** The wait before the next attempt after `attempts` failed ones, ms. */
export function retryDelayMs(attempts: number, retryAfterMs: number | undefined, random: () => number): number {
  const { baseMs, factor, capMs, floorMs } = RETRY_POLICY;
  const ceiling = Math.min(capMs, baseMs * factor ** Math.max(0, attempts - 1));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(floorMs, retryAfterMs ?? 0, jittered);
}

/** True when a row with `attempts` made since `createdAt` is not tried again. */
export function givenUp(attempts: number, createdAt: string, now: Date): boolean {
  return attempts >= RETRY_POLICY.maxAttempts || now.getTime() - Date.parse(createdAt) >= RETRY_POLICY.maxAgeMs;
}

/** The failure a timed-out call stands for: retryable, like a network failure. */
export const TIMED_OUT: SendFailure = { ok: false, gone: false, code: "timeout", retryable: true };

/**
 * `call`, or `onTimeout` when it has not settled within `ms` (the call itself is not cancelled; its late result is
 * ignored). A call that throws counts as a network failure.
 */
export async function withTimeout<T>(call: () => Promise<T>, ms: number, onTimeout: T, onThrow: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout), ms);
    timer.unref();
  });
  try {
    return await Promise.race([call().catch(() => onThrow), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
