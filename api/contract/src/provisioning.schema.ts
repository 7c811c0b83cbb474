/**
 * Automatic App registration and secret rotation (docs/api.md, "Provisioning"; docs/product.md section 9): the
 * customer's admin signs in once with a device code and the product creates the App registration, grants consent,
 * assigns the Teams role and makes the secret; later the product rotates that secret itself. The request bodies and
 * the shapes the API answers, shared by the API, the tab, the customer's page and the bot.
 */
import { z } from "zod";
import { CLOUDS } from "./inputs.schema.js";
import { idSchema } from "./onboarding.schema.js";

/** A run's steps, in the order they run and are shown. */
export const PROVISIONING_STEP_IDS = [
  "sign_in",
  "create_app",
  "create_service_principal",
  "grant_consent",
  "assign_role",
  "allow_self_rotation",
  "add_secret",
  "wait_for_replication",
  "validate",
] as const;
/** One step id. */
export type ProvisioningStepId = (typeof PROVISIONING_STEP_IDS)[number];

/** A run's states: waiting_for_sign_in -> running -> done | failed; or expired, declined, cancelled before it ran. */
export const PROVISIONING_STATUSES = [
  "waiting_for_sign_in",
  "running",
  "done",
  "failed",
  "expired",
  "declined",
  "cancelled",
] as const;
/** One state. */
export type ProvisioningStatus = (typeof PROVISIONING_STATUSES)[number];
/** States a run never leaves. */
export const PROVISIONING_FINAL_STATUSES: readonly ProvisioningStatus[] = [
  "done",
  "failed",
  "expired",
  "declined",
  "cancelled",
];

/** How a step stands: the check statuses, plus `pending` (not reached yet) and `running`. */
export const PROVISIONING_STEP_STATUSES = ["pending", "running", "pass", "warn", "fail", "skipped", "unknown"] as const;
/** How a step stands. */
export type ProvisioningStepStatus = (typeof PROVISIONING_STEP_STATUSES)[number];

/** Kinds of directory objects a run creates (each listed, so a failed run leaves nothing unreported). */
export const PROVISIONING_OBJECT_KINDS = [
  "application",
  "service_principal",
  "app_role_assignment",
  "directory_role_assignment",
  "owner",
  "password",
] as const;
/** One kind. */
export type ProvisioningObjectKind = (typeof PROVISIONING_OBJECT_KINDS)[number];

/** Default and longest lifetime of a provisioned secret, days. */
export const PROVISIONING_DEFAULT_SECRET_DAYS = 180;
export const PROVISIONING_MAX_SECRET_DAYS = 730;

/** The app name: what the App registration is called in the customer's tenant. */
const appNameSchema = z
  .string({ message: "App name: enter a name for the App registration, e.g. Contoso Direct Routing." })
  .trim()
  .min(1, { message: "App name: enter a name for the App registration, e.g. Contoso Direct Routing." })
  .max(120, { message: "App name: at most 120 characters." })
  .refine((v) => ![...v].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127), {
    message: "App name: letters, digits and punctuation only.",
  });

const provisioningOptionShape = {
  cloud: z.enum(CLOUDS, { message: "Cloud: choose global, usgov-gcchigh, usgov-dod or china." }).default("global"),
  appName: appNameSchema,
  assignTeamsAdministrator: z.boolean({ message: "Assign Teams Administrator: true or false." }).default(true),
  allowSelfRotation: z.boolean({ message: "Allow self-rotation: true or false." }).default(true),
  secretLifetimeDays: z.coerce
    .number({ message: `Secret lifetime: a number of days from 1 to ${PROVISIONING_MAX_SECRET_DAYS}.` })
    .int({ message: `Secret lifetime: a whole number of days from 1 to ${PROVISIONING_MAX_SECRET_DAYS}.` })
    .min(1, { message: "Secret lifetime: at least 1 day." })
    .max(PROVISIONING_MAX_SECRET_DAYS, { message: `Secret lifetime: at most ${PROVISIONING_MAX_SECRET_DAYS} days.` })
    .default(PROVISIONING_DEFAULT_SECRET_DAYS),
  /** When an App registration of this name already exists: false (default) fails with a remedy; true reuses it. */
  reuseExistingApp: z.boolean({ message: "Reuse existing app: true or false." }).default(false),
};

/** Body of POST /api/provisioning (an operator starts a run for a customer). */
export const startProvisioningSchema = z.strictObject({ customerId: idSchema, ...provisioningOptionShape });
/** Parsed body of POST /api/provisioning. */
export type StartProvisioningInput = z.infer<typeof startProvisioningSchema>;
/** Body of POST /api/provisioning as a client sends it. */
export type StartProvisioningBody = z.input<typeof startProvisioningSchema>;

/** Body of POST /api/invite/{token}/provisioning (the customer's admin starts a run from the invitation page). */
export const startInviteProvisioningSchema = z.strictObject(provisioningOptionShape);
/** Parsed body of POST /api/invite/{token}/provisioning. */
export type StartInviteProvisioningInput = z.infer<typeof startInviteProvisioningSchema>;
/** Body of POST /api/invite/{token}/provisioning as the customer's page sends it. */
export type StartInviteProvisioningBody = z.input<typeof startInviteProvisioningSchema>;

/** Body of POST /api/sandbox/device-sign-in (sandbox mode only). */
export const sandboxDeviceSignInSchema = z.strictObject({
  userCode: z
    .string({ message: "userCode: the code the run shows." })
    .trim()
    .min(1, { message: "userCode: the code the run shows." })
    .max(32, { message: "userCode: the code the run shows." }),
  scenario: z
    .string({ message: "scenario: one of the sandbox admins' scenarios." })
    .min(1, { message: "scenario: one of the sandbox admins' scenarios." })
    .max(64),
});
/** Body of POST /api/sandbox/device-sign-in. */
export type SandboxDeviceSignInBody = z.input<typeof sandboxDeviceSignInSchema>;

/** Why a rotation was refused or how it ended (POST /api/services/{id}/m365/rotate). */
export const ROTATION_CODES = [
  "rotation_not_permitted",
  "rotation_in_progress",
  "rotation_failed",
  "rotation_old_secret_kept",
] as const;
/** One rotation code. */
export type RotationCode = (typeof ROTATION_CODES)[number];

/**
 * The sandbox's provisioning client: the emulator's stand-in for the provider's multi-tenant public client app
 * (PROVISIONING_CLIENT_ID in sandbox mode when unset). Not an app anywhere but in the emulator.
 */
export const SANDBOX_PROVISIONING_CLIENT_ID = "5c9a0b4e-2f4d-4a63-9d3e-7b1f6c2a8e41";

// The run and its parts (ProvisioningRun, ProvisioningStep, ProvisionedObject, ProvisioningResult, SandboxAdmin) are
// zod schemas in answers.schema.ts.
