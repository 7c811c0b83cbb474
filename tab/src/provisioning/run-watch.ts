/**
 * Follows one provisioning run until it ends. A run can wait a quarter of an hour for the admin's sign-in and then
 * run for minutes, longer than a proxy or a laptop's sleep keeps a connection: when the event stream drops or ends
 * early, this reads the run once and opens the stream again, with a growing pause between failures. It stops at a
 * final status, on the caller's abort, or on an answer that trying again cannot change (404, 403, 400).
 */
import type { ProvisioningRun } from "@dr/contract";
import { ApiProblem, type CallOptions } from "../api/api.client";
import { isFinal } from "./provisioning.format";

/** The two reads the watcher needs (a ProvisioningPort has both). */
export interface RunSource {
  get(id: string, o?: CallOptions): Promise<ProvisioningRun>;
  watch(id: string, onRun: (run: ProvisioningRun) => void, o?: CallOptions): Promise<ProvisioningRun | undefined>;
}

/** Options of watchRun. */
export interface WatchRunOptions {
  signal: AbortSignal;
  /** Every copy of the run that arrives (stream events and reads alike). */
  onRun(run: ProvisioningRun): void;
  /** The connection failed and will be tried again (a problem), or works again (undefined). */
  onConnection?(problem: ApiProblem | undefined): void;
  /** Pauses between attempts, ms; the last one repeats (default 1 s, 2 s, 4 s, 8 s, then 15 s). */
  delaysMs?: readonly number[];
  /** Waits `ms` unless `signal` aborts first (injected by tests). */
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
}

/** Pauses used when the caller gives none. */
export const WATCH_DELAYS_MS: readonly number[] = [1000, 2000, 4000, 8000, 15000];

/** Whether trying again can help: no answer at all, a timeout, rate limiting or a server fault. */
export function retriable(problem: ApiProblem): boolean {
  return problem.status === 0 || problem.status === 408 || problem.status === 429 || problem.status >= 500;
}

function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Watches run `id` until it is final; answers the final run, or undefined when the caller aborted. Throws the
 * ApiProblem of an answer that trying again cannot change.
 */
export async function watchRun(
  source: RunSource,
  id: string,
  options: WatchRunOptions,
): Promise<ProvisioningRun | undefined> {
  const { signal, onRun } = options;
  const delays = options.delaysMs?.length ? options.delaysMs : WATCH_DELAYS_MS;
  const sleep = options.sleep ?? sleepFor;
  let failures = 0;
  let troubled = false;
  const healthy = () => {
    failures = 0;
    if (troubled) {
      troubled = false;
      options.onConnection?.(undefined);
    }
  };
  for (;;) {
    if (signal.aborted) return undefined;
    try {
      const last = await source.watch(
        id,
        (run) => {
          healthy();
          onRun(run);
        },
        { signal },
      );
      if (last && isFinal(last.status)) return last;
      // The stream ended before the run did (a proxy's idle limit, a server restart): read where it stands.
      const now = await source.get(id, { signal });
      healthy();
      onRun(now);
      if (isFinal(now.status)) return now;
    } catch (error) {
      if (signal.aborted) return undefined;
      const problem = error instanceof ApiProblem ? error : new ApiProblem({ status: 0, code: "network" });
      if (!retriable(problem)) throw problem;
      troubled = true;
      options.onConnection?.(problem);
      failures += 1;
    }
    const pause = delays[Math.min(Math.max(failures - 1, 0), delays.length - 1)] ?? 1000;
    await sleep(pause, signal);
  }
}
