/**
 * The fleet re-validation runner (docs/api.md, "Fleet re-validation"; docs/product.md section 11). One runner serves
 * the schedule (a `scheduled` run over the due services) and "Validate all" (a `manual` run over every service); the
 * per-service work (rotation when due, the validation, the reminder decision) is the `step` it is given.
 *
 * - Work is claimed by tenant, never by service (storage/fleet-runs.repository.ts): a copy leases a batch of tenants
 *   and works each one's services one after the other, so at most one request is in flight per customer tenant across
 *   every copy, and at most `concurrency` (REVALIDATION_CONCURRENCY) tenants are worked on at once per copy.
 * - A throttled answer with Retry-After defers its tenant alone (fleet.policy.ts): the slot is given back at once, the
 *   service is tried again after the delay within the run, and ends as `unknown` when it stays unanswered.
 * - Several copies on one database share a run; each one's timer calls `tick`, which joins the running run. A copy
 *   that dies leaves its tenants to the others once its lease lapses; a service it had started is never validated
 *   again in the run.
 * - Nothing grows with the number of services: items are created with one INSERT … SELECT, claimed in batches, and
 *   progress is an aggregate over them. A scheduled run takes its due services page by page (`more`): the run is
 *   created with the first page and filled with the others before any copy claims a tenant of it.
 */
import { randomUUID } from "node:crypto";
import type { FleetRun, FleetRunTrigger } from "@dr/contract";
import type { FleetRunRecord, FleetRunStore } from "../storage/fleet-runs.repository.js";
import { decide, type FleetRetryPolicy, type FleetStepResult, idleWait } from "./fleet.policy.js";

export type { FleetStepResult } from "./fleet.policy.js";

/** What a step is told about the run it works for. */
export interface FleetStepContext {
  runId: string;
  trigger: FleetRunTrigger;
  /** Who started the run (the operator; "scheduler"): the validations' actor. */
  actor: string;
}

/** Observes runs (metrics): every progress read of this copy and each run this copy saw end. */
export interface FleetRunObserver {
  progress(run: FleetRun): void;
  finished(run: FleetRun): void;
}

/** Dependencies and settings of the runner. */
export interface FleetRunnerDeps {
  store: FleetRunStore;
  /** The per-service work; a throw counts as `unknown`. */
  step: (serviceId: string, context: FleetStepContext) => Promise<FleetStepResult>;
  /** Tenants worked on at once by this copy (REVALIDATION_CONCURRENCY). */
  concurrency: number;
  /** This copy's name in leases (default a random UUID). */
  copyId?: string;
  /** How long a claimed tenant stays this copy's without a renewal, ms (default 120 000; renewed per service). */
  leaseMs?: number;
  /** Retries within a run (default 3 tries, Retry-After up to 5 minutes). */
  retry?: Partial<FleetRetryPolicy>;
  /** How often the timer looks for a running run, and subscribers poll progress, ms (default 1000). */
  pollMs?: number;
  now?: () => Date;
  observer?: FleetRunObserver;
  /** Told when a run this copy worked on ended (the reminders' delivery step); its failure is logged. */
  onRunEnded?: (run: FleetRun) => Promise<void>;
  log?: { info(o: object, m?: string): void; warn(o: object, m?: string): void };
}

/** The runner. */
export interface FleetRunner {
  /**
   * Starts a run over every service (manual) or the given ones (scheduled); while a run is running, answers that
   * one: `{ runId, created: false }`. With `more` (the later pages of the due services), the created run is filled
   * with them before it is released to the copies' workers (resolving then); a run that was not created leaves
   * `more` unread.
   */
  start(
    trigger: FleetRunTrigger,
    actor: string,
    options?: { serviceIds?: readonly string[]; more?: AsyncIterable<readonly string[]> },
  ): Promise<{ runId: string; created: boolean }>;
  get(runId: string): Promise<FleetRun | undefined>;
  /** The run running now (any copy's), if any. */
  running(): Promise<FleetRun | undefined>;
  /** Cancels a running run (no more claims; validations in flight finish); answers the run, or undefined if unknown. */
  cancel(runId: string, actor: string): Promise<FleetRun | undefined>;
  /** The run's progress as it changes (this copy's work and, read from storage, other copies'); returns unsubscribe. */
  subscribe(runId: string, listener: (run: FleetRun) => void): () => void;
  /** Resolves with the run once it has ended (or undefined when there is no such run, or the runner stops). */
  waitFor(runId: string): Promise<FleetRun | undefined>;
  /** Looks for a running run with work left and works on it. */
  tick(): Promise<void>;
  /** Starts the timer that calls `tick` every `pollMs` (unref'd). */
  watch(): void;
  /**
   * Stops: no more claims; the validations in flight finish and their tenants are released. `abandon` (tests of a
   * copy that dies): returns at once and releases nothing, so the leases must lapse.
   */
  stop(options?: { abandon?: boolean }): Promise<void>;
}

/** The run as the API answers it. */
export function toFleetRun(record: FleetRunRecord): FleetRun {
  return {
    runId: record.id,
    status: record.status,
    trigger: record.trigger,
    total: record.total,
    done: record.done,
    failed: record.failed,
    unknown: record.unknown,
    startedAt: record.startedAt,
    ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
  };
}

const isFinal = (run: FleetRun) => run.status !== "running";

/** How long finished runs keep their per-service rows, ms. */
const PRUNE_AFTER_MS = 7 * 86_400_000;

/** Creates the runner. */
export function createFleetRunner(deps: FleetRunnerDeps): FleetRunner {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const copy = deps.copyId ?? randomUUID();
  const leaseMs = deps.leaseMs ?? 120_000;
  const pollMs = deps.pollMs ?? 1000;
  const policy: FleetRetryPolicy = { maxAttempts: 3, maxDeferMs: 300_000, ...deps.retry };
  const concurrency = Math.max(1, Math.floor(deps.concurrency));
  /** Runs this copy works on. */
  const working = new Map<string, Promise<void>>();
  /** Per run: the listeners, and a nudge that makes them read the run now. */
  const watchers = new Map<string, { listeners: Set<(run: FleetRun) => void>; nudge: () => void; close: () => void }>();
  let stopping = false;
  let abandoned = false;
  let timer: NodeJS.Timeout | undefined;
  /** Wakes the idle waits when the runner stops. */
  const wakers = new Set<() => void>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      wakers.add(done);
    });
  const leaseUntil = () => new Date(now().getTime() + leaseMs).toISOString();

  /** Tells this copy's watchers (and the observer) of progress, soon. */
  const nudge = (runId: string) => watchers.get(runId)?.nudge();

  const ended = async (record: FleetRunRecord | undefined) => {
    if (!record) return;
    const run = toFleetRun(record);
    deps.observer?.finished(run);
    nudge(run.runId);
    deps.log?.info({ ...run }, "fleet re-validation run ended");
    try {
      await deps.onRunEnded?.(run);
    } catch (error) {
      deps.log?.warn({ runId: run.runId, err: (error as Error)?.message }, "fleet run end hook failed");
    }
  };

  /** Works one claimed tenant's services one at a time until none is left, it is deferred, or the claim is lost. */
  async function workTenant(runId: string, context: FleetStepContext, tenantId: string): Promise<void> {
    await store.resolveStale(runId, tenantId, copy);
    // The claim set the lease; it is renewed once a third of it has passed (a service takes far less).
    let renewedAt = now().getTime();
    /** The service just finished: marked done in the transaction that starts the next one (one commit per service). */
    let finished: { serviceId: string; outcome: FleetStepResult["outcome"] } | undefined;
    while (!stopping) {
      const at = now();
      const renew = at.getTime() - renewedAt >= leaseMs / 3;
      const previous = finished;
      finished = undefined;
      const item = await store.beginNext(
        runId,
        tenantId,
        copy,
        at.toISOString(),
        renew ? leaseUntil() : undefined,
        previous,
      );
      if (previous) nudge(runId);
      if (renew) renewedAt = at.getTime();
      if (item === "lost") return;
      if (item === undefined) {
        await store.finishTenant(runId, tenantId, copy);
        return;
      }
      if (abandoned) return;
      if (stopping) {
        // Stopped between the claim and the call: the service goes back, untouched, for any copy to take.
        await store.defer(runId, tenantId, item.serviceId, copy, now().toISOString());
        return;
      }
      let result: FleetStepResult;
      try {
        result = await deps.step(item.serviceId, context);
      } catch (error) {
        deps.log?.warn({ runId, serviceId: item.serviceId, err: (error as Error)?.message }, "fleet step failed");
        result = { outcome: "unknown" };
      }
      if (abandoned) return;
      const decision = decide(result, item.attempts, policy, now());
      if (decision.kind === "defer") {
        await store.defer(runId, tenantId, item.serviceId, copy, decision.notBefore.toISOString());
        return;
      }
      finished = { serviceId: item.serviceId, outcome: decision.outcome };
    }
    if (abandoned) return;
    if (finished) {
      await store.complete(runId, finished.serviceId, finished.outcome);
      nudge(runId);
    }
    await store.release(runId, tenantId, copy);
  }

  /** Works on a running run until it has no work left for this copy (or the runner stops). */
  async function work(runId: string): Promise<void> {
    const first = await store.get(runId);
    if (first?.status !== "running") return;
    const active = new Map<string, Promise<void>>();
    while (!stopping) {
      const free = concurrency - active.size;
      const claimed = free > 0 ? await store.claimTenants(runId, copy, free, now().toISOString(), leaseUntil()) : [];
      for (const tenantId of claimed) {
        const task = workTenant(runId, { runId, trigger: first.trigger, actor: first.actor }, tenantId)
          .catch((error) => {
            deps.log?.warn({ runId, err: (error as Error)?.message }, "fleet tenant work failed");
          })
          .finally(() => active.delete(tenantId));
        active.set(tenantId, task);
      }
      if (active.size === 0) {
        const state = await store.openState(runId, now().toISOString());
        if (state.status !== "running") return;
        if (state.open === 0 && !state.filling) {
          if (await store.finish(runId, "completed", now().toISOString())) await ended(await store.get(runId));
          return;
        }
        // Tenants wait for their Retry-After or are held by another copy: look again soon.
        await sleep(idleWait(now(), pollMs, state.nextNotBefore));
        continue;
      }
      // A slot frees when a tenant is done; deferred tenants become claimable with time.
      if (claimed.length === 0 || active.size >= concurrency) await Promise.race([...active.values(), sleep(pollMs)]);
    }
    if (!abandoned) await Promise.all(active.values());
  }

  /** Starts working on the run unless this copy already does. */
  function join(runId: string): Promise<void> {
    if (stopping) return Promise.resolve();
    let task = working.get(runId);
    if (!task) {
      // With an observer (metrics), the copy watches the progress of the run it works on.
      const unwatch = deps.observer ? runner.subscribe(runId, () => undefined) : () => undefined;
      task = work(runId)
        .catch((error) => {
          deps.log?.warn({ runId, err: (error as Error)?.message }, "fleet run work failed; the next tick resumes it");
        })
        .finally(() => {
          unwatch();
          working.delete(runId);
        });
      working.set(runId, task);
    }
    return task;
  }

  const runner: FleetRunner = {
    async start(trigger, actor, options = {}) {
      const at = now();
      await store.prune(new Date(at.getTime() - PRUNE_AFTER_MS).toISOString());
      const { more } = options;
      let { run, created } = await store.create(
        { id: randomUUID(), trigger, actor, startedAt: at.toISOString() },
        options.serviceIds,
        more ? { fillingUntil: leaseUntil() } : {},
      );
      if (created && more) {
        try {
          for await (const page of more) {
            if (stopping || !(await store.addItems(run.id, page, leaseUntil()))) break;
          }
        } catch (error) {
          // The run goes on with the services added so far; the others are still due at the next pass.
          deps.log?.warn({ runId: run.id, err: (error as Error)?.message }, "fleet run filling stopped");
        } finally {
          await store.finishFilling(run.id);
        }
        run = (await store.get(run.id)) ?? run;
      }
      if (created)
        deps.log?.info({ runId: run.id, trigger, actor, total: run.total }, "fleet re-validation run started");
      deps.observer?.progress(toFleetRun(run));
      void join(run.id);
      return { runId: run.id, created };
    },

    async get(runId) {
      const record = await store.get(runId);
      return record ? toFleetRun(record) : undefined;
    },

    async running() {
      const record = await store.running();
      return record ? toFleetRun(record) : undefined;
    },

    async cancel(runId, actor) {
      if (await store.finish(runId, "cancelled", now().toISOString(), actor)) {
        const record = await store.get(runId);
        deps.log?.info({ runId, actor }, "fleet re-validation run cancelled");
        await ended(record);
        return record ? toFleetRun(record) : undefined;
      }
      return runner.get(runId);
    },

    subscribe(runId, listener) {
      let watcher = watchers.get(runId);
      if (!watcher) {
        const listeners = new Set<(run: FleetRun) => void>();
        let last = "";
        let reading = false;
        let again = false;
        let soon: NodeJS.Timeout | undefined;
        const read = async () => {
          if (reading) {
            again = true;
            return;
          }
          reading = true;
          try {
            do {
              again = false;
              const record = await store.get(runId).catch(() => undefined);
              if (!record) continue;
              const run = toFleetRun(record);
              const key = JSON.stringify(run);
              if (key === last) continue;
              last = key;
              deps.observer?.progress(run);
              for (const l of [...listeners]) l(run);
            } while (again);
          } finally {
            reading = false;
          }
        };
        const poll = setInterval(() => void read(), pollMs);
        poll.unref();
        const created = {
          listeners,
          nudge: () => {
            // At most one read per 250 ms however fast services finish.
            soon ??= setTimeout(() => {
              soon = undefined;
              void read();
            }, 250);
          },
          close: () => {
            clearInterval(poll);
            if (soon) clearTimeout(soon);
          },
        };
        watcher = created;
        watchers.set(runId, created);
        void read();
      }
      const current = watcher;
      current.listeners.add(listener);
      return () => {
        current.listeners.delete(listener);
        if (current.listeners.size === 0 && watchers.get(runId) === current) {
          watchers.delete(runId);
          current.close();
        }
      };
    },

    waitFor(runId) {
      return new Promise((resolve) => {
        let settled = false;
        const finish = (run: FleetRun | undefined) => {
          if (settled) return;
          settled = true;
          wakers.delete(onStop);
          unsubscribe();
          resolve(run);
        };
        const onStop = () => finish(undefined);
        wakers.add(onStop);
        const unsubscribe = runner.subscribe(runId, (run) => {
          if (isFinal(run)) finish(run);
        });
        void store.get(runId).then((record) => {
          if (!record) finish(undefined);
          else if (record.status !== "running") finish(toFleetRun(record));
        });
      });
    },

    async tick() {
      if (stopping) return;
      const run = await store.running();
      if (run) await join(run.id);
    },

    watch() {
      if (timer || stopping) return;
      timer = setInterval(() => {
        runner.tick().catch((error) => {
          deps.log?.warn({ err: (error as Error)?.message }, "fleet tick failed");
        });
      }, pollMs);
      timer.unref();
    },

    async stop(options = {}) {
      stopping = true;
      abandoned ||= options.abandon === true;
      if (timer) clearInterval(timer);
      timer = undefined;
      for (const wake of [...wakers]) wake();
      if (!abandoned) await Promise.all(working.values());
      for (const [runId, watcher] of watchers) {
        watchers.delete(runId);
        watcher.close();
      }
    },
  };
  return runner;
}
