/**
 * The onboarding rules: customers, Direct Routing services, their Microsoft 365 credentials, Validate
 * Authentication, secret replacement and the audit trail. Built by a factory over its ports (repository, secret
 * store, validator); routes and the bot call it, so no rule is written twice.
 */
import { createHash, randomUUID } from "node:crypto";
import {
  type AuditEvent,
  type Check,
  type CreateCustomerInput,
  type CreateServiceInput,
  type Customer,
  clientIdForRecord,
  defaultSubdomainLabel,
  type M365Settings,
  type NameCheck,
  parseTenantId,
  type Service,
  type ServiceStatus,
  type SubdomainCheck,
  shortNameProblems,
  subdomainLabelSchema,
  tenantIdForRecord,
  type UpdateServiceInput,
  type ValidationReport,
  type ValidationRequest,
  type ValidationSummary,
} from "@dr/contract";
import {
  ConflictError,
  CredentialsInvalidError,
  InputError,
  NotFoundError,
  PreconditionFailedError,
  RateLimitedError,
} from "../errors.js";
import type { Validator } from "../m365/validator.js";
import type { SecretStore } from "../secrets/secret-store.types.js";
import {
  type AuditRecord,
  type CustomerRecord,
  type M365Record,
  type Repository,
  type ServiceRecord,
  UniqueViolationError,
  type ValidationRecord,
} from "../storage/repository.types.js";
import type { RateLimiter } from "./rate-limiter.js";
import { byAttention, daysUntil, deriveStatus, nextDerivedChange } from "./status.js";

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
  updateService(id: string, patch: UpdateServiceInput, actor: string, ifVersion?: IfVersion): Promise<Service>;
  deleteService(id: string, actor: string, ifVersion?: IfVersion): Promise<void>;
  getM365Settings(id: string): Promise<M365Settings>;
  /** The M365 settings with the service's version, for an ETag. */
  getM365SettingsVersioned(id: string): Promise<{ settings: M365Settings; version: number }>;
  /** Validate Authentication: re-runs every check with the stored secret and records the outcome. */
  validateService(id: string, actor: string, options?: StreamOptions): Promise<ValidationReport>;
  /** Validates a new secret; replaces the stored one only when the report is ok. */
  replaceSecret(
    id: string,
    clientSecret: string,
    actor: string,
    options?: StreamOptions & { ifVersion?: IfVersion },
  ): Promise<ValidationReport>;
  listAudit(id: string): Promise<AuditEvent[]>;
  /** The wizard's "Next": validates credentials not yet stored (rate-limited, audited without the secret). */
  validateCredentials(input: ValidationRequest, actor: string, options?: StreamOptions): Promise<ValidationReport>;
}

const SECRET_AAD = (serviceId: string, version: number) => `service:${serviceId}:v${version}`;

/** A copy of the record with the M365 fields a report taught us. */
function applyReport(
  m365: M365Record,
  report: ValidationReport,
  actor: string,
  at: string,
  options: { newSecretHint?: string } = {},
): M365Record {
  const expiryRead = report.secret?.expiresAt !== undefined;
  return {
    ...m365,
    tenantId: report.tenant?.id ?? m365.tenantId,
    tenantName: report.tenant?.displayName ?? m365.tenantName,
    tenantDomains: report.tenant?.domains ?? m365.tenantDomains,
    secretHint: options.newSecretHint ?? m365.secretHint,
    // A new secret's expiry is only known when Graph told it; never carry the old secret's date over to it.
    secretKeyId: expiryRead
      ? (report.secret?.keyId ?? null)
      : options.newSecretHint !== undefined
        ? null
        : m365.secretKeyId,
    secretExpiresAt: expiryRead
      ? (report.secret?.expiresAt ?? null)
      : options.newSecretHint !== undefined
        ? null
        : m365.secretExpiresAt,
    secretCheckedAt: expiryRead ? at : options.newSecretHint !== undefined ? null : m365.secretCheckedAt,
    lastValidatedAt: at,
    lastValidationOk: report.ok,
    lastValidatedBy: actor,
    permissions: report.permissions
      ? {
          granted: report.permissions.granted,
          missing: report.permissions.missing,
          directoryRoles: report.permissions.directoryRoles,
        }
      : m365.permissions,
  };
}

function summarise(report: ValidationReport): ValidationRecord["checks"] {
  return report.checks.map((c) => ({ id: c.id, status: c.status, ...(c.code ? { code: c.code } : {}) }));
}

/** What an Idempotency-Key is scoped to: the operation, in the domain's words (no HTTP method or path). */
const IDEMPOTENCY_SCOPE = {
  createService: "service.create",
  /** Keys stored before the scope had a domain name said "POST /api/services": they replay the same operation. */
  sameAsCreateService: (scope: string) => scope === "service.create" || scope === "POST /api/services",
} as const;

/** The SBC FQDN is `<label>.<SBC_BASE_DOMAIN>`: two services with one label would share one SBC host name. */
const subdomainTakenMessage = (label: string) =>
  `SBC sub-domain: "${label}" is already used by another service; choose another label.`;

const subdomainTaken = (label: string) =>
  new ConflictError(
    `The SBC sub-domain "${label}" is already taken.`,
    [{ path: "directRouting.subdomainLabel", code: "subdomain_taken", message: subdomainTakenMessage(label) }],
    "subdomain_taken",
  );

/**
 * The versions an If-Match header accepts (one or a list); undefined when the caller did not send one (or sent `*`,
 * which any existing service matches).
 */
export type IfVersion = readonly number[] | undefined;

/** The If-Match check, inside the transaction that writes. */
function assertVersion(current: ServiceRecord, ifVersion: IfVersion): void {
  if (ifVersion !== undefined && !ifVersion.includes(current.version)) {
    throw new PreconditionFailedError(
      "The service changed since you read it; load it again and repeat the change if it still applies.",
      [
        {
          path: "If-Match",
          code: "precondition_failed",
          message: `If-Match: the current ETag is "${current.version}".`,
        },
      ],
    );
  }
}

/** Creates the onboarding service. */
export function createOnboardingService(deps: OnboardingDeps): OnboardingService {
  const now = deps.now ?? (() => new Date());
  const historyLength = deps.historyLength ?? 20;
  let listCache:
    | { fingerprint: string; validUntil: number; items: Service[]; byStatus: Map<ServiceStatus, Service[]> }
    | undefined;

  const toCustomer = (c: CustomerRecord): Customer => ({
    id: c.id,
    name: c.name,
    ...(c.contactEmail ? { contactEmail: c.contactEmail } : {}),
    ...(c.note ? { note: c.note } : {}),
    createdAt: c.createdAt,
  });

  const toService = (r: ServiceRecord, at: Date): Service => {
    const m = r.m365;
    const dr = r.directRouting;
    const hasDr = dr.m365Domain !== null || dr.sbcRegion !== null || dr.subdomainLabel !== null;
    return {
      id: r.id,
      type: "direct-routing",
      customerId: r.customerId,
      customerName: r.customerName,
      shortName: r.shortName,
      ...(r.fullName ? { fullName: r.fullName } : {}),
      licenseType: r.licenseType,
      licensedUsers: r.licensedUsers,
      status: deriveStatus(r, at),
      createdAt: r.createdAt,
      createdBy: r.createdBy,
      m365: {
        cloud: m.cloud,
        tenantId: m.tenantId,
        ...(m.tenantName ? { tenantName: m.tenantName } : {}),
        clientId: m.clientId,
        secretHint: m.secretHint,
        ...(m.secretExpiresAt
          ? { secretExpiresAt: m.secretExpiresAt, daysUntilExpire: daysUntil(m.secretExpiresAt, at) }
          : {}),
        userName: m.userName,
        ...(m.lastValidatedAt ? { lastValidatedAt: m.lastValidatedAt } : {}),
        ...(m.lastValidationOk !== null ? { lastValidationOk: m.lastValidationOk } : {}),
      },
      ...(hasDr
        ? {
            directRouting: {
              ...(dr.m365Domain ? { m365Domain: dr.m365Domain } : {}),
              ...(dr.sbcRegion ? { sbcRegion: dr.sbcRegion } : {}),
              ...(dr.subdomainLabel
                ? { subdomainLabel: dr.subdomainLabel, sbcFqdn: `${dr.subdomainLabel}.${deps.sbc.baseDomain}` }
                : {}),
            },
          }
        : {}),
    };
  };

  const toSummary = (v: ValidationRecord): ValidationSummary => ({
    id: v.id,
    at: v.at,
    actor: v.actor,
    trigger: v.trigger,
    ok: v.ok,
    checks: v.checks,
    durationMs: v.durationMs,
  });

  const toAuditEvent = (a: AuditRecord): AuditEvent => ({
    id: a.id,
    at: a.at,
    actor: a.actor,
    action: a.action,
    ...(a.serviceId ? { serviceId: a.serviceId } : {}),
    outcome: a.outcome,
    ...(a.detail ? { detail: a.detail } : {}),
  });

  const audit = (
    repo: Repository,
    actor: string,
    action: string,
    outcome: "success" | "failure",
    serviceId: string | null,
    detail: Record<string, unknown> | null = null,
  ) => repo.insertAudit({ id: randomUUID(), at: now().toISOString(), actor, action, serviceId, outcome, detail });

  const validationRecord = (
    serviceId: string,
    actor: string,
    trigger: string,
    report: ValidationReport,
  ): ValidationRecord => ({
    id: randomUUID(),
    serviceId,
    at: report.startedAt,
    actor,
    trigger,
    ok: report.ok,
    checks: summarise(report),
    durationMs: report.durationMs,
  });

  const reportDetail = (report: ValidationReport) => ({
    ok: report.ok,
    failed: report.checks.filter((c) => c.status === "fail" || c.status === "unknown").map((c) => c.code ?? c.id),
  });

  /**
   * Refuses a create whose short name or SBC sub-domain is taken; the short name first, since the operator chose it
   * and it usually implies the label. Two creates of one name race on both unique indexes, and a winner can commit
   * between two reads, so the name is read again whenever the label is found taken.
   */
  const refuseTaken = async (shortName: string, label: string, labelTakenKnown: boolean): Promise<void> => {
    const labelTaken = labelTakenKnown || (await deps.repo.subdomainLabelTaken(label));
    if (await deps.repo.shortNameTaken(shortName)) {
      throw new ConflictError(`The short name "${shortName}" is already taken.`, [
        {
          path: "shortName",
          code: "name_taken",
          message: "Short name: already used by another service; choose another.",
        },
      ]);
    }
    if (labelTaken) throw subdomainTaken(label);
  };

  const mustGetService = async (id: string): Promise<ServiceRecord> => {
    const service = await deps.repo.getService(id);
    if (!service) throw new NotFoundError(`No service with id ${id}.`);
    return service;
  };

  // A tenant can be named by its ID or by any of its domains; each validation that resolves a domain to the tenant's
  // ID teaches it, so the per-tenant limit counts a tenant once however it is written. What was learnt is kept in the
  // database (tenant_aliases), so every server copy on one PostgreSQL keys a known domain by its tenant, as the hits
  // themselves are shared there.
  // Keys come from the parsed tenant (the GUID, or the lower-cased domain), never the raw text: "see 1: <GUID>" and
  // "see 2: <GUID>" name the same tenant and share its budget. Text that names no tenant makes no outbound call (the
  // format check refuses it offline), so it is limited per operator only.
  const tenantKey = async (entered: string): Promise<string | undefined> => {
    const parsed = parseTenantId(entered);
    if (!parsed.ok) return undefined;
    const id = parsed.kind === "domain" ? await deps.repo.resolveTenantAlias(parsed.value) : undefined;
    return `tenant:${id ?? parsed.value}`;
  };
  /** `admittedAs`: the tenant key the run was admitted under. */
  const learnTenant = async (entered: string, admittedAs: string | undefined, report: ValidationReport) => {
    const parsed = parseTenantId(entered);
    if (!parsed.ok) return;
    const name = parsed.value;
    // The tenant check resolves the ID even when a later check fails (a wrong secret, say).
    const resolved = report.tenant?.id ?? report.checks.find((c) => c.id === "tenant")?.detail?.tenantId;
    const id = typeof resolved === "string" ? resolved.toLowerCase() : undefined;
    // Admitted under an alias already known: the run was counted for that tenant.
    if (!id || id === name || admittedAs !== `tenant:${name}`) return;
    await deps.repo.learnTenantAlias({ name, tenantId: id, learntAt: now().toISOString() });
    // The run just admitted under the name counts for the tenant too (also when another copy learnt it meanwhile).
    await deps.rateLimiter.record(`tenant:${id}`);
  };

  /** Every validation goes through here: admitted by the rate limit first, then run, then its tenant learnt. */
  const runValidation = async (
    actor: string,
    input: Parameters<Validator["validate"]>[0],
    options?: Parameters<Validator["validate"]>[1],
  ): Promise<ValidationReport> => {
    const tenant = await tenantKey(input.tenantId);
    const decision = await deps.rateLimiter.take([`operator:${actor.toLowerCase()}`, ...(tenant ? [tenant] : [])]);
    if (!decision.ok) {
      const who = decision.key.startsWith("tenant:") ? "this tenant" : "you";
      throw new RateLimitedError(
        `Too many validations for ${who} in the last minute; wait ${decision.retryAfterSeconds} s and try again.`,
        decision.retryAfterSeconds,
      );
    }
    const report = await deps.validator.validate(input, options);
    await learnTenant(input.tenantId, tenant, report);
    return report;
  };

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

    async createService(input, actor, idempotencyKey) {
      const scope = IDEMPOTENCY_SCOPE.createService;
      const { clientSecret, ...m365WithoutSecret } = input.m365;
      // The hash binds the key to the request; it leaves the secret out so no function of it is stored.
      const requestHash = createHash("sha256")
        .update(JSON.stringify({ ...input, m365: m365WithoutSecret }))
        .digest("hex");
      const replay = async (): Promise<{ service: Service; replayed: boolean } | undefined> => {
        if (!idempotencyKey) return undefined;
        const previous = await deps.repo.getIdempotency(actor, idempotencyKey);
        if (!previous) return undefined;
        if (!IDEMPOTENCY_SCOPE.sameAsCreateService(previous.scope) || previous.requestHash !== requestHash) {
          throw new InputError("This Idempotency-Key was already used with another request; send a new key.", [
            { path: "Idempotency-Key", code: "idempotency_key_reused", message: "Use a new Idempotency-Key." },
          ]);
        }
        return { service: previous.body as Service, replayed: true };
      };
      const earlier = await replay();
      if (earlier) return earlier;

      const customer = await deps.repo.getCustomer(input.customerId);
      if (!customer) {
        throw new InputError("The customer does not exist.", [
          { path: "customerId", code: "not_found", message: "Customer: choose an existing customer or create one." },
        ]);
      }
      const dr = input.directRouting ?? {};
      if (dr.sbcRegion !== undefined && !deps.sbc.regions.includes(dr.sbcRegion)) {
        throw new InputError("Unknown SBC region.", [
          {
            path: "directRouting.sbcRegion",
            code: "unknown_region",
            message: `SBC region: choose one of ${deps.sbc.regions.join(", ")}.`,
          },
        ]);
      }
      const subdomainLabel = dr.subdomainLabel ?? defaultSubdomainLabel(input.shortName);
      await refuseTaken(input.shortName, subdomainLabel, false);

      const report = await runValidation(actor, {
        tenantId: input.m365.tenantId,
        clientId: input.m365.clientId,
        clientSecret,
        cloud: input.m365.cloud,
      });
      if (!report.ok || !report.tenant) {
        await audit(deps.repo, actor, "service.create", "failure", null, {
          shortName: input.shortName,
          tenantId: tenantIdForRecord(input.m365.tenantId),
          reason: "credentials_invalid",
          ...reportDetail(report),
        });
        throw new CredentialsInvalidError(
          "The credentials did not validate against the customer tenant; fix them and try again.",
          report,
        );
      }
      if (dr.m365Domain !== undefined && !report.tenant.domains.includes(dr.m365Domain.toLowerCase())) {
        throw new InputError("The M365 domain is not a verified domain of the tenant.", [
          {
            path: "directRouting.m365Domain",
            code: "unknown_domain",
            message: `M365 domain: choose one of ${report.tenant.domains.join(", ")}.`,
          },
        ]);
      }

      const at = now().toISOString();
      const id = randomUUID();
      const record: ServiceRecord = {
        id,
        customerId: customer.id,
        customerName: customer.name,
        shortName: input.shortName,
        fullName: input.fullName ?? null,
        licenseType: input.licenseType,
        licensedUsers: input.licensedUsers,
        createdAt: at,
        createdBy: actor,
        updatedAt: at,
        version: 1,
        m365: applyReport(
          {
            cloud: input.m365.cloud,
            tenantId: report.tenant.id,
            tenantName: null,
            tenantDomains: [],
            clientId: input.m365.clientId,
            secretHint: clientSecret.slice(0, 3),
            secretKeyId: null,
            secretExpiresAt: null,
            secretCheckedAt: null,
            userName: actor,
            lastValidatedAt: null,
            lastValidationOk: null,
            lastValidatedBy: null,
            permissions: null,
          },
          report,
          actor,
          at,
        ),
        directRouting: {
          m365Domain: dr.m365Domain?.toLowerCase() ?? report.tenant.initialDomain ?? null,
          sbcRegion: dr.sbcRegion ?? deps.sbc.regions[0] ?? null,
          subdomainLabel,
        },
      };
      const body = toService(record, now());
      try {
        await deps.repo.transaction(async (tx) => {
          await tx.insertService(record);
          await tx.putServiceSecret({
            serviceId: id,
            sealed: deps.secrets.seal(clientSecret, SECRET_AAD(id, record.version)),
            sealedAtVersion: record.version,
          });
          await tx.insertValidation(validationRecord(id, actor, "create", report));
          await audit(tx, actor, "service.create", "success", id, {
            shortName: record.shortName,
            tenantId: record.m365.tenantId,
            clientId: record.m365.clientId,
            secretHint: record.m365.secretHint,
          });
          if (idempotencyKey) {
            await tx.insertIdempotency({
              actor,
              key: idempotencyKey,
              scope,
              requestHash,
              status: 201,
              body,
              createdAt: at,
            });
          }
        });
      } catch (error) {
        if (error instanceof UniqueViolationError) {
          // A concurrent request with the same key may have won; answer as it did.
          const again = await replay();
          if (again) return again;
          if (error.constraint === "service_short_name" || error.constraint === "service_subdomain_label") {
            await refuseTaken(input.shortName, subdomainLabel, error.constraint === "service_subdomain_label");
          }
        }
        throw error;
      }
      return { service: body, replayed: false };
    },

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
      return toService(updated, now());
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
      return (await service.getM365SettingsVersioned(id)).settings;
    },

    async getM365SettingsVersioned(id) {
      const record = await mustGetService(id);
      const history = await deps.repo.listValidations(id, historyLength);
      const m = record.m365;
      const settings: M365Settings = {
        ...toService(record, now()).m365,
        tenantDomains: m.tenantDomains,
        ...(m.secretKeyId ? { secretKeyId: m.secretKeyId } : {}),
        ...(m.lastValidatedBy ? { lastValidatedBy: m.lastValidatedBy } : {}),
        permissions: m.permissions ?? { granted: [], missing: [], directoryRoles: [] },
        history: history.map(toSummary),
      };
      return { settings, version: record.version };
    },

    async validateService(id, actor, options = {}) {
      const record = await mustGetService(id);
      const stored = await deps.repo.getServiceSecret(id);
      if (!stored) throw new NotFoundError(`The service ${id} has no stored secret.`);
      const secret = deps.secrets.open(stored.sealed, SECRET_AAD(id, stored.sealedAtVersion));
      const report = await runValidation(
        actor,
        {
          tenantId: record.m365.tenantId,
          clientId: record.m365.clientId,
          clientSecret: secret,
          cloud: record.m365.cloud,
        },
        options,
      );
      const at = now().toISOString();
      await deps.repo.transaction(async (tx) => {
        const current = await tx.getService(id, { forUpdate: true });
        if (!current) throw new NotFoundError(`No service with id ${id}.`);
        // A slow run can be overtaken by a secret replacement: its result describes a secret that is no longer
        // stored, so it goes to the history only and never touches the new secret's status or expiry.
        const still = await tx.getServiceSecret(id);
        const superseded = still?.sealedAtVersion !== stored.sealedAtVersion;
        if (!superseded) {
          await tx.updateService({
            ...current,
            m365: applyReport(current.m365, report, actor, at),
            version: current.version + 1,
            updatedAt: at,
          });
        }
        await tx.insertValidation(validationRecord(id, actor, superseded ? "superseded" : "manual", report));
        await audit(tx, actor, "service.validate", report.ok ? "success" : "failure", id, {
          ...reportDetail(report),
          ...(superseded ? { superseded: true } : {}),
        });
      });
      return report;
    },

    async replaceSecret(id, clientSecret, actor, options = {}) {
      const record = await mustGetService(id);
      assertVersion(record, options.ifVersion);
      const report = await runValidation(
        actor,
        { tenantId: record.m365.tenantId, clientId: record.m365.clientId, clientSecret, cloud: record.m365.cloud },
        options,
      );
      const at = now().toISOString();
      if (!report.ok) {
        await deps.repo.transaction(async (tx) => {
          await tx.insertValidation(validationRecord(id, actor, "secret_replace", report));
          await audit(tx, actor, "service.secret_replace", "failure", id, {
            newSecretHint: clientSecret.slice(0, 3),
            ...reportDetail(report),
          });
        });
        throw new CredentialsInvalidError(
          "The new secret did not validate; the old secret was kept and still works as before.",
          report,
        );
      }
      await deps.repo.transaction(async (tx) => {
        const current = await tx.getService(id, { forUpdate: true });
        if (!current) throw new NotFoundError(`No service with id ${id}.`);
        assertVersion(current, options.ifVersion);
        const version = current.version + 1;
        const next: ServiceRecord = {
          ...current,
          version,
          updatedAt: at,
          m365: {
            ...applyReport(current.m365, report, actor, at, { newSecretHint: clientSecret.slice(0, 3) }),
            userName: actor,
          },
        };
        await tx.updateService(next);
        await tx.putServiceSecret({
          serviceId: id,
          sealed: deps.secrets.seal(clientSecret, SECRET_AAD(id, version)),
          sealedAtVersion: version,
        });
        await tx.insertValidation(validationRecord(id, actor, "secret_replace", report));
        await audit(tx, actor, "service.secret_replace", "success", id, {
          oldSecretHint: current.m365.secretHint,
          newSecretHint: clientSecret.slice(0, 3),
        });
      });
      return report;
    },

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
