/**
 * The texts of automatic App registration (docs/product.md section 9): the operator's page in the tab, the run view
 * the tab and the customer's invitation page share, the wizard's "From automatic registration" and the portal's
 * rotation. Kept apart from i18n/en.ts like invitations.en.ts, so the first chunk does not carry them. Browser
 * tests import this file too.
 */
import type {
  ProvisioningObjectKind,
  ProvisioningStatus,
  ProvisioningStepId,
  ProvisioningStepStatus,
} from "@dr/contract";

/** The English texts. */
export const provisioningEn = {
  // The operator's page (tab, /provisioning/new and /provisioning/{id})
  title: "Create the App registration for the customer",
  intro:
    "The customer's admin signs in once with a code, at your side or on a call. The product then creates the App registration in their tenant, grants the permissions, assigns the Teams role and makes the secret. Nobody copies a value.",
  notAllowed:
    "Creating an App registration needs the app role Onboarding.Operator or Onboarding.Admin; ask the provider's Teams admin to assign it.",
  customer: "Customer",
  customerPlaceholder: "Choose a customer",
  customerRequired: "Customer: choose one of the list.",
  customersLoading: "Loading customers…",
  customersFailed: "Could not load the customers.",
  noCustomers: "There is no customer yet. Add the customer first: the Direct Routing wizard creates one.",
  appName: "App name",
  appNameHint: "What the App registration is called in the customer's tenant.",
  /** The default app name. */
  defaultAppName: (who: string) => `${who} Direct Routing`,
  cloud: "Cloud",
  assignRole: "Assign the Teams Administrator role",
  assignRoleHint:
    "Teams PowerShell needs it to set up Direct Routing. Assigning a role needs a Privileged Role Administrator or Global Administrator.",
  selfRotation: "Let the product rotate the secret before it expires",
  selfRotationHint:
    "The app is made an owner of itself with the Application.ReadWrite.OwnedBy permission, which lets it replace its own secrets and touch no other app.",
  lifetime: "Secret lifetime (days)",
  lifetimeHint: "From 1 to 730 days; Microsoft recommends 180.",
  reuseApp: "Use an App registration of this name if one already exists",
  reuseAppHint: "Leave it off to be told when the name is taken, and choose another.",
  start: "Start",
  starting: "Starting…",
  backToForm: "Start again",
  loadingRun: "Loading the run…",
  runNotFound: "This run does not exist, or it is no longer kept.",
  runFor: (app: string, customer: string | undefined) => (customer ? `${app} for ${customer}` : app),
  continueToService: "Continue to the service details",
  serviceMade: "A service was already created from this run.",
  openService: "Open the service",

  // The run view (tab and invitation page)
  runTitle: {
    waiting_for_sign_in: "Sign in as an administrator of the Microsoft 365 tenant",
    running: "Creating the App registration…",
    done: "The App registration is ready",
    failed: "The App registration was not completed",
    expired: "The sign-in code expired",
    declined: "The sign-in was declined",
    cancelled: "The run was cancelled",
  } satisfies Record<ProvisioningStatus, string>,
  signInSteps: "How to sign in",
  signInOpen: "Open",
  signInEnter: "Enter this code:",
  signInAs:
    "Sign in as an administrator of the Microsoft 365 tenant: Application Administrator to create the app; Privileged Role Administrator or Global Administrator to grant the consent and assign the role.",
  copyCode: "Copy code",
  copied: "Code copied",
  copyFailed: "Could not copy; select the code and copy it.",
  microsoftSays: "Microsoft's instructions",
  expiresIn: (time: string) => `The code expires in ${time}.`,
  expiredNow: "The code has expired.",
  cancel: "Cancel",
  cancelling: "Cancelling…",
  cancelFailed: "Could not cancel the run.",
  signedInAs: (who: string, tenant: string) => `Signed in as ${who}${tenant ? ` to ${tenant}` : ""}.`,
  stepsTitle: "Steps",
  steps: {
    sign_in: "The admin signs in",
    create_app: "Create the App registration",
    create_service_principal: "Create its service principal",
    grant_consent: "Grant admin consent to the Graph permissions",
    assign_role: "Assign the Teams Administrator role",
    allow_self_rotation: "Allow the product to rotate the secret",
    add_secret: "Add a client secret",
    wait_for_replication: "Wait until Entra ID accepts the secret",
    validate: "Validate the App registration",
  } satisfies Record<ProvisioningStepId, string>,
  statuses: {
    pending: "Pending",
    running: "Running",
    pass: "Done",
    warn: "Warning",
    fail: "Failed",
    skipped: "Skipped",
    unknown: "Unknown",
  } satisfies Record<ProvisioningStepStatus, string>,
  remedy: "What to do",
  progress: (done: number, total: number) => `${done} of ${total} steps finished`,
  announce: {
    waiting_for_sign_in: "Waiting for the admin to sign in.",
    running: "Signed in. Creating the App registration.",
    done: "Finished: the App registration is ready.",
    failed: "Stopped: a step failed. See the remedy.",
    expired: "The sign-in code expired.",
    declined: "The sign-in was declined.",
    cancelled: "The run was cancelled.",
  } satisfies Record<ProvisioningStatus, string>,
  endedBody: {
    expired: "Nobody signed in with the code in time. Nothing was created. Start again for a new code.",
    declined: "The sign-in was declined. Nothing was created. Start again for a new code.",
    cancelled: "Nothing was created. Start again for a new code.",
  },
  failedTitle: "A step failed",
  failedBody: "See the failed step below and what to do about it.",
  doneBody: (tenant: string) => `The App registration works for ${tenant}.`,
  createdTitle: "What was created",
  createdEmpty: "Nothing was created in the tenant.",
  createdLabel: "Objects created in the tenant",
  colKind: "Kind",
  colName: "Name",
  colId: "ID",
  colState: "State",
  removed: "Removed",
  present: "In the tenant",
  kinds: {
    application: "App registration",
    service_principal: "Service principal",
    app_role_assignment: "Permission grant",
    directory_role_assignment: "Directory role assignment",
    owner: "Owner",
    password: "Client secret",
  } satisfies Record<ProvisioningObjectKind, string>,
  cleanup: "Remove what was created",
  cleaning: "Removing…",
  cleanedUp: "What the run created was removed.",
  cleanupFailed: "Could not remove what was created.",
  signInAgain:
    "The admin's sign-in is no longer held, so the product cannot remove these objects. An admin can delete them in the Microsoft Entra admin centre (App registrations).",
  reconnecting: "The connection to the server was lost; reconnecting…",
  streamFailed: "The run's progress could not be read.",

  // Sandbox sign-in
  sandboxTitle: "Sandbox sign-in",
  sandboxBody:
    "Sandbox mode: nobody can sign in at Microsoft here. Choose how the admin answers the code; each button stands for the admin signing in (or not) at the verification page.",
  sandboxAdminsLabel: "Sandbox admins",
  sandboxSignInAs: (upn: string) => `Sign in as ${upn}`,
  sandboxDecline: "Decline",
  sandboxExpire: "Let the code expire",
  sandboxSent: "Sandbox: the answer was given; the run continues.",
  sandboxFailed: "The sandbox did not take the answer.",
  sandboxLoading: "Loading the sandbox admins…",

  // The wizard
  fromProvisioning: "From automatic registration",
  fromProvisioningHint: "Use the App registration a provisioning run created for this customer.",
  provisioningFacts: "The App registration the run created",
  tenant: "Tenant",
  clientId: "Application (client) ID",
  secret: "Client secret",
  secretExpires: "Secret expires",
  selfRotationFact: "Self-rotation",
  on: "On",
  off: "Off",
  provisioningChosen:
    "No value is needed here: the server holds the secret sealed and validates it again when the service is created.",
  provisioningNotUsable:
    "That provisioning run cannot be used: it did not finish, it belongs to another customer, or a service was already made from it.",
  credentials: "Credentials",
  fromRun: "From automatic registration (created by the run, validated)",

  // The portal
  selfRotationRow: "Self-rotation",
  // The portal's rotation serves a client secret and a certificate alike (docs/api.md, "Secret rotation").
  selfRotationOn: "On: the product rotates the secret or certificate before it expires",
  selfRotationOff: "Off",
  lastRotated: "Last rotated",
  rotateTitle: "Rotate credential now",
  rotate: "Rotate credential now",
  rotating: "Rotating the credential…",
  rotateConfirmTitle: "Rotate the credential now?",
  rotateConfirmBody:
    "A new client secret (or, for a service that signs in with a certificate, a new certificate) is added to the App registration and checked; once it works it replaces the stored one and the old one is removed. If any step fails, the old credential is kept and keeps working.",
  rotateConfirm: "Rotate",
  rotateDone: "The credential was rotated.",
  rotateFailed: "The credential was not rotated; the old one is kept.",
  rotateRefused: "The credential cannot be rotated",
} as const;
