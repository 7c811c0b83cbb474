/**
 * The sandbox scenarios: one fictitious tenant per behaviour the operator can meet, with fixed ids and secrets so
 * that the README, the sandbox banner and the tests can name them. Nothing here is a real credential.
 */
import type { SandboxAdmin, SandboxCredentials } from "@dr/contract";
import { type MadeCertificate, makeCertificate, pemBundle } from "./emulator.certificates.js";
import type {
  AppFixture,
  Fault,
  FaultRoute,
  ProvisioningFixture,
  SecretFixture,
  SkuFixture,
  TenantFixture,
} from "./emulator.types.js";

/** Microsoft Graph application permissions the validator asks for. */
const ORG_READ = "Organization.Read.All";
const APP_READ = "Application.Read.All";
const BOTH_ROLES = [ORG_READ, APP_READ];
/** The optional permissions the Direct Routing readiness reads need besides (docs/entra.md section 16). */
const READINESS_ROLES = [...BOTH_ROLES, "Domain.Read.All", "User.Read.All"];
/** Teams Administrator directory role template id (needed for Teams PowerShell app-only). */
const TEAMS_ADMIN = "69091246-20e8-4a56-aa4d-066075b2a7a8";
/** Directory role template ids of the admins who sign in (docs/entra.md section 11). */
const GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10";
const APPLICATION_ADMIN = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3";

export type { SandboxAdmin };

/**
 * The provider's multi-tenant public client that signs a customer's admin in with a device code (docs/entra.md
 * section 14): the emulator's default `provisioningClientId`.
 */
export const SANDBOX_PROVISIONING_CLIENT_ID = "5c9a0b4e-2f4d-4a63-9d3e-7b1f6c2a8e41";
/** That client's application display name. */
export const SANDBOX_PROVISIONING_CLIENT_NAME = "Direct Routing Onboarding (sandbox provider)";

/**
 * SBC_BASE_DOMAIN's default (api/src/config.ts): a service's SBC FQDN is `<label>.<SBC_BASE_DOMAIN>`. The readiness
 * scenarios' tenants hold `<name>.sbc.sandbox.provider.example`, so a service with the SBC sub-domain label `<name>`
 * (the tenant's domain label: `contoso` for `valid`) is the one they are ready, or not ready, for.
 */
export const SANDBOX_SBC_BASE_DOMAIN = "sbc.sandbox.provider.example";

/** Teams Phone Standard: the SKU and its `MCOEV` service plan (docs/entra.md section 16). */
const TEAMS_PHONE_SKU_ID = "e43b5b99-8dfb-405f-9987-dc307f34bcbd";
const MCOEV_PLAN = { servicePlanId: "4828c8ec-dc2e-4779-b502-87ac9ce28ab7", servicePlanName: "MCOEV" };
/** A licence without Teams Phone (Microsoft 365 E3 stands in; its plans listed here are only Teams and Exchange). */
const E3_SKU: SkuFixture = {
  skuId: "05e9a617-0261-4cee-bb44-138d3ef5d965",
  skuPartNumber: "SPE_E3",
  enabled: 25,
  consumedUnits: 12,
  servicePlans: [
    { servicePlanId: "57ff2da0-773e-42df-b2af-ffb7a2317929", servicePlanName: "TEAMS1" },
    { servicePlanId: "efb87545-963c-4e0d-99df-69c6916d9eb0", servicePlanName: "EXCHANGE_S_ENTERPRISE" },
  ],
};

/** What a scenario's tenant has for Direct Routing readiness (docs/product.md section 10). */
interface ReadinessSpec {
  /** `<name>.<SANDBOX_SBC_BASE_DOMAIN>`: verified, added but not verified, or not added. */
  sbcDomain: "verified" | "unverified" | "none";
  /** Teams Phone Standard units bought and used; absent: only a licence without Teams Phone. */
  teamsPhone?: { enabled: number; consumed: number };
  /** A user on the SBC domain (the activation user), with or without the Teams Phone licence. */
  activationUser?: { id: string; licensed: boolean };
  teamsAdminApiMissing?: boolean;
}

/** A sandbox scenario's credentials, as the banner and GET /api/sandbox show them (the contract's wire type). */
export type { SandboxCredentials };

interface ScenarioSpec {
  scenario: string;
  description: string;
  tenantId: string;
  /** Domain label: `<name>.onmicrosoft.com`. */
  name: string;
  displayName: string;
  appId: string;
  appName: string;
  secrets: SecretFixture[];
  roles?: string[];
  cloud?: TenantFixture["cloud"];
  regionScope?: string;
  initialDomainSuffix?: string;
  extraDomain?: string;
  app?: Partial<AppFixture>;
  faults?: Partial<Record<FaultRoute, Fault>>;
  readiness?: ReadinessSpec;
  /** A certificate scenario: the certificate (with its key) the operator pastes in place of a secret. */
  paste?: MadeCertificate;
}

/** A secret valid for a year that started `365 - endDays` days ago, the common portal default. */
function secret(value: string, keyId: string, endDays: number, extra: Partial<SecretFixture> = {}): SecretFixture {
  return { keyId, value, startDays: endDays - 365, endDays, displayName: "dr-onboarding", ...extra };
}

/**
 * The certificate scenarios' certificates (docs/entra.md section 13), made when first read: never a key in a file.
 * Each is valid from a day before its making until `days` days after. Made on first read, not at import: this module
 * is imported in live mode too (the server's sandbox wiring), where an RSA key pair for each of the seven would cost
 * seconds of CPU at every start for certificates nobody reads.
 */
function sandboxCertificate(name: string, days: number): MadeCertificate {
  let made: MadeCertificate | undefined;
  const make = (): MadeCertificate => {
    if (made === undefined) {
      const now = Date.now();
      made = makeCertificate(`${name}-direct-routing`, new Date(now - DAY), new Date(now + days * DAY));
    }
    return made;
  };
  return Object.freeze({
    get certPem() {
      return make().certPem;
    },
    get keyPem() {
      return make().keyPem;
    },
    get thumbprintSha1Base64() {
      return make().thumbprintSha1Base64;
    },
  });
}

/** An app's uploaded certificate whose PEM is read from `made` only when it is used (see sandboxCertificate). */
function uploaded(keyId: string, made: MadeCertificate, dates: { startDays?: number; endDays?: number } = {}) {
  return {
    keyId,
    get certPem() {
      return made.certPem;
    },
    ...dates,
  };
}
const DAY = 86_400_000;
const CERT_VALID = sandboxCertificate("treyresearch", 300);
const CERT_EXPIRING = sandboxCertificate("cohowinery", 10);
const CERT_REGISTERED = sandboxCertificate("lucernepublishing", 200);
const CERT_UNREGISTERED = sandboxCertificate("lucernepublishing-new", 365);
const CERT_GCC_HIGH = sandboxCertificate("wingtipgov", 300);
const CERT_DOD = sandboxCertificate("northwinddod", 300);
const CERT_CHINA = sandboxCertificate("fourthcoffeecn", 300);

const SPECS: ScenarioSpec[] = [
  {
    scenario: "valid",
    description:
      "Everything in order: token, both Graph permissions, Teams Administrator role, secret valid 300 days; " +
      "ready for Direct Routing with the SBC sub-domain contoso",
    tenantId: "1d32fcbd-b1f0-4f2c-bc76-1743f2280450",
    name: "contoso",
    displayName: "Contoso",
    appId: "0e31a3f6-6014-4fc5-af6e-955d20a996ef",
    appName: "Contoso Direct Routing",
    extraDomain: "contoso-sandbox.example",
    roles: READINESS_ROLES,
    readiness: {
      sbcDomain: "verified",
      teamsPhone: { enabled: 10, consumed: 1 },
      activationUser: { id: "3f8a4c61-5b1e-4d2a-9c7f-0e6b2d1a8c45", licensed: true },
    },
    secrets: [
      secret("gQQ8Q~X_LQeLik2.hDOPLGeXC981GdVz3VgZolOe", "58e64cf3-93a9-4262-abd6-81fad5ba4b6b", 300),
      // An older secret still valid: the validator must pick the pasted one by its hint, not the first listed.
      secret("ZZ48Q~wt2HaKy~hwv96y40mL6Y_AgNqiIBr6Diik", "f17873fb-1422-42c9-a027-5defc7c6657a", 20, {
        displayName: "dr-onboarding-old",
      }),
    ],
  },
  {
    scenario: "missing-consent",
    description: "Token issued but without roles: admin consent for the Graph permissions is missing",
    tenantId: "952a2e7f-fee7-4053-a787-34ea951289ea",
    name: "fabrikam",
    displayName: "Fabrikam",
    appId: "b55e4b0c-a9b2-4ad8-b738-256fe6c5bd21",
    appName: "Fabrikam Direct Routing",
    regionScope: "EU",
    roles: [],
    app: { directoryRoles: [] },
    secrets: [secret("BTu8Q~foBy-gcpCU_tDJcdZii8WBC_WZzR222cHz", "f690fc68-05f7-4e23-876b-e4f8de49ed65", 200)],
  },
  {
    scenario: "partial-consent",
    description: "Only Organization.Read.All is consented: Application.Read.All is missing, secret expiry unknown",
    tenantId: "1b538c29-d1d0-45a5-9fb7-5610f1e1ba08",
    name: "northwind",
    displayName: "Northwind Traders",
    appId: "836029f3-4cba-41f8-9eee-3b3327a87319",
    appName: "Northwind Direct Routing",
    roles: [ORG_READ],
    secrets: [secret("1ED8Q~UllHO2a7C7UP2~10FWd~scr8CRRsI5KqTd", "6c45c058-a124-4c4c-b5a4-70a69cb7f296", 180)],
  },
  {
    scenario: "expiring",
    description: "Secret expires in 5 days: validation passes with a warning",
    tenantId: "99dda98f-2c01-46cc-8e8c-bde686ba1794",
    name: "tailspin",
    displayName: "Tailspin Toys",
    appId: "bd04c08f-1521-49fc-8a95-00918ab7aee2",
    appName: "Tailspin Direct Routing",
    secrets: [secret("JbW8Q~EEXNEtW-c5Nt~9CjSyjuU~1egOFGgRpOGk", "fa3a3365-ebd8-41bf-80b2-2e2301029885", 5)],
  },
  {
    scenario: "expired",
    description: "Secret expired 3 days ago: no token (AADSTS7000222), create a new secret",
    tenantId: "4f5d0cf5-6f52-4a8b-b0ea-c9a623eb500a",
    name: "adatum",
    displayName: "Adatum Corporation",
    appId: "bad4b80a-980f-4b35-9cae-8c1c4d0b58fd",
    appName: "Adatum Direct Routing",
    secrets: [secret("Z928Q~9hXYbCVeCocCyxmASEuPXvPlYp4JIycCYb", "0520f65c-2778-479f-a641-58d882bcf28f", -3)],
  },
  {
    scenario: "disabled",
    description: "The enterprise application is disabled: no token (AADSTS7000112)",
    tenantId: "fbb6a8ad-51aa-4a14-aaee-5a1dfa55d32b",
    name: "litware",
    displayName: "Litware",
    appId: "6ad99f2e-9ddc-4f18-a1d6-81c9af4f7b28",
    appName: "Litware Direct Routing",
    app: { enabled: false },
    secrets: [secret("zlp8Q~qkOP834bzt8zsWLmj5JZvZjY5040c5C_xs", "1070d886-840a-4061-b70d-ebdeab5eb770", 250)],
  },
  {
    scenario: "blocked-by-policy",
    description: "A Conditional Access policy blocks the app: no token (AADSTS53003), ask the tenant admin",
    tenantId: "68f9c85e-34d4-463b-8ce2-2502ea2d8bee",
    name: "woodgrove",
    displayName: "Woodgrove Bank",
    appId: "865a2ae8-bd5e-4eea-85fa-b5afb2581fd3",
    appName: "Woodgrove Direct Routing",
    app: { blockedByPolicy: true },
    secrets: [secret("Ory8Q~HpK_lc65TCQYx6ko7DqcxwNhmSq.ExSgO3", "fb298f0a-929c-480b-9227-14dbd7b956af", 220)],
  },
  {
    scenario: "gcc-high",
    description:
      "The tenant lives in US Gov (GCC High): validated in the global cloud, Entra answers AADSTS900382; choose GCC High",
    tenantId: "1cedf368-c002-4703-aae8-c3a21e977b2e",
    name: "contosogov",
    // GCC High tenants get an onmicrosoft.us initial domain.
    initialDomainSuffix: "onmicrosoft.us",
    displayName: "Contoso Gov",
    appId: "5abae567-4c31-472f-86c4-8cec035bfbc3",
    appName: "Contoso Gov Direct Routing",
    cloud: "usgov-gcchigh",
    regionScope: "USGov",
    secrets: [secret("HXz8Q~H_K06QeXosBpkUfHD5uN7rXiwTQ3Hdj7Gg", "d3e6e242-eac6-428d-997c-1c541042b482", 270)],
  },
  // The national clouds in order (docs/entra.md section 1): validated in their own cloud, everything passes.
  {
    scenario: "gcc-high-valid",
    description: "Choose the GCC High cloud: everything in order at login.microsoftonline.us and graph.microsoft.us",
    tenantId: "66b06f6d-82c4-4078-bc3c-103c8d51b076",
    name: "fabrikamgov",
    initialDomainSuffix: "onmicrosoft.us",
    displayName: "Fabrikam Gov",
    appId: "1af7f90b-8f8f-4748-8a0b-a7f3114e78de",
    appName: "Fabrikam Gov Direct Routing",
    cloud: "usgov-gcchigh",
    regionScope: "USGov",
    secrets: [secret("1Rq8Q~L3DOz_KrlQzwPT6aIJuHHq1FGPW5.06pIG", "2dd6b307-3b1d-4a51-9a68-f0351a936798", 300)],
  },
  {
    scenario: "dod-valid",
    description: "Choose the DoD cloud: everything in order at login.microsoftonline.us and dod-graph.microsoft.us",
    tenantId: "6f5d0555-2aa0-4340-9871-07730653e567",
    name: "tailspindod",
    initialDomainSuffix: "onmicrosoft.us",
    displayName: "Tailspin DoD",
    appId: "39d0d414-315e-437f-8f3c-acee8775456c",
    appName: "Tailspin DoD Direct Routing",
    cloud: "usgov-dod",
    regionScope: "USGov",
    secrets: [secret("1T28Q~_2GS6hAG3tU~Hwoe8gQVYwVv6rgzcMEfIx", "67774514-9d81-4c06-a591-2029a5b1f9c6", 300)],
  },
  {
    scenario: "china-valid",
    description:
      "Choose the China cloud: everything in order at login.partner.microsoftonline.cn and " +
      "microsoftgraph.chinacloudapi.cn; in the global cloud the tenant is not found (AADSTS90002)",
    tenantId: "d20e7541-b545-4071-9fc7-2b996399f272",
    name: "adventureworkscn",
    // 21Vianet tenants get a partner.onmschina.cn initial domain.
    initialDomainSuffix: "partner.onmschina.cn",
    displayName: "Adventure Works China",
    appId: "6e9d9b1b-d1c1-4558-be7c-f1f2317f6805",
    appName: "Adventure Works China Direct Routing",
    cloud: "china",
    // (unverified) The region scope a 21Vianet tenant's discovery document names.
    regionScope: "AS",
    secrets: [secret("Ny58Q~Qq0xV~5_C9Uu_pzDZVrxsTXIdL2ehMX~3V", "216ce2fc-cf15-4d89-bdf7-f9c126962229", 300)],
  },
  {
    scenario: "graph-denied",
    description: "Roles consented, but Graph refuses /organization (403 Authorization_RequestDenied)",
    tenantId: "3e55b140-e79b-46ba-91d1-d871c3376712",
    name: "proseware",
    displayName: "Proseware",
    appId: "46899001-478e-4f93-98ac-b9da1255a801",
    appName: "Proseware Direct Routing",
    app: { organizationDenied: true },
    secrets: [secret("zRD8Q~Un9zKY9yLnUMdo_-yX~poT1E8K~NyQ2MEu", "46d23ca9-e158-47a1-812b-ea1869fd104e", 240)],
  },
  {
    scenario: "multi-tenant-app",
    description: "The app is registered in another tenant: everything passes but the secret expiry cannot be read",
    tenantId: "4ca1dac9-e40a-4004-a5dc-f2849d493c35",
    name: "relecloud",
    displayName: "Relecloud",
    appId: "4a8ec059-5265-4994-8310-446509cc8d0a",
    appName: "Relecloud Direct Routing",
    app: { registeredHere: false },
    secrets: [secret("T4U8Q~pAbI_lNKPH6iQQYzvKsx4F3FWzN2jPSt60", "64053b7d-30a0-4ed8-a0d3-69036f36144d", 150)],
  },
  {
    scenario: "no-service-principal",
    description:
      "The app is registered but has no enterprise application (service principal) in the tenant: no token " +
      "(AADSTS7000229), create it",
    tenantId: "56d42330-03a5-4c56-953e-b1184614c83c",
    name: "blueyonderairlines",
    displayName: "Blue Yonder Airlines",
    appId: "e862d8ce-5f26-4ec2-bff9-678993851339",
    appName: "Blue Yonder Direct Routing",
    app: { servicePrincipal: false },
    secrets: [secret("pkf8Q~SpzUHNKTKktmGNkqcYriBm8a~n-nM_WTi7", "ea5c5510-0211-4ac5-a0bd-315e09b0cbb3", 200)],
  },
  {
    scenario: "certificate",
    description:
      "A certificate in place of a secret: paste the PEM (certificate and private key); everything passes, " +
      "expiry read from the app's certificate (300 days). The app also has a secret: replace one with the other",
    tenantId: "fd8fcbf7-cc1f-4d22-a57e-b45983ffb565",
    name: "treyresearch",
    displayName: "Trey Research",
    appId: "3a61cc7a-4f66-4fda-852c-38159b5d2fc0",
    appName: "Trey Research Direct Routing",
    secrets: [secret("n738Q~qa_ddpR5_DXva1YkJmR~WXZ9~LKtKpI9Kb", "931bcd6d-e66a-417d-bfec-444e98fb31eb", 250)],
    app: { certificates: [uploaded("0a176e89-e045-46cb-bade-9b00d1bff632", CERT_VALID)] },
    paste: CERT_VALID,
  },
  {
    scenario: "certificate-not-registered",
    description:
      "The pasted certificate is not uploaded to the app (another one is): no token (AADSTS700027), upload its .cer",
    tenantId: "b46b8863-a975-49df-9e07-9086fbc7e654",
    name: "lucernepublishing",
    displayName: "Lucerne Publishing",
    appId: "603600cd-1e62-4d97-b2cb-776d91d700ae",
    appName: "Lucerne Direct Routing",
    secrets: [],
    app: { certificates: [uploaded("8732f9ae-c6bc-4b75-9f7e-5af3d892618c", CERT_REGISTERED)] },
    paste: CERT_UNREGISTERED,
  },
  {
    scenario: "certificate-expiring",
    description: "The certificate expires in 10 days: validation passes with a warning (certificate_expiring)",
    tenantId: "2350bd55-72e9-4fcf-8f13-5576b1562d7c",
    name: "cohowinery",
    displayName: "Coho Winery",
    appId: "0e0e5b9d-ff4e-46ab-b17c-d9dee3b10f7c",
    appName: "Coho Winery Direct Routing",
    secrets: [],
    app: {
      certificates: [uploaded("1852ff9a-66ab-4717-bc8f-fabb8a724696", CERT_EXPIRING, { startDays: -1, endDays: 10 })],
    },
    paste: CERT_EXPIRING,
  },
  // A certificate in each national cloud (docs/entra.md section 13): the client assertion's audience is that
  // cloud's token endpoint.
  {
    scenario: "gcc-high-certificate",
    description:
      "Choose the GCC High cloud and paste the PEM: a certificate in GCC High, everything passes (expiry 300 days); " +
      "validated in the global cloud, Entra answers AADSTS900382",
    tenantId: "e0645da3-19f7-4b80-92ae-6ae7408442c0",
    name: "wingtipgov",
    initialDomainSuffix: "onmicrosoft.us",
    displayName: "Wingtip Gov",
    appId: "0d22beca-4b8e-40a8-ae72-1148b4fd0267",
    appName: "Wingtip Gov Direct Routing",
    cloud: "usgov-gcchigh",
    regionScope: "USGov",
    secrets: [],
    app: { certificates: [uploaded("217138bb-dc75-4acc-bb77-8a5c88b6dce7", CERT_GCC_HIGH)] },
    paste: CERT_GCC_HIGH,
  },
  {
    scenario: "dod-certificate",
    description: "Choose the DoD cloud and paste the PEM: a certificate in DoD, everything passes (expiry 300 days)",
    tenantId: "90c2b477-2b93-410d-af86-d8c153f19fe9",
    name: "northwinddod",
    initialDomainSuffix: "onmicrosoft.us",
    displayName: "Northwind DoD",
    appId: "7db4f916-1456-4c8d-a7af-baafe279a0a0",
    appName: "Northwind DoD Direct Routing",
    cloud: "usgov-dod",
    regionScope: "USGov",
    secrets: [],
    app: { certificates: [uploaded("e5a577ed-bd21-4337-8c18-e1d3a3327cac", CERT_DOD)] },
    paste: CERT_DOD,
  },
  {
    scenario: "china-certificate",
    description:
      "Choose the China cloud and paste the PEM: a certificate in China, everything passes (expiry 300 days)",
    tenantId: "a2ce92e0-1611-4e8a-82ca-3eb2b024eadc",
    name: "fourthcoffeecn",
    initialDomainSuffix: "partner.onmschina.cn",
    displayName: "Fourth Coffee China",
    appId: "3c8fb2d3-58b7-40d4-b8c8-2117adce0c5e",
    appName: "Fourth Coffee China Direct Routing",
    cloud: "china",
    // (unverified) As china-valid.
    regionScope: "AS",
    secrets: [],
    app: { certificates: [uploaded("1ee5e886-9cb1-42a4-8a00-c08ac51850ea", CERT_CHINA)] },
    paste: CERT_CHINA,
  },
  {
    scenario: "secret-rotated",
    description: "The pasted secret is not among the app's listed secrets (rotated?): expiry unknown, with a warning",
    tenantId: "904e18cc-7e6a-45ee-bb2b-9411f47e6c94",
    name: "wingtip",
    displayName: "Wingtip Toys",
    appId: "32a2f732-77bc-4e2c-823d-8932b0c192cb",
    appName: "Wingtip Direct Routing",
    // Graph lists a hint that does not match the value's first 3 characters ("VLP").
    secrets: [
      secret("VLP8Q~cNEI402PeCk3Ic1Q5HITDY-ObCxTbM6_~o", "fa6f66d5-5b90-417a-b687-6722ab6ff48b", 190, { hint: "q7R" }),
    ],
  },
  {
    scenario: "throttled-once",
    description: "The first token request is throttled (429, Retry-After 1 s), the retry succeeds",
    tenantId: "4c45bf02-5036-4397-9a35-0ae3976afbda",
    name: "alpineskihouse",
    displayName: "Alpine Ski House",
    appId: "b04a433c-e352-404d-b437-184e551f19a2",
    appName: "Alpine Direct Routing",
    faults: { token: { kind: "throttle", retryAfterSeconds: 1, times: 1 } },
    secrets: [secret("8GY8Q~kWQZOivA7mypYCUVTNQV6XF-H_c~nzBudW", "d77e8852-7dad-40d0-b582-d0e35ff86eee", 210)],
  },
  {
    scenario: "throttled",
    description: "Every token request is throttled (429, Retry-After 120 s): result unknown, try later",
    tenantId: "ac9ba145-524c-4576-8a27-040e94196569",
    name: "cohowinery",
    displayName: "Coho Winery",
    appId: "9918b2ad-9918-4d46-b195-7d078582f54b",
    appName: "Coho Direct Routing",
    faults: { token: { kind: "throttle", retryAfterSeconds: 120, times: Number.POSITIVE_INFINITY } },
    secrets: [secret("qAy8Q~g0.0-lsxFM3enacgVynW1Rkjs_N9o7O8xa", "d8589e8b-3f03-46b3-a9ce-c822cbb9d8da", 230)],
  },
  {
    scenario: "graph-unavailable",
    description: "Token issued, but Graph answers 503 (Retry-After 120 s): Graph checks unknown, try later",
    tenantId: "71b05c37-de7a-4106-afb2-d903c024170f",
    name: "margiestravel",
    displayName: "Margie's Travel",
    appId: "6806f0a1-962d-48f0-853e-016f580b0fa5",
    appName: "Margie's Travel Direct Routing",
    faults: {
      organization: { kind: "unavailable", retryAfterSeconds: 120, times: Number.POSITIVE_INFINITY },
      applications: { kind: "unavailable", retryAfterSeconds: 120, times: Number.POSITIVE_INFINITY },
    },
    secrets: [secret("Zf98Q~6JbXFFSCkFjFXS.FzxdgehtRTdo7~0qJGW", "6332e548-e726-40dd-868b-26e37ccec355", 260)],
  },
  {
    scenario: "slow",
    description: "The tenant discovery never answers: the check times out and reports unknown",
    tenantId: "c150f224-ce98-4e7f-93c7-0f4767ecf68f",
    name: "lucernepublishing",
    displayName: "Lucerne Publishing",
    appId: "fcae5b79-f29d-4058-9656-af754d6b834f",
    appName: "Lucerne Direct Routing",
    faults: { openid: { kind: "hang" } },
    secrets: [secret("yRn8Q~bVD1ryCt~sDnsJohsH3At1qnoXqdjBmaDl", "425400b8-0dae-4267-bc3f-ae34dcdf0c3a", 280)],
  },
  {
    scenario: "token-hang",
    description: "The token endpoint never answers: the token check times out and reports unknown",
    tenantId: "d24f7865-1bd0-4d33-8704-1d70a7ad273a",
    name: "treyresearch",
    displayName: "Trey Research",
    appId: "4e76f812-6ecf-462f-9743-e8506dac0f41",
    appName: "Trey Direct Routing",
    faults: { token: { kind: "hang" } },
    secrets: [secret("k5g8Q~wrNTFB41zc6g28jeRrDw1dmR9z.teYC9RO", "bc8cc46d-9383-4614-a92f-116ff3158254", 290)],
  },
  {
    scenario: "html-502",
    description: "A proxy answers the token request with an HTML 502 page: reported as unknown, not as bad credentials",
    tenantId: "9688495e-7418-44b7-a678-35aca0d81492",
    name: "fourthcoffee",
    displayName: "Fourth Coffee",
    appId: "87d197ff-8688-4517-af02-d7b3be390756",
    appName: "Fourth Coffee Direct Routing",
    faults: { token: { kind: "html502" } },
    secrets: [secret("X918Q~ivpCtyNJJrwKU_K4JY9Lh9CdmCyyXfESgg", "a42afb20-aabd-444c-980f-c0d4ce172d71", 310)],
  },
  {
    scenario: "reset",
    description: "The connection is reset during tenant discovery: network error, reported as unknown",
    tenantId: "f7a5a585-849c-4008-b895-6600d4323612",
    name: "humongousinsurance",
    displayName: "Humongous Insurance",
    appId: "1765fac2-3d0e-4ff7-8e1a-c0eb9d66e631",
    appName: "Humongous Direct Routing",
    faults: { openid: { kind: "reset" } },
    secrets: [secret("V7k8Q~rdQYCK0OHSc3w25ZadsYI6eMitbxsZ8M2k", "31b14c3c-f2d8-4b83-9d99-a5fc35991176", 320)],
  },
  {
    scenario: "self-rotation",
    description:
      "The app owns itself (Application.ReadWrite.OwnedBy): it can add its own new secret; the secret expires in " +
      "20 days, so it is due for rotation",
    tenantId: "6e2315f6-8099-472f-945c-4f76c8795c64",
    name: "firstupconsultants",
    displayName: "First Up Consultants",
    appId: "e52ef63b-0920-4005-a3c6-0fc1295acdc2",
    appName: "First Up Direct Routing",
    roles: [ORG_READ, APP_READ, "Application.ReadWrite.OwnedBy"],
    app: { ownedBySelf: true },
    secrets: [secret("QgX8Q~IcvOcU_wxC4w-Jzjaal8yO_6ApMfYT6Drs", "3dd289f7-41cd-4bba-b3eb-35728e420cdb", 20)],
  },
  {
    scenario: "graph-html-502",
    description: "Token issued, but a proxy answers Graph /organization with an HTML 502 page: Graph check unknown",
    tenantId: "7ad89109-b0d7-4170-8252-1c42a747fce4",
    name: "vanarsdel",
    displayName: "VanArsdel",
    appId: "8ac31a2a-d051-47ca-bd1a-168a0fa8746e",
    appName: "VanArsdel Direct Routing",
    faults: { organization: { kind: "html502" } },
    secrets: [secret("3i48Q~nQSNsE64g0E7CwYNphgiDlGLk0LTEzg3H-", "9ef24593-5d08-4ac7-9363-ff9933621531", 330)],
  },
  {
    scenario: "readiness-domain-not-added",
    description: "Credentials valid, but the SBC sub-domain adventureworks is not added to the tenant: add the domain",
    tenantId: "318ed6b8-f631-4284-b60f-78dcdd990b56",
    name: "adventureworks",
    displayName: "Adventure Works",
    appId: "dc515557-f54d-4dd4-8eb4-e2db4b35c2d4",
    appName: "Adventure Works Direct Routing",
    roles: READINESS_ROLES,
    readiness: { sbcDomain: "none", teamsPhone: { enabled: 10, consumed: 2 } },
    secrets: [secret("W4n8Q~glk26Vv8Yu8TkvLPDyT05vtuAFlwK4C9VH", "fa95cf19-87eb-4d71-8f15-83a9a6e48173", 300)],
  },
  {
    scenario: "readiness-domain-unverified",
    description: "The SBC sub-domain blueyonder is added but not verified: publish the TXT record shown",
    tenantId: "cf873f89-0e4a-4ecb-b755-c33be449836b",
    name: "blueyonder",
    displayName: "Blue Yonder Airlines",
    appId: "2a34e4bc-c4ba-4a13-9bb5-c7be4c932b32",
    appName: "Blue Yonder Direct Routing",
    roles: READINESS_ROLES,
    readiness: { sbcDomain: "unverified", teamsPhone: { enabled: 10, consumed: 2 } },
    secrets: [secret("FnJ8Q~z_C2r3813.mAC8wmPuPny1y.azcntfevgQ", "84d23a14-a109-43ff-a618-397a8a8bc38f", 300)],
  },
  {
    scenario: "readiness-no-free-licence",
    description: "Every Teams Phone Standard licence is in use (5 of 5): buy one for the activation user (SBC cpandl)",
    tenantId: "c50227f6-36b9-4aeb-8787-f4032d9412e6",
    name: "cpandl",
    displayName: "Contoso Pharmaceuticals",
    appId: "dbc2d841-a765-40cf-94e8-d137d6bd3919",
    appName: "CPandL Direct Routing",
    roles: READINESS_ROLES,
    readiness: {
      sbcDomain: "verified",
      teamsPhone: { enabled: 5, consumed: 5 },
      activationUser: { id: "c2303eed-3b24-4137-b671-35f6fc9e47a6", licensed: false },
    },
    secrets: [secret("Bhv8Q~a2wITfC.Q1KjntI~2p~YQqujYRHEZ3Rg08", "277da11b-f190-4fef-b6da-46edea6560ee", 300)],
  },
  {
    scenario: "readiness-no-activation-user",
    description: "No user on the SBC sub-domain graphicdesign yet: create the activation user and license it",
    tenantId: "d079b080-999f-4419-ae99-d07dc482294e",
    name: "graphicdesign",
    displayName: "Graphic Design Institute",
    appId: "373fea08-3a6b-4fed-a5d9-ddfcfc5b2662",
    appName: "Graphic Design Direct Routing",
    roles: READINESS_ROLES,
    readiness: { sbcDomain: "verified", teamsPhone: { enabled: 10, consumed: 3 } },
    secrets: [secret("skh8Q~Xfc9NVePu-9cHAF.~g82E65gD23UpuDg~O", "376524f4-82f6-430e-8c67-ca27bfec3954", 300)],
  },
  {
    scenario: "readiness-no-teams-role",
    description:
      "The app lacks the Teams Administrator role (Teams PowerShell cannot configure Direct Routing), SBC nod",
    tenantId: "08f1316e-93ee-41a4-b073-2c5cc8aaff3c",
    name: "nod",
    displayName: "Nod Publishers",
    appId: "386034f7-8e1d-4e8a-b799-79019b6378c6",
    appName: "Nod Direct Routing",
    roles: READINESS_ROLES,
    app: { directoryRoles: [] },
    readiness: {
      sbcDomain: "verified",
      teamsPhone: { enabled: 10, consumed: 1 },
      activationUser: { id: "602ca52c-7200-4fe9-9647-e54c6f9912a7", licensed: true },
    },
    secrets: [secret("3lu8Q~HSz8xjeEvAJFo~-~vzveh4KreL08fmo54X", "93234215-425d-42de-b0f9-52c5467c4e66", 300)],
  },
  {
    scenario: "readiness-no-teams-api",
    description: "The Skype and Teams Tenant Admin API is missing in the tenant (AADSTS500011), SBC southridge",
    tenantId: "17b44767-8393-4b98-8c5e-e47baf82831e",
    name: "southridge",
    displayName: "Southridge Video",
    appId: "9684c5f5-673e-4a77-9bff-067bb4d53c41",
    appName: "Southridge Direct Routing",
    roles: READINESS_ROLES,
    readiness: {
      sbcDomain: "verified",
      teamsPhone: { enabled: 10, consumed: 1 },
      activationUser: { id: "1fd47ecc-aa63-4e86-97ee-48858a6cde7d", licensed: true },
      teamsAdminApiMissing: true,
    },
    secrets: [secret("wuE8Q~aK8HQXnTdHu-Ye1wcSKJ.rNBPZpAmdZKy.", "08afee6c-ae46-4237-9f95-936d0a088490", 300)],
  },
  {
    scenario: "readiness-permissions-missing",
    description:
      "Domain.Read.All and User.Read.All are not granted: the domain and user checks are unknown, naming them " +
      "(SBC consolidated)",
    tenantId: "e788a01d-fe3d-4e2a-9561-02166011939a",
    name: "consolidated",
    displayName: "Consolidated Messenger",
    appId: "59b6eff1-663e-416f-8303-3bed64eb5f49",
    appName: "Consolidated Direct Routing",
    readiness: {
      sbcDomain: "verified",
      teamsPhone: { enabled: 10, consumed: 1 },
      activationUser: { id: "cd3e5dcf-afa9-4827-bbe9-7e223a359a92", licensed: true },
    },
    secrets: [secret("nOt8Q~CTGCL4tckCskDr~lLv75aWhNalIdzbz.6B", "0fa960d7-c6bd-4e3d-83d0-e329d5c841a6", 300)],
  },
];

function toFixture(spec: ScenarioSpec): TenantFixture {
  const initial = `${spec.name}.${spec.initialDomainSuffix ?? "onmicrosoft.com"}`;
  const domains: TenantFixture["domains"] = [
    { name: initial, isDefault: spec.extraDomain === undefined, isInitial: true },
  ];
  if (spec.extraDomain !== undefined) domains.push({ name: spec.extraDomain, isDefault: true, isInitial: false });
  const readiness = spec.readiness;
  const sbcDomain = `${spec.name}.${SANDBOX_SBC_BASE_DOMAIN}`;
  if (readiness !== undefined && readiness.sbcDomain !== "none") {
    domains.push({
      name: sbcDomain,
      isDefault: false,
      isInitial: false,
      isVerified: readiness.sbcDomain === "verified",
    });
  }
  const app: AppFixture = {
    appId: spec.appId,
    displayName: spec.appName,
    enabled: true,
    registeredHere: true,
    secrets: spec.secrets.map((s) => ({ ...s })),
    graphRoles: [...(spec.roles ?? BOTH_ROLES)],
    directoryRoles: [TEAMS_ADMIN],
    ...spec.app,
  };
  const fixture: TenantFixture = {
    scenario: spec.scenario,
    description: spec.description,
    id: spec.tenantId,
    displayName: spec.displayName,
    domains,
    cloud: spec.cloud ?? "global",
    regionScope: spec.regionScope ?? "NA",
    apps: [app],
  };
  if (spec.faults !== undefined) fixture.faults = { ...spec.faults };
  if (readiness !== undefined) {
    const phone = readiness.teamsPhone;
    fixture.skus = [
      { ...E3_SKU, servicePlans: [...E3_SKU.servicePlans] },
      ...(phone
        ? [
            {
              skuId: TEAMS_PHONE_SKU_ID,
              skuPartNumber: "MCOEV",
              enabled: phone.enabled,
              consumedUnits: phone.consumed,
              servicePlans: [{ ...MCOEV_PLAN }],
            },
          ]
        : []),
    ];
    const user = readiness.activationUser;
    if (user !== undefined) {
      fixture.users = [
        {
          id: user.id,
          userPrincipalName: `sbc-activation@${sbcDomain}`,
          displayName: `${spec.displayName} SBC activation`,
          directoryRoles: [],
          assignedLicenses: user.licensed ? [E3_SKU.skuId, TEAMS_PHONE_SKU_ID] : [E3_SKU.skuId],
        },
      ];
    }
    if (readiness.teamsAdminApiMissing === true) fixture.teamsAdminApiMissing = true;
  }
  return fixture;
}

/** A tenant where a customer's admin signs in with a device code and the app is created (docs/entra.md 14, 15). */
interface ProvisioningSpec {
  scenario: string;
  description: string;
  tenantId: string;
  /** Domain label: `<name>.onmicrosoft.com`. */
  name: string;
  displayName: string;
  user: { id: string; login: string; displayName: string; roles: string[]; roleName: string };
  provisioning: ProvisioningFixture;
}

const PROVISIONING_SPECS: ProvisioningSpec[] = [
  {
    scenario: "provision",
    description: "The admin signs in and everything is created; Entra takes a moment to accept the new app and secret",
    tenantId: "a2cc66d2-fa90-4b1b-9f2a-441040ea5f79",
    name: "lamna",
    displayName: "Lamna Healthcare",
    user: {
      id: "fcc2ee98-9075-4462-a109-d83142fe624f",
      login: "admin",
      displayName: "Lamna Admin",
      roles: [GLOBAL_ADMIN],
      roleName: "Global Administrator",
    },
    provisioning: { replicationDelayMs: 1500 },
  },
  {
    scenario: "provision-app-admin",
    description:
      "The admin is only an Application Administrator: the app is created, but consent to the Graph permissions is " +
      "refused (403)",
    tenantId: "02191945-e0f0-4244-aec9-022b44c76749",
    name: "bellowscollege",
    displayName: "Bellows College",
    user: {
      id: "77860fe0-3ab0-4224-9caf-6e154fc64593",
      login: "appadmin",
      displayName: "Bellows App Admin",
      roles: [APPLICATION_ADMIN],
      roleName: "Application Administrator",
    },
    provisioning: {},
  },
  {
    scenario: "provision-no-role",
    description:
      "The user who signs in holds no admin role and users may not register apps: creating the app is refused",
    tenantId: "d6e994ad-00f5-44e1-9194-7d9c7d89e2ed",
    name: "munsonspickles",
    displayName: "Munson's Pickles",
    user: {
      id: "32054f99-6671-491f-b08b-054985b3aad1",
      login: "user",
      displayName: "Munson's User",
      roles: [],
      roleName: "no admin role",
    },
    provisioning: { appRegistrationDisabled: true },
  },
  {
    scenario: "provision-consent-blocked",
    description: "A tenant policy blocks consent to the provider's app: the sign-in ends with AADSTS65001",
    tenantId: "55132035-57f9-4f16-bbe4-a52401d37023",
    name: "wideworldimporters",
    displayName: "Wide World Importers",
    user: {
      id: "10ffbce3-5bdf-42e1-9ef9-17c5841e20bf",
      login: "admin",
      displayName: "Wide World Admin",
      roles: [GLOBAL_ADMIN],
      roleName: "Global Administrator",
    },
    provisioning: { consentBlocked: true },
  },
  {
    scenario: "provision-slow-replication",
    description: "Entra takes 20 s to accept the new app, its service principal and its secret: retries are needed",
    tenantId: "a44bcc65-ff9e-4266-a2a7-bbd4a5bd9a35",
    name: "fincherarchitects",
    displayName: "Fincher Architects",
    user: {
      id: "a55c2a27-88df-49f7-a6a0-63de320106f3",
      login: "admin",
      displayName: "Fincher Admin",
      roles: [GLOBAL_ADMIN],
      roleName: "Global Administrator",
    },
    provisioning: { replicationDelayMs: 20_000 },
  },
];

function upnOf(spec: ProvisioningSpec): string {
  return `${spec.user.login}@${spec.name}.onmicrosoft.com`;
}

function toProvisioningFixture(spec: ProvisioningSpec): TenantFixture {
  return {
    scenario: spec.scenario,
    description: spec.description,
    id: spec.tenantId,
    displayName: spec.displayName,
    domains: [{ name: `${spec.name}.onmicrosoft.com`, isDefault: true, isInitial: true }],
    cloud: "global",
    regionScope: "NA",
    apps: [],
    users: [
      {
        id: spec.user.id,
        userPrincipalName: upnOf(spec),
        displayName: spec.user.displayName,
        directoryRoles: [...spec.user.roles],
      },
    ],
    provisioning: { ...spec.provisioning },
  };
}

/**
 * The sandbox tenants, freshly built on every call so that a caller may mutate its copy (e.g. to disable an app
 * in a test) without affecting others: the credential scenarios, then the provisioning ones (no apps, one user).
 */
export function sandboxTenants(): TenantFixture[] {
  return [...SPECS.map(toFixture), ...PROVISIONING_SPECS.map(toProvisioningFixture)];
}

/**
 * Who the sandbox's "admin signs in" button can act as (it stands for the browser at microsoft.com/devicelogin):
 * each provisioning tenant's user (approve), and two entries that sign nobody in. The scenario names are a contract.
 */
export const SANDBOX_ADMINS: readonly SandboxAdmin[] = Object.freeze([
  ...PROVISIONING_SPECS.map(
    (spec): SandboxAdmin =>
      Object.freeze({
        scenario: spec.scenario,
        label: `${upnOf(spec)} (${spec.displayName}, ${spec.user.roleName})`,
        description: spec.description,
        userPrincipalName: upnOf(spec),
        action: "approve",
      }),
  ),
  Object.freeze({
    scenario: "provision-declined",
    label: "Decline the sign-in",
    description: "The admin declines the sign-in",
    userPrincipalName: null,
    action: "decline",
  } satisfies SandboxAdmin),
  Object.freeze({
    scenario: "provision-expired",
    label: "Let the code expire",
    description: "Nobody signs in before the code expires",
    userPrincipalName: null,
    action: "expire",
  } satisfies SandboxAdmin),
]);

/** Credentials to try each scenario, keyed by scenario name (the names are a contract with the rest of the team). */
export const SANDBOX: Readonly<Record<string, SandboxCredentials>> = Object.freeze({
  ...Object.fromEntries(
    SPECS.map((spec) => {
      const first = spec.secrets[0];
      if (first === undefined && spec.paste === undefined) throw new Error(`scenario ${spec.scenario} has no secret`);
      const creds: SandboxCredentials = {
        tenantId: spec.tenantId,
        tenantDomain: `${spec.name}.${spec.initialDomainSuffix ?? "onmicrosoft.com"}`,
        clientId: spec.appId,
        clientSecret: first?.value ?? "",
        cloud: spec.cloud ?? "global",
        description: spec.description,
      };
      // The bundle is made when first read (sandboxCertificate), still an enumerable property of the frozen value.
      const paste = spec.paste;
      if (paste !== undefined) {
        Object.defineProperty(creds, "clientCertificatePem", { enumerable: true, get: () => pemBundle(paste) });
      }
      return [spec.scenario, Object.freeze(creds)];
    }),
  ),
  // Exists nowhere: no fixture holds these ids, so discovery answers AADSTS90002.
  "unknown-tenant": Object.freeze({
    tenantId: "cd5936e5-8182-49f2-906d-beebbcc85feb",
    tenantDomain: "nosuchtenant.onmicrosoft.com",
    clientId: "3742bc72-53aa-404c-8307-0dc491c26d61",
    clientSecret: "2F78Q~cuLsvHKcqvmWM5Nvb.dLv4nie7steik47U",
    cloud: "global",
    description: "The tenant does not exist (AADSTS90002): check the Directory (tenant) ID or the cloud",
  }),
});

/** The scenario names, in display order. */
export const SANDBOX_SCENARIOS: readonly string[] = Object.freeze(Object.keys(SANDBOX));
