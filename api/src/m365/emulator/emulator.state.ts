/**
 * What every emulator handler shares: the tenants, the clock, the signing key, the secrets with their dates fixed at
 * creation, the tenant lookup and the fault and request counters. One instance per emulator; handlers get it as
 * their first argument and keep no state of their own.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from "jose";
import type { AppFixture, EmulatorJwk, EmulatorOptions, FaultRoute, TenantFixture } from "./emulator.types.js";

/** Microsoft Graph's own application id; a scope or an audience may name Graph by it (docs/entra.md section 11). */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
export const DAY_MS = 86_400_000;

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

/** A secret with its dates resolved against the clock at emulator creation; only its digest is kept. */
export interface ResolvedSecret {
  keyId: string;
  digest: Buffer;
  hint: string;
  displayName: string | null;
  start: Date;
  end: Date;
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
  /** Secrets of `app` whose value equals `value` and whose start has passed (a future secret does not match). */
  matchingSecrets(app: AppFixture, value: string, at: Date): ResolvedSecret[];
  /** Every secret of `app`, as Graph lists them. */
  secretsOf(app: AppFixture): readonly ResolvedSecret[];
  /** What a tenant segment (GUID, domain, reserved name) names. */
  lookupTenant(segment: string): TenantLookup;
  /** Counts one faulty answer; false once the fault has fired `times` times. */
  consumeFault(tenant: TenantFixture, route: FaultRoute, times: number): boolean;
  /** Requests handled since creation or the last reset. */
  requestCount: number;
  /** Zeroes the request count and the fault counters. */
  resetCounters(): void;
}

export function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** A GUID derived from its inputs, so object ids stay the same across emulator instances. */
export function stableGuid(...parts: string[]): string {
  const h = sha256(parts.join("|")).toString("hex");
  const variant = ((Number.parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
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
  const secretsByApp = new Map<AppFixture, ResolvedSecret[]>();
  for (const tenant of tenants) {
    for (const app of tenant.apps) {
      secretsByApp.set(
        app,
        app.secrets.map((s) => ({
          keyId: s.keyId,
          digest: sha256(s.value),
          hint: s.hint ?? s.value.slice(0, 3),
          displayName: s.displayName ?? null,
          start: new Date(anchor + s.startDays * DAY_MS),
          end: new Date(anchor + s.endDays * DAY_MS),
        })),
      );
    }
  }
  const faultCounters = new Map<string, number>();

  const state: EmulatorState = {
    tenants,
    now,
    graphResource: (options.graphResource ?? "https://graph.microsoft.com").replace(/\/+$/, ""),
    latencyMs: options.latencyMs ?? 0,
    anchor,
    jwk,
    publicKey,
    sign: (claims) => new SignJWT(claims).setProtectedHeader({ typ: "JWT", alg: "RS256", kid }).sign(privateKey),
    matchingSecrets(app, value, at) {
      const digest = sha256(value);
      return (secretsByApp.get(app) ?? []).filter((s) => timingSafeEqual(s.digest, digest) && s.start <= at);
    },
    secretsOf: (app) => secretsByApp.get(app) ?? [],
    lookupTenant(segment) {
      const lower = segment.toLowerCase();
      if (RESERVED_TENANTS.has(lower)) return { kind: "reserved", name: lower };
      if (GUID_RE.test(segment)) {
        const tenant = tenants.find((t) => t.id.toLowerCase() === lower);
        return tenant ? { kind: "found", tenant } : { kind: "unknown" };
      }
      if (DNS_RE.test(segment)) {
        const tenant = tenants.find((t) => t.domains.some((d) => d.name.toLowerCase() === lower));
        return tenant ? { kind: "found", tenant } : { kind: "unknown" };
      }
      return { kind: "invalid" };
    },
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
      faultCounters.clear();
    },
  };
  return state;
}
