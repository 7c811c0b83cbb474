/**
 * Who the operator is and what they may do. `entra` mode verifies Teams SSO bearer tokens (docs/teams.md section 3)
 * with jose against the provider tenant's signing keys; `dev` mode trusts the `x-dev-user` header and is refused in
 * production by config.ts. Roles come from the token's `roles` claim (app roles of the tab's Entra app).
 */

import type { OperatorPermission } from "@dr/contract";
import type { FastifyRequest } from "fastify";
import { createRemoteJWKSet, customFetch, errors as joseErrors, jwtVerify } from "jose";
import { ForbiddenError, UnauthenticatedError } from "../errors.js";
import type { Dispatch } from "../m365/http/dispatch.types.js";
import { createTransport, TransportError } from "../m365/http/transport.js";

/** App roles of the tab's Entra app. */
export const ROLES = ["Onboarding.Admin", "Onboarding.Operator", "Onboarding.Reader"] as const;
/** One app role. */
export type Role = (typeof ROLES)[number];

/** What a route needs: read anything; onboard, validate and replace secrets; or everything (edit, delete). */
export type Permission = OperatorPermission;

const ALLOWED: Record<Permission, readonly Role[]> = {
  read: ["Onboarding.Admin", "Onboarding.Operator", "Onboarding.Reader"],
  operate: ["Onboarding.Admin", "Onboarding.Operator"],
  admin: ["Onboarding.Admin"],
};

/** The signed-in operator. */
export interface Operator {
  /** upn or preferred_username: shown as the M365 "User Name" and written to the audit trail. */
  name: string;
  /** Entra object id (with `tenantId`, the stable key of a user). */
  objectId?: string;
  tenantId?: string;
  roles: readonly Role[];
}

/** Resolves and authorises the operator of a request; throws UnauthenticatedError or ForbiddenError. */
export type Authenticator = (request: FastifyRequest, needs: Permission) => Promise<Operator>;

/** Every permission the roles grant, in the order read, operate, admin. */
export function permissionsOf(roles: readonly Role[]): Permission[] {
  return (Object.keys(ALLOWED) as Permission[]).filter((p) => roles.some((r) => ALLOWED[p].includes(r)));
}

/** Throws ForbiddenError unless one of the operator's roles allows `needs`. */
export function authorise(operator: Operator, needs: Permission): Operator {
  if (!operator.roles.some((r) => ALLOWED[needs].includes(r))) {
    const needed = ALLOWED[needs].join(" or ");
    throw new ForbiddenError(`This needs the app role ${needed}; ask the provider's Teams admin to assign it.`);
  }
  return operator;
}

/** The dev-mode authenticator: the operator names themselves (`x-dev-user`, else `defaultOperator`), all roles. */
export function createDevAuthenticator(defaultOperator: string): Authenticator {
  return async (request, needs) => {
    const header = request.headers["x-dev-user"];
    let name = defaultOperator;
    if (header !== undefined) {
      name = ((Array.isArray(header) ? header[0] : header) ?? "").trim();
      if (name.length === 0 || name.length > 256 || /\p{Cc}/u.test(name)) {
        throw new UnauthenticatedError("x-dev-user must be an operator name of 1 to 256 printable characters.");
      }
    }
    return authorise({ name, roles: ROLES }, needs);
  };
}

/** Options of {@link createEntraAuthenticator}. */
export interface EntraAuthOptions {
  /** Login base URL (the global cloud's, or M365_LOGIN_URL). */
  loginUrl: string;
  /** The provider's own tenant (AUTH_TENANT_ID). */
  tenantId: string;
  /** The tab's Entra app, the token audience (AUTH_CLIENT_ID). */
  clientId: string;
  /** Outbound HTTP for the signing keys (the validator's dispatch: timeouts, CA, proxy). */
  dispatch: Dispatch;
  /** Timeout of the key download, ms. */
  timeoutMs: number;
  /** Accepted clock skew, seconds. Default 120. */
  clockToleranceSeconds?: number;
  /** Injectable clock, for tests. */
  now?: () => Date;
  /** Told of every verified operator before their permission is checked (the operator directory remembers them). */
  onSignedIn?: (operator: Operator) => Promise<void>;
}

/** Reads the bearer token of a request. */
function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = /^Bearer\s+([A-Za-z0-9\-_.]+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) {
    throw new UnauthenticatedError("Sign in: send the Teams SSO token as Authorization: Bearer <token>.");
  }
  return match[1];
}

/**
 * The entra-mode authenticator: RS256 signature against the tenant's JWKS, issuer
 * `<login>/<tenant>/v2.0`, audience the tab's client id, `exp`/`nbf`, `scp` containing `access_as_user`, and `tid`
 * equal to the provider tenant. Keys are fetched through the product's transport and cached by jose (refetched on
 * an unknown key id, at most every 30 s).
 */
export function createEntraAuthenticator(options: EntraAuthOptions): Authenticator {
  const base = options.loginUrl.replace(/\/+$/, "");
  const issuer = `${base}/${options.tenantId}/v2.0`;
  const transport = createTransport({ dispatch: options.dispatch, timeoutMs: options.timeoutMs, maxAttempts: 1 });
  const keys = createRemoteJWKSet(new URL(`${base}/${options.tenantId}/discovery/v2.0/keys`), {
    cooldownDuration: 30_000,
    cacheMaxAge: 24 * 3600_000,
    timeoutDuration: options.timeoutMs,
    [customFetch]: async (url: string) => {
      const response = await transport.send({ method: "GET", url, headers: { accept: "application/json" } });
      return new Response(response.text, { status: response.status, headers: response.headers });
    },
  });

  return async (request, needs) => {
    const token = bearer(request);
    let claims: Record<string, unknown>;
    try {
      const verified = await jwtVerify(token, keys, {
        issuer,
        audience: options.clientId,
        algorithms: ["RS256"],
        clockTolerance: options.clockToleranceSeconds ?? 120,
        requiredClaims: ["exp", "iat", "tid"],
        ...(options.now ? { currentDate: options.now() } : {}),
      });
      claims = verified.payload as Record<string, unknown>;
    } catch (error) {
      throw new UnauthenticatedError(describeJoseError(error));
    }
    const scopes = typeof claims.scp === "string" ? claims.scp.split(" ") : [];
    if (!scopes.includes("access_as_user")) {
      throw new UnauthenticatedError("The token lacks the access_as_user scope; sign in through the Teams app.");
    }
    if (typeof claims.tid !== "string" || claims.tid.toLowerCase() !== options.tenantId.toLowerCase()) {
      throw new UnauthenticatedError("The token was issued for another organisation than the provider's.");
    }
    const roles = (Array.isArray(claims.roles) ? claims.roles : []).filter((r): r is Role =>
      (ROLES as readonly unknown[]).includes(r),
    );
    const name = [claims.upn, claims.preferred_username, claims.email, claims.oid].find(
      (v): v is string => typeof v === "string" && v.length > 0,
    );
    const operator: Operator = {
      name: name ?? "unknown",
      ...(typeof claims.oid === "string" ? { objectId: claims.oid } : {}),
      tenantId: claims.tid,
      roles,
    };
    await options.onSignedIn?.(operator);
    return authorise(operator, needs);
  };
}

/** An operator-facing reason for a refused token (never the token itself). */
function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return "The sign-in token has expired; sign in again.";
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "nbf") return "The sign-in token is not valid yet; check the server's clock.";
    if (error.claim === "aud") return "The sign-in token is meant for another application.";
    if (error.claim === "iss") return "The sign-in token comes from another issuer or tenant.";
    return `The sign-in token failed its ${error.claim} check.`;
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return "The sign-in token is signed with an unknown key.";
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "The sign-in token's signature is invalid.";
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "The sign-in token uses a refused signing algorithm.";
  if (error instanceof joseErrors.JWKSTimeout || error instanceof TransportError) {
    return "The sign-in keys could not be fetched in time; try again.";
  }
  return "The sign-in token could not be verified; sign in again.";
}
