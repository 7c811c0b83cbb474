/**
 * One provisioning run followed live (run-watch.ts): the latest copy of the run, a connection that is being tried
 * again, or the problem that stopped following it. Watching stops when the run ends, when `id` changes and when the
 * component unmounts.
 */
import type { ProvisioningRun } from "@dr/contract";
import { useCallback, useEffect, useState } from "react";
import { ApiProblem } from "../api/api.client";
import { newerRun } from "./provisioning.format";
import { type RunSource, watchRun } from "./run-watch";

/** What a page shows of the run it follows. */
export interface FollowedRun {
  /** The latest copy (undefined until the first arrives). */
  run: ProvisioningRun | undefined;
  /** The run could not be read and trying again on its own will not help (not found, forbidden). */
  problem: ApiProblem | undefined;
  /** The connection dropped; it is being tried again. */
  reconnecting: ApiProblem | undefined;
  /** Shows a copy the page got another way (the start's or the clean-up's answer), if it is newer. */
  apply(run: ProvisioningRun): void;
  /** Follows again after a problem. */
  retry(): void;
}

/** Follows run `id` from `source` (undefined: nothing to follow yet). `source` must be stable across renders. */
export function useProvisioningRun(source: RunSource | undefined, id: string | undefined): FollowedRun {
  const [run, setRun] = useState<ProvisioningRun | undefined>(undefined);
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const [reconnecting, setReconnecting] = useState<ApiProblem | undefined>(undefined);
  const [attempt, setAttempt] = useState(0);

  const apply = useCallback((incoming: ProvisioningRun) => setRun((current) => newerRun(current, incoming)), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the Retry trigger
  useEffect(() => {
    if (!source || !id) return;
    const controller = new AbortController();
    setProblem(undefined);
    setReconnecting(undefined);
    watchRun(source, id, {
      signal: controller.signal,
      onRun: apply,
      onConnection: (p) => {
        if (!controller.signal.aborted) setReconnecting(p);
      },
    }).then(
      () => {
        if (!controller.signal.aborted) setReconnecting(undefined);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setReconnecting(undefined);
        setProblem(error instanceof ApiProblem ? error : new ApiProblem({ status: 0, code: "network" }));
      },
    );
    return () => controller.abort();
  }, [source, id, apply, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { run: run?.id === id ? run : undefined, problem, reconnecting, apply, retry };
}
