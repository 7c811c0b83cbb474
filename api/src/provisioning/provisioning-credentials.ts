/**
 * Finished provisioning runs as `POST /api/services` uses them (onboarding's `ProvisioningCredentials` port;
 * docs/api.md, "Provisioning"): open the sealed credentials of a `done` run no service used yet, and consume the run
 * inside the transaction that writes the service, by compare-and-set, so one run makes one service.
 */
import { InputError } from "../errors.js";
import type { ProvisioningCredentials } from "../onboarding/context.js";
import { auditRecord } from "../onboarding/records.js";
import type { SecretStore } from "../secrets/secret-store.types.js";
import type { ProvisioningRecord, ProvisioningStore } from "../storage/provisioning.repository.js";
import { provisioningSecretAad } from "./provisioning-records.js";

/** What the port needs. */
export interface ProvisioningCredentialsDeps {
  store: ProvisioningStore;
  secrets: SecretStore;
  now: () => Date;
}

const refusal = (code: string, message: string) =>
  new InputError(message, [{ path: "provisioningId", code, message: `provisioningId: ${message}` }]);

/** Why a run cannot make a service, as an InputError naming `provisioningId`; undefined when it can. */
export function unusableRunReason(record: ProvisioningRecord | undefined): InputError | undefined {
  if (!record) return refusal("not_found", "No provisioning run with this id.");
  if (record.usedByServiceId !== null) {
    return refusal("provisioning_used", "This provisioning run was already used for a service.");
  }
  if (record.status === "waiting_for_sign_in" || record.status === "running") {
    return refusal("provisioning_not_done", "The provisioning run has not finished yet; wait for it to end.");
  }
  if (record.status !== "done") {
    return refusal(
      "provisioning_failed",
      `The provisioning run did not finish (${record.status}); start a new one, or enter the credentials.`,
    );
  }
  if (!record.sealed || !record.result) {
    return refusal(
      "provisioning_unavailable",
      "This run's credentials are no longer held here (its invitation was completed with them, or what it created was removed).",
    );
  }
  return undefined;
}

/** Creates the port. */
export function createProvisioningCredentials(deps: ProvisioningCredentialsDeps): ProvisioningCredentials {
  return {
    async open(provisioningId) {
      const record = await deps.store.get(provisioningId);
      const refused = unusableRunReason(record);
      if (refused || !record?.sealed || !record.result) throw refused;
      let clientSecret: string;
      try {
        clientSecret = deps.secrets.open(record.sealed, provisioningSecretAad(record.id));
      } catch {
        // A key this server lacks, or an altered envelope: the admin can only run provisioning again.
        throw refusal(
          "provisioning_unreadable",
          "The sealed credentials of this run cannot be opened; run provisioning again with the option to reuse the app.",
        );
      }
      return {
        customerId: record.customerId,
        tenantId: record.result.tenantId,
        clientId: record.result.clientId,
        clientSecret,
        cloud: record.cloud,
        applicationObjectId: record.result.applicationObjectId,
        selfRotation: record.result.selfRotation,
      };
    },

    transaction(fn) {
      return deps.store.transaction((repo, store) =>
        fn(repo, async (provisioningId, serviceId, actor) => {
          const now = deps.now();
          const at = now.toISOString();
          const used = await store.transition(
            provisioningId,
            ["done"],
            { usedByServiceId: serviceId, usedAt: at, sealed: null, updatedAt: at },
            { unused: true, sealedPresent: true },
          );
          if (!used) {
            throw (
              unusableRunReason(await store.get(provisioningId)) ??
              refusal("provisioning_used", "This provisioning run was already used for a service.")
            );
          }
          await repo.insertAudit(
            auditRecord(now, {
              actor,
              action: "provisioning.use",
              serviceId,
              outcome: "success",
              detail: { provisioningId },
            }),
          );
        }),
      );
    },
  };
}
