/**
 * What the onboarding service's parts share: its ports and settings, the clock, the audit writer, the validation
 * gate and the record lookups. Built once by `createOnboardingService`; each part (service-create.ts,
 * service-m365.ts) is a factory over it.
 */
import type { Check, Cloud, Service, ValidationReport } from "@dr/contract";
import { InputError, NotFoundError } from "../errors.js";
import type { Validator } from "../m365/validator.js";
import type { SecretStore } from "../secrets/secret-store.types.js";
import type { Repository, ServiceRecord } from "../storage/repository.types.js";
import type { RateLimiter } from "./rate-limiter.js";
import { auditRecord, toServiceDto } from "./records.js";
import { createValidationGate } from "./validation-gate.js";

/**
 * Completed invitations as a create sees them (docs/api.md, "Invitations"): `POST /api/services` with `invitationId`
 * opens the credentials the customer's admin validated, validates them again, and consumes the invitation in the
 * same transaction that writes the service. Implemented by the invitations feature (invitations/).
 */
export interface InvitationCredentials {
  /**
   * The sealed credentials of a completed, unexpired invitation, opened; InputError naming `invitationId` when it is
   * unknown, not completed yet, used, revoked or expired.
   */
  open(invitationId: string): Promise<{
    customerId: string;
    tenantId: string;
    clientId: string;
    /** The secret, or (for a certificate) the certificate with its key as PEM. */
    clientSecret?: string;
    clientCertificate?: { pem: string };
    cloud: Cloud;
  }>;
  /**
   * Runs `fn` in one transaction; `consume` marks the invitation used by the service (compare-and-set: InputError
   * naming `invitationId` when another use won), so the service and the consumption commit together.
   */
  transaction<T>(
    fn: (
      tx: Repository,
      consume: (invitationId: string, serviceId: string, actor: string) => Promise<void>,
    ) => Promise<T>,
  ): Promise<T>;
}

/** The credentials of a finished provisioning run, opened for the service it makes. */
export interface OpenedProvisioningRun {
  customerId: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  cloud: Cloud;
  /** The application's object id (rotation needs it). */
  applicationObjectId: string;
  /** The app owns itself with Application.ReadWrite.OwnedBy. */
  selfRotation: boolean;
}

/**
 * Finished provisioning runs as a create sees them (docs/api.md, "Provisioning"): `POST /api/services` with
 * `provisioningId` opens the credentials of the App registration the run made, validates them again, and consumes
 * the run in the same transaction that writes the service. Implemented by the provisioning feature (provisioning/).
 */
export interface ProvisioningCredentials {
  /**
   * The sealed credentials of a `done` run no service used yet, opened; InputError naming `provisioningId` when it
   * is unknown, not finished, failed, used or unreadable.
   */
  open(provisioningId: string): Promise<OpenedProvisioningRun>;
  /**
   * Runs `fn` in one transaction; `consume` marks the run used by the service (compare-and-set: InputError naming
   * `provisioningId` when another use won), so the service and the consumption commit together.
   */
  transaction<T>(
    fn: (
      tx: Repository,
      consume: (provisioningId: string, serviceId: string, actor: string) => Promise<void>,
    ) => Promise<T>,
  ): Promise<T>;
}

/** Ports and settings of the onboarding service. */
export interface OnboardingDeps {
  repo: Repository;
  secrets: SecretStore;
  validator: Validator;
  /** Limits validations per operator and per target tenant. */
  rateLimiter: RateLimiter;
  /** The provider's SBC base domain and regions (wizard step 10). */
  sbc: { baseDomain: string; regions: string[] };
  now?: () => Date;
  /** Completed invitations a create may use in place of typed credentials; absent: `invitationId` is refused. */
  invitations?: InvitationCredentials;
  /** Finished provisioning runs a create may use in place of typed credentials; absent: `provisioningId` is refused. */
  provisioning?: ProvisioningCredentials;
  /** How many validation runs the M365 page lists. Default 20. */
  historyLength?: number;
  /** When each service's secret was last rotated (the rotation journal); absent: the M365 page shows none. */
  rotations?: { lastRotatedAt(serviceId: string): Promise<string | undefined> };
}

/** Options of a validation that streams its checks. */
export interface StreamOptions {
  onCheck?: (check: Check) => void;
}

/**
 * The service as a validation of its stored credential left it, from the transaction that recorded the outcome: the
 * fleet runner's step decides the reminders on it instead of reading the service and its settings again.
 */
export interface RecordedValidation {
  service: Service;
  /** The stored secret's key id, when known (the reminder keys' secret id; else the secret hint). */
  secretKeyId?: string;
}

/** The shared parts. */
export interface OnboardingContext {
  deps: OnboardingDeps;
  now: () => Date;
  /** Writes one audit row (inside `repo`'s transaction when `repo` is one). */
  audit(
    repo: Repository,
    actor: string,
    action: string,
    outcome: "success" | "failure",
    serviceId: string | null,
    detail?: Record<string, unknown> | null,
  ): Promise<void>;
  toService(record: ServiceRecord, at: Date): Service;
  mustGetService(id: string): Promise<ServiceRecord>;
  /**
   * Every validation goes through here: rate limit, run, learn the tenant. `unmetered`: a stored credential
   * re-validated by the fleet runner, which paces each tenant itself, is not counted against the rate limit.
   */
  runValidation(
    actor: string,
    input: Parameters<Validator["validate"]>[0],
    options?: Parameters<Validator["validate"]>[1],
    gate?: { unmetered?: boolean },
  ): Promise<ValidationReport>;
}

/**
 * The customer a service, an invitation or a provisioning run is for; an InputError naming `customerId` when there is
 * none (docs/api.md).
 */
export async function mustGetCustomer<C>(
  repo: { getCustomer(id: string): Promise<C | undefined> },
  customerId: string,
): Promise<C> {
  const customer = await repo.getCustomer(customerId);
  if (!customer) {
    throw new InputError("The customer does not exist.", [
      { path: "customerId", code: "not_found", message: "Customer: choose an existing customer or create one." },
    ]);
  }
  return customer;
}

/** Builds the shared parts over the deps. */
export function createOnboardingContext(deps: OnboardingDeps): OnboardingContext {
  const now = deps.now ?? (() => new Date());
  return {
    deps,
    now,
    audit: (repo, actor, action, outcome, serviceId, detail = null) =>
      repo.insertAudit(auditRecord(now(), { actor, action, serviceId, outcome, detail })),
    toService: (record, at) => toServiceDto(record, at, deps.sbc.baseDomain),
    async mustGetService(id) {
      const service = await deps.repo.getService(id);
      if (!service) throw new NotFoundError(`No service with id ${id}.`);
      return service;
    },
    runValidation: createValidationGate({ ...deps, now }),
  };
}
