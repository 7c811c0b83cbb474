/**
 * What the onboarding service's parts share: its ports and settings, the clock, the audit writer, the validation
 * gate and the record lookups. Built once by `createOnboardingService`; each part (service-create.ts,
 * service-m365.ts) is a factory over it.
 */
import { randomUUID } from "node:crypto";
import type { Check, Service, ValidationReport } from "@dr/contract";
import { NotFoundError } from "../errors.js";
import type { Validator } from "../m365/validator.js";
import type { SecretStore } from "../secrets/secret-store.types.js";
import type { Repository, ServiceRecord } from "../storage/repository.types.js";
import type { RateLimiter } from "./rate-limiter.js";
import { toServiceDto } from "./records.js";
import { createValidationGate } from "./validation-gate.js";

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
  /** How many validation runs the M365 page lists. Default 20. */
  historyLength?: number;
}

/** Options of a validation that streams its checks. */
export interface StreamOptions {
  onCheck?: (check: Check) => void;
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
  /** Every validation goes through here: rate limit, run, learn the tenant. */
  runValidation(
    actor: string,
    input: Parameters<Validator["validate"]>[0],
    options?: Parameters<Validator["validate"]>[1],
  ): Promise<ValidationReport>;
}

/** Builds the shared parts over the deps. */
export function createOnboardingContext(deps: OnboardingDeps): OnboardingContext {
  const now = deps.now ?? (() => new Date());
  return {
    deps,
    now,
    audit: (repo, actor, action, outcome, serviceId, detail = null) =>
      repo.insertAudit({ id: randomUUID(), at: now().toISOString(), actor, action, serviceId, outcome, detail }),
    toService: (record, at) => toServiceDto(record, at, deps.sbc.baseDomain),
    async mustGetService(id) {
      const service = await deps.repo.getService(id);
      if (!service) throw new NotFoundError(`No service with id ${id}.`);
      return service;
    },
    runValidation: createValidationGate({ ...deps, now }),
  };
}
