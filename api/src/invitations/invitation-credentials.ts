/**
 * Completed invitations as `POST /api/services` uses them (onboarding's `InvitationCredentials` port; docs/api.md,
 * "Invitations"): open the sealed credentials of a completed, unexpired invitation, and consume the invitation inside
 * the transaction that writes the service, by compare-and-set, so one invitation makes one service.
 */
import { InputError } from "../errors.js";
import type { InvitationCredentials } from "../onboarding/context.js";
import { auditRecord } from "../onboarding/records.js";
import type { SecretStore } from "../secrets/secret-store.types.js";
import type { InvitationRecord, InvitationStore } from "../storage/invitations.repository.js";
import { invitationSecretAad } from "./invitation-records.js";

/** What the port needs. */
export interface InvitationCredentialsDeps {
  store: InvitationStore;
  secrets: SecretStore;
  now: () => Date;
}

const refusal = (code: string, message: string) =>
  new InputError(message, [{ path: "invitationId", code, message: `invitationId: ${message}` }]);

/** Why an invitation cannot be used, as an InputError naming `invitationId`; undefined when it can. */
export function unusableReason(record: InvitationRecord | undefined, at: Date): InputError | undefined {
  if (!record) return refusal("not_found", "No invitation with this id.");
  const expired = record.status === "expired" || new Date(record.expiresAt).getTime() <= at.getTime();
  if (record.status === "used") return refusal("invitation_used", "This invitation was already used for a service.");
  if (record.status === "revoked") return refusal("invitation_revoked", "This invitation was revoked.");
  if (expired) return refusal("invitation_expired", "This invitation expired; send a new one.");
  if (record.status !== "completed" || !record.sealed || !record.tenantId || !record.clientId) {
    return refusal(
      "invitation_not_completed",
      "The customer's admin has not completed this invitation yet; wait for it, or enter the credentials.",
    );
  }
  return undefined;
}

/** Creates the port. */
export function createInvitationCredentials(deps: InvitationCredentialsDeps): InvitationCredentials {
  return {
    async open(invitationId) {
      const record = await deps.store.get(invitationId);
      const refused = unusableReason(record, deps.now());
      if (refused || !record?.sealed || !record.tenantId || !record.clientId) throw refused;
      let text: string;
      try {
        text = deps.secrets.open(record.sealed, invitationSecretAad(record.id));
      } catch {
        // A key this server lacks, or an altered envelope: the operator can only invite again.
        throw refusal(
          "invitation_unreadable",
          "The sealed credentials of this invitation cannot be opened; invite again.",
        );
      }
      return {
        customerId: record.customerId,
        tenantId: record.tenantId,
        clientId: record.clientId,
        // The secret, or the certificate with its key as PEM (docs/entra.md section 13).
        ...(record.credentialType === "certificate" ? { clientCertificate: { pem: text } } : { clientSecret: text }),
        cloud: record.cloud,
      };
    },

    transaction(fn) {
      return deps.store.transaction((repo, store) =>
        fn(repo, async (invitationId, serviceId, actor) => {
          const now = deps.now();
          const at = now.toISOString();
          const used = await store.transition(
            invitationId,
            ["completed"],
            { status: "used", serviceId, usedAt: at, updatedAt: at, sealed: null },
            { notExpiredAt: at },
          );
          if (!used)
            throw (
              unusableReason(await store.get(invitationId), deps.now()) ??
              refusal("invitation_used", "This invitation was already used for a service.")
            );
          await repo.insertAudit(
            auditRecord(now, {
              actor,
              action: "invitation.use",
              serviceId,
              outcome: "success",
              detail: { invitationId },
            }),
          );
        }),
      );
    },
  };
}
