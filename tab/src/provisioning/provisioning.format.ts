/**
 * Pure helpers of automatic App registration: the run's steps in order, how far it got, the sign-in code's
 * countdown, which of two copies of a run is newer, the default app name and the form's field messages (from the
 * contract's schema, as the other forms). No React, no requests: tested in provisioning.format.test.ts.
 */
import {
  PROVISIONING_FINAL_STATUSES,
  PROVISIONING_STEP_IDS,
  type ProvisioningRun,
  type ProvisioningStatus,
  type ProvisioningStep,
  type SandboxAdmin,
  startInviteProvisioningSchema,
  startProvisioningSchema,
} from "@dr/contract";
import { provisioningEn as t } from "./provisioning.en";

/** Longest app name the contract accepts. */
const APP_NAME_MAX = 120;

/** Whether a run never changes any more. */
export function isFinal(status: ProvisioningStatus): boolean {
  return PROVISIONING_FINAL_STATUSES.includes(status);
}

/** The nine steps in the contract's order; a step the run does not list (yet) stands as pending. */
export function stepsInOrder(run: Pick<ProvisioningRun, "steps">): ProvisioningStep[] {
  const byId = new Map(run.steps.map((s) => [s.id, s]));
  return PROVISIONING_STEP_IDS.map((id) => byId.get(id) ?? { id, status: "pending", message: "" });
}

/** How many steps ended (passed, warned, failed, skipped or unknown). */
export function stepsFinished(run: Pick<ProvisioningRun, "steps">): number {
  return stepsInOrder(run).filter((s) => s.status !== "pending" && s.status !== "running").length;
}

/** The step that failed, if one did. */
export function failedStep(run: Pick<ProvisioningRun, "steps">): ProvisioningStep | undefined {
  return stepsInOrder(run).find((s) => s.status === "fail");
}

/**
 * The time left on the sign-in code as `m:ss` (or `h:mm:ss` past an hour); undefined once it is up or when the
 * expiry is not a date.
 */
export function countdown(expiresAt: string, nowMs: number): string | undefined {
  const end = Date.parse(expiresAt);
  if (Number.isNaN(end)) return undefined;
  const left = Math.ceil((end - nowMs) / 1000);
  if (left <= 0) return undefined;
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = String(left % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/**
 * Of two copies of one run (a stream's event and a read that crossed it), the one to show: a final run over one
 * that is not, else the later `updatedAt`, else the one that got further; the incoming one on a tie.
 */
export function newerRun(current: ProvisioningRun | undefined, incoming: ProvisioningRun): ProvisioningRun {
  if (!current || current.id !== incoming.id) return incoming;
  const finalNow = isFinal(current.status);
  if (finalNow !== isFinal(incoming.status)) return finalNow ? current : incoming;
  const a = Date.parse(current.updatedAt);
  const b = Date.parse(incoming.updatedAt);
  if (!Number.isNaN(a) && !Number.isNaN(b) && a !== b) return a > b ? current : incoming;
  return stepsFinished(current) > stepsFinished(incoming) ? current : incoming;
}

/** "<name> Direct Routing", shortened to fit the contract's 120 characters. */
export function defaultAppName(who: string): string {
  const suffix = t.defaultAppName("");
  const name = who.trim().replace(/\s+/g, " ");
  if (!name) return suffix.trim();
  return t.defaultAppName(name.slice(0, APP_NAME_MAX - suffix.length).trim());
}

/** What the operator's form holds, as typed (the lifetime as text, so a half-typed number is kept). */
export interface ProvisioningFormValues {
  customerId: string;
  appName: string;
  cloud: string;
  assignTeamsAdministrator: boolean;
  allowSelfRotation: boolean;
  secretLifetimeDays: string;
  reuseExistingApp: boolean;
}

/** The fields that can carry a message. */
export type ProvisioningField = "customerId" | "appName" | "cloud" | "secretLifetimeDays";

/** The lifetime as the schema reads it: a whole-number text, or NaN (so an empty field is refused, not 0). */
function lifetimeOf(raw: string): number {
  return /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
}

/** The body POST /api/provisioning gets from the form. */
export function startBody(values: ProvisioningFormValues) {
  return {
    customerId: values.customerId,
    cloud: values.cloud,
    appName: values.appName,
    assignTeamsAdministrator: values.assignTeamsAdministrator,
    allowSelfRotation: values.allowSelfRotation,
    secretLifetimeDays: lifetimeOf(values.secretLifetimeDays),
    reuseExistingApp: values.reuseExistingApp,
  };
}

/**
 * The body POST /api/invite/{token}/provisioning gets from the customer's page: the name and self-rotation; the rest
 * keeps its defaults, and the cloud is the invitation's (left out, the server uses it).
 */
export function inviteStartBody(values: { appName: string; allowSelfRotation: boolean }) {
  return { appName: values.appName, allowSelfRotation: values.allowSelfRotation };
}

/** The first message of each field the contract's schema refuses (the customer's own sentence for customerId). */
export function formErrors(values: ProvisioningFormValues): Partial<Record<ProvisioningField, string>> {
  const parsed = startProvisioningSchema.safeParse(startBody(values));
  if (parsed.success) return {};
  const errors: Partial<Record<ProvisioningField, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as ProvisioningField;
    errors[field] ??= field === "customerId" ? t.customerRequired : issue.message;
  }
  return errors;
}

/** The app name's message on the customer's page, from the same schema. */
export function inviteAppNameError(appName: string): string | undefined {
  const parsed = startInviteProvisioningSchema.safeParse({ appName });
  if (parsed.success) return undefined;
  return parsed.error.issues.find((i) => i.path[0] === "appName")?.message;
}

/** The words of a sandbox admin's button: "Sign in as <upn>", "Decline" or "Let the code expire". */
export function sandboxButtonLabel(admin: Pick<SandboxAdmin, "action" | "userPrincipalName" | "label">): string {
  if (admin.action === "decline") return t.sandboxDecline;
  if (admin.action === "expire") return t.sandboxExpire;
  return t.sandboxSignInAs(admin.userPrincipalName ?? admin.label);
}
