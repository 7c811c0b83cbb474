/**
 * Every visible string of the tab, in one place: labels, button names, aria-labels, status words and message
 * templates. Browser tests import this file too, so a wording change cannot silently break them.
 * Interpolated messages are functions; everything else is a plain string.
 */

import { shell } from "./en.shell.js";

const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);

/** The English texts of the tab. */
export const en = {
  config: {
    title: "Add Direct Routing onboarding to this team",
    body: "The tab shows this team the Direct Routing services, their status and the onboarding wizard. Select Save to add it.",
    outsideTeams: "This page configures the team tab inside Microsoft Teams. Open it from a team's Add a tab dialog.",
    tabName: "Direct Routing",
  },
  app: shell.app,
  /** What the tab says when it cannot run where it was opened (teams-host.ts, app/host-gate.tsx). */
  host: shell.host,
  sandbox: {
    title: "Sandbox mode",
    body: "Microsoft 365 is emulated: nothing leaves this machine. Use one of the demo tenants below.",
    showTenants: "Show demo tenants",
    hideTenants: "Hide demo tenants",
    tenantsLabel: "Demo tenants",
    tenantsLoading: "Loading the demo tenants…",
    tenantsFailed:
      "Could not load the demo tenants. They are also listed in the README and in the server's start-up output.",
    scenario: "Scenario",
    tenantId: "Tenant ID",
    tenantDomain: "Tenant domain",
    clientId: "Application (client) ID",
    clientSecret: "Client secret",
    certificate: "Certificate (PEM)",
    certificateValue: "Certificate and private key (demo only)",
    /** A demo tenant outside the global cloud: the cloud to choose when validating it. */
    cloud: (label: string) => `Cloud: ${label}`,
    download: (scenario: string) => `Download the certificate PEM of ${scenario}`,
    /** aria-label of a copy button, e.g. "Copy Tenant ID of valid". */
    copy: (what: string, scenario: string) => `Copy ${what} of ${scenario}`,
    copied: "Copied",
    copyFailed: "Could not copy; select the text instead.",
  },
  status: {
    connected: "Connected",
    expiring: (days: number | undefined) =>
      days === undefined
        ? "Expiring soon"
        : days <= 0
          ? "Expires today"
          : `Expiring in ${days} ${plural(days, "day", "days")}`,
    auth_failed: "Authentication failed",
    not_validated: "Not validated",
  },
  services: {
    title: "Services",
    addService: "Add service",
    addServiceMenu: "Service types",
    directRouting: "Direct Routing",
    /** The add-service menu's entry to automatic App registration (its page's texts: provisioning.en.ts). */
    createAppRegistration: "Create the App registration for the customer",
    filterLabel: "Status",
    filterAll: "All statuses",
    /** Options of the status filter. */
    filters: {
      connected: "Connected",
      expiring: "Expiring (30 days or fewer)",
      auth_failed: "Authentication failed",
      not_validated: "Not validated",
    },
    created: (name: string) => `Service ${name} created.`,
    deleted: (name: string) => `Service ${name} deleted.`,
    loading: "Loading services…",
    loadError: "Could not load the services.",
    listLabel: "Services",
    emptyTitle: "No services yet",
    emptyBody:
      "Onboard the first customer: create a Direct Routing service and connect it to the customer's Microsoft 365 tenant.",
    emptyAction: "Add the first service",
    emptyFiltered: "No service has this status.",
    customer: "Customer",
    tenant: "Tenant",
    secretExpires: "Credential expires",
    lastValidated: "Last validated",
    neverValidated: "Never",
    /** Number of services shown, announced politely. */
    count: (n: number) => `${n} ${plural(n, "service", "services")}`,
  },
  /** The fleet page (tab/src/fleet/): the whole fleet at a glance and "Validate all". */
  fleet: {
    title: "Fleet",
    /** The services page's link to the fleet page. */
    link: "Fleet overview",
    loading: "Loading the fleet…",
    loadError: "Could not load the fleet.",
    countsLabel: "Services by status",
    /** A count's link to the services list filtered by that status. */
    countLink: (n: number, status: string) => `${n} ${plural(n, "service", "services")}: ${status}, show them`,
    timelineTitle: "Credential expiries, next 90 days",
    timelineIntro: "Client secrets and certificates expiring in each of the next 13 weeks, by the service's status.",
    chartLoading: "Loading the chart…",
    chartLoadError: "The chart could not be loaded; the table shows the same numbers.",
    /** The chart's accessible title. */
    chartLabel: "Bar chart: credentials expiring per week over the next 90 days, stacked by service status",
    showTable: "Show as table",
    weekOf: (date: string) => `Week of ${date}`,
    tableCaption: "Credentials expiring per week, by service status",
    tableWeek: "Week starting",
    tableTotal: "Total",
    xAxis: "Week starting",
    yAxis: "Credentials expiring",
    attentionTitle: "Needs attention",
    attentionLabel: "Services needing attention",
    attentionEmpty: "No service needs attention: every service is connected.",
    attentionMore: (shown: number) => `The ${shown} most urgent are shown; the services list has them all.`,
    validateAll: "Validate all",
    validateAllHint: "Validates every service again with its stored credentials, a few at a time.",
    starting: "Starting…",
    cancel: "Cancel",
    cancelling: "Cancelling…",
    progressLabel: "Validation of all services",
    /** Progress numbers, announced politely. */
    progress: (done: number, total: number) => `${done} of ${total} validated`,
    failed: (n: number) => `${n} failed`,
    unknown: (n: number) => `${n} not answered`,
    runStatus: {
      running: "Running",
      completed: "Finished",
      cancelled: "Cancelled",
      failed: "Stopped by an error",
    },
    runEnded: (status: string, done: number, total: number, failed: number, unknown: number) =>
      `${status}: ${done} of ${total} validated, ${failed} failed, ${unknown} not answered.`,
    runError: "Validate all could not be started or followed.",
  },
  wizard: {
    title: "Add Direct Routing service",
    notAllowed:
      "Onboarding needs the app role Onboarding.Operator or Onboarding.Admin; ask the provider's Teams admin to assign it.",
    stepsLabel: "Onboarding steps",
    steps: {
      customer: "Customer",
      service: "Service",
      credentials: "Microsoft 365 credentials",
      m365: "Microsoft 365 settings",
      directRouting: "Direct Routing",
      summary: "Summary",
    },
    /** Visually hidden state of a step in the step list. */
    stepDone: "completed",
    stepCurrent: "current step",
    stepUpcoming: "not started",
    stepOf: (n: number, total: number) => `Step ${n} of ${total}`,
    next: "Next",
    back: "Back",
    create: "Create",
    creating: "Creating…",
    startOver: "Start over",
    cancel: "Cancel",
    restored:
      "Your earlier entries were restored. The client secret or certificate is never stored, so enter it again.",
    loadingStep: "Loading step…",
    // Step 1
    customerExisting: "Choose an existing customer",
    customerNew: "New customer",
    customerPick: "Customer",
    customerPickPlaceholder: "Choose a customer",
    customerPickRequired: "Customer: choose a customer, or create a new one.",
    customersLoading: "Loading customers…",
    customersError: "Could not load the customers.",
    customersEmpty: "No customers yet: create one.",
    customerName: "Customer name",
    contactEmail: "Contact e-mail (optional)",
    note: "Note (optional)",
    creatingCustomer: "Creating the customer…",
    customerCreated: (name: string) => `Customer ${name} created.`,
    // Step 2
    shortName: "Short name",
    shortNameHint: '3 to 15 characters, unique; no spaces, dots or \\ / : * ? " < > |',
    nameChecking: "Checking availability…",
    nameAvailable: "Available.",
    nameCheckFailed: "Could not check availability; it will be checked on Create.",
    fullName: "Full name (optional)",
    licenseType: "Licence type",
    licenseEssentials: "Hosted Essentials+",
    licensePro: "Hosted Pro",
    licensedUsers: "Licensed users",
    licensedUsersHint: "1 to 500 per service",
    // Step 3
    useKnownApp: "Use known App registration",
    useKnownAppHint: "Tick this when the customer's admin has given you the App registration's three values.",
    useKnownAppRequired: 'Tick "Use known App registration" and enter the customer\'s values to continue.',
    tenantId: "Tenant ID",
    tenantIdHint: "The Directory (tenant) ID, or the tenant's domain such as contoso.onmicrosoft.com",
    clientId: "Application (client) ID",
    clientSecret: "Client secret",
    clientSecretHint: "The secret's Value (not its Secret ID)",
    /** The choice between a client secret and a certificate (components/credential-fields.tsx). */
    credentialKind: "Credential",
    credentialKindHint: "What the App registration signs in with. Microsoft recommends a certificate.",
    credentialSecret: "Secret",
    credentialCertificate: "Certificate",
    cloud: "Cloud",
    clouds: {
      global: "Global (default)",
      "usgov-gcchigh": "US Government GCC High",
      "usgov-dod": "US Government DoD",
      china: "China (21Vianet)",
    },
    validating: "Validating the credentials…",
    connectFailedTitle: "Could not connect with these settings",
    connectFailedBody:
      "The values have the right form, but the customer tenant did not accept them. See the failed checks below.",
    connectWarnTitle: "Connected, with warnings",
    connectWarnBody: "You can continue; read the warnings below.",
    connectOkTitle: "Connected",
    connectOkBody: (tenant: string) => `The credentials work for ${tenant}.`,
    revalidateNeeded: "The values changed since the last validation: Next validates them again.",
    // Step 4
    m365Domain: "M365 domain",
    m365DomainHint: "The tenant's verified domains; the initial onmicrosoft.com domain is preselected.",
    tenantName: "Tenant",
    // Step 5
    sbcRegion: "SBC region",
    subdomainLabel: "SBC sub-domain label",
    subdomainHint: "Lower-case letters, digits and hyphens",
    fqdnPreview: "SBC FQDN",
    // Step 6
    summaryLabel: "Summary",
    createdTitle: "Service created",
    createFailedTitle: "The service was not created",
    credentialsRefused: "The server validated the credentials again and they did not pass.",
    nameTakenBack: "This short name is taken; choose another one.",
    subdomainTaken: "This SBC sub-domain is already used by another service; choose another label.",
    subdomainChecking: "Checking the sub-domain…",
    subdomainFree: "Available",
  },
  checks: {
    title: "Validation checks",
    names: {
      format: "Format of the values",
      tenant: "Tenant",
      token: "Sign-in (access token)",
      permissions: "Permissions",
      graph: "Microsoft Graph",
      secret_expiry: "Credential expiry",
    },
    statuses: {
      pending: "Pending",
      running: "Running",
      pass: "Passed",
      warn: "Warning",
      fail: "Failed",
      skipped: "Skipped",
      unknown: "Unknown",
    },
    remedy: "What to do",
    /** Announced as checks finish. */
    progress: (done: number, total: number) => `${done} of ${total} checks finished`,
    finishedOk: "Validation finished: the credentials work.",
    finishedWarn: "Validation finished with warnings.",
    finishedFail: "Validation finished: the credentials did not work.",
    adminConsent: "Open the admin consent link (works when the app has a redirect URI)",
    durationMs: (ms: number) => `${ms} ms`,
  },
  portal: {
    deleteTitle: "Delete service",
    deleteBody:
      "Removes the service, its stored client secret or certificate and its validation history. The audit trail keeps its entries.",
    deleteButton: "Delete service",
    deleteConfirmTitle: (name: string) => `Delete ${name}?`,
    deleteConfirmBody: (name: string) =>
      `The service ${name} and its stored client secret or certificate are removed for good; the customer's app registration in Microsoft 365 is not touched.`,
    deleteConfirm: "Delete",
    deleteFailed: "Could not delete the service.",
    editNeedsAdmin: "Changing these fields needs the app role Onboarding.Admin.",
    validateNeedsOperator:
      "Validate Authentication and Replace credential need the app role Onboarding.Operator or Onboarding.Admin.",
    loading: "Loading the service…",
    loadError: "Could not load the service.",
    tabsLabel: "Service sections",
    tabGeneral: "General",
    tabM365: "M365 Configuration",
    tabAudit: "Audit",
    // General
    shortName: "Short name",
    customer: "Customer",
    fullName: "Full name",
    licenseType: "Licence type",
    licensedUsers: "Licensed users",
    created: "Created",
    sbcFqdn: "SBC FQDN",
    sbcRegion: "SBC region",
    m365Domain: "M365 domain",
    saved: "Changes saved.",
    saveFailed: "The changes were not saved.",
    noChanges: "Nothing to save.",
    // M365
    userName: "User Name",
    cloud: "Cloud",
    tenantId: "Tenant ID",
    tenantName: "Tenant name",
    clientId: "Application (client) ID",
    clientSecret: "Client secret",
    replaceSecret: "Replace credential",
    /** The credential row: "Client secret" or "Certificate". */
    credentialType: "Credential type",
    credentialTypes: { secret: "Client secret", certificate: "Certificate" },
    certificateThumbprint: "Certificate thumbprint",
    certificateSubject: "Certificate subject",
    secretExpiry: "Client secret expiry date",
    certificateExpiry: "Certificate expiry date",
    daysUntilExpire: "Client Secret Days Until Expire",
    certificateDaysUntilExpire: "Certificate Days Until Expire",
    grantedPermissions: "Granted permissions",
    missingPermissions: "Missing permissions",
    directoryRoles: "Directory roles",
    lastValidation: "Last validation",
    lastValidationValue: (when: string, by: string | undefined, ok: boolean | undefined) =>
      `${when}${by ? ` by ${by}` : ""}: ${ok === undefined ? "result unknown" : ok ? "passed" : "failed"}`,
    neverValidated: "Never validated",
    validate: "Validate Authentication",
    validateOk: "Validation passed.",
    validateFailed: "Validation did not pass; the service is marked as failed.",
    history: "Validation history",
    historyTable: "Validation history table",
    historyEmpty: "No validations yet.",
    historyTime: "Time",
    historyBy: "By",
    historyTrigger: "Trigger",
    historyResult: "Result",
    triggers: {
      create: "Create",
      manual: "Manual",
      secret_replace: "Credential replaced",
      scheduled: "Scheduled",
    } as Record<string, string>,
    resultPass: "Passed",
    resultFail: "Failed",
    listEmpty: "None",
    // Replace credential dialog
    replaceTitle: "Replace credential",
    replaceBody:
      "Paste the new secret's Value, or give a certificate with its private key. It is validated against the tenant first; the old credential is kept unless the new one works.",
    newSecret: "New client secret",
    replaceSubmit: "Validate and replace",
    replacing: "Validating the new credential…",
    replaceRefused: "The new credential did not validate; the old one is kept",
    replaceDone: "The credential was replaced.",
    // Audit
    auditLabel: "Audit events",
    auditLoading: "Loading the audit trail…",
    auditEmpty: "No audit events.",
    auditTime: "Time",
    auditActor: "Actor",
    auditAction: "Action",
    auditOutcome: "Outcome",
  },
  /** The certificate credential's fields (components/certificate-fields.tsx) and how a stored one is shown. */
  certificate: {
    file: "Certificate file",
    fileHint:
      "A .pfx or .p12 file, or PEM files with the certificate and its private key (choose both files together). The key is sent once, sealed on the server and never shown.",
    loadedLabel: "Loaded files",
    loaded: (name: string, size: string) => `${name} (${size})`,
    clear: "Remove the certificate",
    paste: "Or paste the PEM text",
    pasteHint: "The -----BEGIN CERTIFICATE----- block and the -----BEGIN PRIVATE KEY----- block.",
    password: "Certificate password",
    passwordHint: "The password of the .pfx file or of the encrypted private key.",
    readFailed: "The file could not be read; choose it again.",
    mixed: "Choose either one .pfx/.p12 file or PEM files, not both.",
    tooMany: "Choose one .pfx/.p12 file, or at most two PEM files (the certificate and its key).",
    thumbprint: "Thumbprint",
    subject: "Subject",
    /** The wizard's summary and the portal's credential row. */
    summary: (thumbprint: string | undefined) =>
      thumbprint ? `Certificate, thumbprint ${thumbprint}` : "Certificate (thumbprint shown once validated)",
  },
  secret: {
    show: "Show secret",
    /** Masked form: the three-character hint and dots. */
    masked: (hint: string) => `${hint}••••••••`,
    maskedLabel: (hint: string) => `Secret starting with ${hint}, rest hidden`,
  },
  licence: {
    "hosted-essentials-plus": "Hosted Essentials+",
    "hosted-pro": "Hosted Pro",
  },
  errors: {
    network: "The server could not be reached. Check the connection and try again.",
    timeout: "The server took too long to answer. Try again.",
    unexpected: "Something went wrong. Try again.",
    rateLimited: "Too many validations in a short time. Wait a minute and try again.",
    withCode: (detail: string, code: string) => `${detail} (${code})`,
  },
  days: (n: number) => `${n} ${plural(n, "day", "days")}`,
} as const;

/** The type of the text table, so another language can be checked against it later. */
export type Texts = typeof en;
