import {
  PROVISIONING_STEP_IDS,
  type ProvisioningRun,
  type ProvisioningStep,
  startInviteProvisioningSchema,
  startProvisioningSchema,
} from "@dr/contract";
import { describe, expect, it } from "vitest";
import { provisioningEn as t } from "./provisioning.en";
import {
  countdown,
  defaultAppName,
  failedStep,
  formErrors,
  inviteAppNameError,
  inviteStartBody,
  isFinal,
  newerRun,
  type ProvisioningFormValues,
  sandboxButtonLabel,
  startBody,
  stepsFinished,
  stepsInOrder,
} from "./provisioning.format";

const RUN_ID = "4f1d2c3b-5a6e-4f70-8a9b-0c1d2e3f4a5b";
const CUSTOMER_ID = "0b7d6e3c-4d7e-4f8a-9d1c-2a3b4c5d6e7f";

/** A run with the given steps (the rest of the fields as a waiting run has them). */
function runWith(overrides: Partial<ProvisioningRun> = {}): ProvisioningRun {
  return {
    id: RUN_ID,
    status: "running",
    origin: "operator",
    customerId: CUSTOMER_ID,
    cloud: "global",
    appName: "Contoso Direct Routing",
    assignTeamsAdministrator: true,
    allowSelfRotation: true,
    secretLifetimeDays: 180,
    expiresAt: "2026-03-01T10:15:00.000Z",
    steps: [],
    created: [],
    cleanupAvailable: false,
    createdAt: "2026-03-01T10:00:00.000Z",
    createdBy: "alice@provider.example",
    updatedAt: "2026-03-01T10:00:00.000Z",
    ...overrides,
  };
}

const step = (id: ProvisioningStep["id"], status: ProvisioningStep["status"], extra = {}): ProvisioningStep => ({
  id,
  status,
  message: `${id} ${status}`,
  ...extra,
});

const form = (overrides: Partial<ProvisioningFormValues> = {}): ProvisioningFormValues => ({
  customerId: CUSTOMER_ID,
  appName: "Contoso Direct Routing",
  cloud: "global",
  assignTeamsAdministrator: true,
  allowSelfRotation: true,
  secretLifetimeDays: "180",
  reuseExistingApp: false,
  ...overrides,
});

describe("the run's steps", () => {
  it("lists the nine steps in the contract's order, the missing ones pending", () => {
    const steps = stepsInOrder(runWith({ steps: [step("validate", "pass"), step("sign_in", "pass")] }));
    expect(steps.map((s) => s.id)).toEqual([...PROVISIONING_STEP_IDS]);
    expect(steps.map((s) => s.status)).toEqual([
      "pass",
      "pending",
      "pending",
      "pending",
      "pending",
      "pending",
      "pending",
      "pending",
      "pass",
    ]);
  });

  it("counts the steps that ended, not those pending or running", () => {
    const run = runWith({
      steps: [
        step("sign_in", "pass"),
        step("create_app", "pass"),
        step("create_service_principal", "running"),
        step("assign_role", "skipped"),
      ],
    });
    expect(stepsFinished(run)).toBe(3);
    expect(stepsFinished(runWith())).toBe(0);
  });

  it("finds the failed step", () => {
    const failing = step("grant_consent", "fail", { remedy: "Sign in as a Global Administrator." });
    expect(failedStep(runWith({ steps: [step("sign_in", "pass"), failing] }))).toEqual(failing);
    expect(failedStep(runWith({ steps: [step("sign_in", "pass")] }))).toBeUndefined();
  });

  it("knows the final statuses", () => {
    for (const status of ["done", "failed", "expired", "declined", "cancelled"] as const)
      expect(isFinal(status)).toBe(true);
    for (const status of ["waiting_for_sign_in", "running"] as const) expect(isFinal(status)).toBe(false);
  });
});

describe("countdown", () => {
  const end = Date.parse("2026-03-01T10:15:00.000Z");

  it("shows minutes and seconds left, rounding up to the whole second", () => {
    expect(countdown("2026-03-01T10:15:00.000Z", end - 15 * 60_000)).toBe("15:00");
    expect(countdown("2026-03-01T10:15:00.000Z", end - 61_000)).toBe("1:01");
    expect(countdown("2026-03-01T10:15:00.000Z", end - 9_500)).toBe("0:10");
    expect(countdown("2026-03-01T10:15:00.000Z", end - 1)).toBe("0:01");
  });

  it("shows hours past an hour", () => {
    expect(countdown("2026-03-01T10:15:00.000Z", end - (2 * 3600_000 + 5 * 60_000 + 7_000))).toBe("2:05:07");
  });

  it("is undefined once the time is up, and for an expiry that is not a date", () => {
    expect(countdown("2026-03-01T10:15:00.000Z", end)).toBeUndefined();
    expect(countdown("2026-03-01T10:15:00.000Z", end + 5000)).toBeUndefined();
    expect(countdown("soon", end)).toBeUndefined();
  });
});

describe("newerRun", () => {
  it("takes the incoming copy when there is none, or it is another run", () => {
    const incoming = runWith();
    expect(newerRun(undefined, incoming)).toBe(incoming);
    expect(newerRun(runWith({ id: "other" }), incoming)).toBe(incoming);
  });

  it("keeps a final copy over one that is not, whatever the times", () => {
    const done = runWith({ status: "done", updatedAt: "2026-03-01T10:01:00.000Z" });
    const stale = runWith({ status: "running", updatedAt: "2026-03-01T10:09:00.000Z" });
    expect(newerRun(done, stale)).toBe(done);
    expect(newerRun(stale, done)).toBe(done);
  });

  it("keeps the later updatedAt, then the copy that got further", () => {
    const early = runWith({ updatedAt: "2026-03-01T10:01:00.000Z", steps: [step("sign_in", "pass")] });
    const late = runWith({ updatedAt: "2026-03-01T10:02:00.000Z", steps: [step("sign_in", "pass")] });
    expect(newerRun(late, early)).toBe(late);
    expect(newerRun(early, late)).toBe(late);
    const further = runWith({ steps: [step("sign_in", "pass"), step("create_app", "pass")] });
    const behind = runWith({ steps: [step("sign_in", "pass")] });
    expect(newerRun(further, behind)).toBe(further);
    expect(newerRun(behind, further)).toBe(further);
  });
});

describe("defaultAppName", () => {
  it("is '<name> Direct Routing', spaces tidied", () => {
    expect(defaultAppName("Contoso")).toBe("Contoso Direct Routing");
    expect(defaultAppName("  Fabrikam   Voice ")).toBe("Fabrikam Voice Direct Routing");
    expect(defaultAppName("")).toBe("Direct Routing");
  });

  it("fits the contract's 120 characters, so the default always passes the schema", () => {
    const name = defaultAppName("N".repeat(300));
    expect(name.length).toBeLessThanOrEqual(120);
    expect(name.endsWith(" Direct Routing")).toBe(true);
    expect(startInviteProvisioningSchema.safeParse({ appName: name }).success).toBe(true);
  });
});

describe("the operator's form", () => {
  it("sends what the schema accepts, the lifetime as a number", () => {
    const body = startBody(form({ secretLifetimeDays: " 365 " }));
    expect(body.secretLifetimeDays).toBe(365);
    expect(startProvisioningSchema.safeParse(body).success).toBe(true);
    expect(formErrors(form())).toEqual({});
  });

  it("says the schema's messages for each refused field, and its own for the customer", () => {
    const errors = formErrors(form({ customerId: "", appName: "   ", secretLifetimeDays: "0", cloud: "mars" }));
    expect(errors.customerId).toBe(t.customerRequired);
    expect(errors.appName).toBe("App name: enter a name for the App registration, e.g. Contoso Direct Routing.");
    expect(errors.secretLifetimeDays).toBe("Secret lifetime: at least 1 day.");
    expect(errors.cloud).toBe("Cloud: choose global, usgov-gcchigh, usgov-dod or china.");
  });

  it("refuses a lifetime past 730 days, a fraction, and an empty field", () => {
    expect(formErrors(form({ secretLifetimeDays: "731" })).secretLifetimeDays).toBe(
      "Secret lifetime: at most 730 days.",
    );
    for (const raw of ["1.5", "", "abc"]) {
      expect(formErrors(form({ secretLifetimeDays: raw })).secretLifetimeDays, raw).toBeTruthy();
    }
    expect(formErrors(form({ secretLifetimeDays: "1" }))).toEqual({});
    expect(formErrors(form({ secretLifetimeDays: "730" }))).toEqual({});
  });

  it("refuses a control character in the app name", () => {
    expect(formErrors(form({ appName: "Contoso\u0007" })).appName).toBe(
      "App name: letters, digits and punctuation only.",
    );
  });
});

describe("the invitation page's form", () => {
  it("checks the app name with the same schema", () => {
    expect(inviteAppNameError("Fabrikam Voice Direct Routing")).toBeUndefined();
    expect(inviteAppNameError("")).toBe(
      "App name: enter a name for the App registration, e.g. Contoso Direct Routing.",
    );
    expect(inviteAppNameError("x".repeat(121))).toBe("App name: at most 120 characters.");
  });

  it("sends the app name and self-rotation, nothing else (the cloud is the invitation's)", () => {
    const body = inviteStartBody({ appName: "Fabrikam Voice Direct Routing", allowSelfRotation: false });
    expect(body).toEqual({ appName: "Fabrikam Voice Direct Routing", allowSelfRotation: false });
    expect(startInviteProvisioningSchema.safeParse(body).success).toBe(true);
  });
});

describe("sandboxButtonLabel", () => {
  it("names the admin who signs in, or the ending", () => {
    expect(
      sandboxButtonLabel({ action: "approve", userPrincipalName: "admin@lamna.onmicrosoft.com", label: "Admin" }),
    ).toBe("Sign in as admin@lamna.onmicrosoft.com");
    expect(sandboxButtonLabel({ action: "approve", userPrincipalName: null, label: "Admin" })).toBe("Sign in as Admin");
    expect(sandboxButtonLabel({ action: "decline", userPrincipalName: null, label: "Declines" })).toBe("Decline");
    expect(sandboxButtonLabel({ action: "expire", userPrincipalName: null, label: "Expires" })).toBe(
      "Let the code expire",
    );
  });
});
