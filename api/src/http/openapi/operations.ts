/**
 * Every route of the server as an OpenAPI operation (docs/api.md, "OpenAPI description"): method, path, summary,
 * tag, who may call it, the contract's request schema, and the answers by status, each from the contract's zod
 * schemas. document.ts builds GET /api/openapi.json from this table; api/test/openapi.test.ts checks that it names
 * every route the server registers, and only those.
 */
import {
  createCustomerSchema,
  createInvitationSchema,
  createServiceSchema,
  fleetRunSchema,
  fleetRunStartedSchema,
  invitationListQuerySchema,
  inviteValidationSchema,
  nameCheckQuerySchema,
  readinessRequestSchema,
  replaceSecretSchema,
  sandboxDeviceSignInSchema,
  serviceListQuerySchema,
  startInviteProvisioningSchema,
  startProvisioningSchema,
  subdomainCheckQuerySchema,
  updateServiceSchema,
  validationRequestSchema,
} from "@dr/contract";
import {
  auditEventSchema,
  checkSchema,
  customerSchema,
  fleetSummarySchema,
  healthSchema,
  invitationSchema,
  invitationWithUrlSchema,
  invitePublicSchema,
  itemListSchema,
  m365SettingsSchema,
  nameCheckSchema,
  operatorSettingsSchema,
  outboxMessageSchema,
  type PROBLEM_CODES,
  provisioningRunSchema,
  readinessCheckSchema,
  readinessReportSchema,
  rotationReportSchema,
  sandboxAdminSchema,
  sandboxSignInResultSchema,
  sandboxTenantsSchema,
  serviceSchema,
  subdomainCheckSchema,
  validationReportSchema,
} from "@dr/contract/schemas";
import type { z } from "zod";

/** A problem's `code` word. */
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/**
 * The answer schemas by the name they get under `components.schemas`, and the request bodies likewise. A schema is
 * written once in the contract; here it only gets its public name. A named schema inside another is a `$ref` (so a
 * shared part, such as Check or Service, is named here even when no operation answers it alone).
 */
export const ANSWER_SCHEMAS = {
  Health: healthSchema,
  Customer: customerSchema,
  CustomerList: itemListSchema(customerSchema),
  Service: serviceSchema,
  ServiceList: itemListSchema(serviceSchema),
  NameCheck: nameCheckSchema,
  SubdomainCheck: subdomainCheckSchema,
  M365Settings: m365SettingsSchema,
  Check: checkSchema,
  ValidationReport: validationReportSchema,
  RotationReport: rotationReportSchema,
  AuditEvent: auditEventSchema,
  AuditEventList: itemListSchema(auditEventSchema),
  OperatorSettings: operatorSettingsSchema,
  SandboxTenants: sandboxTenantsSchema,
  Invitation: invitationSchema,
  InvitationWithUrl: invitationWithUrlSchema,
  InvitationList: itemListSchema(invitationSchema),
  InvitePublic: invitePublicSchema,
  OutboxMessage: outboxMessageSchema,
  OutboxMessageList: itemListSchema(outboxMessageSchema),
  ProvisioningRun: provisioningRunSchema,
  ReadinessCheck: readinessCheckSchema,
  ReadinessReport: readinessReportSchema,
  SandboxAdmin: sandboxAdminSchema,
  SandboxAdminList: itemListSchema(sandboxAdminSchema),
  SandboxSignInResult: sandboxSignInResultSchema,
  FleetSummary: fleetSummarySchema,
  FleetRunStarted: fleetRunStartedSchema,
  FleetRun: fleetRunSchema,
} satisfies Record<string, z.ZodType>;

/** The request bodies by their component name (converted as the client sends them: defaults optional). */
export const BODY_SCHEMAS = {
  CreateCustomerBody: createCustomerSchema,
  CreateServiceBody: createServiceSchema,
  UpdateServiceBody: updateServiceSchema,
  ReplaceSecretBody: replaceSecretSchema,
  ValidationRequestBody: validationRequestSchema,
  CreateInvitationBody: createInvitationSchema,
  InviteValidationBody: inviteValidationSchema,
  StartProvisioningBody: startProvisioningSchema,
  StartInviteProvisioningBody: startInviteProvisioningSchema,
  ReadinessRequestBody: readinessRequestSchema,
  SandboxDeviceSignInBody: sandboxDeviceSignInSchema,
} satisfies Record<string, z.ZodType>;

/** A component name of an answer. */
export type AnswerName = keyof typeof ANSWER_SCHEMAS;
/** A component name of a request body. */
export type BodyName = keyof typeof BODY_SCHEMAS;

/**
 * Who may call an operation: the signed-in operator with a permission (docs/api.md, "Sign-in and roles"); the
 * customer's invitation link (the token in the path is the key); nobody in particular (public); the Bot Framework
 * (its JWT); a scraper with METRICS_TOKEN.
 */
export type Access =
  | { kind: "operator"; permission: "read" | "operate" | "admin" }
  | { kind: "invite" }
  | { kind: "public" }
  | { kind: "bot" }
  | { kind: "metrics" };

/** One success answer. */
export interface Answer {
  description: string;
  /** JSON body, by its component name; absent: no body (204) or `content` says what. */
  schema?: AnswerName;
  /** A non-JSON body: its media type and what it is. */
  content?: { type: string; description: string };
  /** With `Accept: text/event-stream`: what the event stream sends instead of the JSON body. */
  stream?: string;
  /** Response headers worth naming (ETag). */
  headers?: Record<string, string>;
}

/** One operation of the table. */
export interface Operation {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI path, parameters in braces. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  /** Path parameters' meaning (name -> description); `id`-like ones are UUIDs. */
  params?: Record<string, { description: string; uuid?: boolean }>;
  query?: z.ZodObject;
  body?: BodyName;
  /** Request headers the route reads. */
  headers?: Record<string, string>;
  answers: Record<number, Answer>;
  /** Problem answers (application/problem+json) by status, with the `code` words each can carry. */
  problems: Record<number, ProblemCode[]>;
}

const VALIDATION_STREAM =
  "One `check` event (a Check) per finished check, then one `report` event (the JSON answer), or a `problem` event (a Problem) when the run is refused after the stream began.";
const RUN_STREAM = "One `run` event with the whole ProvisioningRun after every change, ending after a final status.";
const FLEET_STREAM = "`progress` events (a FleetRun) while the run goes on, then one `end` event (the final FleetRun).";

const SERVICE_ID = { id: { description: "The service's id, as the API returned it.", uuid: true } };
const INVITATION_ID = { id: { description: "The invitation's id.", uuid: true } };
const RUN_ID = { id: { description: "The provisioning run's id.", uuid: true } };
const TOKEN = {
  token: { description: "The invitation link's token: the only key of the customer's routes; never logged." },
};
const IF_MATCH = {
  "If-Match": "The ETag of the version read; 412 precondition_failed when the service changed since.",
};

/** Problems any operator route can answer: not signed in, missing the app role. */
const OPERATOR: Record<number, ProblemCode[]> = { 401: ["unauthenticated"], 403: ["forbidden"] };
/** Problems of a route with a JSON body. */
const BODY: Record<number, ProblemCode[]> = {
  400: ["validation_failed"],
  413: ["payload_too_large"],
  415: ["unsupported_media_type"],
};
/** Problems of a route that runs the validator (rate-limited per operator and per tenant). */
const RATE: Record<number, ProblemCode[]> = { 429: ["rate_limited"] };
/** Problems of a route with an id in its path. */
const BY_ID: Record<number, ProblemCode[]> = { 400: ["validation_failed"], 404: ["not_found"] };
/** Problems of the invitation page's routes: one neutral 404 for any link that does not work, and the rate limit. */
const INVITE: Record<number, ProblemCode[]> = { 404: ["not_found"], 429: ["rate_limited"] };

/** Merges problem lists by status. */
function problems(...lists: Record<number, ProblemCode[]>[]): Record<number, ProblemCode[]> {
  const merged: Record<number, ProblemCode[]> = {};
  for (const list of lists) {
    for (const [status, codes] of Object.entries(list)) {
      merged[Number(status)] = [...new Set([...(merged[Number(status)] ?? []), ...codes])];
    }
  }
  return merged;
}

const read = { kind: "operator", permission: "read" } as const;
const operate = { kind: "operator", permission: "operate" } as const;
const admin = { kind: "operator", permission: "admin" } as const;

/** Every operation the server offers. */
export const OPERATIONS: readonly Operation[] = [
  // --- Service and description ---
  {
    method: "get",
    path: "/api/health",
    operationId: "getHealth",
    summary: "Liveness and mode",
    tag: "Service",
    access: { kind: "public" },
    answers: { 200: { description: "The server is up.", schema: "Health" } },
    problems: {},
  },
  {
    method: "get",
    path: "/api/settings",
    operationId: "getSettings",
    summary: "What the tab needs, and the signed-in operator's permissions",
    tag: "Service",
    access: read,
    answers: { 200: { description: "The settings and the operator.", schema: "OperatorSettings" } },
    problems: OPERATOR,
  },
  {
    method: "get",
    path: "/api/openapi.json",
    operationId: "getOpenApi",
    summary: "This OpenAPI 3.1 description, generated from the contract's schemas",
    tag: "Service",
    access: { kind: "public" },
    answers: {
      200: { description: "The document.", content: { type: "application/json", description: "OpenAPI 3.1" } },
    },
    problems: {},
  },
  {
    method: "get",
    path: "/api/docs",
    operationId: "getApiDocs",
    summary: "The API reference page (Swagger UI, served by this server)",
    tag: "Service",
    access: { kind: "public" },
    answers: { 200: { description: "The page.", content: { type: "text/html", description: "HTML page" } } },
    problems: {},
  },
  {
    method: "get",
    path: "/api/docs/{file}",
    operationId: "getApiDocsAsset",
    summary: "A script or style sheet of the reference page",
    tag: "Service",
    access: { kind: "public" },
    params: { file: { description: "swagger-ui-bundle.js, swagger-ui.css, docs.css or init.js." } },
    answers: { 200: { description: "The file.", content: { type: "text/javascript", description: "or text/css" } } },
    problems: { 404: ["not_found"] },
  },
  {
    method: "get",
    path: "/metrics",
    operationId: "getMetrics",
    summary: "Prometheus metrics (docs/operations.md)",
    description: "Off (404) unless METRICS_TOKEN is set; then it needs `Authorization: Bearer <METRICS_TOKEN>`.",
    tag: "Service",
    access: { kind: "metrics" },
    answers: {
      200: { description: "The metrics.", content: { type: "text/plain", description: "Prometheus text format" } },
    },
    problems: { 401: ["unauthenticated"], 404: ["not_found"] },
  },
  // --- Customers ---
  {
    method: "get",
    path: "/api/customers",
    operationId: "listCustomers",
    summary: "List the customers",
    tag: "Customers",
    access: read,
    answers: { 200: { description: "The customers.", schema: "CustomerList" } },
    problems: OPERATOR,
  },
  {
    method: "post",
    path: "/api/customers",
    operationId: "createCustomer",
    summary: "Create a customer",
    tag: "Customers",
    access: operate,
    body: "CreateCustomerBody",
    answers: { 201: { description: "The new customer.", schema: "Customer" } },
    problems: problems(OPERATOR, BODY, { 409: ["name_taken"] }),
  },
  // --- Services ---
  {
    method: "get",
    path: "/api/services",
    operationId: "listServices",
    summary: "List the services, optionally by status",
    tag: "Services",
    access: read,
    query: serviceListQuerySchema,
    answers: { 200: { description: "The services.", schema: "ServiceList" } },
    problems: problems(OPERATOR, { 400: ["validation_failed"] }),
  },
  {
    method: "get",
    path: "/api/services/name-check",
    operationId: "checkServiceName",
    summary: "Is this short name well-formed and free?",
    tag: "Services",
    access: read,
    query: nameCheckQuerySchema,
    answers: { 200: { description: "The rules' verdict and uniqueness.", schema: "NameCheck" } },
    problems: problems(OPERATOR, { 400: ["validation_failed"] }),
  },
  {
    method: "get",
    path: "/api/services/subdomain-check",
    operationId: "checkSubdomain",
    summary: "Is this SBC sub-domain label well-formed and free?",
    tag: "Services",
    access: read,
    query: subdomainCheckQuerySchema,
    answers: { 200: { description: "The verdict and the FQDN.", schema: "SubdomainCheck" } },
    problems: problems(OPERATOR, { 400: ["validation_failed"] }),
  },
  {
    method: "post",
    path: "/api/services",
    operationId: "createService",
    summary: "Onboard a service",
    description:
      "The credentials are validated again on the server; a report that is not ok answers 422 `credentials_invalid` with the report under `report`. `invitationId` or `provisioningId` may stand in for the secret.",
    tag: "Services",
    access: operate,
    body: "CreateServiceBody",
    headers: { "Idempotency-Key": "A replay with the same key answers as the first request did (a UUID)." },
    answers: { 201: { description: "The new service.", schema: "Service" } },
    problems: problems(OPERATOR, BODY, RATE, {
      404: ["not_found"],
      409: ["name_taken", "subdomain_taken", "provisioning_used"],
      422: ["credentials_invalid"],
    }),
  },
  {
    method: "get",
    path: "/api/services/{id}",
    operationId: "getService",
    summary: "Read a service",
    tag: "Services",
    access: read,
    params: SERVICE_ID,
    answers: { 200: { description: "The service.", schema: "Service", headers: { ETag: "The service's version." } } },
    problems: problems(OPERATOR, BY_ID),
  },
  {
    method: "patch",
    path: "/api/services/{id}",
    operationId: "updateService",
    summary: "Edit a service's name, licence type or licensed users",
    tag: "Services",
    access: admin,
    params: SERVICE_ID,
    headers: IF_MATCH,
    body: "UpdateServiceBody",
    answers: { 200: { description: "The service.", schema: "Service", headers: { ETag: "The new version." } } },
    problems: problems(OPERATOR, BODY, BY_ID, { 412: ["precondition_failed"] }),
  },
  {
    method: "delete",
    path: "/api/services/{id}",
    operationId: "deleteService",
    summary: "Delete a service",
    tag: "Services",
    access: admin,
    params: SERVICE_ID,
    headers: IF_MATCH,
    answers: { 204: { description: "Deleted." } },
    problems: problems(OPERATOR, BY_ID, { 412: ["precondition_failed"] }),
  },
  {
    method: "get",
    path: "/api/services/{id}/m365",
    operationId: "getM365Settings",
    summary: "The service's M365 configuration and validation history",
    tag: "Services",
    access: read,
    params: SERVICE_ID,
    answers: {
      200: { description: "The M365 configuration.", schema: "M365Settings", headers: { ETag: "The version." } },
    },
    problems: problems(OPERATOR, BY_ID),
  },
  {
    method: "post",
    path: "/api/services/{id}/m365/validate",
    operationId: "validateService",
    summary: "Validate the stored credentials again",
    description: "The service's status and expiry are updated.",
    tag: "Services",
    access: operate,
    params: SERVICE_ID,
    answers: { 200: { description: "The report.", schema: "ValidationReport", stream: VALIDATION_STREAM } },
    problems: problems(OPERATOR, BY_ID, RATE),
  },
  {
    method: "put",
    path: "/api/services/{id}/m365/secret",
    operationId: "replaceSecret",
    summary: "Replace the client secret (or certificate)",
    description: "200 with the report when replaced; 422 `credentials_invalid` when not (the old secret stays).",
    tag: "Services",
    access: operate,
    params: SERVICE_ID,
    headers: IF_MATCH,
    body: "ReplaceSecretBody",
    answers: {
      200: { description: "The new credential's report.", schema: "ValidationReport", stream: VALIDATION_STREAM },
    },
    problems: problems(OPERATOR, BODY, BY_ID, RATE, { 412: ["precondition_failed"], 422: ["credentials_invalid"] }),
  },
  {
    method: "post",
    path: "/api/services/{id}/m365/rotate",
    operationId: "rotateSecret",
    summary: "Rotate the secret through Graph (zero-touch rotation)",
    tag: "Services",
    access: operate,
    params: SERVICE_ID,
    answers: {
      200: {
        description: "The new secret's report and what the rotation did.",
        schema: "RotationReport",
        stream: VALIDATION_STREAM,
      },
    },
    problems: problems(OPERATOR, BY_ID, RATE, {
      409: ["rotation_not_permitted", "rotation_in_progress", "rotation_failed"],
    }),
  },
  {
    method: "get",
    path: "/api/services/{id}/audit",
    operationId: "listServiceAudit",
    summary: "The service's audit trail",
    tag: "Services",
    access: read,
    params: SERVICE_ID,
    answers: { 200: { description: "The audit events, never a secret.", schema: "AuditEventList" } },
    problems: problems(OPERATOR, BY_ID),
  },
  // --- Validation ---
  {
    method: "post",
    path: "/api/validation",
    operationId: "validateCredentials",
    summary: "Validate App registration credentials",
    description: "200 with the report, also when checks fail.",
    tag: "Validation",
    access: operate,
    body: "ValidationRequestBody",
    answers: { 200: { description: "The report.", schema: "ValidationReport", stream: VALIDATION_STREAM } },
    problems: problems(OPERATOR, BODY, RATE),
  },
  // --- Readiness ---
  {
    method: "get",
    path: "/api/services/{id}/readiness",
    operationId: "getReadiness",
    summary: "The service's last Direct Routing readiness report",
    tag: "Readiness",
    access: read,
    params: SERVICE_ID,
    answers: { 200: { description: "The last report (404 before the first).", schema: "ReadinessReport" } },
    problems: problems(OPERATOR, BY_ID),
  },
  {
    method: "post",
    path: "/api/services/{id}/readiness/check",
    operationId: "checkReadiness",
    summary: "Run the readiness checks with the stored credentials",
    tag: "Readiness",
    access: operate,
    params: SERVICE_ID,
    answers: { 200: { description: "The report.", schema: "ReadinessReport" } },
    problems: problems(OPERATOR, BY_ID, RATE),
  },
  {
    method: "post",
    path: "/api/readiness",
    operationId: "checkReadinessOfCredentials",
    summary: "Run the readiness checks on credentials not stored yet (the wizard)",
    tag: "Readiness",
    access: operate,
    body: "ReadinessRequestBody",
    answers: { 200: { description: "The report (nothing is kept).", schema: "ReadinessReport" } },
    problems: problems(OPERATOR, BODY, RATE),
  },
  // --- Invitations (operator) ---
  {
    method: "post",
    path: "/api/invitations",
    operationId: "createInvitation",
    summary: "Invite a customer's admin",
    tag: "Invitations",
    access: operate,
    body: "CreateInvitationBody",
    answers: { 201: { description: "The invitation and its link (shown only here).", schema: "InvitationWithUrl" } },
    problems: problems(OPERATOR, BODY, { 404: ["not_found"] }),
  },
  {
    method: "get",
    path: "/api/invitations",
    operationId: "listInvitations",
    summary: "List the invitations, optionally by status",
    tag: "Invitations",
    access: read,
    query: invitationListQuerySchema,
    answers: { 200: { description: "The invitations (never the link).", schema: "InvitationList" } },
    problems: problems(OPERATOR, { 400: ["validation_failed"] }),
  },
  {
    method: "get",
    path: "/api/invitations/{id}",
    operationId: "getInvitation",
    summary: "Read an invitation",
    tag: "Invitations",
    access: read,
    params: INVITATION_ID,
    answers: { 200: { description: "The invitation.", schema: "Invitation" } },
    problems: problems(OPERATOR, BY_ID),
  },
  {
    method: "post",
    path: "/api/invitations/{id}/resend",
    operationId: "resendInvitation",
    summary: "Send a new link (the old one stops working)",
    tag: "Invitations",
    access: operate,
    params: INVITATION_ID,
    answers: { 200: { description: "The invitation and its new link.", schema: "InvitationWithUrl" } },
    problems: problems(OPERATOR, BY_ID),
  },
  {
    method: "delete",
    path: "/api/invitations/{id}",
    operationId: "revokeInvitation",
    summary: "Revoke an invitation (its sealed credentials are dropped)",
    tag: "Invitations",
    access: operate,
    params: INVITATION_ID,
    answers: { 204: { description: "Revoked." } },
    problems: problems(OPERATOR, BY_ID),
  },
  {
    method: "get",
    path: "/api/outbox",
    operationId: "listOutbox",
    summary: "Sandbox only: the mails the built-in outbox kept",
    tag: "Invitations",
    access: read,
    answers: { 200: { description: "The mails, newest first.", schema: "OutboxMessageList" } },
    problems: problems(OPERATOR, { 404: ["not_found"] }),
  },
  // --- The customer's invitation page ---
  {
    method: "get",
    path: "/api/invite/{token}",
    operationId: "readInvite",
    summary: "What the customer's page may show",
    tag: "Invitation page",
    access: { kind: "invite" },
    params: TOKEN,
    answers: { 200: { description: "The invitation as the customer sees it.", schema: "InvitePublic" } },
    problems: INVITE,
  },
  {
    method: "post",
    path: "/api/invite/{token}/validation",
    operationId: "validateInvite",
    summary: "The customer validates the App registration values",
    description: "When ok the invitation becomes `completed`; afterwards the token answers as unknown.",
    tag: "Invitation page",
    access: { kind: "invite" },
    params: TOKEN,
    body: "InviteValidationBody",
    answers: { 200: { description: "The report.", schema: "ValidationReport", stream: VALIDATION_STREAM } },
    problems: problems(BODY, INVITE),
  },
  {
    method: "post",
    path: "/api/invite/{token}/provisioning",
    operationId: "startInviteProvisioning",
    summary: "The customer starts an automatic App registration",
    tag: "Invitation page",
    access: { kind: "invite" },
    params: TOKEN,
    body: "StartInviteProvisioningBody",
    answers: { 201: { description: "The run.", schema: "ProvisioningRun" } },
    problems: problems(BODY, INVITE, { 409: ["provisioning_running", "provisioning_not_configured"] }),
  },
  {
    method: "get",
    path: "/api/invite/{token}/provisioning/{id}",
    operationId: "getInviteProvisioning",
    summary: "The customer's provisioning run",
    tag: "Invitation page",
    access: { kind: "invite" },
    params: { ...TOKEN, ...RUN_ID },
    answers: { 200: { description: "The run.", schema: "ProvisioningRun", stream: RUN_STREAM } },
    problems: problems(BY_ID, INVITE),
  },
  {
    method: "delete",
    path: "/api/invite/{token}/provisioning/{id}",
    operationId: "cancelInviteProvisioning",
    summary: "The customer cancels a run that waits for sign-in",
    tag: "Invitation page",
    access: { kind: "invite" },
    params: { ...TOKEN, ...RUN_ID },
    answers: { 200: { description: "The run.", schema: "ProvisioningRun" } },
    problems: problems(BY_ID, INVITE, { 409: ["provisioning_not_waiting"] }),
  },
  {
    method: "post",
    path: "/api/invite/{token}/provisioning/{id}/cleanup",
    operationId: "cleanupInviteProvisioning",
    summary: "The customer removes what the run created",
    tag: "Invitation page",
    access: { kind: "invite" },
    params: { ...TOKEN, ...RUN_ID },
    answers: { 200: { description: "The run.", schema: "ProvisioningRun" } },
    problems: problems(BY_ID, INVITE, { 409: ["provisioning_running", "sign_in_again"] }),
  },
  // --- Provisioning (operator) ---
  {
    method: "post",
    path: "/api/provisioning",
    operationId: "startProvisioning",
    summary: "Start an automatic App registration for a customer (device-code sign-in)",
    tag: "Provisioning",
    access: operate,
    body: "StartProvisioningBody",
    answers: { 201: { description: "The run.", schema: "ProvisioningRun" } },
    problems: problems(OPERATOR, BODY, { 404: ["not_found"], 409: ["provisioning_not_configured"] }),
  },
  {
    method: "get",
    path: "/api/provisioning/{id}",
    operationId: "getProvisioning",
    summary: "A provisioning run",
    tag: "Provisioning",
    access: read,
    params: RUN_ID,
    answers: { 200: { description: "The run.", schema: "ProvisioningRun", stream: RUN_STREAM } },
    problems: problems(OPERATOR, BY_ID),
  },
  {
    method: "delete",
    path: "/api/provisioning/{id}",
    operationId: "cancelProvisioning",
    summary: "Cancel a run that waits for sign-in",
    tag: "Provisioning",
    access: operate,
    params: RUN_ID,
    answers: { 200: { description: "The run.", schema: "ProvisioningRun" } },
    problems: problems(OPERATOR, BY_ID, { 409: ["provisioning_not_waiting"] }),
  },
  {
    method: "post",
    path: "/api/provisioning/{id}/cleanup",
    operationId: "cleanupProvisioning",
    summary: "Remove what the run created, where the admin's sign-in still allows",
    tag: "Provisioning",
    access: operate,
    params: RUN_ID,
    answers: { 200: { description: "The run.", schema: "ProvisioningRun" } },
    problems: problems(OPERATOR, BY_ID, { 409: ["provisioning_running", "provisioning_used", "sign_in_again"] }),
  },
  // --- Fleet ---
  {
    method: "get",
    path: "/api/fleet",
    operationId: "getFleet",
    summary: "The fleet at a glance: counts, expiry timeline, services needing attention",
    tag: "Fleet",
    access: read,
    answers: { 200: { description: "The summary.", schema: "FleetSummary" } },
    problems: OPERATOR,
  },
  {
    method: "post",
    path: "/api/fleet/revalidation",
    operationId: "startFleetRevalidation",
    summary: "Re-validate every service (one run at a time)",
    tag: "Fleet",
    access: operate,
    answers: {
      202: { description: "The run's id (the running run's when one is running).", schema: "FleetRunStarted" },
    },
    problems: OPERATOR,
  },
  {
    method: "get",
    path: "/api/fleet/revalidation/{runId}",
    operationId: "getFleetRevalidation",
    summary: "A re-validation run's progress",
    tag: "Fleet",
    access: read,
    params: { runId: { description: "The run's id, from POST /api/fleet/revalidation.", uuid: true } },
    answers: { 200: { description: "The run's progress.", schema: "FleetRun", stream: FLEET_STREAM } },
    problems: problems(OPERATOR, BY_ID),
  },
  {
    method: "post",
    path: "/api/fleet/revalidation/{runId}/cancel",
    operationId: "cancelFleetRevalidation",
    summary: "Cancel a re-validation run",
    tag: "Fleet",
    access: operate,
    params: { runId: { description: "The run's id.", uuid: true } },
    answers: { 200: { description: "The run.", schema: "FleetRun" } },
    problems: problems(OPERATOR, BY_ID),
  },
  // --- Sandbox ---
  {
    method: "get",
    path: "/api/sandbox",
    operationId: "getSandboxTenants",
    summary: "Sandbox only: the demo tenants and their fictitious credentials",
    tag: "Sandbox",
    access: read,
    answers: { 200: { description: "The demo tenants.", schema: "SandboxTenants" } },
    problems: problems(OPERATOR, { 404: ["not_found"] }),
  },
  {
    method: "get",
    path: "/api/sandbox/admins",
    operationId: "listSandboxAdmins",
    summary: "Sandbox only: who can sign in at the stand-in device-code page",
    tag: "Sandbox",
    access: { kind: "public" },
    answers: { 200: { description: "The sandbox admins.", schema: "SandboxAdminList" } },
    problems: { 404: ["not_found"] },
  },
  {
    method: "post",
    path: "/api/sandbox/device-sign-in",
    operationId: "sandboxDeviceSignIn",
    summary: "Sandbox only: sign in with a device code as a sandbox admin",
    tag: "Sandbox",
    access: { kind: "public" },
    body: "SandboxDeviceSignInBody",
    answers: { 200: { description: "Signed in.", schema: "SandboxSignInResult" } },
    problems: problems(BODY, { 404: ["not_found"] }),
  },
  // --- Bot ---
  {
    method: "post",
    path: "/api/messages",
    operationId: "botMessages",
    summary: "The bot's endpoint (Bot Framework activities from Teams)",
    description: "Called by the Bot Framework Connector only; the body is a Bot Framework activity (up to 256 KiB).",
    tag: "Bot",
    access: { kind: "bot" },
    answers: {
      200: {
        description: "The activity was handled (invokes answer with their result).",
        content: { type: "application/json", description: "An invoke response, or empty" },
      },
      400: {
        description: "The activity's serviceUrl is not a Bot Connector host of this cloud (not problem+json).",
        content: {
          type: "application/json",
          description: '{ "error": { "code": "ServiceUrlNotAllowed", "message" } }',
        },
      },
      401: { description: "No valid Bot Framework token (answered by the Bot Framework SDK, not problem+json)." },
    },
    problems: {},
  },
  // --- Pages ---
  {
    method: "get",
    path: "/invite",
    operationId: "getInvitePageBare",
    summary: "The customer's invitation page without a token (its neutral page)",
    tag: "Pages",
    access: { kind: "public" },
    answers: { 200: { description: "The page.", content: { type: "text/html", description: "HTML page" } } },
    problems: {},
  },
  {
    method: "get",
    path: "/invite.html",
    operationId: "getInvitePageFile",
    summary: "The customer's invitation page as a file (its neutral page)",
    tag: "Pages",
    access: { kind: "public" },
    answers: { 200: { description: "The page.", content: { type: "text/html", description: "HTML page" } } },
    problems: {},
  },
  {
    method: "get",
    path: "/invite/{path}",
    operationId: "getInvitePage",
    summary: "The customer's invitation page (outside Teams)",
    tag: "Pages",
    access: { kind: "invite" },
    params: { path: { description: "The invitation link's token." } },
    answers: { 200: { description: "The page.", content: { type: "text/html", description: "HTML page" } } },
    problems: {},
  },
  {
    method: "get",
    path: "/{path}",
    operationId: "getTab",
    summary: "The tab: its built files, and index.html for its client-side routes",
    tag: "Pages",
    access: { kind: "public" },
    params: { path: { description: "A file of the built tab, or a client-side route (any depth)." } },
    answers: {
      200: { description: "The file or the page.", content: { type: "text/html", description: "or the file's type" } },
    },
    problems: {},
  },
];
