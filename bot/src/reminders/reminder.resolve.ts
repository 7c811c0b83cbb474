/**
 * Keeps sent reminders true (bot/README.md, "Card lifecycle"): when a scheduled validation finds a reminder's cause
 * gone (the secret it was about was replaced and the service validates, or a failed service validates again), the
 * reminder's message is replaced by the resolved card, once: the outbox row moves from `sent` to `resolved` by
 * compare-and-set first, so of several server copies one updates it. The operator's own view already shows it
 * through the card's refresh; this is for everyone else in the channel and for clients that do not refresh.
 */
import type { M365Settings, Service } from "@dr/contract";
import { reminderServiceOf } from "../app/service.handlers.js";
import { reminderCard } from "../cards/reminder.card.js";
import type { BotStateStore } from "../ports.js";
import type { OutboundPort } from "../turn.types.js";
import { OUTBOUND_TIMEOUT_MS, TIMED_OUT, withTimeout } from "./delivery.policy.js";
import { readReason } from "./reminder.delivery.js";
import type { SendPacer } from "./send-pacer.js";

/** Dependencies of {@link resolveSentReminders}. */
export interface ResolveDeps {
  store: BotStateStore;
  outbound: OutboundPort;
  pacer: SendPacer;
  now: () => Date;
  log?: { warn(o: object, m?: string): void };
}

/** What names a service's current secret in the reminder keys: its key id, else its hint. */
export type SecretOfService = Pick<M365Settings, "secretKeyId" | "secretHint">;

/**
 * After a validation that succeeded: replaces the messages of the service's sent reminders whose cause is gone.
 * Answers how many messages were replaced.
 */
export async function resolveSentReminders(
  deps: ResolveDeps,
  service: Service,
  settings: SecretOfService,
): Promise<number> {
  const currentSecret = settings.secretKeyId ?? `hint:${settings.secretHint}`;
  let updated = 0;
  let link: Awaited<ReturnType<BotStateStore["getServiceOperator"]>> | null = null;
  for (const row of await deps.store.listReminderDeliveries(service.id)) {
    if (row.state !== "sent" || !row.activityId || !row.conversationId) continue;
    const stored = readReason(row.reason);
    if (!stored) continue;
    // A failure reminder is resolved by any success; an expiry reminder only once its secret is no longer used.
    if (stored.reason.kind !== "failed" && row.key.secretId === currentSecret) continue;
    const ref = await deps.store.getConversation(row.conversationId);
    if (!ref) continue;
    if (!(await deps.store.resolveReminder(row.key, deps.now().toISOString()))) continue;
    // Read once per service, and only when a message is to be replaced.
    if (link === null) link = await deps.store.getServiceOperator(service.id);
    const remindedHint = row.key.secretId.startsWith("hint:") ? row.key.secretId.slice(5) : "";
    const card = reminderCard({
      service: reminderServiceOf(service),
      reason: stored.reason,
      reminded: { hint: remindedHint },
      resolved: true,
      ...(link?.userId ? { operatorUserId: link.userId } : {}),
    });
    // An update counts against the thread's window like a send (docs/teams.md section 9).
    const slot = await deps.pacer.acquire({ thread: ref.conversationId, tenant: row.tenantId }, 60_000);
    if (!slot) continue;
    const result = await withTimeout(
      () => deps.outbound.update(ref, row.activityId as string, { card }),
      OUTBOUND_TIMEOUT_MS,
      TIMED_OUT,
      { ok: false, gone: false, code: "network", retryable: true } as const,
    ).finally(() => slot.done());
    if (result.ok) updated++;
    else deps.log?.warn({ serviceId: service.id, code: result.code }, "resolved reminder not updated");
  }
  return updated;
}
