/**
 * The one storage interface the domain sees. Implemented with Kysely over SQLite (better-sqlite3) and PostgreSQL
 * (pg); domain code never sees SQL. All times are ISO 8601 UTC strings; ids are UUIDs made by the caller.
 */
import type { Cloud } from "@dr/contract";
import type { SealedSecret } from "../secrets/secret-store.types.js";

/** A customer row. */
export interface CustomerRecord {
  id: string;
  name: string;
  contactEmail: string | null;
  note: string | null;
  createdAt: string;
  createdBy: string;
}

/** What the last successful reads told about the app's permissions. */
export interface PermissionsRecord {
  granted: string[];
  missing: string[];
  directoryRoles: string[];
}

/** The Microsoft 365 connection of a service, without the secret itself. */
export interface M365Record {
  cloud: Cloud;
  /** The tenant GUID (resolved from a domain when one was entered). */
  tenantId: string;
  tenantName: string | null;
  /** Verified domains read through Graph. */
  tenantDomains: string[];
  clientId: string;
  /** First three characters of the secret. */
  secretHint: string;
  /** Graph passwordCredential keyId of the secret, when found. */
  secretKeyId: string | null;
  secretExpiresAt: string | null;
  /** When the expiry was last read from Graph. */
  secretCheckedAt: string | null;
  /** Which credential is sealed: a client secret, or a certificate with its key (docs/entra.md section 13). */
  credentialType: "secret" | "certificate";
  /** A certificate's SHA-1 thumbprint (hex, upper case) and subject; null for a secret. */
  certificateThumbprint: string | null;
  certificateSubject: string | null;
  /** The operator who authenticated (validated and saved) the credentials. */
  userName: string;
  lastValidatedAt: string | null;
  lastValidationOk: boolean | null;
  lastValidatedBy: string | null;
  permissions: PermissionsRecord | null;
}

/** A service row with its M365 connection. */
export interface ServiceRecord {
  id: string;
  customerId: string;
  /** Joined from the customer. */
  customerName: string;
  shortName: string;
  fullName: string | null;
  licenseType: "hosted-essentials-plus" | "hosted-pro";
  licensedUsers: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  /** Increases with every change; part of the secret's associated data. */
  version: number;
  m365: M365Record;
  directRouting: { m365Domain: string | null; sbcRegion: string | null; subdomainLabel: string | null };
}

/** The stored secret of a service. */
export interface ServiceSecretRecord {
  serviceId: string;
  sealed: SealedSecret;
  /** The service version the secret was sealed for (associated data). */
  sealedAtVersion: number;
}

/** One validation run of a service, summarised. */
export interface ValidationRecord {
  id: string;
  serviceId: string;
  at: string;
  actor: string;
  /** create | manual | secret_replace | scheduled */
  trigger: string;
  ok: boolean;
  /** `id:status[:code]` per check, in order. */
  checks: { id: string; status: string; code?: string }[];
  durationMs: number;
}

/** One audit event. Never holds a secret. */
export interface AuditRecord {
  id: string;
  at: string;
  actor: string;
  /** e.g. customer.create, service.create, service.update, service.delete, service.validate, service.secret_replace */
  action: string;
  serviceId: string | null;
  /** success | failure | denied */
  outcome: string;
  detail: Record<string, unknown> | null;
}

/** A remembered answer to a request carrying an Idempotency-Key. */
export interface IdempotencyRecord {
  actor: string;
  key: string;
  /** e.g. "POST /api/services" */
  scope: string;
  /** SHA-256 of the request body, to refuse the same key with another body. */
  requestHash: string;
  status: number;
  body: unknown;
  createdAt: string;
}

/** A tenant name learnt to stand for a tenant ID (the validation rate limit counts a tenant once, however named). */
export interface TenantAliasRecord {
  /** The name as entered, parsed: a domain in lower case. */
  name: string;
  /** The tenant ID (GUID, lower case) a validation resolved the name to. */
  tenantId: string;
  learntAt: string;
}

/** Thrown by the repository when a unique constraint refuses a write (e.g. a taken short name). */
export class UniqueViolationError extends Error {
  override readonly name = "UniqueViolationError";
  constructor(
    /** Which constraint: "service_short_name" | "idempotency_key" | other. */
    readonly constraint: string,
  ) {
    super(`unique constraint ${constraint}`);
  }
}

/** Filter of the services list. */
export interface ServiceFilter {
  customerId?: string;
}

/** The storage interface. Every method is atomic; `transaction` groups several. */
export interface Repository {
  /** Runs `fn` in one transaction: everything it writes is committed together or not at all. */
  transaction<T>(fn: (tx: Repository) => Promise<T>): Promise<T>;

  listCustomers(): Promise<CustomerRecord[]>;
  getCustomer(id: string): Promise<CustomerRecord | undefined>;
  insertCustomer(customer: CustomerRecord): Promise<void>;

  listServices(filter?: ServiceFilter): Promise<ServiceRecord[]>;
  /** `forUpdate`: inside a transaction, lock the row until it ends (PostgreSQL; SQLite serialises writers anyway). */
  getService(id: string, options?: { forUpdate?: boolean }): Promise<ServiceRecord | undefined>;
  /**
   * A cheap token that changes whenever any service row is inserted, updated or deleted (count, sum of versions,
   * latest update), so a cached list can be reused while it stays the same.
   */
  servicesFingerprint(): Promise<string>;
  /** True when a service already uses this short name (compared case-insensitively). */
  shortNameTaken(shortName: string): Promise<boolean>;
  /** True when a service already uses this SBC sub-domain label (labels are lower case). */
  subdomainLabelTaken(label: string): Promise<boolean>;
  /**
   * Inserts a service; throws UniqueViolationError("service_short_name") when the normalised name is taken, or
   * UniqueViolationError("service_subdomain_label") when the SBC sub-domain label is.
   */
  insertService(service: ServiceRecord): Promise<void>;
  /** Replaces the mutable columns of a service (everything but id, customer, shortName, createdAt/By). */
  updateService(service: ServiceRecord): Promise<void>;
  /** Deletes a service with its secret and validations (audit events stay). False when absent. */
  deleteService(id: string): Promise<boolean>;

  getServiceSecret(serviceId: string): Promise<ServiceSecretRecord | undefined>;
  /**
   * The service with its stored secret in one read (a validation of the stored credential); `forUpdate` as in
   * getService. Optional: without it, getService and getServiceSecret.
   */
  getServiceWithSecret?(
    id: string,
    options?: { forUpdate?: boolean },
  ): Promise<{ service: ServiceRecord; secret?: ServiceSecretRecord } | undefined>;
  /** Inserts or replaces the secret of a service. */
  putServiceSecret(secret: ServiceSecretRecord): Promise<void>;

  insertValidation(validation: ValidationRecord): Promise<void>;
  /** Newest first. */
  listValidations(serviceId: string, limit: number): Promise<ValidationRecord[]>;

  insertAudit(event: AuditRecord): Promise<void>;
  /** Newest first; all events when `serviceId` is undefined. */
  listAudit(serviceId: string | undefined, limit: number): Promise<AuditRecord[]>;

  getIdempotency(actor: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Throws UniqueViolationError("idempotency_key") when the pair exists. */
  insertIdempotency(record: IdempotencyRecord): Promise<void>;

  /** The tenant ID `name` (a domain, lower case) was learnt to stand for, or undefined when not known. */
  resolveTenantAlias(name: string): Promise<string | undefined>;
  /**
   * Remembers the alias unless its name is known already: the first learnt wins, on every server copy (insert or
   * ignore). True when it was new. The oldest aliases are forgotten beyond a maximum count.
   */
  learnTenantAlias(alias: TenantAliasRecord): Promise<boolean>;

  /** Releases connections. */
  close(): Promise<void>;
}
