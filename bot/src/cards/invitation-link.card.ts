/**
 * The answer to `invite <customer> <e-mail>` in the operator's personal chat: the link, shown this once (it is a
 * bearer token: whoever has it can enter the customer's credentials), whether the mail went out, and when it
 * expires. Cards cannot copy to the clipboard, so the link is a monospace TextBlock the operator selects and copies.
 */
import type { InvitationWithUrl } from "@dr/contract";
import { adaptiveCard, fact, md, text, title } from "./card.elements.js";
import type { AdaptiveCard } from "./card.types.js";
import { whenText } from "./invitation-completed.card.js";

/** The id of the TextBlock that holds the link (tests find it by id). */
export const LINK_BLOCK_ID = "invitationLink";

/** Builds the card. */
export function invitationLinkCard(invitation: InvitationWithUrl): AdaptiveCard {
  const i = invitation;
  const mail = !i.email
    ? "No e-mail address was given: send the link to the customer's admin yourself."
    : i.emailSent
      ? `✉️ Mailed to ${md(i.email)}.`
      : `⚠️ Not mailed to ${md(i.email)}${i.emailError ? `: ${md(i.emailError)}` : ""}. Send the link another way, or Resend from the tab.`;
  return adaptiveCard([
    title("Invitation created"),
    text(`The admin of ${md(i.customerName)} opens this link to enter and validate their App registration:`),
    // The link: monospace, selectable; escaped so that Markdown cannot change it (Teams shows it without the escapes).
    text(md(i.url), { id: LINK_BLOCK_ID, fontType: "Monospace" }),
    text(mail, { id: "mailStatus", color: i.email && !i.emailSent ? "Warning" : "Default" }),
    {
      type: "FactSet",
      facts: [fact("Customer", i.customerName), fact("Expires", whenText(i.expiresAt))],
    },
    text(
      "The link is shown only here and works once. Do not post it in a channel: whoever has it can enter this customer's credentials. I will tell you here when the admin has completed it.",
      { isSubtle: true },
    ),
  ]);
}
