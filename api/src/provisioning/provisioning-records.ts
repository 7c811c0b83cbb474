/**
 * The provisioning feature's pure parts (docs/api.md, "Provisioning"): the steps a run starts with, the problem a run
 * ends with, and the record as the API answers it. No I/O here.
 */
import {
  PROVISIONING_STEP_IDS,
  type Problem,
  type ProvisioningRun,
  type ProvisioningStatus,
  type ProvisioningStep,
  type ProvisioningStepId,
} from "@dr/contract";
import type { ProvisioningRecord } from "../storage/provisioning.repository.js";

export { provisioningSecretAad } from "../secrets/associated-data.js";

/** Base of the `type` URIs of problem documents (the same base as every other problem of the API). */
const PROBLEM_BASE = "https://dr-onboarding.example/problems/";

/** What each step will do, shown while it is pending. */
const PENDING_MESSAGES: Record<ProvisioningStepId, string> = {
  sign_in: "The admin signs in with a code.",
  create_app: "Create the App registration (single tenant) with the required application permissions.",
  create_service_principal: "Create its service principal (enterprise application).",
  grant_consent: "Grant admin consent to the Microsoft Graph permissions.",
  assign_role: "Assign Teams Administrator to the app.",
  allow_self_rotation: "Make the app an owner of itself, so the product can rotate its secret.",
  add_secret: "Add a client secret.",
  wait_for_replication: "Wait until Microsoft Entra ID accepts the new app and secret.",
  validate: "Validate the new credentials with every check.",
};

/** The nine steps of a new run: sign-in running (asking Microsoft for a code), the rest pending. */
export function initialSteps(): ProvisioningStep[] {
  return PROVISIONING_STEP_IDS.map((id) =>
    id === "sign_in"
      ? { id, status: "running", message: "Asking Microsoft Entra ID for a sign-in code." }
      : { id, status: "pending", message: PENDING_MESSAGES[id] },
  );
}

/** The steps after the sign-in ended without a token: sign-in `fail` with the code, the rest skipped. */
export function signInEndedSteps(
  steps: readonly ProvisioningStep[],
  ending: { code: string; message: string; remedy: string; detail?: Record<string, unknown> },
): ProvisioningStep[] {
  return steps.map((s) =>
    s.id === "sign_in"
      ? {
          id: s.id,
          status: "fail",
          code: ending.code,
          message: ending.message,
          remedy: ending.remedy,
          ...(ending.detail && Object.keys(ending.detail).length > 0 ? { detail: ending.detail } : {}),
        }
      : { id: s.id, status: "skipped", code: "prerequisite_failed", message: "Not run: nobody signed in." },
  );
}

/** Titles of the problems by final status. */
const TITLES: Record<Exclude<ProvisioningStatus, "waiting_for_sign_in" | "running" | "done">, string> = {
  failed: "The App registration was not completed",
  declined: "The admin declined the sign-in",
  expired: "The sign-in code expired",
  cancelled: "The run was cancelled",
};

/** The problem a run that did not end `done` shows: the failed step, its code, message and remedy. */
export function runProblem(
  status: keyof typeof TITLES,
  step: ProvisioningStepId,
  failure: { code: string; message: string; remedy: string },
): Problem {
  return {
    type: `${PROBLEM_BASE}provisioning_failed`,
    title: TITLES[status],
    status: 422,
    code: "provisioning_failed",
    detail: failure.message,
    remedy: failure.remedy,
    errors: [{ path: step, code: failure.code, message: failure.remedy }],
  };
}

/** The run as the API answers it: never the secret, never the admin's token. */
export function toRun(r: ProvisioningRecord, cleanupAvailable: boolean): ProvisioningRun {
  const waiting = r.status === "waiting_for_sign_in";
  const tenantName = r.result?.report.tenant?.displayName;
  return {
    id: r.id,
    status: r.status,
    origin: r.origin,
    customerId: r.customerId,
    cloud: r.cloud,
    appName: r.appName,
    assignTeamsAdministrator: r.options.assignTeamsAdministrator,
    allowSelfRotation: r.options.allowSelfRotation,
    secretLifetimeDays: r.options.secretLifetimeDays,
    ...(waiting && r.userCode ? { userCode: r.userCode } : {}),
    ...(waiting && r.verificationUri ? { verificationUri: r.verificationUri } : {}),
    ...(waiting && r.signInMessage ? { signInMessage: r.signInMessage } : {}),
    expiresAt: r.expiresAt,
    ...(r.tenantId ? { tenant: { id: r.tenantId, ...(tenantName ? { displayName: tenantName } : {}) } } : {}),
    ...(r.signedInAs ? { signedInAs: r.signedInAs } : {}),
    steps: r.steps,
    created: r.created,
    ...(r.result ? { result: r.result } : {}),
    ...(r.problem ? { problem: r.problem } : {}),
    cleanupAvailable,
    createdAt: r.createdAt,
    createdBy: r.createdBy,
    updatedAt: r.updatedAt,
    ...(r.usedByServiceId ? { serviceId: r.usedByServiceId } : {}),
  };
}

/** Whether the run still lists an object that "Remove what was created" would remove. */
export const somethingLeft = (r: ProvisioningRecord): boolean => r.created.some((o) => !o.removed);
