/**
 * Rows to records and back, for every engine: JSON text columns parsed, 0/1 integers as booleans, nulls kept; and
 * unique violations of either engine turned into `UniqueViolationError` with the domain's constraint name.
 */
import type { Cloud } from "@dr/contract";
import { normaliseShortName } from "@dr/contract";
import type { Insertable, Selectable } from "kysely";
import { CONSTRAINTS } from "./constraints.js";
import type { AuditEventsTable, Database, IntBool, ServicesTable, ValidationsTable } from "./database.types.js";
import {
  type AuditRecord,
  type CustomerRecord,
  type PermissionsRecord,
  type ServiceRecord,
  UniqueViolationError,
  type ValidationRecord,
} from "./repository.types.js";

/** Awaits a write and turns a unique violation into `UniqueViolationError`. */
export async function write<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    const constraint = uniqueViolation(error);
    throw constraint === undefined ? error : new UniqueViolationError(constraint);
  }
}

// SQLite names no constraint, only "UNIQUE constraint failed: table.col[, table.col]"; PostgreSQL names the index
// or constraint. Both spellings of each domain constraint are listed so the mapping does not depend on the engine.
const DOMAIN_CONSTRAINTS: Record<string, string> = {
  [CONSTRAINTS.serviceShortName]: "service_short_name",
  "services.short_name_norm": "service_short_name",
  [CONSTRAINTS.serviceSubdomainLabel]: "service_subdomain_label",
  "services.dr_subdomain_label": "service_subdomain_label",
  [CONSTRAINTS.idempotencyKey]: "idempotency_key",
  "idempotency_keys.actor, idempotency_keys.key": "idempotency_key",
};

/**
 * The domain name of the unique constraint `error` violated, or undefined when it is not a unique violation.
 * Constraints without a domain name (e.g. a reused id) keep the engine's name.
 */
export function uniqueViolation(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, constraint, message } = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (code === "23505" && typeof constraint === "string") return DOMAIN_CONSTRAINTS[constraint] ?? constraint;
  if ((code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") && typeof message === "string") {
    const columns = message.replace(/^UNIQUE constraint failed: /, "");
    return DOMAIN_CONSTRAINTS[columns] ?? columns;
  }
  return undefined;
}

export function toInt(value: boolean): IntBool {
  return value ? 1 : 0;
}

export function toCustomer(row: Selectable<Database["customers"]>): CustomerRecord {
  return {
    id: row.id,
    name: row.name,
    contactEmail: row.contact_email,
    note: row.note,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export function fromService(s: ServiceRecord): Insertable<ServicesTable> {
  return {
    id: s.id,
    customer_id: s.customerId,
    short_name: s.shortName,
    short_name_norm: normaliseShortName(s.shortName),
    full_name: s.fullName,
    license_type: s.licenseType,
    licensed_users: s.licensedUsers,
    created_at: s.createdAt,
    created_by: s.createdBy,
    updated_at: s.updatedAt,
    version: s.version,
    m365_cloud: s.m365.cloud,
    m365_tenant_id: s.m365.tenantId,
    m365_tenant_name: s.m365.tenantName,
    m365_tenant_domains: JSON.stringify(s.m365.tenantDomains),
    m365_client_id: s.m365.clientId,
    m365_secret_hint: s.m365.secretHint,
    m365_secret_key_id: s.m365.secretKeyId,
    m365_secret_expires_at: s.m365.secretExpiresAt,
    m365_secret_checked_at: s.m365.secretCheckedAt,
    m365_credential_type: s.m365.credentialType,
    m365_certificate_thumbprint: s.m365.certificateThumbprint,
    m365_certificate_subject: s.m365.certificateSubject,
    m365_user_name: s.m365.userName,
    m365_last_validated_at: s.m365.lastValidatedAt,
    m365_last_validation_ok: s.m365.lastValidationOk === null ? null : toInt(s.m365.lastValidationOk),
    m365_last_validated_by: s.m365.lastValidatedBy,
    m365_permissions: s.m365.permissions === null ? null : JSON.stringify(s.m365.permissions),
    dr_m365_domain: s.directRouting.m365Domain,
    dr_sbc_region: s.directRouting.sbcRegion,
    dr_subdomain_label: s.directRouting.subdomainLabel,
  };
}

export function toService(row: Selectable<ServicesTable> & { customer_name: string }): ServiceRecord {
  return {
    id: row.id,
    customerId: row.customer_id,
    customerName: row.customer_name,
    shortName: row.short_name,
    fullName: row.full_name,
    // Written only from a ServiceRecord, so the stored text is one of the union's values.
    licenseType: row.license_type as ServiceRecord["licenseType"],
    licensedUsers: row.licensed_users,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    version: row.version,
    m365: {
      cloud: row.m365_cloud as Cloud,
      tenantId: row.m365_tenant_id,
      tenantName: row.m365_tenant_name,
      tenantDomains: JSON.parse(row.m365_tenant_domains) as string[],
      clientId: row.m365_client_id,
      secretHint: row.m365_secret_hint,
      secretKeyId: row.m365_secret_key_id,
      secretExpiresAt: row.m365_secret_expires_at,
      secretCheckedAt: row.m365_secret_checked_at,
      // Written only from an M365Record (default `secret` for rows from before migration 0013).
      credentialType: row.m365_credential_type === "certificate" ? "certificate" : "secret",
      certificateThumbprint: row.m365_certificate_thumbprint,
      certificateSubject: row.m365_certificate_subject,
      userName: row.m365_user_name,
      lastValidatedAt: row.m365_last_validated_at,
      lastValidationOk: row.m365_last_validation_ok === null ? null : row.m365_last_validation_ok === 1,
      lastValidatedBy: row.m365_last_validated_by,
      permissions: row.m365_permissions === null ? null : (JSON.parse(row.m365_permissions) as PermissionsRecord),
    },
    directRouting: {
      m365Domain: row.dr_m365_domain,
      sbcRegion: row.dr_sbc_region,
      subdomainLabel: row.dr_subdomain_label,
    },
  };
}

export function toValidation(row: Selectable<ValidationsTable>): ValidationRecord {
  return {
    id: row.id,
    serviceId: row.service_id,
    at: row.at,
    actor: row.actor,
    trigger: row.trigger,
    ok: row.ok === 1,
    checks: JSON.parse(row.checks) as ValidationRecord["checks"],
    durationMs: row.duration_ms,
  };
}

export function toAudit(row: Selectable<AuditEventsTable>): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    serviceId: row.service_id,
    outcome: row.outcome,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
  };
}
