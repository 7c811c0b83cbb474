/** How invitations read in the tab: their tenant, their dates, and which actions a state allows. */
import type { Invitation, InvitationStatus } from "@dr/contract";
import { invitationsEn as t } from "./invitations.en";

/** "Name (id)", the id, or empty. */
export function tenantLabel(tenant: Invitation["tenant"]): string {
  if (!tenant) return "";
  return tenant.displayName ? `${tenant.displayName} (${tenant.id})` : tenant.id;
}

/** A date and time in the operator's locale; the raw value when it is not a date. */
export function dateTime(iso: string | undefined): string {
  if (!iso) return "";
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** One line naming a completed invitation in the wizard's choice. */
export function invitationChoiceLabel(i: Invitation): string {
  const parts = [tenantLabel(i.tenant) || i.customerName];
  if (i.email) parts.push(i.email);
  if (i.completedAt) parts.push(t.validatedOn(i.completedAt.slice(0, 10)));
  return parts.join(" · ");
}

/** A new link may be sent while the admin has not completed (or the link expired). */
export const canResend = (s: InvitationStatus): boolean => s === "sent" || s === "opened" || s === "expired";
/** Revoking stops a link or drops sealed credentials that were not used yet. */
export const canRevoke = (s: InvitationStatus): boolean => s === "sent" || s === "opened" || s === "completed";

/** The completed invitations of one customer, newest first. */
export function completedOf(items: readonly Invitation[] | undefined, customerId: string | undefined): Invitation[] {
  if (!items || !customerId) return [];
  return items
    .filter((i) => i.status === "completed" && i.customerId === customerId)
    .sort((a, b) => (b.completedAt ?? "").localeCompare(a.completedAt ?? ""));
}

/** The invitation link inside a mail's text (the first URL with /invite/), to make it clickable. */
export function inviteLinkIn(text: string): string | undefined {
  return /https?:\/\/[^\s<>"]+\/invite\/[^\s<>"]+/.exec(text)?.[0];
}
