/**
 * State of one streamed validation run (the wizard's credentials step, Validate Authentication, Replace secret): the
 * checks as they arrive, the final report, or the problem that ended it. A new run aborts the one before it, and the
 * request is aborted when the component unmounts; a caller's own abort is not a problem to show, a timeout is.
 */
import type { Check, ValidationReport } from "@dr/contract";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiProblem } from "../api/api.client";

/** Where a run stands. */
export interface RunState {
  running: boolean;
  checks: Check[];
  report?: ValidationReport;
  /** The run could not finish (network, timeout, rate limit, a refusal); Retry is offered. */
  problem?: ApiProblem;
  /** What the run was for, as the caller named it in `start` (the wizard: `credentialsKey()` of the values). */
  key?: string;
}

/** The streaming call a run makes. */
export type RunCall = (onCheck: (c: Check) => void, signal: AbortSignal) => Promise<ValidationReport>;

/**
 * The run state and its controls. `start` resolves to the report, or undefined when the run did not finish; `key`
 * is kept on the run so the caller can tell whether it still belongs to the values on screen.
 */
export function useValidationRun(): {
  run: RunState | undefined;
  start(call: RunCall, key?: string): Promise<ValidationReport | undefined>;
  reset(): void;
} {
  const [run, setRun] = useState<RunState | undefined>(undefined);
  const abort = useRef<AbortController | undefined>(undefined);

  useEffect(() => () => abort.current?.abort(), []);

  const start = useCallback(async (call: RunCall, key?: string) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setRun({ running: true, checks: [], key });
    try {
      const report = await call(
        (check) =>
          setRun((r) =>
            r && r.key === key ? { ...r, checks: [...r.checks.filter((c) => c.id !== check.id), check] } : r,
          ),
        controller.signal,
      );
      setRun({ running: false, checks: report.checks, report, key });
      return report;
    } catch (error) {
      if (controller.signal.aborted && !(error instanceof ApiProblem && error.code === "timeout")) return undefined;
      const problem = error instanceof ApiProblem ? error : new ApiProblem({ status: 0, code: "network" });
      setRun((r) => ({
        running: false,
        checks: problem.report?.checks ?? r?.checks ?? [],
        report: problem.report,
        problem,
        key,
      }));
      return undefined;
    }
  }, []);

  const reset = useCallback(() => {
    abort.current?.abort();
    setRun(undefined);
  }, []);

  return { run, start, reset };
}

/** The operator-facing sentence for a problem that ended a run. */
export function runProblemText(
  problem: ApiProblem,
  texts: { rateLimited: string; timeout: string; network: string },
): string {
  if (problem.code === "rate_limited") return texts.rateLimited;
  if (problem.code === "timeout") return texts.timeout;
  if (problem.code === "network") return texts.network;
  return problem.detail;
}
