/**
 * The delivery step of the reminder outbox (`bot_reminder_deliveries`, migration 0008). The scheduler claims each
 * reminder once by inserting its row; this step takes the rows that are due, a few at a time, and for each:
 *
 * 1. finds the conversation: a channel's stored reference, or the operator's personal chat (stored, else opened with
 *    createConversation from the service URL, bot id and channel of the tenant's most recent reference, and stored);
 * 2. waits for room in Teams' rate windows (send-pacer.ts, docs/teams.md section 9);
 * 3. takes the row (compare-and-set on its attempt count, with a lease that lapses, so of several server copies one
 *    sends it, and a copy that died mid-send frees it after the lease);
 * 4. rebuilds the card from the service as it is now (nothing of the card, and no secret, is stored) and sends it,
 *    every outbound call under a timeout;
 * 5. records the outcome while it still holds the lease: sent (with Teams' activity id), a retry at a later time
 *    (429, 412, 502, 503, 504, network, timeout: backoff with full jitter, at least Retry-After; delivery.policy.ts),
 *    failed (400, 403 that is not "gone", 404, 413, 500, or retries used up), or dropped (the bot was removed or
 *    blocked there: the reference is deleted, docs/teams.md section 7).
 */
import { randomUUID } from "node:crypto";
import { reminderServiceOf } from "../app/service.handlers.js";
import { type ReminderReason, reminderCard } from "../cards/reminder.card.js";
import { type RotationSummary, rotationCard } from "../cards/rotation.card.js";
import type { BotStateStore, OnboardingPort, ReminderDelivery, ReminderSettlement } from "../ports.js";
import type { ConversationRef, OpenResult, OutboundPort, SendFailure, SendResult } from "../turn.types.js";
import { givenUp, OUTBOUND_TIMEOUT_MS, retryDelayMs, TIMED_OUT, withTimeout } from "./delivery.policy.js";
import { openPersonalChat } from "./personal-chat.js";
import type { PaceSlot, SendPacer } from "./send-pacer.js";

/** What the outbox stores of a reminder's reason: the kind, the threshold in days, the failed checks' messages. */
export interface StoredReason {
  kind: ReminderReason["kind"];
  threshold?: number;
  failures?: string[];
}

/** The reason as stored (JSON text). */
export function storeReason(reason: ReminderReason, failures: readonly string[] = []): string {
  const stored: StoredReason = {
    kind: reason.kind,
    ...(reason.kind === "expiring" ? { threshold: reason.threshold } : {}),
    ...(failures.length > 0 ? { failures: [...failures] } : {}),
  };
  return JSON.stringify(stored);
}

export function readReason(text: string): { reason: ReminderReason; failures: string[] } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { kind, threshold, failures } = parsed as Record<string, unknown>;
  const list = Array.isArray(failures) ? failures.filter((f): f is string => typeof f === "string") : [];
  if (kind === "expiring" && typeof threshold === "number") {
    return { reason: { kind, threshold }, failures: list };
  }
  if (kind === "expired" || kind === "failed") return { reason: { kind }, failures: list };
  return undefined;
}

/** The outbox's reason of a rotation notice (kind `rotated` or `rotation_failed`): what the card tells, no secret. */
export function storeRotation(rotation: RotationSummary): string {
  return JSON.stringify({ kind: rotation.outcome === "rotated" ? "rotated" : "rotation_failed", rotation });
}

/** The rotation a stored reason tells, or undefined when it is not a rotation notice (or unreadable). */
export function readRotation(text: string): RotationSummary | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { kind, rotation } = (parsed ?? {}) as { kind?: unknown; rotation?: unknown };
  if ((kind !== "rotated" && kind !== "rotation_failed") || typeof rotation !== "object" || rotation === null) {
    return undefined;
  }
  const r = rotation as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  const oldSecretHint = str(r.oldSecretHint);
  const actor = str(r.actor);
  if (oldSecretHint === undefined || actor === undefined) return undefined;
  const optional = (key: keyof RotationSummary) => (str(r[key]) !== undefined ? { [key]: str(r[key]) } : {});
  const warnings = Array.isArray(r.warnings)
    ? r.warnings.flatMap((w) => {
        const { code, message, remedy } = (w ?? {}) as Record<string, unknown>;
        return typeof code === "string" && typeof message === "string" && typeof remedy === "string"
          ? [{ code, message, remedy }]
          : [];
      })
    : [];
  return {
    outcome: kind === "rotated" ? "rotated" : "failed",
    trigger: r.trigger === "scheduled" ? "scheduled" : "manual",
    actor,
    oldSecretHint,
    ...optional("oldKeyId"),
    ...optional("newSecretHint"),
    ...optional("newKeyId"),
    ...optional("newSecretExpiresAt"),
    ...(typeof r.oldSecretRemoved === "boolean" ? { oldSecretRemoved: r.oldSecretRemoved } : {}),
    ...optional("code"),
    ...optional("message"),
    ...optional("remedy"),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/** Counts of one delivery step (added to the scheduler's run summary). */
export interface DeliveryCounts {
  sent: number;
  /** References dropped after a 403 (the bot was removed or blocked). */
  dropped: number;
  /** Attempts that failed (to be retried, or given up). */
  failedSends: number;
  /** Of those, the ones that will be tried again. */
  retrying: number;
  /** Personal chats opened with createConversation. */
  opened: number;
  /** Rows left for a later step because a rate window was full for too long. */
  deferred: number;
}

/** Dependencies and settings of the delivery step. */
export interface ReminderDeliveryDeps {
  onboarding: OnboardingPort;
  store: BotStateStore;
  outbound: OutboundPort;
  now: () => Date;
  pacer: SendPacer;
  /** The provider's own tenant (lower case): nothing is sent into another tenant. */
  allowedTenantId?: string;
  /** Random numbers in [0, 1) for the backoff's jitter. */
  random?: () => number;
  /** Time allowed for one outbound call, ms (default 15 s). */
  timeoutMs?: number;
  /** How long a taken row stays with this copy, ms (default 5 min: waits, two calls and their timeouts fit). */
  leaseMs?: number;
  /** Rows taken per step (default 500) and sent at once (default 8). */
  batch?: number;
  concurrency?: number;
  /** Longest wait for room in a rate window before a row is left for the next step, ms (default 60 s). */
  maxPaceWaitMs?: number;
  log?: { info(o: object, m?: string): void; warn(o: object, m?: string): void };
}

/** The delivery step. */
export interface ReminderDeliveryStep {
  /** Sends the due rows of the outbox; adds what happened to `counts`. */
  deliverDue(counts: DeliveryCounts): Promise<void>;
}

const NETWORK: SendFailure = { ok: false, gone: false, code: "network", retryable: true };

/** Runs `work` over `items`, at most `limit` at a time. */
export async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** Creates the delivery step. */
export function createReminderDelivery(deps: ReminderDeliveryDeps): ReminderDeliveryStep {
  const random = deps.random ?? Math.random;
  const timeoutMs = deps.timeoutMs ?? OUTBOUND_TIMEOUT_MS;
  const leaseMs = deps.leaseMs ?? 5 * 60_000;
  const allowed = deps.allowedTenantId?.toLowerCase();

  const iso = (ms: number) => new Date(ms).toISOString();
  const where = (row: ReminderDelivery) => ({
    serviceId: row.key.serviceId,
    threshold: row.key.threshold,
    recipient: row.operatorId ? "personal" : row.key.recipient,
    attempt: row.attempts + 1,
  });

  /** The settlement of a failed attempt: a retry while the policy allows it, else failed. */
  const afterFailure = (row: ReminderDelivery, failure: SendFailure, now: Date): ReminderSettlement => {
    const attempts = row.attempts + 1;
    const base = {
      at: now.toISOString(),
      code: failure.code,
      ...(failure.status !== undefined ? { status: failure.status } : {}),
    };
    if (failure.retryable && !givenUp(attempts, row.createdAt, now)) {
      return {
        ...base,
        state: "pending",
        nextAt: iso(now.getTime() + retryDelayMs(attempts, failure.retryAfterMs, random)),
      };
    }
    return { ...base, state: "failed" };
  };

  /** One row; the pace slots it takes are finished when it ends (send-pacer.ts counts a send from its answer). */
  async function deliverOne(row: ReminderDelivery, counts: DeliveryCounts): Promise<void> {
    const slots: PaceSlot[] = [];
    try {
      await deliverRow(row, counts, slots);
    } finally {
      for (const slot of slots) slot.done();
    }
  }

  async function deliverRow(row: ReminderDelivery, counts: DeliveryCounts, slots: PaceSlot[]): Promise<void> {
    const personal = row.operatorId !== null;
    // 1. The conversation, or what a personal chat is opened from.
    let ref: ConversationRef | undefined;
    let template: ConversationRef | undefined;
    if (row.operatorId !== null) {
      ref = await deps.store.latestConversation(row.tenantId, row.operatorId);
      if (!ref) template = await deps.store.latestConversation(row.tenantId);
    } else if (row.conversationId !== null) {
      ref = await deps.store.getConversation(row.conversationId);
    }

    // 2. Room in Teams' windows: the thread (a personal chat not opened yet counts as its own) and the tenant.
    if (ref || template) {
      const keys = { thread: ref?.conversationId ?? `personal:${row.operatorId}`, tenant: row.tenantId };
      const slot = await deps.pacer.acquire(keys, deps.maxPaceWaitMs ?? 60_000);
      if (!slot) {
        counts.deferred++;
        return;
      }
      slots.push(slot);
    }

    // 3. Take the row; another copy may have been first.
    const owner = randomUUID();
    const leasedAt = deps.now();
    const lease = { owner, at: leasedAt.toISOString(), until: iso(leasedAt.getTime() + leaseMs) };
    if (!(await deps.store.leaseReminder(row.key, row.attempts, lease))) return;
    const settle = async (settlement: ReminderSettlement) => {
      if (!(await deps.store.settleReminder(row.key, owner, settlement))) {
        deps.log?.warn({ ...where(row), state: settlement.state }, "reminder outcome not recorded: the lease lapsed");
      }
    };
    const fail = async (failure: SendFailure, message: string) => {
      const settlement = afterFailure(row, failure, deps.now());
      await settle(settlement);
      counts.failedSends++;
      if (settlement.state === "pending") counts.retrying++;
      deps.log?.warn(
        { ...where(row), code: failure.code, status: failure.status, retryAt: settlement.nextAt },
        settlement.state === "pending" ? `${message}; retried later` : `${message}; given up`,
      );
    };

    if (allowed !== undefined && row.tenantId !== allowed) {
      await settle({ state: "cancelled", at: deps.now().toISOString(), code: "tenant_not_allowed" });
      return;
    }
    if (!ref && !personal) {
      await settle({ state: "dropped", at: deps.now().toISOString(), code: "conversation_gone" });
      counts.dropped++;
      return;
    }
    if (!ref && !template) {
      // The bot knows no conversation of this tenant, so no service URL to open the chat at: kept pending.
      await fail(
        { ok: false, gone: false, code: "no_conversation_reference", retryable: true },
        "personal reminder not sent: no conversation reference of the tenant to open the operator's chat from",
      );
      return;
    }

    // 4. The card, from the service as it is now (a rotation notice: with what the rotation did).
    const rotation = readRotation(row.reason);
    const stored = rotation ? undefined : readReason(row.reason);
    const service = await deps.onboarding.getService(row.key.serviceId);
    const settings = service ? await deps.onboarding.getM365Settings(row.key.serviceId) : undefined;
    if (!(stored || rotation) || !service || !settings) {
      await settle({
        state: "cancelled",
        at: deps.now().toISOString(),
        code: stored || rotation ? "service_deleted" : "unreadable_reason",
      });
      return;
    }
    if ((settings.secretKeyId ?? `hint:${settings.secretHint}`) !== row.key.secretId) {
      // The secret was replaced since: this reminder is about one that is no longer used.
      await settle({ state: "cancelled", at: deps.now().toISOString(), code: "secret_replaced" });
      return;
    }
    const link = await deps.store.getServiceOperator(row.key.serviceId);
    const summary = reminderServiceOf(service);
    const card = rotation
      ? rotationCard({ service: summary, rotation })
      : stored &&
        reminderCard({
          service: stored.failures.length > 0 ? { ...summary, failures: stored.failures } : summary,
          reason: stored.reason,
          ...(link?.userId ? { operatorUserId: link.userId } : {}),
        });
    if (!card) return;

    if (!ref && template && row.operatorId !== null) {
      const opened: OpenResult = await openPersonalChat(deps, template, row.tenantId, row.operatorId, timeoutMs);
      if (!opened.ok) {
        if (opened.gone || !opened.retryable) {
          await settle({
            state: "failed",
            at: deps.now().toISOString(),
            code: opened.code,
            ...(!opened.gone && opened.status !== undefined ? { status: opened.status } : {}),
          });
          counts.failedSends++;
          deps.log?.warn(
            { ...where(row), code: opened.code, status: opened.gone ? 403 : opened.status },
            opened.gone || opened.status === 403
              ? "personal reminder not sent: the app is not installed for the operator. The provider's Teams admin " +
                  "must install it for them (app setup policy, installed apps) or they add it themselves; see " +
                  'docs/deploy.md, "Reminders in personal chats"'
              : "personal reminder not sent: Teams refused to open the operator's chat",
          );
          return;
        }
        await fail(opened, "personal chat not opened");
        return;
      }
      ref = opened.ref;
      counts.opened++;
      deps.log?.info({ ...where(row) }, "personal chat opened for a reminder");
      const slot = await deps.pacer.acquire({ thread: ref.conversationId, tenant: row.tenantId });
      if (slot) slots.push(slot);
    }
    if (!ref) return;

    // 5. Send, and record the outcome.
    const target = ref;
    const result: SendResult = await withTimeout(
      () => deps.outbound.send(target, { card }),
      timeoutMs,
      TIMED_OUT,
      NETWORK,
    );
    const at = deps.now();
    if (result.ok) {
      await settle({
        state: "sent",
        at: at.toISOString(),
        conversationId: target.conversationId,
        ...(result.activityId ? { activityId: result.activityId } : {}),
      });
      counts.sent++;
      return;
    }
    if (result.gone) {
      await deps.store.deleteConversation(target.conversationId);
      await settle({
        state: "dropped",
        at: at.toISOString(),
        conversationId: target.conversationId,
        code: result.code,
      });
      counts.dropped++;
      deps.log?.info({ code: result.code }, "conversation reference dropped");
      return;
    }
    await fail(result, "reminder not sent");
  }

  return {
    async deliverDue(counts) {
      const due = await deps.store.listDueReminders(deps.now().toISOString(), deps.batch ?? 500);
      await pool(due, deps.concurrency ?? 8, async (row) => {
        try {
          await deliverOne(row, counts);
        } catch (error) {
          // A storage error: the row stays pending (its lease, if taken, lapses) and is tried again later.
          deps.log?.warn({ ...where(row), err: (error as Error)?.message }, "reminder delivery failed");
        }
      });
    },
  };
}
