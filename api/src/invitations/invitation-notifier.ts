/**
 * How the invitations feature tells the operator who sent an invitation that the customer's admin completed it
 * (docs/product.md section 8): the server passes an implementation backed by the bot (a card in the operator's
 * personal chat, opened with createConversation where needed). A failure to tell is logged by the caller and never
 * undoes the completion.
 */
import type { Invitation } from "@dr/contract";

/** What the operator is told. */
export interface InvitationCompletedNotice {
  invitation: Invitation;
  /** The sending operator's Entra object id and tenant (entra mode, or a bot-sent invitation); absent: nobody to tell. */
  operator?: { objectId: string; tenantId: string };
}

/** What the operator is told when an invitation is dropped at its expiry (sealed credentials, if any, deleted). */
export interface InvitationDroppedNotice {
  /** The invitation as it is now (status `expired`). */
  invitation: Invitation;
  /** The sending operator; absent: nobody to tell. */
  operator?: { objectId: string; tenantId: string };
  /**
   * `expired`: the link expired before the customer's admin completed it; `expired_unused`: it was completed but no
   * service was created from it before its expiry, so the credentials were dropped.
   */
  reason: "expired" | "expired_unused";
}

/** The port. */
export interface InvitationNotifier {
  invitationCompleted(notice: InvitationCompletedNotice): Promise<void>;
  /** Optional: told of each invitation the expiry sweep drops (docs/product.md section 8). */
  invitationDropped?(notice: InvitationDroppedNotice): Promise<void>;
}
