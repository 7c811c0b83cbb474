/**
 * Shapes of the HTTP API (docs/api.md) as zod schemas, and their types under the names the tab and the bot read.
 * The API's OpenAPI description (GET /api/openapi.json) is generated from these schemas, so each shape is written
 * once. index.ts re-exports this module's types only (`export type *`): the tab never bundles these schema values;
 * the API imports them from `@dr/contract/schemas`.
 */
import { z } from "zod";
import { CHECK_CODES, CHECK_IDS, CHECK_STATUSES, type CheckCode, NETWORK_CODES, SKIPPED_CODE } from "./checks.js";
import { inputProblemSchema } from "./input-problem.schema.js";
import { CLOUDS, LICENSE_TYPES } from "./inputs.schema.js";

/** Technical facts as an open object: AADSTS number, HTTP status, correlation id, timings. Never a secret. */
const detailSchema = z.record(z.string(), z.unknown());

/** Every code a validation check can carry. */
const checkCodeSchema = z.enum([
  ...new Set<CheckCode>([...Object.values(CHECK_CODES).flat(), ...NETWORK_CODES, SKIPPED_CODE]),
] as readonly CheckCode[]);

/** One check of a validation run. */
export const checkSchema = z
  .object({
    id: z.enum(CHECK_IDS),
    status: z.enum(CHECK_STATUSES),
    code: checkCodeSchema.optional(),
    message: z.string().describe("What happened, for the operator."),
    remedy: z.string().describe("What to do about it.").optional(),
    detail: detailSchema
      .describe("Technical facts: AADSTS number, HTTP status, correlation id, network cause, timings. Never a secret.")
      .optional(),
    durationMs: z.number(),
  })
  .describe("One check of a validation run.");
/** One check of a validation run. */
export type Check = z.infer<typeof checkSchema>;

/** The customer tenant as read during validation. */
export const tenantInfoSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    domains: z.array(z.string()),
    initialDomain: z.string(),
    defaultDomain: z.string().optional(),
  })
  .describe("The customer tenant as read during validation.");
/** The customer tenant as read during validation. */
export type TenantInfo = z.infer<typeof tenantInfoSchema>;

/** What was learnt of the entered credential (a client secret or a certificate). */
export const secretInfoSchema = z
  .object({
    hint: z.string().describe('First three characters of the secret, as Graph calls it; "" for a certificate.'),
    credentialType: z
      .enum(["secret", "certificate"])
      .describe("The kind of credential; absent means a secret (reports from before certificates).")
      .optional(),
    thumbprint: z
      .string()
      .describe("For a certificate: its SHA-1 thumbprint, hex upper case, as the Entra admin center's Thumbprint.")
      .optional(),
    subject: z.string().describe("For a certificate: its subject, e.g. `CN=contoso-dr`.").optional(),
    keyId: z.string().optional(),
    expiresAt: z.string().optional(),
    daysUntilExpire: z.number().optional(),
  })
  .describe("What was learnt of the entered credential (a client secret or a certificate).");
/** What was learnt of the entered credential (a client secret or a certificate). */
export type SecretInfo = z.infer<typeof secretInfoSchema>;

/** Permissions seen in the app-only Graph token. */
export const permissionsInfoSchema = z
  .object({
    granted: z.array(z.string()),
    missing: z.array(z.string()),
    directoryRoles: z
      .array(z.string())
      .describe("Names (or ids, when unknown) of directory roles assigned to the app."),
    adminConsentUrl: z.string().describe("Link the customer admin opens to grant admin consent.").optional(),
  })
  .describe("Permissions seen in the app-only Graph token.");
/** Permissions seen in the app-only Graph token. */
export type PermissionsInfo = z.infer<typeof permissionsInfoSchema>;

/** The result of one validation run. `ok` when no check is `fail` or `unknown`. */
export const validationReportSchema = z
  .object({
    ok: z.boolean(),
    checks: z.array(checkSchema),
    cloud: z.enum(CLOUDS),
    tenant: tenantInfoSchema.optional(),
    secret: secretInfoSchema.optional(),
    permissions: permissionsInfoSchema.optional(),
    startedAt: z.string(),
    durationMs: z.number(),
  })
  .describe("The result of one validation run. `ok` when no check is `fail` or `unknown`.");
/** The result of one validation run. `ok` when no check is `fail` or `unknown`. */
export type ValidationReport = z.infer<typeof validationReportSchema>;

/**
 * The codes of a rotation's refusals and warnings: the same list as `ROTATION_CODES` of provisioning.schema.ts
 * (written out here because that module imports this one's types).
 */
export const rotationProblemCodeSchema = z.enum([
  "rotation_not_permitted",
  "rotation_in_progress",
  "rotation_failed",
  "rotation_old_secret_kept",
]);
/** The codes of a rotation's refusals and warnings. */
export type RotationProblemCode = z.infer<typeof rotationProblemCodeSchema>;

/** The `code` words of a problem document (docs/api.md). */
export const PROBLEM_CODES = [
  "validation_failed",
  "name_taken",
  "not_found",
  "unauthenticated",
  "forbidden",
  "credentials_invalid",
  "rate_limited",
  "payload_too_large",
  "unsupported_media_type",
  "subdomain_taken",
  "precondition_failed",
  "misdirected_request",
  "internal",
  "provisioning_not_configured",
  "provisioning_not_waiting",
  "provisioning_running",
  "provisioning_used",
  "sign_in_again",
  "provisioning_failed",
  ...rotationProblemCodeSchema.options,
] as const;

/** On a `rotation_failed` problem: how far the rotation came; the old secret is kept (never a secret). */
export const rotationFailureSchema = z
  .object({
    id: z.string(),
    step: z
      .string()
      .describe("The step that failed: token, permission, read_app, add_password, replication, validate, switch."),
    oldSecretKept: z.literal(true),
    newKeyId: z.string().describe("The new password's keyId, when one was added.").optional(),
    newPasswordRemoved: z
      .boolean()
      .describe("When one was added: whether it was removed again (false: remove it in the Entra admin center).")
      .optional(),
  })
  .describe("On a `rotation_failed` problem: how far the rotation came; the old secret is kept.");
/** On a `rotation_failed` problem: how far the rotation came. */
export type RotationFailure = z.infer<typeof rotationFailureSchema>;

/** An RFC 9457 problem document as the API sends it. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.enum(PROBLEM_CODES),
    errors: z.array(inputProblemSchema).optional(),
    remedy: z
      .string()
      .describe("What to do about it, where the problem has one remedy (the rotation problems).")
      .optional(),
    report: validationReportSchema.optional(),
    rotation: rotationFailureSchema.describe("On `rotation_failed`: how far the rotation came.").optional(),
    retryAfterSeconds: z
      .number()
      .describe("On a `problem` event of a validation stream for `rate_limited`: the Retry-After, seconds.")
      .optional(),
  })
  .describe("An RFC 9457 problem document (application/problem+json). Never a stack trace or a secret.");
/** An RFC 9457 problem document as the API sends it. */
export type Problem = z.infer<typeof problemSchema>;

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
export const itemListSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
/** Answer of the list endpoints. */
export interface ItemList<T> {
  items: T[];
}

/** A customer of the provider. */
export const customerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    contactEmail: z.string().optional(),
    note: z.string().optional(),
    createdAt: z.string(),
  })
  .describe("A customer of the provider.");
/** A customer of the provider. */
export type Customer = z.infer<typeof customerSchema>;

/** Status of a service, derived from its last validation and its secret's expiry. */
export const serviceStatusSchema = z
  .enum(["connected", "expiring", "auth_failed", "not_validated"])
  .describe("Status of a service, derived from its last validation and its secret's expiry.");
/** Status of a service. */
export type ServiceStatus = z.infer<typeof serviceStatusSchema>;

/** The M365 block of a service: the App registration's identifiers and the credential's hint, never the secret. */
export const serviceM365Schema = z.object({
  cloud: z.enum(CLOUDS),
  tenantId: z.string(),
  tenantName: z.string().optional(),
  clientId: z.string(),
  credentialType: z.enum(["secret", "certificate"]).describe("Which credential the service holds."),
  secretHint: z.string().describe('The secret\'s first three characters; "" for a certificate.'),
  certificateThumbprint: z
    .string()
    .describe("For a certificate: its SHA-1 thumbprint, hex upper case (the Entra admin center's Thumbprint).")
    .optional(),
  certificateSubject: z.string().describe("For a certificate: its subject, e.g. `CN=contoso-dr`.").optional(),
  secretExpiresAt: z
    .string()
    .describe(
      "When the credential expires: the secret's passwordCredential endDateTime; for a certificate, the matching keyCredential's endDateTime, else the certificate's notAfter.",
    )
    .optional(),
  daysUntilExpire: z.number().optional(),
  userName: z.string(),
  lastValidatedAt: z.string().optional(),
  lastValidationOk: z.boolean().optional(),
  selfRotation: z
    .boolean()
    .describe(
      "True when the last validation's app-only token carried Application.ReadWrite.OwnedBy (or .All): the product may rotate the secret itself. Absent otherwise.",
    )
    .optional(),
});

/** A Direct Routing service of a customer. */
export const serviceSchema = z
  .object({
    id: z.string(),
    type: z.literal("direct-routing"),
    customerId: z.string(),
    customerName: z.string(),
    shortName: z.string(),
    fullName: z.string().optional(),
    licenseType: z.enum(LICENSE_TYPES),
    licensedUsers: z.number().int(),
    status: serviceStatusSchema,
    createdAt: z.string(),
    createdBy: z.string(),
    m365: serviceM365Schema,
    directRouting: z
      .object({
        m365Domain: z.string().optional(),
        sbcRegion: z.string().optional(),
        sbcFqdn: z.string().optional(),
        subdomainLabel: z.string().optional(),
      })
      .optional(),
  })
  .describe("A Direct Routing service of a customer.");
/** A Direct Routing service of a customer. */
export type Service = z.infer<typeof serviceSchema>;

/** A validation run as listed in a service's history. */
export const validationSummarySchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string(),
    trigger: z.string().describe("create | manual | secret_replace | scheduled"),
    ok: z.boolean(),
    checks: z.array(z.object({ id: z.string(), status: z.string(), code: z.string().optional() })),
    durationMs: z.number(),
  })
  .describe("A validation run as listed in a service's history.");
/** A validation run as listed in a service's history. */
export type ValidationSummary = z.infer<typeof validationSummarySchema>;

/** GET /api/services/{id}/m365: the M365 Configuration page. */
export const m365SettingsSchema = serviceM365Schema
  .extend({
    tenantDomains: z.array(z.string()),
    secretKeyId: z.string().optional(),
    lastValidatedBy: z.string().optional(),
    permissions: z.object({
      granted: z.array(z.string()),
      missing: z.array(z.string()),
      directoryRoles: z.array(z.string()),
    }),
    history: z.array(validationSummarySchema).describe("Newest first."),
    lastRotatedAt: z
      .string()
      .describe("When the product last rotated the secret (POST /api/services/{id}/m365/rotate or the schedule).")
      .optional(),
  })
  .describe("The M365 Configuration page of a service.");
/** GET /api/services/{id}/m365: the M365 Configuration page. */
export type M365Settings = z.infer<typeof m365SettingsSchema>;

/** A warning of a rotation that switched the secret, e.g. `rotation_old_secret_kept` (never a secret). */
export const rotationWarningSchema = z.object({
  code: rotationProblemCodeSchema,
  message: z.string(),
  remedy: z.string(),
  detail: detailSchema.describe("Technical facts: the keyId of the old secret, Graph's status and code.").optional(),
});
/** A warning of a rotation that switched the secret. */
export type RotationWarning = z.infer<typeof rotationWarningSchema>;

/** What a rotation did (hints and keyIds only, never a secret). */
export const rotationInfoSchema = z
  .object({
    id: z.string().describe("The rotation's id (its row in the rotation journal, its audit rows)."),
    trigger: z
      .enum(["manual", "scheduled"])
      .describe("How it was started: by an operator (the route, the bot's button) or by the schedule."),
    oldSecretHint: z.string(),
    oldKeyId: z.string().describe("The old secret's passwordCredential keyId, when known.").optional(),
    oldSecretRemoved: z
      .boolean()
      .describe("True when the old password was removed from the App registration (false: see `warnings`)."),
    newSecretHint: z.string(),
    newKeyId: z.string(),
    newSecretExpiresAt: z.string(),
    rotatedAt: z.string(),
    orphansRemoved: z
      .array(z.string())
      .describe("Passwords an earlier, interrupted rotation had left on the app and this one removed (keyIds).")
      .optional(),
    warnings: z.array(rotationWarningSchema),
  })
  .describe("What a rotation did (hints and keyIds only, never a secret).");
/** What a rotation did. */
export type RotationInfo = z.infer<typeof rotationInfoSchema>;

/** Answer of POST /api/services/{id}/m365/rotate: the new secret's validation report, and what the rotation did. */
export const rotationReportSchema = validationReportSchema
  .extend({ rotation: rotationInfoSchema })
  .describe("The new secret's validation report, and what the rotation did.");
/** Answer of POST /api/services/{id}/m365/rotate. */
export type RotationReport = z.infer<typeof rotationReportSchema>;

/** An audit event (never a secret). */
export const auditEventSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    serviceId: z.string().optional(),
    outcome: z.string(),
    detail: detailSchema.optional(),
  })
  .describe("An audit event (never a secret).");
/** An audit event (never a secret). */
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** A problem of a proposed name or label. */
const nameProblemSchema = z.object({ code: z.string(), message: z.string() });

/** GET /api/services/name-check. */
export const nameCheckSchema = z
  .object({ name: z.string(), ok: z.boolean(), problems: z.array(nameProblemSchema) })
  .describe("Is this short name well-formed and free?");
/** GET /api/services/name-check. */
export type NameCheck = z.infer<typeof nameCheckSchema>;

/** Answer of GET /api/services/subdomain-check: is this SBC sub-domain label well-formed and free? */
export const subdomainCheckSchema = z
  .object({
    label: z.string(),
    fqdn: z.string().describe("`<label>.<SBC base domain>`."),
    ok: z.boolean(),
    problems: z.array(nameProblemSchema),
  })
  .describe("Is this SBC sub-domain label well-formed and free?");
/** Answer of GET /api/services/subdomain-check. */
export type SubdomainCheck = z.infer<typeof subdomainCheckSchema>;

/** Answer of GET /api/health. */
export const healthSchema = z
  .object({ status: z.literal("ok"), mode: z.enum(["sandbox", "live"]), version: z.string() })
  .describe("Liveness and the mode.");
/** Answer of GET /api/health. */
export type Health = z.infer<typeof healthSchema>;
