/**
 * The onboarding rules: customers, Direct Routing services, their Microsoft 365 credentials, Validate
 * Authentication, secret replacement and the audit trail. Built by a factory over its ports (repository, secret
 * store, validator); routes and the bot call it, so no rule is written twice. The larger parts live beside it:
 * records.ts (pure mapping), validation-gate.ts (rate limit and tenant aliases), service-create.ts and
 * service-m365.ts.
 */

import { randomUUID } from "node:crypto";
import {
  type AuditEvent,
  type CreateCustomerInput,
  type CreateServiceInput,
  type Customer,
  clientIdForRecord,
  type M365Settings,
  type NameCheck,
  type Service,
  type ServiceStatus,
  type SubdomainCheck,
  shortNameProblems,
  subdomainLabelSchema,
  tenantIdForRecord,
  type UpdateServiceInput,
  type ValidationReport,
  type ValidationRequest,
} from "@dr/contract";
import { NotFoundError } from "../errors.js";
import type { CredentialBody } from "../m365/credentials/credential.js";
import type { CustomerRecord, ServiceRecord } from "../storage/repository.types.js";
import {
  createOnboardingContext,
  type OnboardingDeps,
  type RecordedValidation,
  type StreamOptions,
} from "./context.js";
import { assertVersion, type IfVersion, reportDetail, toAuditEvent, toCustomer } from "./records.js";
import { createServiceCommand, subdomainTakenMessage } from "./service-create.js";
import { createM365Commands } from "./service-m365.js";
import { byAttention, deriveStatus, nextDerivedChange } from "./status.js";

export type { OnboardingDeps, RecordedValidation, StreamOptions } from "./context.js";
export type { IfVersion } from "./records.js";

/** What the onboarding service offers. */
export interface OnboardingService {
  listCustomers(): Promise<Customer[]>;
  createCustomer(input: CreateCustomerInput, actor: string): Promise<Customer>;
  nameCheck(name: string): Promise<NameCheck>;
  /** Whether an SBC sub-domain label is well-formed and free (the wizard asks as the operator types). */
  subdomainCheck(label: string): Promise<SubdomainCheck>;
  /** Services, those needing attention first. The same array comes back while nothing changed (do not mutate). */
  listServices(status?: ServiceStatus): Promise<readonly Service[]>;
  getService(id: string): Promise<Service>;
  /** The service with its version, for an ETag. */
  getServiceVersioned(id: string): Promise<{ service: Service; version: number }>;
  /** Validates the credentials again, then writes the service and its sealed secret in one transaction. */
  createService(
    input: CreateServiceInput,
    actor: string,
    idempotencyKey?: string,
  ): Promise<{ service: Service; replayed: boolean }>;
  /** `ifVersion`: the version the caller last read (If-Match); a newer one refuses with PreconditionFailedError. */
  /** Answers the updated service with its new version (the ETag of what was written). */
  updateService(
    id: string,
    patch: UpdateServiceInput,
    actor: string,
    ifVersion?: IfVersion,
  ): Promise<{ service: Service; version: number }>;
  deleteService(id: string, actor: string, ifVersion?: IfVersion): Promise<void>;
  getM365Settings(id: string): Promise<M365Settings>;
  /** The M365 settings with the service's version, for an ETag. */
  getM365SettingsVersioned(id: string): Promise<{ settings: M365Settings; version: number }>;
  /** Validate Authentication: re-runs every check with the stored secret and records the outcome. */
  /**
   * `scheduled`: the fleet runner's re-validation, not counted against the validation rate limit. `onRecorded`: told
   * the service as the recording transaction left it (the runner's reminder decision reads nothing again).
   */
  validateService(
    id: string,
    actor: string,
    options?: StreamOptions & { scheduled?: boolean; onRecorded?: (recorded: RecordedValidation) => void },
  ): Promise<ValidationReport>;
  /** Validates a new secret or certificate; replaces the stored credential only when the report is ok. */
  replaceSecret(
    id: string,
    credential: CredentialBody,
    actor: string,
    options?: StreamOptions & { ifVersion?: IfVersion },
  ): Promise<ValidationReport>;
  listAudit(id: string): Promise<AuditEvent[]>;
  /** The wizard's "Next": validates credentials not yet stored (rate-limited, audited without the secret). */
  validateCredentials(input: ValidationRequest, actor: string, options?: StreamOptions): Promise<ValidationReport>;
}

/** Creates the onboarding service. */
export function createOnboardingService(deps: OnboardingDeps): OnboardingService {
  const ctx = createOnboardingContext(deps);
  const { now, audit, toService, mustGetService, runValidation } = ctx;
  const createService = createServiceCommand(ctx);
  const m365 = createM365Commands(ctx);
  let listCache:
    | { fingerprint: string; validUntil: number; items: Service[]; byStatus: Map<ServiceStatus, Service[]> }
    | undefined;

  const service: OnboardingService = {
    async validateCredentials(input, actor, options = {}) {
      const report = await runValidation(actor, input, options);
      await audit(deps.repo, actor, "credentials.validate", report.ok ? "success" : "failure", null, {
        // Parsed values only: a secret pasted into the wrong field must not reach the audit trail.
        tenantId: report.tenant?.id ?? tenantIdForRecord(input.tenantId),
        clientId: clientIdForRecord(input.clientId),
        ...reportDetail(report),
      });
      return report;
    },

    async listCustomers() {
      return (await deps.repo.listCustomers()).map(toCustomer);
    },

    async createCustomer(input, actor) {
      const record: CustomerRecord = {
        id: randomUUID(),
        name: input.name,
        contactEmail: input.contactEmail ?? null,
        note: input.note ?? null,
        createdAt: now().toISOString(),
        createdBy: actor,
      };
      await deps.repo.transaction(async (tx) => {
        await tx.insertCustomer(record);
        await audit(tx, actor, "customer.create", "success", null, { customerId: record.id, name: record.name });
      });
      return toCustomer(record);
    },

    async nameCheck(name) {
      const problems = shortNameProblems(name);
      if (problems.length === 0 && (await deps.repo.shortNameTaken(name))) {
        problems.push({ code: "name_taken", message: `Short name: "${name}" is already used by another service.` });
      }
      return { name, ok: problems.length === 0, problems };
    },

    async subdomainCheck(label) {
      const problems: SubdomainCheck["problems"] = [];
      const parsed = subdomainLabelSchema.safeParse(label);
      if (!parsed.success) {
        problems.push({
          code: "invalid_subdomain",
          message: parsed.error.issues[0]?.message ?? "SBC sub-domain: invalid.",
        });
      } else if (await deps.repo.subdomainLabelTaken(label)) {
        problems.push({ code: "subdomain_taken", message: subdomainTakenMessage(label) });
      }
      return { label, fqdn: `${label}.${deps.sbc.baseDomain}`, ok: problems.length === 0, problems };
    },

    async listServices(status) {
      // The list is read often (every tab load) and changes rarely: reuse it while the stored rows are unchanged
      // (checked against the database on every call, so several server copies stay right) and until the first
      // moment a derived value (days until expiry, status) would change.
      const at = now();
      const fingerprint = await deps.repo.servicesFingerprint();
      if (!listCache || listCache.fingerprint !== fingerprint || at.getTime() >= listCache.validUntil) {
        const records = await deps.repo.listServices();
        const statuses = new Map(records.map((r) => [r.id, deriveStatus(r, at)]));
        const sorted = records.sort(byAttention(at, statuses));
        const items = sorted.map((r) => toService(r, at));
        listCache = { fingerprint, validUntil: nextDerivedChange(records, at), items, byStatus: new Map() };
      }
      if (!status) return listCache.items;
      let filtered = listCache.byStatus.get(status);
      if (!filtered) {
        filtered = listCache.items.filter((s) => s.status === status);
        listCache.byStatus.set(status, filtered);
      }
      return filtered;
    },

    async getService(id) {
      return toService(await mustGetService(id), now());
    },

    async getServiceVersioned(id) {
      const record = await mustGetService(id);
      return { service: toService(record, now()), version: record.version };
    },

    createService: createService,

    async updateService(id, patch, actor, ifVersion) {
      const updated = await deps.repo.transaction(async (tx) => {
        const current = await tx.getService(id, { forUpdate: true });
        if (!current) throw new NotFoundError(`No service with id ${id}.`);
        assertVersion(current, ifVersion);
        const next: ServiceRecord = {
          ...current,
          ...(patch.fullName !== undefined ? { fullName: patch.fullName === "" ? null : patch.fullName } : {}),
          ...(patch.licenseType !== undefined ? { licenseType: patch.licenseType } : {}),
          ...(patch.licensedUsers !== undefined ? { licensedUsers: patch.licensedUsers } : {}),
          version: current.version + 1,
          updatedAt: now().toISOString(),
        };
        await tx.updateService(next);
        await audit(tx, actor, "service.update", "success", id, { changed: Object.keys(patch) });
        return next;
      });
      return { service: toService(updated, now()), version: updated.version };
    },

    async deleteService(id, actor, ifVersion) {
      await deps.repo.transaction(async (tx) => {
        const current = await tx.getService(id, { forUpdate: true });
        if (!current) throw new NotFoundError(`No service with id ${id}.`);
        assertVersion(current, ifVersion);
        await tx.deleteService(id);
        await audit(tx, actor, "service.delete", "success", id, { shortName: current.shortName });
      });
    },

    async getM365Settings(id) {
      return (await m365.getM365SettingsVersioned(id)).settings;
    },

    getM365SettingsVersioned: m365.getM365SettingsVersioned,
    validateService: m365.validateService,
    replaceSecret: m365.replaceSecret,

    async listAudit(id) {
      await mustGetService(id).catch(async (error: unknown) => {
        // A deleted service keeps its audit trail: answer it when events exist.
        const events = await deps.repo.listAudit(id, 1);
        if (events.length === 0) throw error;
      });
      return (await deps.repo.listAudit(id, 500)).map(toAuditEvent);
    },
  };
  return service;
}
