/**
 * Runs a declared list of checks (`{ id, after, run }`, one file each): works out which ones to skip from `after`,
 * runs the ones that do not wait on each other side by side, and hands each result on in list order as soon as it
 * and the ones before it are done. The credential validator (docs/product.md section 3) is its first user; readiness
 * checks are meant to run on it too, so nothing here knows a check id.
 */
import type { CheckStatus } from "@dr/contract";
import { redactDeep } from "./redact.js";

/** What one check found. Checks return it as a value; they never throw. */
export interface CheckResult<Code extends string = string> {
  status: CheckStatus;
  code?: Code;
  /** What happened, for the operator. */
  message: string;
  /** What to do about it. */
  remedy?: string;
  /** Technical facts (statuses, ids, timings). Never a secret; the runner redacts anyway. */
  detail?: Record<string, unknown>;
}

/** A check's result plus what later checks may read from it (a parsed id, a token, ...). */
export interface CheckOutcome<Code extends string, Facts> {
  result: CheckResult<Code>;
  /** Merged into the run's facts once this check counts (it ran and was not dropped). */
  facts?: Partial<Facts>;
}

/** The context a check runs with: the caller's context and the facts of the checks it comes after. */
export type CheckContext<Context, Facts> = Context & { readonly facts: Readonly<Partial<Facts>> };

/** One declared check. */
export interface CheckDefinition<Id extends string, Code extends string, Context, Facts> {
  readonly id: Id;
  /**
   * Checks that must pass (or warn) for this one to count; if one fails, is unknown or is skipped, this one is
   * `skipped`. Each must come earlier in the list. This check starts once they are done, except those in
   * `alongside`.
   */
  readonly after: readonly Id[];
  /**
   * Of `after`, those this check starts beside instead of waiting for: it reads none of their facts, and its
   * result is dropped (`skipped`) when one of them fails or is skipped. When they only end `unknown` (their service
   * could not be reached), a definite `fail` of this check is kept, since it is an answer of its own; any other
   * result is dropped. Saves a round trip.
   */
  readonly alongside?: readonly Id[];
  /**
   * Why a check that comes after this one is skipped when this one does not pass, shown as "Not run: <text>."
   * A skip passes the same cause on, so every check skipped for one root cause says the same.
   */
  readonly skipCause: string;
  /** Runs the check. Must not throw; a throw is reported as `unknown`. */
  run(context: CheckContext<Context, Facts>): CheckOutcome<Code, Facts> | Promise<CheckOutcome<Code, Facts>>;
}

/** A finished check as reported: its result, its id and how long it took. */
export type RanCheck<Id extends string, Code extends string> = CheckResult<Code> & { id: Id; durationMs: number };

/** Options of one run. */
export interface RunChecksOptions<Id extends string, Code extends string> {
  /** Called once per check, in list order, as soon as it and every check before it are done. */
  onCheck?: (check: RanCheck<Id, Code>) => void;
  /** Values removed from every result before it is handed on (the entered secret). */
  secrets?: readonly string[];
}

/** Runs a fixed list of checks. */
export interface CheckRunner<Id extends string, Code extends string, Context, Facts> {
  /** Runs every check once; resolves with the results in list order and the facts gathered. Never rejects. */
  run(
    context: Context,
    options?: RunChecksOptions<Id, Code>,
  ): Promise<{ checks: RanCheck<Id, Code>[]; facts: Partial<Facts> }>;
}

/** How a check ended, as the runner tracks it: the result and, when it did not pass, the cause its followers cite. */
interface Settled<Code extends string> {
  result: CheckResult<Code>;
  durationMs: number;
  /** Set when the check did not pass (or warn). */
  cause?: string;
}

const passed = (status: CheckStatus): boolean => status === "pass" || status === "warn";

/**
 * Creates a runner over `checks` (in the order they are shown). Throws at once on a list that cannot run: a
 * duplicate id, an `after` that names a later or unknown check, or an `alongside` outside `after`.
 */
export function createCheckRunner<Id extends string, Code extends string, Context, Facts>(
  checks: readonly CheckDefinition<Id, Code, Context, Facts>[],
  /** The code of a skipped check (the contract's `prerequisite_failed`). */
  skippedCode: Code,
): CheckRunner<Id, Code, Context, Facts> {
  const seen = new Set<Id>();
  for (const check of checks) {
    if (seen.has(check.id)) throw new Error(`check "${check.id}" is listed twice`);
    for (const id of check.after) {
      if (!seen.has(id)) throw new Error(`check "${check.id}" comes after "${id}", which is not listed before it`);
    }
    for (const id of check.alongside ?? []) {
      if (!check.after.includes(id)) throw new Error(`check "${check.id}" runs alongside "${id}" but not after it`);
    }
    seen.add(check.id);
  }

  const skipped = (cause: string): Settled<Code> => ({
    result: { status: "skipped", code: skippedCode, message: `Not run: ${cause}.` },
    durationMs: 0,
    cause,
  });

  async function runOne(
    check: CheckDefinition<Id, Code, Context, Facts>,
    context: CheckContext<Context, Facts>,
  ): Promise<CheckOutcome<Code, Facts>> {
    try {
      return await check.run(context);
    } catch (error) {
      // A check that throws has a bug; the run still ends with a report, and the error's text (which might quote
      // an input) stays out of it.
      return {
        result: {
          status: "unknown",
          message: "The check stopped on an unexpected error.",
          remedy: "Try again; if it persists, report it to the provider's support.",
          detail: { error: error instanceof Error ? error.name : typeof error },
        },
      };
    }
  }

  return {
    async run(context, options = {}) {
      const facts: Partial<Facts> = {};
      const withFacts: CheckContext<Context, Facts> = { ...context, facts };
      const settled = new Map<Id, Promise<Settled<Code>>>();

      /** The first check in `ids` (in their order) that did not pass, as its settled state. */
      const firstBlocker = async (ids: readonly Id[]): Promise<Settled<Code> | undefined> => {
        const states = await Promise.all(ids.map((id) => settled.get(id)));
        return states.find((s) => s !== undefined && !passed(s.result.status));
      };

      /** The first check in `ids` that failed or was skipped (not merely unknown). */
      const firstRefuter = async (ids: readonly Id[]): Promise<Settled<Code> | undefined> => {
        const states = await Promise.all(ids.map((id) => settled.get(id)));
        return states.find((s) => s !== undefined && !passed(s.result.status) && s.result.status !== "unknown");
      };

      const settle = async (check: CheckDefinition<Id, Code, Context, Facts>): Promise<Settled<Code>> => {
        const beside = check.alongside ?? [];
        const blocked = await firstBlocker(check.after.filter((id) => !beside.includes(id)));
        if (blocked) return skipped(blocked.cause ?? "an earlier check did not pass");
        const started = performance.now();
        const running = runOne(check, withFacts);
        // A check run beside its prerequisites is dropped as soon as one fails or is skipped, without waiting for
        // it. One that is only unknown proves nothing against this check's own answer: a definite failure is kept.
        const besideBlocked = await firstBlocker(beside);
        const refuted = besideBlocked !== undefined && (await firstRefuter(beside)) !== undefined;
        if (besideBlocked && refuted) return skipped(besideBlocked.cause ?? "an earlier check did not pass");
        const outcome = await running;
        if (besideBlocked && outcome.result.status !== "fail") {
          return skipped(besideBlocked.cause ?? "an earlier check did not pass");
        }
        const durationMs = Math.round(performance.now() - started);
        if (outcome.facts) Object.assign(facts, outcome.facts);
        return passed(outcome.result.status)
          ? { result: outcome.result, durationMs }
          : { result: outcome.result, durationMs, cause: check.skipCause };
      };

      // Every check starts as soon as what it waits on is done; the list order only fixes the reporting order.
      for (const check of checks) settled.set(check.id, settle(check));

      const ran: RanCheck<Id, Code>[] = [];
      for (const check of checks) {
        const state = await (settled.get(check.id) as Promise<Settled<Code>>);
        const one = redactDeep<RanCheck<Id, Code>>(
          { id: check.id, ...state.result, durationMs: state.durationMs },
          options.secrets ?? [],
        );
        ran.push(one);
        options.onCheck?.(one);
      }
      return { checks: ran, facts };
    },
  };
}
