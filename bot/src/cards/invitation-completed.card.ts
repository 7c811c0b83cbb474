/**
 * Told to the operator who sent an invitation (docs/product.md section 8): the customer's admin entered and
 * validated the App registration. "Continue onboarding" opens the tab's wizard with the invitation chosen when the
 * tab's deep link is known; "Continue here" (or, without the deep link, "Continue onboarding") starts the bot's
 * onboarding dialog with it. No credential is in the card: the tenant only (its id and name).
 */
import type { Invitation } from "@dr/contract";
import { adaptiveCard, execute, fact, md, text, title } from "./card.elements.js";
import type { AdaptiveCard, CardAction } from "./card.types.js";

/** The verb that starts the onboarding dialog with an invitation chosen. */
export const FROM_INVITATION_VERB = "onboard.fromInvitation";

/** Input of {@link invitationCompletedCard}. */
export interface InvitationCompletedCardInput {
  invitation: Invitation;
  /** The tab's wizard with the invitation chosen (deep link), when known. */
  tabUrl?: string;
}

/** A date as the operator reads it (UTC day and time), or the raw value when it is not a date. */
export function whenText(iso: string | undefined): string {
  if (!iso) return "";
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** The tenant as shown: "Name (id)", or the id. */
export function tenantText(tenant: Invitation["tenant"]): string {
  if (!tenant) return "";
  return tenant.displayName ? `${tenant.displayName} (${tenant.id})` : tenant.id;
}

/** Builds the card. Names come from the customer's directory and the operator's input: escaped. */
export function invitationCompletedCard(input: InvitationCompletedCardInput): AdaptiveCard {
  const i = input.invitation;
  const here = { invitationId: i.id };
  const actions: CardAction[] = input.tabUrl
    ? [
        { type: "Action.OpenUrl", title: "Continue onboarding", url: input.tabUrl },
        execute("Continue here in the chat", FROM_INVITATION_VERB, here),
      ]
    : [execute("Continue onboarding", FROM_INVITATION_VERB, here, { style: "positive" })];
  return adaptiveCard(
    [
      title("✅ Invitation completed"),
      text(`The admin of ${md(i.customerName)} entered the App registration and it validated.`),
      {
        type: "FactSet",
        facts: [
          fact("Customer", i.customerName),
          fact("Tenant", tenantText(i.tenant)),
          ...(i.email ? [fact("Admin's e-mail", i.email)] : []),
          ...(i.completedAt ? [fact("Validated", whenText(i.completedAt))] : []),
          fact("Use it before", whenText(i.expiresAt)),
        ],
      },
      text(
        "Continue onboarding to create the service: the credentials are validated again then, and the invitation is used up.",
        { isSubtle: true },
      ),
    ],
    actions,
  );
}

/** Input of {@link invitationDroppedCard}. */
export interface InvitationDroppedCardInput {
  invitation: Invitation;
  /** Why (e.g. "it expired"), our own words. */
  reason?: string;
}

/** Told when an invitation the operator sent was dropped (expired, or completed and not used in time). */
export function invitationDroppedCard(input: InvitationDroppedCardInput): AdaptiveCard {
  const i = input.invitation;
  return adaptiveCard([
    title("⌛ Invitation dropped"),
    text(
      `The invitation for ${md(i.customerName)} was dropped${input.reason ? ` (${md(input.reason)})` : ""}; any credentials the admin entered were discarded.`,
    ),
    {
      type: "FactSet",
      facts: [
        fact("Customer", i.customerName),
        ...(i.email ? [fact("Admin's e-mail", i.email)] : []),
        fact("Link expiry", whenText(i.expiresAt)),
      ],
    },
    text("To invite again, send **invite <customer name> <e-mail>** here, or use the services page of the tab.", {
      isSubtle: true,
    }),
  ]);
}
