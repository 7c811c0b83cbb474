/**
 * Graph's bearer check: the emulator verifies its own tokens as Graph does (signature, audience, lifetime) and
 * authorizes by what the token says, not by the current consent (docs/entra.md section 8): an app-only token's
 * `roles`, or a delegated token's `scp` and the user's directory roles in `wids` (docs/entra.md sections 14, 15).
 */
import { errors as joseErrors, jwtVerify } from "jose";
import { instanceOf } from "../emulator.clouds.js";
import { type GraphContext, graphUnauthorized, type Response } from "../emulator.responses.js";
import { type EmulatorState, GRAPH_APP_ID } from "../emulator.state.js";
import type { AppFixture, TenantFixture, UserFixture } from "../emulator.types.js";

/** Who called, as the token says. */
export type GraphCaller =
  | {
      tenant: TenantFixture;
      /** An app-only (client credentials) token. */
      kind: "app";
      app: AppFixture;
      /** The token's `roles` (application permissions with consent when it was issued). */
      roles: string[];
      /** False when the token has no `roles` claim at all (no consent): Graph then answers 403 AccessDenied. */
      hasRoles: boolean;
    }
  | {
      tenant: TenantFixture;
      /** A delegated token (`idtyp` "user"): the signed-in user acting through a client. */
      kind: "user";
      user: UserFixture;
      /** The token's `scp`, split: the delegated permissions. */
      scopes: string[];
      /** The token's `wids`: the user's directory role template ids when it was issued. */
      roles: string[];
    };

/**
 * True when the token carries neither `roles` nor `scp`: Graph refuses it before any route's permissions with 403
 * `AccessDenied` "Either scp or roles claim need to be present in the token." (docs/entra.md section 9).
 */
export function lacksRolesAndScopes(caller: GraphCaller): boolean {
  return caller.kind === "app" ? !caller.hasRoles : caller.scopes.length === 0;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((r): r is string => typeof r === "string") : [];
}

/**
 * Tokens whose signature and audience already verified, per signing key and audience set, with their claims: a
 * client sends one token with several Graph requests in a row, and the RSA verification is the costliest part of a
 * Graph answer here. A hit still checks the token's lifetime at the request's time, as jose does (`exp` not past,
 * `nbf` not ahead). Bounded: the oldest entries are dropped first.
 */
const verifiedTokens = new WeakMap<object, Map<string, Record<string, unknown>>>();
const VERIFIED_TOKENS_KEPT = 2048;

function cachedClaims(
  state: EmulatorState,
  key: string,
  now: Date,
): { payload: Record<string, unknown> } | { refusal: "expired" | "invalid" } | undefined {
  const payload = verifiedTokens.get(state.publicKey)?.get(key);
  if (payload === undefined) return undefined;
  const at = Math.floor(now.getTime() / 1000);
  if (typeof payload.exp === "number" && payload.exp <= at) return { refusal: "expired" };
  if (typeof payload.nbf === "number" && payload.nbf > at) return { refusal: "invalid" };
  return { payload };
}

function rememberClaims(state: EmulatorState, key: string, payload: Record<string, unknown>): void {
  let kept = verifiedTokens.get(state.publicKey);
  if (kept === undefined) {
    kept = new Map();
    verifiedTokens.set(state.publicKey, kept);
  }
  kept.set(key, payload);
  if (kept.size > VERIFIED_TOKENS_KEPT) {
    const oldest = kept.keys().next().value;
    if (oldest !== undefined) kept.delete(oldest);
  }
}

/** Checks the bearer token as Graph would; returns the caller or the 401 answer. */
export async function authenticate(
  state: EmulatorState,
  g: GraphContext,
  authorization: string | undefined,
): Promise<GraphCaller | Response> {
  const match = /^Bearer\s+(\S*)\s*$/i.exec(authorization ?? "");
  const token = match?.[1] ?? "";
  if (token === "") return graphUnauthorized(g, "Access token is empty.");
  let payload: Record<string, unknown>;
  // This Graph host's own resource only: a token for another cloud's Graph is refused (docs/entra.md section 1).
  const audience = [...g.host.graphResources.flatMap((r) => [r, `${r}/`]), GRAPH_APP_ID];
  const cacheKey = `${audience.join(" ")}|${token}`;
  const cached = cachedClaims(state, cacheKey, g.now);
  try {
    if (cached !== undefined && "refusal" in cached) {
      return cached.refusal === "expired"
        ? graphUnauthorized(g, "Lifetime validation failed, the token is expired.")
        : graphUnauthorized(g, "Access token validation failure.");
    }
    if (cached !== undefined) payload = cached.payload;
    else {
      ({ payload } = await jwtVerify(token, state.publicKey, { algorithms: ["RS256"], audience, currentDate: g.now }));
      rememberClaims(state, cacheKey, payload);
    }
  } catch (err: unknown) {
    if (err instanceof joseErrors.JWTExpired) {
      return graphUnauthorized(g, "Lifetime validation failed, the token is expired.");
    }
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "aud") {
      return graphUnauthorized(g, "Access token validation failure. Invalid audience.");
    }
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
      return graphUnauthorized(g, "Access token validation failure. Invalid signature.");
    }
    return graphUnauthorized(g, "Access token validation failure.");
  }
  const tid = typeof payload.tid === "string" ? payload.tid.toLowerCase() : "";
  // A Graph host serves its own instance's tenants only.
  const indexed = state.tenantById(tid);
  const tenant =
    indexed !== undefined && instanceOf(indexed.cloud) === g.host.instance
      ? indexed
      : state.tenants.find((t) => t.id.toLowerCase() === tid && instanceOf(t.cloud) === g.host.instance);
  if (payload.idtyp === "user" && tenant !== undefined) {
    const oid = typeof payload.oid === "string" ? payload.oid.toLowerCase() : "";
    const user = tenant.users?.find((u) => u.id.toLowerCase() === oid);
    if (user === undefined) {
      return graphUnauthorized(g, "Access token validation failure. Invalid issuer or signature.");
    }
    const scopes = typeof payload.scp === "string" ? payload.scp.split(" ").filter((s) => s !== "") : [];
    // As for roles: the wids of the token, not the user's current roles.
    return { tenant, kind: "user", user, scopes, roles: strings(payload.wids) };
  }
  const appid = typeof payload.appid === "string" ? payload.appid.toLowerCase() : "";
  const app = tenant?.apps.find((a) => a.appId.toLowerCase() === appid);
  if (tenant === undefined || app === undefined) {
    return graphUnauthorized(g, "Access token validation failure. Invalid issuer or signature.");
  }
  // Graph authorizes by the roles in the token, not the current consent: new consent needs a new token.
  return { tenant, kind: "app", app, roles: strings(payload.roles), hasRoles: Array.isArray(payload.roles) };
}
