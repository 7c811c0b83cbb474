/**
 * The onboarding service's pure parts: records to wire shapes, what a validation report teaches a stored service,
 * the history and audit records of a run, and the If-Match rule. No I/O here.
 */
import { randomUUID } from "node:crypto";
import type { AuditEvent, Customer, Service, ValidationReport, ValidationSummary } from "@dr/contract";
import { PreconditionFailedError } from "../errors.js";
import type { CredentialSummary } from "../m365/credentials/credential.js";
import { maySelfRotate } from "../rotation/rotation.rules.js";
import type {
  AuditRecord,
  CustomerRecord,
  M365Record,
  ServiceRecord,
  ValidationRecord,
} from "../storage/repository.types.js";
import { daysUntil, deriveStatus } from "./status.js";

/** A copy of the record with the M365 fields a report taught us. */
export function applyReport(
  m365: M365Record,
  report: ValidationReport,
  actor: string,
  at: string,
  options: { newSecretHint?: string; newCredential?: CredentialSummary } = {},
): M365Record {
  const expiryRead = report.secret?.expiresAt !== undefined;
  // A new credential: a certificate in place of the secret, or a new secret (the rotation gives only its hint).
  const fresh: CredentialSummary | undefined =
    options.newCredential ??
    (options.newSecretHint !== undefined
      ? {
          credentialType: "secret",
          secretHint: options.newSecretHint,
          certificateThumbprint: null,
          certificateSubject: null,
        }
      : undefined);
  const newSecretHint = fresh?.secretHint;
  return {
    ...m365,
    ...fresh,
    tenantId: report.tenant?.id ?? m365.tenantId,
    tenantName: report.tenant?.displayName ?? m365.tenantName,
    tenantDomains: report.tenant?.domains ?? m365.tenantDomains,
    secretHint: newSecretHint ?? m365.secretHint,
    // A new secret's expiry is only known when Graph told it; never carry the old secret's date over to it.
    secretKeyId: expiryRead ? (report.secret?.keyId ?? null) : newSecretHint !== undefined ? null : m365.secretKeyId,
    secretExpiresAt: expiryRead
      ? (report.secret?.expiresAt ?? null)
      : newSecretHint !== undefined
        ? null
        : m365.secretExpiresAt,
    secretCheckedAt: expiryRead ? at : newSecretHint !== undefined ? null : m365.secretCheckedAt,
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

export function summarise(report: ValidationReport): ValidationRecord["checks"] {
  return report.checks.map((c) => ({ id: c.id, status: c.status, ...(c.code ? { code: c.code } : {}) }));
}

/** A customer as the API answers it. */
export const toCustomer = (c: CustomerRecord): Customer => ({
  id: c.id,
  name: c.name,
  ...(c.contactEmail ? { contactEmail: c.contactEmail } : {}),
  ...(c.note ? { note: c.note } : {}),
  createdAt: c.createdAt,
});

/** A service as the API answers it; `at` fixes the derived status and day counts. */
export const toServiceDto = (r: ServiceRecord, at: Date, sbcBaseDomain: string): Service => {
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
      credentialType: m.credentialType,
      secretHint: m.secretHint,
      // A certificate shows its thumbprint, never its key (docs/entra.md section 13).
      ...(m.certificateThumbprint ? { certificateThumbprint: m.certificateThumbprint } : {}),
      ...(m.certificateSubject ? { certificateSubject: m.certificateSubject } : {}),
      ...(m.secretExpiresAt
        ? { secretExpiresAt: m.secretExpiresAt, daysUntilExpire: daysUntil(m.secretExpiresAt, at) }
        : {}),
      userName: m.userName,
      ...(m.lastValidatedAt ? { lastValidatedAt: m.lastValidatedAt } : {}),
      ...(m.lastValidationOk !== null ? { lastValidationOk: m.lastValidationOk } : {}),
      // The last validation's token allowed the app to change its own secret; an app may always roll its own
      // certificates, with no permission (docs/api.md, "Secret rotation"; docs/entra.md section 13).
      ...(m.credentialType === "certificate" || maySelfRotate(m.permissions?.granted) ? { selfRotation: true } : {}),
    },
    ...(hasDr
      ? {
          directRouting: {
            ...(dr.m365Domain ? { m365Domain: dr.m365Domain } : {}),
            ...(dr.sbcRegion ? { sbcRegion: dr.sbcRegion } : {}),
            ...(dr.subdomainLabel
              ? { subdomainLabel: dr.subdomainLabel, sbcFqdn: `${dr.subdomainLabel}.${sbcBaseDomain}` }
              : {}),
          },
        }
      : {}),
  };
};

/** One line of the validation history. */
export const toSummary = (v: ValidationRecord): ValidationSummary => ({
  id: v.id,
  at: v.at,
  actor: v.actor,
  trigger: v.trigger,
  ok: v.ok,
  checks: v.checks,
  durationMs: v.durationMs,
});

/**
 * An audit row, stamped with a fresh id and the time it happened: the one builder of the audit trail's rows
 * (docs/api.md, `GET /api/services/{id}/audit`) for onboarding, invitations, provisioning and rotation.
 */
export const auditRecord = (at: Date, event: Omit<AuditRecord, "id" | "at">): AuditRecord => ({
  id: randomUUID(),
  at: at.toISOString(),
  ...event,
});

/** An audit event as the API answers it. */
export const toAuditEvent = (a: AuditRecord): AuditEvent => ({
  id: a.id,
  at: a.at,
  actor: a.actor,
  action: a.action,
  ...(a.serviceId ? { serviceId: a.serviceId } : {}),
  outcome: a.outcome,
  ...(a.detail ? { detail: a.detail } : {}),
});

/** The history record of one validation run. */
export const validationRecord = (
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

/** What an audit row says of a report: whether it passed and the codes of what did not. */
export const reportDetail = (report: ValidationReport) => ({
  ok: report.ok,
  failed: report.checks.filter((c) => c.status === "fail" || c.status === "unknown").map((c) => c.code ?? c.id),
});

/**
 * The versions an If-Match header accepts (one or a list); undefined when the caller did not send one (or sent `*`,
 * which any existing service matches).
 */
export type IfVersion = readonly number[] | undefined;

/** The If-Match check, inside the transaction that writes. */
export function assertVersion(current: ServiceRecord, ifVersion: IfVersion): void {
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
