/**
 * A bulk fleet for the emulator: many tenants, each with a few App registrations shaped like the `valid` sandbox
 * scenario (single tenant, both Graph permissions consented, one client secret in today's `xxx8Q~…` shape, docs/entra.md
 * section 10), so that a provider's fleet of thousands of services can be re-validated against it (the fleet bench,
 * docs/operations.md). Everything is derived from a seed: the emulator process and the process that seeds the
 * product's database compute the same ids and secrets without passing any secret between them. Nothing here is a
 * real credential.
 */
import { createHmac } from "node:crypto";
import { stableGuid } from "./emulator.directory.js";
import type { TenantFixture } from "./emulator.types.js";

/** Options of {@link bulkFleet}. */
export interface BulkFleetOptions {
  /** How many tenants (customers). */
  tenants: number;
  /** App registrations (services) per tenant. */
  appsPerTenant: number;
  /** Any text; the same seed gives the same fleet. Default "fleet". */
  seed?: string;
}

/** One service's credentials in the bulk fleet, as an operator would have entered them. */
export interface BulkCredentials {
  /** Index of the tenant, from 0. */
  tenantIndex: number;
  /** Index of the app within its tenant, from 0. */
  appIndex: number;
  tenantId: string;
  /** The tenant's initial domain, `fleet-<seed hash>-<n>.onmicrosoft.com`. */
  tenantDomain: string;
  tenantName: string;
  clientId: string;
  clientSecret: string;
  /** Days from the emulator's start until the secret expires. */
  secretEndDays: number;
}

/** The characters Entra puts in a secret (docs/entra.md section 10). */
const SECRET_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789~._-";
const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/** Microsoft Graph application permissions the validator asks for by default. */
const GRAPH_ROLES = ["Organization.Read.All", "Application.Read.All"];
/** Most tenants and apps per tenant one fleet may hold (a guard against a typo costing the machine's memory). */
export const BULK_MAX_TENANTS = 100_000;
export const BULK_MAX_APPS_PER_TENANT = 50;

/** Characters of `alphabet` drawn from an HMAC stream of `seed` and `label` (deterministic). */
function drawn(seed: string, label: string, alphabet: string, length: number): string {
  let out = "";
  for (let block = 0; out.length < length; block++) {
    const bytes = createHmac("sha256", seed).update(`${label}|${block}`).digest();
    for (let i = 0; i + 1 < bytes.length && out.length < length; i += 2) {
      out += alphabet[bytes.readUInt16BE(i) % alphabet.length];
    }
  }
  return out;
}

/** Every service of the fleet (tenant by tenant), without building the fixtures. */
export function bulkCredentials(options: BulkFleetOptions): BulkCredentials[] {
  const { tenants, appsPerTenant } = options;
  const seed = options.seed ?? "fleet";
  if (!Number.isInteger(tenants) || tenants < 0 || tenants > BULK_MAX_TENANTS) {
    throw new Error(`bulk fleet: tenants must be an integer from 0 to ${BULK_MAX_TENANTS}, got ${tenants}`);
  }
  if (!Number.isInteger(appsPerTenant) || appsPerTenant < 1 || appsPerTenant > BULK_MAX_APPS_PER_TENANT) {
    throw new Error(
      `bulk fleet: apps per tenant must be an integer from 1 to ${BULK_MAX_APPS_PER_TENANT}, got ${appsPerTenant}`,
    );
  }
  // A short tag of the seed keeps two fleets' domain names apart.
  const tag = drawn(seed, "tag", "abcdefghijklmnopqrstuvwxyz0123456789", 6);
  const out: BulkCredentials[] = [];
  for (let t = 0; t < tenants; t++) {
    const tenantId = stableGuid("bulk-tenant", seed, String(t));
    const n = String(t + 1).padStart(5, "0");
    for (let a = 0; a < appsPerTenant; a++) {
      const label = `${t}|${a}`;
      out.push({
        tenantIndex: t,
        appIndex: a,
        tenantId,
        tenantDomain: `fleet-${tag}-${n}.onmicrosoft.com`,
        tenantName: `Fleet Customer ${n}`,
        clientId: stableGuid("bulk-app", seed, label),
        clientSecret: `${drawn(seed, `hint|${label}`, ALNUM, 3)}8Q~${drawn(seed, `secret|${label}`, SECRET_CHARS, 34)}`,
        // Spread over a year, some within the 30-day warning (the fleet page's timeline has something to show).
        secretEndDays: 3 + ((t * 7 + a * 53) % 360),
      });
    }
  }
  return out;
}

/**
 * The fleet's tenants as emulator fixtures: each tenant has its initial domain and `appsPerTenant` apps registered
 * here, enabled, with both Graph permissions consented and one secret valid from a year before its end.
 */
export function bulkFleet(options: BulkFleetOptions): TenantFixture[] {
  const credentials = bulkCredentials(options);
  const tenants: TenantFixture[] = [];
  for (const c of credentials) {
    let tenant = tenants[c.tenantIndex];
    if (tenant === undefined) {
      tenant = {
        scenario: `fleet-${c.tenantIndex + 1}`,
        description: "A customer of the bulk fleet: every app valid",
        id: c.tenantId,
        displayName: c.tenantName,
        domains: [{ name: c.tenantDomain, isDefault: true, isInitial: true }],
        cloud: "global",
        regionScope: "NA",
        apps: [],
      };
      tenants[c.tenantIndex] = tenant;
    }
    tenant.apps.push({
      appId: c.clientId,
      displayName: `${c.tenantName} Direct Routing ${c.appIndex + 1}`,
      enabled: true,
      registeredHere: true,
      secrets: [
        {
          keyId: stableGuid("bulk-secret", options.seed ?? "fleet", `${c.tenantIndex}|${c.appIndex}`),
          value: c.clientSecret,
          startDays: c.secretEndDays - 365,
          endDays: c.secretEndDays,
          displayName: "dr-onboarding",
        },
      ],
      graphRoles: [...GRAPH_ROLES],
      directoryRoles: [],
    });
  }
  return tenants;
}
