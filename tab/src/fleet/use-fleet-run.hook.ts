/**
 * "Validate all": starts a fleet re-validation run (POST /api/fleet/revalidation, which answers the running run's
 * id when one runs already, so a second operator attaches to it) and follows it over the event stream until it
 * ends, reading it again and re-opening the stream when the connection drops. The run's id is kept for the tab's
 * session, so coming back to the page attaches to a run still going; `attach` follows a run the page learnt of
 * otherwise (GET /api/fleet's `run`: another operator's, or the schedule's). `onEnded` runs once per run that ends
 * here.
 */
import type { FleetRun } from "@dr/contract";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiProblem } from "../api/api.client";
import type { FleetApi } from "./fleet.api";

const STORAGE_KEY = "dr.fleet.runId";
/** Pause before reading the run again after the stream dropped or ended early, ms. */
const RETRY_MS = 1000;

/** What the page shows of the run. */
export interface FleetRunState {
  run: FleetRun | undefined;
  problem: ApiProblem | undefined;
  /** Between the click and the first answer. */
  starting: boolean;
  cancelling: boolean;
  start(): void;
  cancel(): void;
  /** Follows `found` (a running run) unless it is the one followed already. */
  attach(found: FleetRun): void;
}

function remembered(): string | undefined {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function remember(runId: string | undefined): void {
  try {
    if (runId) sessionStorage.setItem(STORAGE_KEY, runId);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage refused (a locked-down browser): the page just does not re-attach after leaving.
  }
}

const asProblem = (error: unknown) =>
  error instanceof ApiProblem ? error : new ApiProblem({ status: 0, code: "network" });

/** Follows the fleet's run through `api` (stable across renders). */
export function useFleetRun(api: FleetApi, onEnded: (run: FleetRun) => void): FleetRunState {
  const [run, setRun] = useState<FleetRun | undefined>(undefined);
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const [starting, setStarting] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [runId, setRunId] = useState<string | undefined>(undefined);
  const ended = useRef(onEnded);
  ended.current = onEnded;

  // On arrival: a run this session started and still running is followed again; any other is forgotten.
  useEffect(() => {
    const id = remembered();
    if (!id) return;
    const controller = new AbortController();
    api.get(id, { signal: controller.signal }).then(
      (found) => {
        if (found.status === "running") {
          setRun(found);
          setRunId(id);
        } else remember(undefined);
      },
      () => {
        if (!controller.signal.aborted) remember(undefined);
      },
    );
    return () => controller.abort();
  }, [api]);

  useEffect(() => {
    if (!runId) return;
    const controller = new AbortController();
    const { signal } = controller;
    const follow = async () => {
      for (;;) {
        let last: FleetRun | undefined;
        try {
          last = await api.watch(runId, setRun, { signal });
          if (!last || last.status === "running") {
            last = await api.get(runId, { signal });
            setRun(last);
          }
          setProblem(undefined);
        } catch (error) {
          if (signal.aborted) return;
          const p = asProblem(error);
          // Not found or forbidden will not change by trying again.
          if (p.status >= 400 && p.status < 500 && p.status !== 408 && p.status !== 429) {
            setProblem(p);
            remember(undefined);
            return;
          }
        }
        if (signal.aborted) return;
        if (last && last.status !== "running") {
          remember(undefined);
          setCancelling(false);
          ended.current(last);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        if (signal.aborted) return;
      }
    };
    void follow();
    return () => controller.abort();
  }, [api, runId]);

  const start = useCallback(() => {
    setStarting(true);
    setProblem(undefined);
    api.start().then(
      ({ runId: id }) => {
        setStarting(false);
        remember(id);
        setRun(undefined);
        setRunId(id);
      },
      (error: unknown) => {
        setStarting(false);
        setProblem(asProblem(error));
      },
    );
  }, [api]);

  const cancel = useCallback(() => {
    if (!runId) return;
    setCancelling(true);
    api.cancel(runId).then(setRun, (error: unknown) => {
      setCancelling(false);
      setProblem(asProblem(error));
    });
  }, [api, runId]);

  const followed = useRef(runId);
  followed.current = runId;
  const attach = useCallback((found: FleetRun) => {
    if (found.status !== "running" || followed.current === found.runId) return;
    followed.current = found.runId;
    setRun(found);
    setCancelling(false);
    setRunId(found.runId);
  }, []);

  return { run, problem, starting, cancelling, start, cancel, attach };
}
