/**
 * The scheduled re-validation and its reminders. Every service is validated once per interval at its own slot
 * (spread over the interval), a few at a time; a result Microsoft could not give (throttled, unreachable) is
 * retried later and never reported as a failure. A reminder is owed when a secret enters the 30, 14, 7 or 1 day
 * bucket, when it has expired, and when a validation newly fails: once per service, secret, threshold and recipient
 * (each team channel or group chat, and the personal chat of the operator who onboarded the service). The claim is
 * the insert of the reminder's row in the delivery outbox under a unique key, made BEFORE any send, so several server
 * copies on one database claim it once. Every pass (and every tick, even when no service is due) ends with the
 * delivery step (reminder.delivery.ts): due rows are paced, sent, and retried or given up as Teams' rules say; the
 * retry lives in the database, so a restart does not lose it. With a provider tenant set, reminders (which name
 * customers and secret hints) go only to that tenant's conversations. A self-rotating secret within ROTATE_BEFORE_DAYS
 * of its expiry is rotated first (docs/api.md, "Secret rotation"), so a rotated secret is not reminded about; the
 * server claims each rotation once across copies and tells its outcome through the same outbox.
 *
 * A pass selects the due services page by page in id order (OnboardingPort.listValidationTimes: the id and the last
 * validation time only, `duePageSize` at a time), so its memory does not grow with the fleet.
 *
 * With a fleet runner (`fleet`, the server's; docs/api.md, "Fleet re-validation"), a pass does not validate by
 * itself: it starts a `scheduled` run over its due services (the first page of them, then the later pages added
 * before the run is released) and waits for its end, and the runner calls
 * `revalidateService` (rotation when due, the validation, the reminder decision) per service, one request at a time
 * per tenant, across server copies. The same step serves the operator's "Validate all" (a `manual` run), except the
 * Direct Routing readiness report: it stays with the scheduled runs (and the service page), off the manual run's
 * critical path.
 */
import type { Service, ValidationReport } from "@dr/contract";
import type { ReminderReason } from "../cards/reminder.card.js";
import type { BotStateStore, OnboardingPort, RecordedService, ReminderKey, ServiceValidationTime } from "../ports.js";
import type { OutboundPort } from "../turn.types.js";
import { enqueueForRecipients, type RecipientDeps } from "./recipients.js";
import {
  createReminderDelivery,
  type DeliveryCounts,
  pool,
  type ReminderDeliveryDeps,
  storeReason,
} from "./reminder.delivery.js";
import { resolveSentReminders, type SecretOfService } from "./reminder.resolve.js";
import { currentSlot, daysUntil, expiryThreshold, failedForExpiry, outcomeOf, rotationDue } from "./reminder.rules.js";
import { createSendPacer, type SendPacer } from "./send-pacer.js";

/** The actor scheduled validations are recorded under. */
export const SCHEDULER_ACTOR = "scheduler";

/** Services read per page of a pass's due selection (`duePageSize`). */
export const DUE_PAGE_SIZE = 500;

/** The server's fleet runner as the scheduler uses it: a scheduled run over the due services, awaited to its end. */
export interface RevalidationRunPort {
  /**
   * Starts a scheduled run over `first` (the first page of due services, never empty), adds the later pages of
   * `more` before the run is released to the workers, and waits for the run's end. When a run is running already
   * (Validate all, another copy's pass), that one is awaited and `more` is left unread.
   */
  runScheduled(first: readonly string[], more: AsyncIterable<readonly string[]>): Promise<void>;
}

/** How one service's re-validation ended, for the fleet runner. */
export interface ServiceRevalidation {
  /** `skipped`: the service is gone, or another copy rotates it. */
  outcome: "ok" | "failed" | "unknown" | "skipped";
  /** A throttled answer's Retry-After, seconds: the runner tries the service again after it. */
  retryAfterSeconds?: number;
}

/** Which run a step serves. */
export interface RevalidationContext {
  trigger: "manual" | "scheduled";
  /** Recorded as the validation's actor (the operator of a manual run; "scheduler"). */
  actor: string;
}

/** Dependencies and settings of the scheduler. */
export interface ReminderSchedulerDeps {
  onboarding: OnboardingPort;
  store: BotStateStore;
  outbound: OutboundPort;
  now: () => Date;
  /** Each service is validated once per interval, ms (REVALIDATION_INTERVAL_MS, default 24 h). */
  intervalMs: number;
  /** Validations running at once (REVALIDATION_CONCURRENCY, default 4). */
  concurrency: number;
  /** Delay before an unknown/throttled result is tried again, ms (REVALIDATION_RETRY_MS, default 1 h). */
  retryMs: number;
  /** How often the timer looks for due services, ms. Default min(60 s, interval / 96). */
  tickMs?: number;
  /** The provider's own tenant (AUTH_TENANT_ID): reminders go to its conversations only. */
  allowedTenantId?: string;
  /** Paces the sends (default: Teams' limits, docs/teams.md section 9, in this process). */
  pacer?: SendPacer;
  /** Delivery settings (tests): jitter, timeout, lease. Defaults in reminder.delivery.ts and delivery.policy.ts. */
  delivery?: Pick<ReminderDeliveryDeps, "random" | "timeoutMs" | "leaseMs" | "batch" | "concurrency" | "maxPaceWaitMs">;
  /**
   * Rotate a self-rotating secret this many days before it expires (ROTATE_BEFORE_DAYS), before the reminders are
   * decided; 0 or absent: never on the schedule.
   */
  rotateBeforeDays?: number;
  /** Run at the start of every pass (the bot's sweep of expired dialogs); its failure is logged, not fatal. */
  housekeeping?: () => Promise<void>;
  /** Services read per page of the due selection (default DUE_PAGE_SIZE). */
  duePageSize?: number;
  /** The fleet runner (see the module comment); absent: the pass validates its due services itself. */
  fleet?: RevalidationRunPort;
  /** Told of each pass's summary and each delivery step outside a pass (metrics). */
  observer?: { pass(summary: RunSummary): void; delivered(counts: DeliveryCounts): void };
  log?: { info(o: object, m?: string): void; warn(o: object, m?: string): void };
}

/** What one run did (its validations, and its delivery step: first sends and due retries alike). */
export interface RunSummary extends DeliveryCounts {
  validated: number;
  unknown: number;
  /** Reminders claimed (outbox rows inserted) by this run. */
  queued: number;
  /** Sent reminders whose message was replaced by the resolved card (their cause went away). */
  resolved: number;
  /** Secrets rotated by this pass (their reports stand for the validation). */
  rotated: number;
  /** Rotations that failed (the old secret kept and validated as usual). */
  rotationFailed: number;
}

/** The scheduler. */
export interface ReminderScheduler {
  /** Validates every due service now, claims its reminders, and sends every due reminder (due retries too). */
  runOnce(): Promise<RunSummary>;
  /** Starts the timer (unref'd: it never keeps the process alive). */
  start(): void;
  /** Stops the timer and waits for a running pass. */
  stop(): Promise<void>;
  /** Sends the outbox's due rows now (after a notice was queued outside a pass); never rejects. */
  deliverNow(): Promise<DeliveryCounts>;
  /**
   * The fleet runner's per-service step: rotates the secret when due, validates, and claims the reminders owed;
   * readiness only for scheduled runs. Counted in the running pass's summary, if any.
   */
  revalidateService(serviceId: string, context: RevalidationContext): Promise<ServiceRevalidation>;
}

/** Creates the scheduler. */
export function createReminderScheduler(deps: ReminderSchedulerDeps): ReminderScheduler {
  /** Services whose last try gave no answer, and when to try again (this process only; a restart retries at once). */
  const retryAt = new Map<string, number>();
  let running: Promise<RunSummary> | undefined;
  const pacer = deps.pacer ?? createSendPacer();
  const delivery = createReminderDelivery({
    onboarding: deps.onboarding,
    store: deps.store,
    outbound: deps.outbound,
    now: deps.now,
    pacer,
    ...(deps.allowedTenantId !== undefined ? { allowedTenantId: deps.allowedTenantId } : {}),
    ...deps.delivery,
    ...(deps.log ? { log: deps.log } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  const recipients: RecipientDeps = {
    store: deps.store,
    ...(deps.allowedTenantId !== undefined ? { allowedTenantId: deps.allowedTenantId } : {}),
  };

  const isDue = (service: ServiceValidationTime, now: Date): boolean => {
    const retry = retryAt.get(service.id);
    if (retry !== undefined) return retry <= now.getTime();
    const last = service.lastValidatedAt;
    if (!last) return true;
    // Any validation since the slot counts (the tab's, another copy's): the service is fresh until the next slot.
    return Date.parse(last) < currentSlot(service.id, now, deps.intervalMs);
  };

  /** Claims the reminder for every recipient: the outbox rows the delivery step sends. */
  async function remind(
    report: ValidationReport,
    reason: ReminderReason,
    key: Omit<ReminderKey, "recipient">,
    summary: RunSummary,
    now: Date,
  ): Promise<void> {
    // The failed checks' messages are kept for the card (as before, for any reason); the rest comes from the service.
    const stored = storeReason(
      reason,
      report.checks.filter((c) => c.status === "fail").map((c) => c.message),
    );
    summary.queued += await enqueueForRecipients(recipients, key, stored, now.toISOString());
  }

  /**
   * Rotates the secret of a service due for it (reminder.rules.ts, rotationDue) before anything else is decided:
   * the rotation validates the new secret, so its report stands for this pass's validation. The server tells the
   * outcome (the rotation card) itself. Answers the report, "skip" when another copy rotates or rotated it (this
   * pass leaves the service alone), or undefined when there was nothing to rotate or the rotation failed (then the
   * old secret is validated as usual and its expiry reminders go out).
   */
  async function rotateIfDue(
    service: Service,
    summary: RunSummary,
    now: Date,
  ): Promise<ValidationReport | "skip" | undefined> {
    if (!deps.onboarding.rotateSecret || !rotationDue(service, now, deps.rotateBeforeDays ?? 0)) return undefined;
    const result = await deps.onboarding.rotateSecret(service.id, SCHEDULER_ACTOR, {
      trigger: "scheduled",
      expectSecret: {
        hint: service.m365.secretHint,
        ...(service.m365.secretExpiresAt ? { expiresAt: service.m365.secretExpiresAt } : {}),
      },
    });
    if (result.ok) {
      summary.rotated++;
      return result.value;
    }
    if (result.kind === "rotation_in_progress") return "skip";
    summary.rotationFailed++;
    deps.log?.warn({ serviceId: service.id, code: result.kind }, "scheduled secret rotation failed; old secret kept");
    return undefined;
  }

  /** Runs the service's readiness report; its outcome is kept by the server and only logged here. */
  async function checkReadiness(serviceId: string): Promise<void> {
    if (!deps.onboarding.checkReadiness) return;
    try {
      const result = await deps.onboarding.checkReadiness(serviceId, SCHEDULER_ACTOR);
      if (!result.ok) deps.log?.warn({ serviceId, code: result.kind }, "scheduled readiness check refused");
      else if (!result.value.ok) deps.log?.info({ serviceId }, "service not ready for Direct Routing");
    } catch (error) {
      deps.log?.warn({ serviceId, err: (error as Error)?.message }, "scheduled readiness check failed");
    }
  }

  async function processService(
    service: Service,
    summary: RunSummary,
    context: RevalidationContext = { trigger: "scheduled", actor: SCHEDULER_ACTOR },
  ): Promise<ServiceRevalidation> {
    const now = deps.now();
    const rotated = await rotateIfDue(service, summary, now);
    if (rotated === "skip") return { outcome: "skipped" };
    // The stored secret is validated (no guessing possible): the runner paces the tenants, not the operator limit.
    // The service as the validation recorded it: the reminder decision below reads neither it nor its settings again.
    let recorded: RecordedService | undefined;
    const result = rotated
      ? ({ ok: true, value: rotated } as const)
      : await deps.onboarding.validateService(service.id, context.actor, {
          scheduled: true,
          onRecorded: (r) => {
            recorded = r;
          },
        });
    if (!result.ok) {
      if (result.kind === "not_found") return { outcome: "skipped" };
      if (result.kind === "rate_limited") {
        retryAt.set(service.id, now.getTime() + Math.max(deps.retryMs, (result.retryAfterSeconds ?? 0) * 1000));
        summary.unknown++;
        return {
          outcome: "unknown",
          ...(result.retryAfterSeconds !== undefined ? { retryAfterSeconds: result.retryAfterSeconds } : {}),
        };
      }
      return { outcome: "unknown" };
    }
    const report = result.value;
    const outcome = outcomeOf(report);
    if (outcome === "unknown") {
      // Never a failure, never a reminder (an Entra outage answers every service so): tried again later.
      retryAt.set(service.id, now.getTime() + deps.retryMs);
      summary.unknown++;
      const retryAfterSeconds = throttledFor(report);
      return { outcome: "unknown", ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
    }
    retryAt.delete(service.id);
    summary.validated++;
    // Credentials that pass are checked for Direct Routing readiness too: a report kept on the service, never a
    // reminder, and never a change to the credential status (docs/product.md section 10). Scheduled runs only.
    if (outcome === "ok" && context.trigger === "scheduled") await checkReadiness(service.id);
    const fresh = recorded?.service ?? (await deps.onboarding.getService(service.id));
    if (!fresh) return { outcome };
    // The secret's key id (for the reminder keys) comes with the recorded service; after a rotation the M365 settings
    // are read, and only when a reminder is owed or one sent earlier may be resolved: most services need neither.
    let settings: SecretOfService | undefined = recorded
      ? { secretHint: fresh.m365.secretHint, ...(recorded.secretKeyId ? { secretKeyId: recorded.secretKeyId } : {}) }
      : undefined;
    const settingsOf = async () => {
      settings ??= await deps.onboarding.getM365Settings(service.id);
      return settings;
    };
    const expiresAt = fresh.m365.secretExpiresAt;
    const bucket = expiresAt ? expiryThreshold(daysUntil(expiresAt, now)) : undefined;
    let reason: ReminderReason | undefined;
    let threshold: string | undefined;
    if (bucket === "expired" || (outcome === "failed" && failedForExpiry(report))) {
      reason = { kind: "expired" };
      threshold = "expired";
    } else if (outcome === "failed") {
      // One failure reminder per episode: an episode starts after the last validation the scheduler saw succeed.
      reason = { kind: "failed" };
      threshold = `failed@${(await deps.store.getLastOk(service.id)) ?? "never"}`;
    } else if (bucket !== undefined) {
      reason = { kind: "expiring", threshold: Number(bucket) };
      threshold = bucket;
    }
    if (outcome === "ok") {
      await deps.store.putLastOk(service.id, now.toISOString());
      // Reminders sent earlier whose cause is gone now say so, for everyone who sees them.
      const sent = (await deps.store.listReminderDeliveries(service.id)).some((row) => row.state === "sent");
      const current = sent ? await settingsOf() : undefined;
      if (current) {
        summary.resolved += await resolveSentReminders(
          { store: deps.store, outbound: deps.outbound, pacer, now: deps.now, ...(deps.log ? { log: deps.log } : {}) },
          fresh,
          current,
        );
      }
    }
    if (reason && threshold) {
      const current = await settingsOf();
      if (!current) return { outcome };
      const secretId = current.secretKeyId ?? `hint:${current.secretHint}`;
      await remind(report, reason, { serviceId: service.id, secretId, threshold }, summary, now);
    }
    return { outcome };
  }

  /** The summary of the pass running now, which the fleet runner's steps add to; else a throwaway one. */
  let passSummary: RunSummary | undefined;

  /**
   * The due services' ids at `now`, a page at a time in id order (pages with none due are skipped); `selected.due`
   * counts the ids yielded.
   */
  async function* duePages(now: Date, selected: { due: number }): AsyncGenerator<string[]> {
    const limit = Math.max(1, Math.floor(deps.duePageSize ?? DUE_PAGE_SIZE));
    let after: string | undefined;
    for (;;) {
      const page = await deps.onboarding.listValidationTimes({ ...(after !== undefined ? { after } : {}), limit });
      const due = page.filter((s) => isDue(s, now)).map((s) => s.id);
      if (due.length > 0) {
        selected.due += due.length;
        yield due;
      }
      const last = page[page.length - 1];
      if (page.length < limit || !last) return;
      after = last.id;
    }
  }

  async function run(): Promise<RunSummary> {
    const summary = emptySummary();
    try {
      await deps.housekeeping?.();
    } catch (error) {
      deps.log?.warn({ err: (error as Error)?.message }, "bot housekeeping failed");
    }
    const now = deps.now();
    const selected = { due: 0 };
    const pages = duePages(now, selected);
    if (deps.fleet) {
      // The fleet runner validates them (and any copy's runner helps); this pass's steps count in its summary.
      passSummary = summary;
      try {
        const first = await pages.next();
        if (!first.done) await deps.fleet.runScheduled(first.value, pages);
      } catch (error) {
        deps.log?.warn({ err: (error as Error)?.message }, "scheduled fleet run failed");
      } finally {
        passSummary = undefined;
        await pages.return(undefined);
      }
    } else {
      try {
        for await (const ids of pages) {
          await pool(ids, deps.concurrency, async (id) => {
            try {
              const service = await deps.onboarding.getService(id);
              if (service) await processService(service, summary);
            } catch (error) {
              // One service's trouble must not stop the others; it is due again on the next tick.
              deps.log?.warn({ serviceId: id, err: (error as Error)?.message }, "scheduled validation failed");
            }
          });
        }
      } catch (error) {
        deps.log?.warn({ err: (error as Error)?.message }, "scheduled due selection failed");
      }
    }
    const due = selected.due;
    try {
      // Every pass ends with the delivery step: this pass's reminders, and retries that are due now.
      await delivery.deliverDue(summary);
    } catch (error) {
      deps.log?.warn({ err: (error as Error)?.message }, "reminder delivery step failed");
    }
    if (due > 0 || summary.sent + summary.failedSends + summary.dropped > 0) {
      deps.log?.info({ due, ...summary }, "scheduled validation pass");
    }
    deps.observer?.pass(summary);
    return summary;
  }

  const scheduler: ReminderScheduler = {
    runOnce() {
      // One pass at a time per process: a tick during a long pass waits for it instead of validating twice.
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
    start() {
      if (timer) return;
      const tickMs = deps.tickMs ?? Math.min(60_000, Math.max(1_000, Math.floor(deps.intervalMs / 96)));
      timer = setInterval(() => {
        void scheduler.runOnce();
      }, tickMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
    async deliverNow() {
      const counts: DeliveryCounts = { sent: 0, dropped: 0, failedSends: 0, retrying: 0, opened: 0, deferred: 0 };
      try {
        await delivery.deliverDue(counts);
      } catch (error) {
        deps.log?.warn({ err: (error as Error)?.message }, "reminder delivery step failed");
      }
      deps.observer?.delivered(counts);
      return counts;
    },
    async revalidateService(serviceId, context) {
      const service = await deps.onboarding.getService(serviceId);
      if (!service) return { outcome: "skipped" };
      return processService(service, passSummary ?? emptySummary(), context);
    },
  };
  return scheduler;
}

/** A summary with every count at zero. */
function emptySummary(): RunSummary {
  return {
    validated: 0,
    unknown: 0,
    queued: 0,
    resolved: 0,
    rotated: 0,
    rotationFailed: 0,
    sent: 0,
    dropped: 0,
    failedSends: 0,
    retrying: 0,
    opened: 0,
    deferred: 0,
  };
}

/**
 * The longest Retry-After among a report's unanswered checks (429 throttled, 503 unavailable), seconds; undefined
 * when none asked to wait.
 */
export function throttledFor(report: ValidationReport): number | undefined {
  let longest: number | undefined;
  for (const check of report.checks) {
    if (check.status !== "unknown") continue;
    const seconds = (check.detail as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0)
      longest = Math.max(longest ?? 0, seconds);
  }
  return longest;
}
