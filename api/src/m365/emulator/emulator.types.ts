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

/** Routes on which faults can be injected. */
export type FaultRoute = "openid" | "token" | "organization" | "applications" | "servicePrincipals";

export interface SecretFixture {
  /** The "Secret ID" GUID (passwordCredential.keyId). */
  keyId: string;
  /** The secret Value the customer would paste. */
  value: string;
  /** What Graph reports as `hint`; defaults to the first 3 characters of `value`. */
  hint?: string;
  /** Days relative to the emulator clock's now (negative = in the past). */
  startDays: number;
  endDays: number;
  displayName?: string;
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
  /** Microsoft Graph application permissions with admin consent (token `roles`); empty -> no `roles` claim. */
  graphRoles: string[];
  /** Directory role template ids assigned to the app (token `wids`, besides the implicit one). */
  directoryRoles: string[];
  /** Conditional Access blocks this workload identity: AADSTS53003 (invalid_grant, suberror message_only). */
  blockedByPolicy?: boolean;
  /** Graph answers 403 Authorization_RequestDenied on /organization even with the role (e.g. a restricted tenant). */
  organizationDenied?: boolean;
}

export interface TenantFixture {
  /** Short scenario name, e.g. "valid", "missing-consent". */
  scenario: string;
  /** What the scenario shows, for the README and the sandbox banner. */
  description: string;
  /** Tenant GUID. */
  id: string;
  displayName: string;
  /** Verified domains; exactly one isInitial (`*.onmicrosoft.com`). */
  domains: { name: string; isDefault: boolean; isInitial: boolean }[];
  /**
   * Where the tenant lives. "global" tenants are served normally; a tenant of another cloud answers the
   * openid-configuration with that cloud's instance and region, and its token requests with AADSTS900432.
   */
  cloud: "global" | "usgov-gcchigh" | "usgov-dod" | "china";
  /** openid-configuration tenant_region_scope, e.g. "NA", "EU", "USGov". */
  regionScope: string;
  apps: AppFixture[];
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
  /** Zeroes `requestCount` and the throttle/unavailable fault counters. */
  resetCounters(): void;
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
