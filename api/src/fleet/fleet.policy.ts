/**
 * What the fleet runner does with one service's answer (docs/api.md, "Fleet re-validation"): a throttled answer with
 * a Retry-After the run can wait for defers the service's whole tenant until then (the tenant's slot is given back,
 * other tenants go on); anything else is the service's outcome in this run. A service still unanswered after
 * `maxAttempts` tries, or asked to wait longer than `maxDeferMs`, ends as `unknown` (never as failed).
 */

/** One service's result as the per-service step reports it. */
export interface FleetStepResult {
  outcome: "ok" | "failed" | "unknown" | "skipped";
  /** Microsoft asked to wait this long (Retry-After of a throttled answer), ms. */
  retryAfterMs?: number;
}

/** Limits of the retries within one run. */
export interface FleetRetryPolicy {
  /** Tries of one service within a run (the first included). */
  maxAttempts: number;
  /** The longest Retry-After the run waits for, ms; a longer one ends the service as unknown. */
  maxDeferMs: number;
}

/** The runner's next move for the service. */
export type FleetDecision =
  | { kind: "complete"; outcome: FleetStepResult["outcome"] }
  | { kind: "defer"; notBefore: Date };

/** Decides what follows a step's result (`attempts`: tries so far, this one included). */
export function decide(result: FleetStepResult, attempts: number, policy: FleetRetryPolicy, now: Date): FleetDecision {
  const wait = result.retryAfterMs;
  if (result.outcome === "unknown" && wait !== undefined && Number.isFinite(wait) && wait >= 0) {
    if (attempts < policy.maxAttempts && wait <= policy.maxDeferMs) {
      return { kind: "defer", notBefore: new Date(now.getTime() + wait) };
    }
  }
  return { kind: "complete", outcome: result.outcome };
}

/** How long the runner waits before looking again when it holds nothing: until the next Retry-After, at most `pollMs`. */
export function idleWait(now: Date, pollMs: number, nextNotBefore?: string): number {
  if (!nextNotBefore) return pollMs;
  const until = Date.parse(nextNotBefore) - now.getTime();
  return Math.max(10, Math.min(pollMs, until));
}
