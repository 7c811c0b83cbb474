/**
 * The scheduled re-validation and its reminders. Every service is validated once per interval at its own slot
 * (spread over the interval), a few at a time; a result Microsoft could not give (throttled, unreachable) is
 * retried later and never reported as a failure. A reminder goes out when a secret enters the 30, 14, 7 or 1 day
 * bucket, when it has expired, and when a validation newly fails: once per service, secret, threshold and
 * conversation. The claim is an insert under a unique key made BEFORE sending, so several server copies on one
 * database send once; a failed send gives the claim back so a later run retries it. With a provider tenant set,
 * reminders (which name customers and secret hints) go only to that tenant's conversations.
 */
import type { Service, ValidationReport } from "@dr/contract";
import { reminderServiceOf } from "../app/service.handlers.js";
import { type ReminderReason, reminderCard } from "../cards/reminder.card.js";
import type { BotStateStore, OnboardingPort, ReminderKey } from "../ports.js";
import type { ConversationRef, OutboundPort } from "../turn.types.js";
import { currentSlot, daysUntil, expiryThreshold, failedForExpiry, outcomeOf } from "./reminder.rules.js";

/** The actor scheduled validations are recorded under. */
export const SCHEDULER_ACTOR = "scheduler";

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
  /** Run at the start of every pass (the bot's sweep of expired dialogs); its failure is logged, not fatal. */
  housekeeping?: () => Promise<void>;
  log?: { info(o: object, m?: string): void; warn(o: object, m?: string): void };
}

/** What one run did. */
export interface RunSummary {
  validated: number;
  unknown: number;
  sent: number;
  /** References dropped after a 403 (the bot was removed or blocked). */
  dropped: number;
  failedSends: number;
}

/** The scheduler. */
export interface ReminderScheduler {
  /** Validates every due service now and sends its reminders. */
  runOnce(): Promise<RunSummary>;
  /** Starts the timer (unref'd: it never keeps the process alive). */
  start(): void;
  /** Stops the timer and waits for a running pass. */
  stop(): Promise<void>;
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** Creates the scheduler. */
export function createReminderScheduler(deps: ReminderSchedulerDeps): ReminderScheduler {
  /** Services whose last try gave no answer, and when to try again (this process only; a restart retries at once). */
  const retryAt = new Map<string, number>();
  let running: Promise<RunSummary> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const isDue = (service: Service, now: Date): boolean => {
    const retry = retryAt.get(service.id);
    if (retry !== undefined) return retry <= now.getTime();
    const last = service.m365.lastValidatedAt;
    if (!last) return true;
    // Any validation since the slot counts (the tab's, another copy's): the service is fresh until the next slot.
    return Date.parse(last) < currentSlot(service.id, now, deps.intervalMs);
  };

  async function remind(
    service: Service,
    report: ValidationReport,
    reason: ReminderReason,
    key: Omit<ReminderKey, "conversationId">,
    summary: RunSummary,
    now: Date,
  ): Promise<void> {
    const link = await deps.store.getServiceOperator(service.id);
    const refs = await deps.store.listConversations();
    const recipients = new Map<string, ConversationRef>();
    const allowed = deps.allowedTenantId?.toLowerCase();
    for (const ref of refs) {
      // Another tenant's channel must never see a customer's name or secret hint (start-up also deletes them).
      if (allowed !== undefined && ref.tenantId.toLowerCase() !== allowed) continue;
      const isOperator =
        ref.kind === "personal" &&
        link !== undefined &&
        ref.aadObjectId?.toLowerCase() === link.aadObjectId.toLowerCase();
      if (ref.kind === "channel" || isOperator) recipients.set(ref.conversationId, ref);
    }
    const card = reminderCard({
      service: reminderServiceOf(service, report),
      reason,
      ...(link?.userId ? { operatorUserId: link.userId } : {}),
    });
    for (const ref of recipients.values()) {
      const claim: ReminderKey = { ...key, conversationId: ref.conversationId };
      if (!(await deps.store.claimReminder(claim, now.toISOString()))) continue;
      const result = await deps.outbound.send(ref, { card });
      if (result.ok) summary.sent++;
      else if (result.gone) {
        await deps.store.deleteConversation(ref.conversationId);
        summary.dropped++;
        deps.log?.info({ code: result.code }, "conversation reference dropped");
      } else {
        await deps.store.releaseReminder(claim);
        summary.failedSends++;
      }
    }
  }

  async function processService(service: Service, summary: RunSummary): Promise<void> {
    const now = deps.now();
    const result = await deps.onboarding.validateService(service.id, SCHEDULER_ACTOR);
    if (!result.ok) {
      if (result.kind === "rate_limited") {
        retryAt.set(service.id, now.getTime() + Math.max(deps.retryMs, (result.retryAfterSeconds ?? 0) * 1000));
        summary.unknown++;
      }
      return;
    }
    const report = result.value;
    const outcome = outcomeOf(report);
    if (outcome === "unknown") {
      retryAt.set(service.id, now.getTime() + deps.retryMs);
      summary.unknown++;
      return;
    }
    retryAt.delete(service.id);
    summary.validated++;
    const settings = await deps.onboarding.getM365Settings(service.id);
    const fresh = await deps.onboarding.getService(service.id);
    if (!settings || !fresh) return;
    const secretId = settings.secretKeyId ?? `hint:${settings.secretHint}`;
    const bucket = settings.secretExpiresAt ? expiryThreshold(daysUntil(settings.secretExpiresAt, now)) : undefined;
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
    if (outcome === "ok") await deps.store.putLastOk(service.id, now.toISOString());
    if (reason && threshold)
      await remind(fresh, report, reason, { serviceId: service.id, secretId, threshold }, summary, now);
  }

  async function run(): Promise<RunSummary> {
    const summary: RunSummary = { validated: 0, unknown: 0, sent: 0, dropped: 0, failedSends: 0 };
    try {
      await deps.housekeeping?.();
    } catch (error) {
      deps.log?.warn({ err: (error as Error)?.message }, "bot housekeeping failed");
    }
    const now = deps.now();
    const due = (await deps.onboarding.listServices()).filter((s) => isDue(s, now));
    await pool(due, deps.concurrency, async (service) => {
      try {
        await processService(service, summary);
      } catch (error) {
        // One service's trouble must not stop the others; it is due again on the next tick.
        deps.log?.warn({ serviceId: service.id, err: (error as Error)?.message }, "scheduled validation failed");
      }
    });
    if (due.length > 0) deps.log?.info({ due: due.length, ...summary }, "scheduled validation pass");
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
  };
  return scheduler;
}
