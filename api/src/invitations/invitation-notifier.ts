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

/** The port. */
export interface InvitationNotifier {
  invitationCompleted(notice: InvitationCompletedNotice): Promise<void>;
}
