/**
 * Answers of the invitation, provisioning, readiness, settings and fleet routes as zod schemas (docs/api.md), and
 * their types under the names the tab and the bot read (Invitation, ProvisioningRun, ReadinessReport, TabSettings,
 * FleetSummary, ...). The API's OpenAPI description is generated from the schemas. Like dto.ts, index.ts re-exports
 * this module's types only, so the tab never bundles these values: the API imports them from `@dr/contract/schemas`.
 * The ids, statuses and codes come from the domain modules, which import nothing back from here.
 */
import { z } from "zod";
import { CHECK_STATUSES, NETWORK_CODES, SKIPPED_CODE } from "./checks.js";
import { problemSchema, serviceSchema, validationReportSchema } from "./dto.js";
import { fleetCountsSchema, fleetExpiryWeekSchema, fleetRunSchema } from "./fleet.schema.js";
import { CLOUDS } from "./inputs.schema.js";
import { INVITATION_STATUSES } from "./invitations.schema.js";
import {
  PROVISIONING_OBJECT_KINDS,
  PROVISIONING_STATUSES,
  PROVISIONING_STEP_IDS,
  PROVISIONING_STEP_STATUSES,
} from "./provisioning.schema.js";
import { READINESS_CHECK_CODES, READINESS_CHECK_IDS, READINESS_SHARED_CODES } from "./readiness.schema.js";
import { PERMISSIONS } from "./settings.js";

// --- Invitations ---

/** The tenant a customer's admin signed into or validated. */
const tenantRefSchema = z.object({ id: z.string(), displayName: z.string().optional() });

/** An invitation as the operator sees it: never the link (except in the create/resend answer), never a secret. */
export const invitationSchema = z
  .object({
    id: z.string(),
    customerId: z.string(),
    customerName: z.string(),
    email: z.string().optional(),
    cloud: z.enum(CLOUDS),
    status: z.enum(INVITATION_STATUSES),
    createdAt: z.string(),
    createdBy: z.string(),
    expiresAt: z.string(),
    emailSent: z.boolean(),
    emailError: z
      .string()
      .describe("Why the mail was not sent (no secret, no address of the SMTP server's credentials).")
      .optional(),
    note: z.string().optional(),
    openedAt: z.string().optional(),
    completedAt: z.string().optional(),
    tenant: tenantRefSchema.describe("The tenant the customer's admin validated.").optional(),
    serviceId: z.string().describe("The service made from it (status `used`).").optional(),
  })
  .describe("An invitation as the operator sees it: never the link, never a secret.");
/** An invitation as the operator sees it: never the link (except in the create/resend answer), never a secret. */
export type Invitation = z.infer<typeof invitationSchema>;

/** The create and resend answers: the invitation and its link, shown only here. */
export const invitationWithUrlSchema = invitationSchema
  .extend({ url: z.string().describe("The invitation link, shown only in the create and resend answers.") })
  .describe("The invitation and its link, shown only here.");
/** The create and resend answers: the invitation and its link, shown only here. */
export type InvitationWithUrl = z.infer<typeof invitationWithUrlSchema>;

/** GET /api/invite/{token}: what the customer's page may know (no operator data). */
export const invitePublicSchema = z
  .object({
    providerName: z.string(),
    providerSupportEmail: z.string().optional(),
    customerName: z.string(),
    expiresAt: z.string(),
    cloud: z.enum(CLOUDS),
    status: z.enum(["sent", "opened"]),
  })
  .describe("What the customer's page may know (no operator data).");
/** GET /api/invite/{token}: what the customer's page may know (no operator data). */
export type InvitePublic = z.infer<typeof invitePublicSchema>;

/** GET /api/outbox (sandbox only): one mail the built-in outbox kept instead of sending. */
export const outboxMessageSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
  })
  .describe("One mail the sandbox outbox kept instead of sending.");
/** GET /api/outbox (sandbox only): one mail the built-in outbox kept instead of sending. */
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;

// --- Provisioning ---

/** One step of a run, shaped like a validation check (status, code, message, remedy). Never a secret. */
export const provisioningStepSchema = z
  .object({
    id: z.enum(PROVISIONING_STEP_IDS),
    status: z.enum(PROVISIONING_STEP_STATUSES),
    code: z
      .string()
      .describe("Stable code when the step failed or warned, e.g. `insufficient_privileges`, `consent_blocked`.")
      .optional(),
    message: z.string().describe("What happened, for the admin or the operator."),
    remedy: z.string().describe("What to do about it.").optional(),
    detail: z
      .record(z.string(), z.unknown())
      .describe("Technical facts: Graph error code, HTTP status, request id, attempts. Never a secret or a token.")
      .optional(),
    durationMs: z.number().optional(),
  })
  .describe("One step of a provisioning run. Never a secret.");
/** One step of a run, shaped like a validation check (status, code, message, remedy). Never a secret. */
export type ProvisioningStep = z.infer<typeof provisioningStepSchema>;

/** One object the run created in the customer's tenant. */
export const provisionedObjectSchema = z
  .object({
    kind: z.enum(PROVISIONING_OBJECT_KINDS),
    id: z.string().describe("The object's id (for a password: its keyId; never its value)."),
    displayName: z.string(),
    removed: z.boolean().describe('Set once "Remove what was created" removed it.').optional(),
  })
  .describe("One object the run created in the customer's tenant.");
/** One object the run created in the customer's tenant. */
export type ProvisionedObject = z.infer<typeof provisionedObjectSchema>;

/** What a successful run produced: the new App registration's identifiers and its secret's hint, never the secret. */
export const provisioningResultSchema = z
  .object({
    tenantId: z.string(),
    clientId: z.string(),
    applicationObjectId: z.string().describe("The application's object id (Graph `id`), used to rotate its secret."),
    secretHint: z.string(),
    secretExpiresAt: z.string(),
    selfRotation: z
      .boolean()
      .describe("True when the app owns itself with Application.ReadWrite.OwnedBy: the product rotates its secret."),
    report: validationReportSchema,
  })
  .describe("What a successful run produced; never the secret.");
/** What a successful run produced: the new App registration's identifiers and its secret's hint, never the secret. */
export type ProvisioningResult = z.infer<typeof provisioningResultSchema>;

/** A provisioning run. */
export const provisioningRunSchema = z
  .object({
    id: z.string(),
    status: z.enum(PROVISIONING_STATUSES),
    origin: z
      .enum(["operator", "invitation"])
      .describe("Who started it: an operator for a customer, or the customer's admin from an invitation page."),
    customerId: z.string(),
    cloud: z.enum(CLOUDS),
    appName: z.string(),
    assignTeamsAdministrator: z.boolean(),
    allowSelfRotation: z.boolean(),
    secretLifetimeDays: z.number().int(),
    userCode: z.string().describe("While waiting for sign-in: the code to enter.").optional(),
    verificationUri: z.string().describe("While waiting for sign-in: the page to enter the code on.").optional(),
    signInMessage: z.string().describe("While waiting for sign-in: Microsoft's own sentence.").optional(),
    expiresAt: z.string().describe("When the sign-in code expires."),
    tenant: tenantRefSchema.describe("The tenant the admin signed into, once known.").optional(),
    signedInAs: z.string().describe("Who signed in (their user principal name), once known.").optional(),
    steps: z.array(provisioningStepSchema),
    created: z.array(provisionedObjectSchema),
    result: provisioningResultSchema.optional(),
    problem: problemSchema.describe("Why the run ended when it did not end `done`.").optional(),
    cleanupAvailable: z
      .boolean()
      .describe('Whether "Remove what was created" can still run (the sign-in is still held and something is left).'),
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    serviceId: z.string().describe("The service made from this run, once `POST /api/services` used it.").optional(),
  })
  .describe("A provisioning run (automatic App registration).");
/** A provisioning run. */
export type ProvisioningRun = z.infer<typeof provisioningRunSchema>;

/** Events of GET /api/provisioning/{id} with `Accept: text/event-stream`: the whole run after every change. */
export type ProvisioningEvent = { event: "run"; data: ProvisioningRun };

/** A sandbox account that "signs in" with a device code (sandbox mode only). */
export const sandboxAdminSchema = z
  .object({
    scenario: z.string(),
    label: z.string(),
    description: z.string(),
    userPrincipalName: z
      .string()
      .nullable()
      .describe("Null for the pseudo-entries that sign nobody in (decline, expire)."),
    action: z.enum(["approve", "decline", "expire"]),
  })
  .describe('A sandbox account that "signs in" with a device code (sandbox mode only).');
/** A sandbox account that "signs in" with a device code (sandbox mode only; `action` approve signs in as `userPrincipalName`). */
export type SandboxAdmin = z.infer<typeof sandboxAdminSchema>;

/** Answer of POST /api/sandbox/device-sign-in. */
export const sandboxSignInResultSchema = z.object({ ok: z.literal(true), tenantId: z.string().optional() });

// --- Readiness ---

/** Every code a readiness check can carry. */
const readinessCodeSchema = z.enum([
  ...new Set([
    ...Object.values(READINESS_CHECK_CODES).flat(),
    ...READINESS_SHARED_CODES,
    ...NETWORK_CODES,
    SKIPPED_CODE,
  ]),
] as readonly (
  | (typeof READINESS_CHECK_CODES)[keyof typeof READINESS_CHECK_CODES][number]
  | (typeof READINESS_SHARED_CODES)[number]
  | (typeof NETWORK_CODES)[number]
  | typeof SKIPPED_CODE
)[]);

/** One readiness check, as a validation check but with its own ids and codes. */
export const readinessCheckSchema = z
  .object({
    id: z.enum(READINESS_CHECK_IDS),
    status: z.enum(CHECK_STATUSES),
    code: readinessCodeSchema.optional(),
    message: z.string().describe("What happened, for the operator."),
    remedy: z.string().describe("What to do about it.").optional(),
    detail: z
      .record(z.string(), z.unknown())
      .describe("Technical facts (HTTP status, request id, the TXT record, SKU counts). Never a secret.")
      .optional(),
    durationMs: z.number(),
  })
  .describe("One readiness check.");
/** One readiness check, as a validation check but with its own ids and codes. */
export type ReadinessCheck = z.infer<typeof readinessCheckSchema>;

/** A readiness report. `ok` when no check is `fail` or `unknown`. Readiness never changes the credential status. */
export const readinessReportSchema = z
  .object({
    ok: z.boolean(),
    checks: z.array(readinessCheckSchema),
    sbcFqdn: z
      .string()
      .describe("The SBC FQDN the domain and user checks looked for (`<label>.<SBC_BASE_DOMAIN>`).")
      .optional(),
    startedAt: z.string(),
    durationMs: z.number(),
  })
  .describe("A Direct Routing readiness report. `ok` when no check is `fail` or `unknown`.");
/** A readiness report. `ok` when no check is `fail` or `unknown`. Readiness never changes the credential status. */
export type ReadinessReport = z.infer<typeof readinessReportSchema>;

// --- Settings ---

/** The server-wide part of GET /api/settings: what the tab needs to render. */
export const tabSettingsSchema = z.object({
  mode: z
    .enum(["sandbox", "live"])
    .describe("`sandbox`: validations run against the built-in emulator; `live`: against Microsoft."),
  authMode: z.enum(["dev", "entra"]).describe("`dev`: the operator names themselves (x-dev-user); `entra`: Teams SSO."),
  sbcBaseDomain: z
    .string()
    .describe("The provider's SBC base domain; a service's SBC is `<sub-domain label>.<sbcBaseDomain>`."),
  sbcRegions: z.array(z.string()).describe("The SBC regions the operator may choose from."),
});
/** The server-wide part of GET /api/settings: what the tab needs to render. */
export type TabSettings = z.infer<typeof tabSettingsSchema>;

/** Answer of GET /api/settings: the settings plus the signed-in operator and what their app roles allow. */
export const operatorSettingsSchema = tabSettingsSchema
  .extend({
    operator: z
      .object({ name: z.string(), permissions: z.array(z.enum(PERMISSIONS)) })
      .describe("The server enforces these permissions; the tab offers only the actions they allow."),
  })
  .describe("What the tab needs to render, and the signed-in operator with their permissions.");
/** Answer of GET /api/settings: the settings plus the signed-in operator and what their app roles allow. */
export type OperatorSettings = z.infer<typeof operatorSettingsSchema>;

/** What one sandbox scenario's (fictitious) credentials are: enough to try it in the tab or the bot. */
export const sandboxCredentialsSchema = z.object({
  tenantId: z.string().describe("The Directory (tenant) ID, a GUID."),
  tenantDomain: z.string().describe("The initial `*.onmicrosoft.com` domain (accepted instead of the GUID)."),
  clientId: z.string().describe("The Application (client) ID, a GUID."),
  clientSecret: z
    .string()
    .describe('The fictitious secret Value to paste (the newest where the app has several); "" for a certificate.'),
  clientCertificatePem: z
    .string()
    .describe("A certificate scenario: the fictitious certificate and its unencrypted key as PEM text.")
    .optional(),
  cloud: z.enum(CLOUDS).describe("The cloud the scenario's tenant lives in."),
  description: z.string().describe("What the scenario shows the operator."),
});
/** What one sandbox scenario's (fictitious) credentials are: enough to try it in the tab or the bot. */
export type SandboxCredentials = z.infer<typeof sandboxCredentialsSchema>;

/** One demo tenant of sandbox mode, as the banner lists it. */
export const sandboxTenantSchema = sandboxCredentialsSchema.extend({
  scenario: z.string().describe("The scenario's name (e.g. `valid`, `missing-permissions`)."),
});
/** One demo tenant of sandbox mode, as the banner lists it. */
export type SandboxTenant = z.infer<typeof sandboxTenantSchema>;

/** Answer of GET /api/sandbox (sandbox mode only; 404 otherwise). */
export const sandboxTenantsSchema = z
  .object({ tenants: z.array(sandboxTenantSchema) })
  .describe("The sandbox's demo tenants and their fictitious credentials (sandbox mode only).");
/** Answer of GET /api/sandbox (sandbox mode only; 404 otherwise). */
export type SandboxTenants = z.infer<typeof sandboxTenantsSchema>;

// --- Fleet ---

/**
 * The answer of GET /api/fleet. `attention` lists the services that need an operator, the worst first: auth_failed,
 * then expiring (soonest expiry first), then not_validated; at most FLEET_ATTENTION_LIMIT of them. `run` is the
 * re-validation run in progress, so a page opened during one follows it at once.
 */
export const fleetSummarySchema = z
  .object({
    counts: fleetCountsSchema,
    expiries: z
      .array(fleetExpiryWeekSchema)
      .describe(
        "FLEET_TIMELINE_DAYS / 7 rounded up weeks, the first starting today (UTC); credentials already expired are not in it.",
      ),
    attention: z
      .array(serviceSchema)
      .describe("The services that need an operator, the worst first: auth_failed, expiring, not_validated."),
    run: fleetRunSchema
      .optional()
      .describe(
        "The re-validation run running now (Validate all, or the schedule's), as GET /api/fleet/revalidation/{runId} answers it; absent when none runs.",
      ),
  })
  .describe(
    "The fleet at a glance: counts by status, the expiry timeline, the services that need attention, and the run in progress.",
  );
/** The answer of GET /api/fleet (see fleetSummarySchema). */
export type FleetSummary = z.infer<typeof fleetSummarySchema>;
