/**
 * Opens the personal chat between the bot and an operator who has none stored (createConversation, docs/teams.md
 * section 7), from the service URL, bot id and channel of the tenant's most recent reference, under the outbound
 * timeout, and stores the new reference so the next message reuses it. Reminder delivery and the invitation notices
 * both reach operators this way.
 */
import type { BotStateStore } from "../ports.js";
import type { ConversationRef, OpenResult, OutboundPort, SendFailure } from "../turn.types.js";
import { TIMED_OUT, withTimeout } from "./delivery.policy.js";

const NETWORK: SendFailure = { ok: false, gone: false, code: "network", retryable: true };

/** Opens and stores the chat with `aadObjectId` (lower case) in `tenantId`, from the tenant's reference `template`. */
export async function openPersonalChat(
  deps: { outbound: OutboundPort; store: BotStateStore; now: () => Date },
  template: ConversationRef,
  tenantId: string,
  aadObjectId: string,
  timeoutMs: number,
): Promise<OpenResult> {
  const opened = await withTimeout(
    () =>
      deps.outbound.openPersonal({
        serviceUrl: template.serviceUrl,
        tenantId,
        aadObjectId,
        botId: template.botId,
        channelId: template.channelId,
      }),
    timeoutMs,
    TIMED_OUT,
    NETWORK,
  );
  if (opened.ok) await deps.store.putConversation(opened.ref, deps.now().toISOString());
  return opened;
}
