/**
 * What every emulator handler shares: the tenants, the clock, the signing key, each tenant's mutable directory
 * (emulator.directory.ts; the fixtures' secret dates fixed at creation), the device codes, the tenant lookup and
 * the fault and request counters. One instance per emulator; handlers get it as their first argument and keep no
 * state of their own.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from "jose";
import { createTenantDirectory, type TenantDirectory } from "./emulator.directory.js";
import { SANDBOX_PROVISIONING_CLIENT_ID, SANDBOX_PROVISIONING_CLIENT_NAME } from "./emulator.fixtures.js";
import type { EmulatorJwk, EmulatorOptions, FaultRoute, TenantFixture, UserFixture } from "./emulator.types.js";

export { DAY_MS, sha256, stableGuid } from "./emulator.directory.js";

/** Microsoft Graph's own application id; a scope or an audience may name Graph by it (docs/entra.md section 11). */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** At least two labels; Entra resolves only full domain names. */
const DNS_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
/** Not tenants, though they sit where a tenant goes (docs/entra.md section 2). */
const RESERVED_TENANTS = new Set(["common", "organizations", "consumers"]);

/** True for a GUID in any case. */
export function isGuid(text: string): boolean {
  return GUID_RE.test(text);
}

/** What a path's tenant segment names. */
export type TenantLookup =
  | { kind: "invalid" }
  | { kind: "reserved"; name: string }
  | { kind: "unknown" }
  | { kind: "found"; tenant: TenantFixture };

/** One device code (docs/entra.md section 14), from its request to its redemption. */
export interface DeviceCodeRecord {
  deviceCode: string;
  /** As shown, 9 characters. */
  userCode: string;
  clientId: string;
  /** The tenant named when the code was requested; undefined for `organizations`. */
  pinned?: TenantFixture;
  /** The scopes requested, as sent. */
  scopes: string[];
  /** ms */
  expiresAt: number;
  intervalSeconds: number;
  /** When this code was last polled, ms. */
  lastPollAt?: number;
  status: "pending" | "declined" | "approved" | "redeemed";
  signedIn?: { tenant: TenantFixture; user: UserFixture };
}

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** The emulator's shared state. */
export interface EmulatorState {
  /** The fixtures served (the objects passed in). */
  readonly tenants: TenantFixture[];
  readonly now: () => Date;
  /** The Graph resource (token `aud`), no trailing slash. */
  readonly graphResource: string;
  /** Added to every answer, ms. */
  readonly latencyMs: number;
  /** The clock at creation, ms; secret dates are relative to it. */
  readonly anchor: number;
  /** The public signing key as the keys endpoint serves it. */
  readonly jwk: EmulatorJwk;
  /** The public signing key, for Graph's bearer check. */
  readonly publicKey: KeyPair["publicKey"];
  /** Signs claims with the emulator key (RS256, `kid` header). */
  sign(claims: Record<string, unknown>): Promise<string>;
  /** The tenant's mutable directory (apps, service principals, secrets, grants, owners). */
  directoryOf(tenant: TenantFixture): TenantDirectory;
  /** The provider's public client for device-code sign-in, and its display name. */
  readonly provisioningClient: { appId: string; displayName: string };
  readonly deviceCodeIntervalSeconds: number;
  readonly deviceCodeLifetimeSeconds: number;
  /** Device codes by `device_code`. */
  readonly deviceCodes: Map<string, DeviceCodeRecord>;
  /** What a tenant segment (GUID, domain, reserved name) names. */
  lookupTenant(segment: string): TenantLookup;
  /**
   * The tenant with this GUID (any case), found through an index so that a directory of thousands of tenants costs
   * no scan per request; undefined when none has it.
   */
  tenantById(id: string): TenantFixture | undefined;
  /** Counts one client-credentials token issued to `clientId` of `tenant` (see `tokensIssued`). */
  countToken(tenant: TenantFixture, clientId: string): void;
  /** Client-credentials tokens issued per `<tenant id>/<client id>` (lower case) since creation or the last reset. */
  readonly tokensIssued: Map<string, number>;
  /** Counts one faulty answer; false once the fault has fired `times` times. */
  consumeFault(tenant: TenantFixture, route: FaultRoute, times: number): boolean;
  /** Requests handled since creation or the last reset. */
  requestCount: number;
  /** Zeroes the request count, the tokens issued and the fault counters. */
  resetCounters(): void;
}

/**
 * Builds the state over `options.tenants`. Generates a fresh RSA signing key, so tokens of one instance are not
 * accepted by another.
 */
export async function createEmulatorState(options: EmulatorOptions): Promise<EmulatorState> {
  const now = options.now ?? (() => new Date());
  const tenants = options.tenants;

  const { publicKey, privateKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const jwk: EmulatorJwk = {
    kty: publicJwk.kty ?? "RSA",
    use: "sig",
    kid,
    alg: "RS256",
    n: publicJwk.n ?? "",
    e: publicJwk.e ?? "",
  };

  // Secret dates are fixed at creation (days relative to the clock then), so a test moving the clock sees expiry.
  const anchor = now().getTime();
  const directories = new Map<TenantFixture, TenantDirectory>();
  const directoryOf = (tenant: TenantFixture): TenantDirectory => {
    let dir = directories.get(tenant);
    if (dir === undefined) {
      dir = createTenantDirectory(tenant, anchor);
      directories.set(tenant, dir);
    }
    return dir;
  };
  // The fixtures' secrets are resolved now, against the anchor.
  for (const tenant of tenants) directoryOf(tenant).records();
  const provisioningAppId = options.provisioningClientId ?? SANDBOX_PROVISIONING_CLIENT_ID;
  const faultCounters = new Map<string, number>();
  // Tenants by lower-case GUID, rebuilt when the list's length changes; a hit is checked against its id and a miss
  // falls back to a scan, so a caller that swaps a fixture in place is still served right.
  const byId = new Map<string, TenantFixture>();
  let indexedLength = -1;
  const tenantById = (id: string): TenantFixture | undefined => {
    const lower = id.toLowerCase();
    if (indexedLength !== tenants.length) {
      byId.clear();
      for (const t of tenants) if (!byId.has(t.id.toLowerCase())) byId.set(t.id.toLowerCase(), t);
      indexedLength = tenants.length;
    }
    const hit = byId.get(lower);
    if (hit !== undefined && hit.id.toLowerCase() === lower) return hit;
    return tenants.find((t) => t.id.toLowerCase() === lower);
  };
  const tokensIssued = new Map<string, number>();

  const state: EmulatorState = {
    tenants,
    now,
    graphResource: (options.graphResource ?? "https://graph.microsoft.com").replace(/\/+$/, ""),
    latencyMs: options.latencyMs ?? 0,
    anchor,
    jwk,
    publicKey,
    sign: (claims) => new SignJWT(claims).setProtectedHeader({ typ: "JWT", alg: "RS256", kid }).sign(privateKey),
    directoryOf,
    provisioningClient: { appId: provisioningAppId, displayName: SANDBOX_PROVISIONING_CLIENT_NAME },
    deviceCodeIntervalSeconds: options.deviceCodeIntervalSeconds ?? 5,
    deviceCodeLifetimeSeconds: options.deviceCodeLifetimeSeconds ?? 900,
    deviceCodes: new Map(),
    lookupTenant(segment) {
      const lower = segment.toLowerCase();
      if (RESERVED_TENANTS.has(lower)) return { kind: "reserved", name: lower };
      if (GUID_RE.test(segment)) {
        const tenant = tenantById(lower);
        return tenant ? { kind: "found", tenant } : { kind: "unknown" };
      }
      if (DNS_RE.test(segment)) {
        // Only a verified domain names its tenant (docs/entra.md section 2).
        const tenant = tenants.find((t) =>
          t.domains.some((d) => d.name.toLowerCase() === lower && d.isVerified !== false),
        );
        return tenant ? { kind: "found", tenant } : { kind: "unknown" };
      }
      return { kind: "invalid" };
    },
    tenantById,
    countToken(tenant, clientId) {
      const key = `${tenant.id.toLowerCase()}/${clientId.toLowerCase()}`;
      tokensIssued.set(key, (tokensIssued.get(key) ?? 0) + 1);
    },
    tokensIssued,
    consumeFault(tenant, route, times) {
      const key = `${tenant.id}|${route}`;
      const used = faultCounters.get(key) ?? 0;
      if (used >= times) return false;
      faultCounters.set(key, used + 1);
      return true;
    },
    requestCount: 0,
    resetCounters() {
      state.requestCount = 0;
      tokensIssued.clear();
      faultCounters.clear();
    },
  };
  return state;
}
