/**
 * What GET /api/settings and GET /api/sandbox answer, and the permission words every surface uses: the API grants
 * them from app roles, the bot asks for them before a command, and the tab offers only the actions they allow.
 */
import type { Cloud } from "./inputs.schema.js";

/**
 * What an operator may do, in increasing order: read everything; onboard, validate and replace secrets; also edit
 * and delete services.
 */
export const PERMISSIONS = ["read", "operate", "admin"] as const;
/** One permission word: `read`, `operate` or `admin`. */
export type OperatorPermission = (typeof PERMISSIONS)[number];

/** The server-wide part of GET /api/settings: what the tab needs to render. */
export interface TabSettings {
  /** `sandbox`: validations run against the built-in emulator; `live`: against Microsoft. */
  mode: "sandbox" | "live";
  /** `dev`: the operator names themselves (x-dev-user); `entra`: Teams SSO tokens. */
  authMode: "dev" | "entra";
  /** The provider's SBC base domain; a service's SBC is `<sub-domain label>.<sbcBaseDomain>`. */
  sbcBaseDomain: string;
  /** The SBC regions the operator may choose from. */
  sbcRegions: string[];
}

/** Answer of GET /api/settings: the settings plus the signed-in operator and what their app roles allow. */
export interface OperatorSettings extends TabSettings {
  /** The server enforces these; the tab offers only the actions they allow. */
  operator: { name: string; permissions: OperatorPermission[] };
}

/** What one sandbox scenario's (fictitious) credentials are: enough to try it in the tab or the bot. */
export interface SandboxCredentials {
  /** The Directory (tenant) ID, a GUID. */
  tenantId: string;
  /** The initial `*.onmicrosoft.com` domain (accepted instead of the GUID). */
  tenantDomain: string;
  /** The Application (client) ID, a GUID. */
  clientId: string;
  /** The secret Value to paste (the newest one where the app has several); "" for a certificate scenario. */
  clientSecret: string;
  /**
   * A certificate scenario: the certificate and its unencrypted private key as PEM text, to paste in place of the
   * secret (fictitious, made at start-up). Absent for secret scenarios.
   */
  clientCertificatePem?: string;
  /** The cloud the scenario's tenant lives in: choose it when validating (global for the others). */
  cloud: Cloud;
  /** What the scenario shows the operator. */
  description: string;
}

/** One demo tenant of sandbox mode, as the banner lists it. */
export interface SandboxTenant extends SandboxCredentials {
  /** The scenario's name (e.g. `valid`, `missing-permissions`). */
  scenario: string;
}

/** Answer of GET /api/sandbox (sandbox mode only; 404 otherwise). */
export interface SandboxTenants {
  tenants: SandboxTenant[];
}
