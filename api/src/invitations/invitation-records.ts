/**
 * The invitations feature's pure parts: the link token and its hash, the associated data of the sealed secret, and
 * the record as the API answers it (docs/api.md, "Invitations"). No I/O here.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Invitation, InvitePublic } from "@dr/contract";
import type { InvitationRecord } from "../storage/invitations.repository.js";

/** A new link token: 256 random bits, base64url (43 characters). Only its hash is stored. */
export function newLinkToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashLinkToken(token) };
}

/** What the database holds of a token: its SHA-256, hex. */
export function hashLinkToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** True for text shaped like a link token; anything else is unknown without a lookup. */
export const isTokenShaped = (token: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(token);

/**
 * The associated data of an invitation's sealed client secret: the envelope opens only for this invitation. Sealed
 * once per invitation (a completed one cannot be completed again), so no version is needed.
 */
export { invitationSecretAad } from "../secrets/associated-data.js";

/** The invitation as the operator sees it: never the link, never a secret. */
export function toInvitation(r: InvitationRecord): Invitation {
  return {
    id: r.id,
    customerId: r.customerId,
    customerName: r.customerName,
    ...(r.email ? { email: r.email } : {}),
    cloud: r.cloud,
    status: r.status,
    createdAt: r.createdAt,
    createdBy: r.createdBy,
    expiresAt: r.expiresAt,
    emailSent: r.emailSent,
    ...(r.emailError ? { emailError: r.emailError } : {}),
    ...(r.note ? { note: r.note } : {}),
    ...(r.openedAt ? { openedAt: r.openedAt } : {}),
    ...(r.completedAt ? { completedAt: r.completedAt } : {}),
    ...(r.tenantId ? { tenant: { id: r.tenantId, ...(r.tenantName ? { displayName: r.tenantName } : {}) } } : {}),
    ...(r.serviceId ? { serviceId: r.serviceId } : {}),
  };
}

/** What the customer's page may know. */
export function toInvitePublic(
  r: InvitationRecord,
  provider: { name: string; supportEmail: string },
  status: "sent" | "opened",
): InvitePublic {
  return {
    providerName: provider.name,
    providerSupportEmail: provider.supportEmail,
    customerName: r.customerName,
    expiresAt: r.expiresAt,
    cloud: r.cloud,
    status,
  };
}

/** The creating operator, when the bot can reach them (Entra object id and tenant known). */
export function operatorOf(r: InvitationRecord): { objectId: string; tenantId: string } | undefined {
  return r.createdByOid && r.createdByTenant
    ? { objectId: r.createdByOid.toLowerCase(), tenantId: r.createdByTenant.toLowerCase() }
    : undefined;
}
