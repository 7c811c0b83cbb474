/**
 * Shapes of the HTTP API (docs/api.md). Types only: the API builds them, the tab and the bot read them.
 */
import type { CheckCode, CheckId, CheckStatus } from "./checks.js";
import type { Cloud, InputProblem, LicenseType } from "./inputs.schema.js";

/** One check of a validation run. */
export interface Check {
  id: CheckId;
  status: CheckStatus;
  code?: CheckCode;
  /** What happened, for the operator. */
  message: string;
  /** What to do about it. */
  remedy?: string;
  /** Technical facts: AADSTS number, HTTP status, correlation id, network cause, timings. Never a secret. */
  detail?: Record<string, unknown>;
  durationMs: number;
}

/** The customer tenant as read during validation. */
export interface TenantInfo {
  id: string;
  displayName: string;
  domains: string[];
  initialDomain: string;
  defaultDomain?: string;
}

/** What was learnt of the entered credential (a client secret or a certificate). */
export interface SecretInfo {
  /** First three characters of the secret, as Graph calls it; "" for a certificate. */
  hint: string;
  /** The kind of credential; absent means a secret (reports from before certificates). */
  credentialType?: "secret" | "certificate";
  /** For a certificate: its SHA-1 thumbprint, hex upper case, as the Entra admin center's "Thumbprint" column. */
  thumbprint?: string;
  /** For a certificate: its subject, e.g. `CN=contoso-dr`. */
  subject?: string;
  keyId?: string;
  expiresAt?: string;
  daysUntilExpire?: number;
}

/** Permissions seen in the app-only Graph token. */
export interface PermissionsInfo {
  granted: string[];
  missing: string[];
  /** Names (or ids, when unknown) of directory roles assigned to the app. */
  directoryRoles: string[];
  /** Link the customer admin opens to grant admin consent. */
  adminConsentUrl?: string;
}

/** The result of one validation run. `ok` when no check is `fail` or `unknown`. */
export interface ValidationReport {
  ok: boolean;
  checks: Check[];
  cloud: Cloud;
  tenant?: TenantInfo;
  secret?: SecretInfo;
  permissions?: PermissionsInfo;
  startedAt: string;
  durationMs: number;
}

/**
 * Events of a streamed validation (`Accept: text/event-stream` on POST /api/validation, POST
 * /api/services/{id}/m365/validate and PUT /api/services/{id}/m365/secret): one `check` per finished check, then
 * the `report`, or a `problem` when the run was refused after the stream began.
 */
export type ValidationEvent =
  | { event: "check"; data: Check }
  | { event: "report"; data: ValidationReport }
  | { event: "problem"; data: Problem };

/** Answer of the list endpoints: GET /api/customers, GET /api/services, GET /api/services/{id}/audit. */
export interface ItemList<T> {
  items: T[];
}

/** A customer of the provider. */
export interface Customer {
  id: string;
  name: string;
  contactEmail?: string;
  note?: string;
  createdAt: string;
}

/** Status of a service, derived from its last validation and its secret's expiry. */
export type ServiceStatus = "connected" | "expiring" | "auth_failed" | "not_validated";

/** A Direct Routing service of a customer. */
export interface Service {
  id: string;
  type: "direct-routing";
  customerId: string;
  customerName: string;
  shortName: string;
  fullName?: string;
  licenseType: LicenseType;
  licensedUsers: number;
  status: ServiceStatus;
  createdAt: string;
  createdBy: string;
  m365: {
    cloud: Cloud;
    tenantId: string;
    tenantName?: string;
    clientId: string;
    /** Which credential the service holds. */
    credentialType: "secret" | "certificate";
    /** The secret's first three characters; "" for a certificate. */
    secretHint: string;
    /** For a certificate: its SHA-1 thumbprint, hex upper case (the Entra admin center's "Thumbprint"). Never the key. */
    certificateThumbprint?: string;
    /** For a certificate: its subject, e.g. `CN=contoso-dr`. */
    certificateSubject?: string;
    /**
     * When the credential expires: the secret's passwordCredential endDateTime; for a certificate, the matching
     * keyCredential's endDateTime, else the certificate's notAfter.
     */
    secretExpiresAt?: string;
    daysUntilExpire?: number;
    userName: string;
    lastValidatedAt?: string;
    lastValidationOk?: boolean;
    /**
     * True when the last validation's app-only token carried Application.ReadWrite.OwnedBy (or .All): the product
     * may rotate the secret itself (docs/api.md, "Secret rotation"); whether the app owns itself, Graph decides at
     * rotation time. Absent otherwise.
     */
    selfRotation?: boolean;
  };
  directRouting?: { m365Domain?: string; sbcRegion?: string; sbcFqdn?: string; subdomainLabel?: string };
}

/** A validation run as listed in a service's history. */
export interface ValidationSummary {
  id: string;
  at: string;
  actor: string;
  /** create | manual | secret_replace | scheduled */
  trigger: string;
  ok: boolean;
  checks: { id: string; status: string; code?: string }[];
  durationMs: number;
}

/** GET /api/services/{id}/m365: the M365 Configuration page. */
export type M365Settings = Service["m365"] & {
  tenantDomains: string[];
  secretKeyId?: string;
  lastValidatedBy?: string;
  permissions: { granted: string[]; missing: string[]; directoryRoles: string[] };
  history: ValidationSummary[];
  /** When the product last rotated the secret (POST /api/services/{id}/m365/rotate or the schedule). */
  lastRotatedAt?: string;
};

/**
 * The codes of a rotation's refusals and warnings: the same list as `ROTATION_CODES` of provisioning.schema.ts
 * (written out here because that module imports this one's types).
 */
export type RotationProblemCode =
  | "rotation_not_permitted"
  | "rotation_in_progress"
  | "rotation_failed"
  | "rotation_old_secret_kept";

/** A warning of a rotation that switched the secret, e.g. `rotation_old_secret_kept` (never a secret). */
export interface RotationWarning {
  code: RotationProblemCode;
  message: string;
  remedy: string;
  /** Technical facts: the keyId of the old secret, Graph's status and code. */
  detail?: Record<string, unknown>;
}

/** What a rotation did (hints and keyIds only, never a secret). */
export interface RotationInfo {
  /** The rotation's id (its row in the rotation journal, its audit rows). */
  id: string;
  /** How it was started: by an operator (the route, the bot's button) or by the schedule. */
  trigger: "manual" | "scheduled";
  oldSecretHint: string;
  /** The old secret's passwordCredential keyId, when known. */
  oldKeyId?: string;
  /** True when the old password was removed from the App registration (false: see `warnings`). */
  oldSecretRemoved: boolean;
  newSecretHint: string;
  newKeyId: string;
  newSecretExpiresAt: string;
  rotatedAt: string;
  /** Passwords an earlier, interrupted rotation had left on the app and this one removed (keyIds). */
  orphansRemoved?: string[];
  warnings: RotationWarning[];
}

/** Answer of POST /api/services/{id}/m365/rotate: the new secret's validation report, and what the rotation did. */
export interface RotationReport extends ValidationReport {
  rotation: RotationInfo;
}

/** On a `rotation_failed` problem: how far the rotation came; the old secret is kept (never a secret). */
export interface RotationFailure {
  id: string;
  /** The step that failed: token, permission, read_app, add_password, replication, validate, switch. */
  step: string;
  oldSecretKept: true;
  /** The new password's keyId, when one was added. */
  newKeyId?: string;
  /** When one was added: whether it was removed again (false: remove it in the Entra admin center). */
  newPasswordRemoved?: boolean;
}

/** An audit event (never a secret). */
export interface AuditEvent {
  id: string;
  at: string;
  actor: string;
  action: string;
  serviceId?: string;
  outcome: string;
  detail?: Record<string, unknown>;
}

/** GET /api/services/name-check. */
export interface NameCheck {
  name: string;
  ok: boolean;
  problems: { code: string; message: string }[];
}

/** Answer of GET /api/services/subdomain-check: is this SBC sub-domain label well-formed and free? */
export interface SubdomainCheck {
  label: string;
  /** `<label>.<SBC base domain>`. */
  fqdn: string;
  ok: boolean;
  problems: { code: string; message: string }[];
}

/** Answer of GET /api/health. */
export interface Health {
  status: "ok";
  mode: "sandbox" | "live";
  version: string;
}

/** An RFC 9457 problem document as the API sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code:
    | "validation_failed"
    | "name_taken"
    | "not_found"
    | "unauthenticated"
    | "forbidden"
    | "credentials_invalid"
    | "rate_limited"
    | "payload_too_large"
    | "unsupported_media_type"
    | "subdomain_taken"
    | "precondition_failed"
    | "misdirected_request"
    | "internal"
    | "provisioning_not_configured"
    | "provisioning_not_waiting"
    | "provisioning_running"
    | "provisioning_used"
    | "sign_in_again"
    | "provisioning_failed"
    | RotationProblemCode;
  errors?: InputProblem[];
  /** What to do about it, where the problem has one remedy (the rotation problems). */
  remedy?: string;
  report?: ValidationReport;
  /** On `rotation_failed`: how far the rotation came. */
  rotation?: RotationFailure;
  /** On a `problem` event of a validation stream for `rate_limited`: the Retry-After a JSON answer carries, seconds. */
  retryAfterSeconds?: number;
}
