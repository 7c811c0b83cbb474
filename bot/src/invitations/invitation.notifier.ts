/**
 * Tells the operator who sent an invitation, in their personal chat with the bot, that the customer's admin
 * completed it (or that it was dropped). The chat is found as reminder delivery finds it (reminder.delivery.ts): the
 * stored personal chat with the operator, else one opened with createConversation from the service URL, bot id and
 * channel of the tenant's most recent reference (then stored). Every send waits for room in Teams' rate windows
 * (the pacer the reminders use) and every outbound call has a timeout. A failure is logged and never thrown: the
 * completion stands either way, and the services page of the tab lists the invitation as completed.
 */
import type { AdaptiveCard } from "../cards/card.types.js";
import { invitationCompletedCard, invitationDroppedCard } from "../cards/invitation-completed.card.js";
import type { BotStateStore, InvitationNotice } from "../ports.js";
import { OUTBOUND_TIMEOUT_MS, TIMED_OUT, withTimeout } from "../reminders/delivery.policy.js";
import { openPersonalChat } from "../reminders/personal-chat.js";
import type { SendPacer } from "../reminders/send-pacer.js";
import type { ConversationRef, OutboundPort, SendFailure } from "../turn.types.js";

/** Dependencies of the notifier. */
export interface InvitationNotifierDeps {
  store: BotStateStore;
  outbound: OutboundPort;
  pacer: SendPacer;
  now: () => Date;
  /** The provider's own tenant (lower case): nothing is sent into another tenant. */
  allowedTenantId?: string;
  /** The tab's wizard with an invitation chosen, when the deep link is known. */
  tabWizardUrl?: (invitationId: string) => string | undefined;
  /** Time allowed for one outbound call, ms (default 15 s). */
  timeoutMs?: number;
  /** Longest wait for room in a rate window, ms (default 60 s). */
  maxPaceWaitMs?: number;
  log?: { info(o: object, m?: string): void; warn(o: object, m?: string): void };
}

/** What the notifier does; each resolves true when the card was sent. */
export interface BotInvitationNotifier {
  invitationCompleted(notice: InvitationNotice): Promise<boolean>;
  invitationDropped(notice: InvitationNotice): Promise<boolean>;
}

const NETWORK: SendFailure = { ok: false, gone: false, code: "network", retryable: true };

/** Creates the notifier. */
export function createInvitationNotifier(deps: InvitationNotifierDeps): BotInvitationNotifier {
  const timeoutMs = deps.timeoutMs ?? OUTBOUND_TIMEOUT_MS;
  const maxWait = deps.maxPaceWaitMs ?? 60_000;
  const allowed = deps.allowedTenantId?.toLowerCase();

  async function tell(notice: InvitationNotice, card: AdaptiveCard, what: string): Promise<boolean> {
    const where = { invitationId: notice.invitation.id, what };
    try {
      if (!notice.operator) {
        deps.log?.info(where, "invitation notice not sent: no operator to tell (sent without an Entra identity)");
        return false;
      }
      const tenantId = notice.operator.tenantId.toLowerCase();
      const oid = notice.operator.objectId.toLowerCase();
      if (allowed !== undefined && tenantId !== allowed) {
        deps.log?.warn(where, "invitation notice not sent: the operator is outside the provider's tenant");
        return false;
      }
      let ref: ConversationRef | undefined = await deps.store.latestConversation(tenantId, oid);
      if (!ref) {
        const template = await deps.store.latestConversation(tenantId);
        if (!template) {
          deps.log?.warn(where, "invitation notice not sent: no conversation reference of the tenant to open the chat");
          return false;
        }
        const openSlot = await deps.pacer.acquire({ thread: `personal:${oid}`, tenant: tenantId }, maxWait);
        if (!openSlot) {
          deps.log?.warn(where, "invitation notice not sent: Teams' rate window stayed full");
          return false;
        }
        const opened = await openPersonalChat(deps, template, tenantId, oid, timeoutMs).finally(() => openSlot.done());
        if (!opened.ok) {
          deps.log?.warn(
            { ...where, code: opened.code, ...(!opened.gone && opened.status ? { status: opened.status } : {}) },
            "invitation notice not sent: the operator's personal chat could not be opened (is the app installed for them? docs/deploy.md)",
          );
          return false;
        }
        ref = opened.ref;
        deps.log?.info(where, "personal chat opened for an invitation notice");
      }
      const slot = await deps.pacer.acquire({ thread: ref.conversationId, tenant: tenantId }, maxWait);
      if (!slot) {
        deps.log?.warn(where, "invitation notice not sent: Teams' rate window stayed full");
        return false;
      }
      const target = ref;
      // The slot is finished when the answer came: the pacer counts the send from then (send-pacer.ts).
      const result = await withTimeout(
        () => deps.outbound.send(target, { card }),
        timeoutMs,
        TIMED_OUT,
        NETWORK,
      ).finally(() => slot.done());
      if (result.ok) {
        deps.log?.info(where, "invitation notice sent");
        return true;
      }
      if (result.gone) await deps.store.deleteConversation(target.conversationId);
      deps.log?.warn(
        { ...where, code: result.code, ...(!result.gone && result.status ? { status: result.status } : {}) },
        "invitation notice not sent",
      );
      return false;
    } catch (error) {
      deps.log?.warn({ ...where, err: (error as Error)?.message }, "invitation notice failed");
      return false;
    }
  }

  return {
    invitationCompleted(notice) {
      const tabUrl = deps.tabWizardUrl?.(notice.invitation.id);
      return tell(
        notice,
        invitationCompletedCard({ invitation: notice.invitation, ...(tabUrl ? { tabUrl } : {}) }),
        "completed",
      );
    },
    invitationDropped(notice) {
      return tell(
        notice,
        invitationDroppedCard({ invitation: notice.invitation, ...(notice.reason ? { reason: notice.reason } : {}) }),
        "dropped",
      );
    },
  };
}
