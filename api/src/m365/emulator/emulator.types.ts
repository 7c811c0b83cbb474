/**
 * Shapes of the Entra ID and Microsoft Graph emulator. The core is a pure request -> response function over
 * fixtures; adapters turn it into an in-process Dispatch (fast tests) or an HTTPS server on loopback.
 */

/** A fault the emulator can inject on one route of one tenant. */
export type Fault =
  /** Answer normally after waiting `ms`. */
  | { kind: "latency"; ms: number }
  /** Accept the request and never answer (the client's timeout must fire). */
  | { kind: "hang" }
  /** Answer 502 with an HTML body, as a reverse proxy does. */
  | { kind: "html502" }
  /** Destroy the connection without an answer (the client sees ECONNRESET). */
  | { kind: "reset" }
  /**
   * Answer 429 with `Retry-After: retryAfterSeconds` for the first `times` requests (Infinity = always),
   * then normally. Token route: Entra's throttling body; Graph routes: Graph's error envelope.
   */
  | { kind: "throttle"; retryAfterSeconds: number; times: number }
  /** Answer 503 with `Retry-After` the first `times` requests, then normally. */
  | { kind: "unavailable"; retryAfterSeconds: number; times: number };

/**
 * Routes on which faults can be injected. "devicecode" is the device-code start route; "graphWrite" covers every
 * Graph write (POST and DELETE) route.
 */
export type FaultRoute =
  | "openid"
  | "token"
  | "organization"
  | "applications"
  | "servicePrincipals"
  | "devicecode"
  | "graphWrite"
  /** The Direct Routing readiness reads (docs/entra.md section 16). */
  | "domains"
  | "subscribedSkus"
  | "users";

export interface SecretFixture {
  /** The "Secret ID" GUID (passwordCredential.keyId). */
  keyId: string;
  /** The secret Value the customer would paste. */
  value: string;
  /**
   * What Graph reports as `hint`; defaults to the first 3 characters of `value`. `null` for an old credential that
   * Graph lists with `"hint": null` (docs/entra.md section 10).
   */
  hint?: string | null;
  /** Days relative to the emulator clock's now (negative = in the past). */
  startDays: number;
  endDays: number;
  displayName?: string;
}

/** A certificate uploaded to an app (a keyCredential, docs/entra.md section 13); only its public part. */
export interface CertificateFixture {
  /** The keyCredential's keyId (GUID). */
  keyId: string;
  /** The public certificate, PEM. */
  certPem: string;
  /** Graph's `displayName`; defaults to the certificate's subject, as the portal sets it. */
  displayName?: string;
  /** The keyCredential's dates, days relative to the emulator clock's now; default: the certificate's own dates. */
  startDays?: number;
  endDays?: number;
}

export interface AppFixture {
  /** Application (client) ID. */
  appId: string;
  displayName: string;
  /** Service principal accountEnabled; false -> AADSTS7000112. */
  enabled: boolean;
  /**
   * Whether the application object lives in this tenant. False models a multi-tenant app registered elsewhere:
   * the service principal exists here, but GET /applications(appId=...) answers 404.
   */
  registeredHere: boolean;
  secrets: SecretFixture[];
  /** Certificates uploaded to the app (keyCredentials); none by default. */
  certificates?: CertificateFixture[];
  /** Microsoft Graph application permissions with admin consent (token `roles`); empty -> no `roles` claim. */
  graphRoles: string[];
  /** Directory role template ids assigned to the app (token `wids`, besides the implicit one). */
  directoryRoles: string[];
  /** Conditional Access blocks this workload identity: AADSTS53003 (invalid_grant, suberror message_only). */
  blockedByPolicy?: boolean;
  /** Graph answers 403 Authorization_RequestDenied on /organization even with the role (e.g. a restricted tenant). */
  organizationDenied?: boolean;
  /**
   * The app's own service principal is an owner of its application (docs/entra.md section 11), so that with
   * Application.ReadWrite.OwnedBy it can rotate its own secret.
   */
  ownedBySelf?: boolean;
  /**
   * False: the app is registered here but has no service principal (enterprise application) in the tenant, as an
   * app made with az CLI or Graph without `az ad sp create`: AADSTS7000229 (docs/entra.md section 4).
   */
  servicePrincipal?: boolean;
}

/** A user of the directory, who can sign in with a device code (docs/entra.md section 14). */
export interface UserFixture {
  /** Object id (GUID): the token's `oid`. */
  id: string;
  userPrincipalName: string;
  displayName: string;
  /** Directory role template ids (docs/entra.md section 11): the token's `wids`. */
  directoryRoles: string[];
  /** The `skuId`s of the licences assigned to the user (docs/entra.md section 16); none by default. */
  assignedLicenses?: string[];
}

/** A domain of the tenant (docs/entra.md sections 9 and 16). */
export interface DomainFixture {
  name: string;
  isDefault: boolean;
  isInitial: boolean;
  /** False: added but not verified (absent from `verifiedDomains`, and no tenant lookup by it). Default true. */
  isVerified?: boolean;
  /** Graph's `supportedServices`, e.g. `["Email", "OfficeCommunicationsOnline"]`; default those two when verified. */
  supportedServices?: string[];
}

/** A licence the tenant bought, as GET /subscribedSkus lists it (docs/entra.md section 16). */
export interface SkuFixture {
  skuId: string;
  skuPartNumber: string;
  /** prepaidUnits.enabled */
  enabled: number;
  consumedUnits: number;
  /** The plans of the SKU: `servicePlanName` (e.g. `MCOEV`) and `servicePlanId`. */
  servicePlans: { servicePlanId: string; servicePlanName: string }[];
}

/** How the tenant treats automatic App registration (docs/entra.md sections 12, 14 and 15). */
export interface ProvisioningFixture {
  /** Users without an admin role may not create apps: POST /applications answers 403. */
  appRegistrationDisabled?: boolean;
  /** A tenant policy blocks consent to the provider's provisioning app: the device-code token answer is AADSTS65001. */
  consentBlocked?: boolean;
  /**
   * A new application, its service principal and a new password are refused by the token endpoint (700016 /
   * 7000215), and a new service principal is unknown to appRoleAssignedTo, until this long (ms) after creation.
   * Default 0.
   */
  replicationDelayMs?: number;
}

export interface TenantFixture {
  /** Short scenario name, e.g. "valid", "missing-consent". */
  scenario: string;
  /** What the scenario shows, for the README and the sandbox banner. */
  description: string;
  /** Tenant GUID. */
  id: string;
  displayName: string;
  /** The tenant's domains (verified unless `isVerified: false`); exactly one isInitial (`*.onmicrosoft.com`). */
  domains: DomainFixture[];
  /**
   * Where the tenant lives: its openid-configuration names that cloud's instance and region, and the login and Graph
   * hosts of another cloud refuse it as Entra does (emulator.clouds.ts; docs/entra.md section 1).
   */
  cloud: "global" | "usgov-gcchigh" | "usgov-dod" | "china";
  /** openid-configuration tenant_region_scope, e.g. "NA", "EU", "USGov". */
  regionScope: string;
  apps: AppFixture[];
  /** Users who can sign in (device code); none by default. */
  users?: UserFixture[];
  provisioning?: ProvisioningFixture;
  /** Licences bought (GET /subscribedSkus); none by default. */
  skus?: SkuFixture[];
  /**
   * The Skype and Teams Tenant Admin API has no service principal here: a token for it answers AADSTS500011
   * (docs/entra.md section 16). Default false (every Microsoft 365 tenant with Teams has it).
   */
  teamsAdminApiMissing?: boolean;
  faults?: Partial<Record<FaultRoute, Fault>>;
}

export interface EmulatorRequest {
  method: string;
  /** Path and query as sent, e.g. "/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration". */
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

/** Entra's directories: a tenant lives in one; GCC High and DoD tenants share the US Gov one. */
export type EntraInstance = "global" | "usgov" | "china";

/** What the Host of a request is, for the emulator (emulator.clouds.ts). */
export interface HostView {
  /** The Entra instance the host belongs to. */
  instance: EntraInstance;
  /** A login host, a Graph host, or `any` for a host outside the table (serves both, as the global cloud). */
  service: "login" | "graph" | "any";
  /**
   * Graph resources (no trailing slash) of the host: on a login host, those its tokens may name (its instance's);
   * on a Graph host, the one audience it accepts.
   */
  graphResources: readonly string[];
}

export type EmulatorResponse =
  | { kind: "response"; status: number; headers: Record<string, string>; body: string; delayMs?: number }
  | { kind: "hang" }
  | { kind: "reset" };

/** Options of {@link Emulator} creation. */
export interface EmulatorOptions {
  /** The tenants the emulated directory holds. */
  tenants: TenantFixture[];
  /**
   * The emulator clock. Secret dates are anchored to its value when the emulator is created, so a test that
   * moves the clock forward sees secrets expire.
   */
  now?: () => Date;
  /** Added to every answer (`delayMs`), for benchmarks that need a realistic round trip. */
  latencyMs?: number;
  /** The Graph resource (token `aud`); default "https://graph.microsoft.com". */
  graphResource?: string;
  /**
   * The provider's multi-tenant public client that signs the customer's admin in with a device code; default
   * `SANDBOX_PROVISIONING_CLIENT_ID` (emulator.fixtures.ts).
   */
  provisioningClientId?: string;
  /** The device-code answer's `interval`, seconds; default 5. */
  deviceCodeIntervalSeconds?: number;
  /** The device-code answer's `expires_in`, seconds; default 900. */
  deviceCodeLifetimeSeconds?: number;
}

/**
 * What the admin does at microsoft.com/devicelogin (the sandbox stands in for the browser): sign in as a user,
 * decline, or let the code expire without signing in.
 */
export type DeviceSignInAction = { userPrincipalName: string } | { decline: true } | { expire: true };

/**
 * The outcome of {@link Emulator.signInWithDeviceCode}. `tenantId` is the tenant signed into; for a decline or an
 * expiry it is the tenant the code was requested for, or "" for a code requested on `organizations`.
 */
export type DeviceSignInResult =
  | { ok: true; tenantId: string; userPrincipalName?: string }
  | { ok: false; reason: "unknown_code" | "expired" | "already_signed_in" | "unknown_user" | "wrong_tenant" };

/** The names under which {@link DirectorySnapshot.calls} counts Graph write calls. */
export type GraphWriteCall =
  | "createApplication"
  | "createServicePrincipal"
  | "appRoleAssignedTo"
  | "roleAssignments"
  | "addOwner"
  | "addPassword"
  | "removePassword"
  | "addKey"
  | "removeKey"
  | "deleteApplication"
  | "deleteServicePrincipal"
  | "deleteRoleAssignment";

/** A password credential as the directory holds it; never the secret. */
export interface DirectoryPassword {
  keyId: string;
  hint: string | null;
  displayName: string | null;
  /** ISO 8601. */
  startDateTime: string;
  endDateTime: string;
}

/** An application of the directory, as plain data. */
export interface DirectoryApplication {
  /** Object id. */
  id: string;
  appId: string;
  displayName: string;
  /** Object ids of the owners (users or service principals). */
  owners: string[];
  /** Absent when the application has no service principal in the tenant. */
  servicePrincipalId?: string;
  /** Graph application permissions granted (token `roles`). */
  graphRoles: string[];
  /** Directory role template ids assigned (token `wids`, besides the implicit one). */
  directoryRoles: string[];
  passwords: DirectoryPassword[];
}

/** A tenant's directory for tests: its applications and how often each Graph write was called. */
export interface DirectorySnapshot {
  applications: DirectoryApplication[];
  /**
   * Graph write requests by name ({@link GraphWriteCall}), counting every authenticated request that reached the
   * route, refused or throttled ones included.
   */
  calls: Record<string, number>;
}

/** A public signing key as published in a JWKS document. */
export interface EmulatorJwk {
  kty: string;
  use: "sig";
  kid: string;
  alg: string;
  n: string;
  e: string;
}

/** The emulator: a pure request -> response function over fixtures, plus its signing key. */
export interface Emulator {
  /** Answers one request as Entra ID or Microsoft Graph would. */
  handle(req: EmulatorRequest): Promise<EmulatorResponse>;
  /** The public half of the signing key, as served on the `discovery/v2.0/keys` route. */
  jwks(): { keys: EmulatorJwk[] };
  /** Signs `claims` with the emulator key (RS256, `kid` header); `iat`/`exp` are filled when absent. */
  signToken(claims: Record<string, unknown>, opts?: { expiresInSeconds?: number }): Promise<string>;
  /** The fixtures the emulator serves (the same objects that were passed in). */
  readonly tenants: TenantFixture[];
  /** Total requests handled since creation or the last {@link Emulator.resetCounters}. */
  readonly requestCount: number;
  /**
   * Client-credentials tokens issued per `<tenant id>/<client id>` (lower case) since creation or the last
   * {@link Emulator.resetCounters}: how often each app was signed in (the fleet bench counts duplicates by it).
   */
  tokensIssued(): ReadonlyMap<string, number>;
  /** Zeroes `requestCount`, the tokens issued and the throttle/unavailable fault counters. */
  resetCounters(): void;
  /**
   * What the admin does at microsoft.com/devicelogin with `userCode` (matched case-insensitively, spaces and dashes
   * ignored): signs in as a user of the directory, declines, or never signs in (`expire`: the code is expired now).
   */
  signInWithDeviceCode(userCode: string, action: DeviceSignInAction): DeviceSignInResult;
  /** The tenant's directory as plain data (no secret values). Throws for an unknown tenant id. */
  directory(tenantId: string): DirectorySnapshot;
}

/** PEM material of the emulator's HTTPS server: a private CA and a loopback leaf certificate it signed. */
export interface EmulatorTls {
  /** The CA certificate clients must trust. */
  caPem: string;
  /** The server's leaf certificate. */
  certPem: string;
  /** The server's private key (PKCS#8). */
  keyPem: string;
}
