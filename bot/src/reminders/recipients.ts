/**
 * Who hears about a service (docs/product.md section 6): every team channel and group chat the bot is in, and the
 * personal chat of the operator who onboarded the service (keyed by the operator: the chat may not exist yet and is
 * opened at send time). A message for them is claimed once per recipient by inserting its outbox row under a unique
 * key, before any send, so several server copies claim it once. With a provider tenant set, only that tenant's
 * conversations hear anything (messages name customers and secret hints). Reminders and rotation notices share it.
 */
import type { BotStateStore, ReminderKey } from "../ports.js";

/** What the claim needs. */
export interface RecipientDeps {
  store: BotStateStore;
  /** The provider's own tenant: other tenants' conversations are never claimed. */
  allowedTenantId?: string;
}

/**
 * Inserts one outbox row (pending, due at `at`) per recipient of the service, under `key` and the recipient; answers
 * how many this call inserted (a row claimed before, by this copy or another, is not claimed again).
 */
export async function enqueueForRecipients(
  deps: RecipientDeps,
  key: Omit<ReminderKey, "recipient">,
  reason: string,
  at: string,
): Promise<number> {
  const link = await deps.store.getServiceOperator(key.serviceId);
  const allowed = deps.allowedTenantId?.toLowerCase();
  // Another tenant's channel must never see a customer's name or secret hint (start-up also deletes them).
  const inTenant = (tenantId: string) => allowed === undefined || tenantId.toLowerCase() === allowed;
  const claims: { recipient: string; tenantId: string; operatorId: string | null; conversationId: string | null }[] =
    [];
  for (const ref of await deps.store.listConversations()) {
    if (ref.kind === "channel" && inTenant(ref.tenantId)) {
      claims.push({
        recipient: ref.conversationId,
        tenantId: ref.tenantId,
        operatorId: null,
        conversationId: ref.conversationId,
      });
    }
  }
  // The operator's personal chat, keyed by the operator (its conversation may not exist yet: it is opened then).
  if (link && inTenant(link.tenantId)) {
    const operatorId = link.aadObjectId.toLowerCase();
    claims.push({ recipient: `operator:${operatorId}`, tenantId: link.tenantId, operatorId, conversationId: null });
  }
  let inserted = 0;
  for (const claim of claims) {
    const { recipient, ...rest } = claim;
    const claimed = await deps.store.enqueueReminder({
      key: { ...key, recipient },
      ...rest,
      tenantId: rest.tenantId.toLowerCase(),
      reason,
      at,
    });
    if (claimed) inserted++;
  }
  return inserted;
}
