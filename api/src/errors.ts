/**
 * The domain's closed error set: what a service can refuse, with no HTTP in it. Services, auth and the bot's port
 * throw or read these; `http/problem.ts` alone maps them to status codes and problem+json (Backstage's errors
 * package, with one status mapping in its error middleware, is the model). Messages are operator-facing and never
 * carry a secret.
 */
import type { InputProblem, RotationFailure, ValidationReport } from "@dr/contract";

/** Base of every refusal the domain makes on purpose; anything else that is thrown is a fault. */
export abstract class DomainError extends Error {
  abstract readonly kind: string;
}

/** The input breaks a rule; `errors` names each field and its fix. */
export class InputError extends DomainError {
  override readonly name = "InputError";
  readonly kind = "input";
  constructor(
    message: string,
    readonly errors: InputProblem[] = [],
  ) {
    super(message);
  }
}

/** The thing asked for does not exist. */
export class NotFoundError extends DomainError {
  override readonly name = "NotFoundError";
  readonly kind = "not_found";
}

/**
 * Why a request conflicts with the state of things: a unique value is already taken (`name_taken`,
 * `subdomain_taken`), or a provisioning run cannot do this now (docs/api.md, "Provisioning").
 */
export type ConflictCode =
  | "name_taken"
  | "subdomain_taken"
  | "provisioning_not_configured"
  | "provisioning_not_waiting"
  | "provisioning_running"
  | "provisioning_used"
  | "sign_in_again";

/** The request conflicts with the state of things (409); `code` says how, `errors` what to do. */
export class ConflictError extends DomainError {
  override readonly name = "ConflictError";
  readonly kind = "conflict";
  constructor(
    message: string,
    readonly errors: InputProblem[] = [],
    readonly code: ConflictCode = "name_taken",
  ) {
    super(message);
  }
}

/** The caller's copy is stale: the thing changed since they read it (If-Match). */
export class PreconditionFailedError extends DomainError {
  override readonly name = "PreconditionFailedError";
  readonly kind = "precondition_failed";
  constructor(
    message: string,
    readonly errors: InputProblem[] = [],
  ) {
    super(message);
  }
}

/** No valid operator identity. */
export class UnauthenticatedError extends DomainError {
  override readonly name = "UnauthenticatedError";
  readonly kind = "unauthenticated";
}

/** The operator's role does not allow this. */
export class ForbiddenError extends DomainError {
  override readonly name = "ForbiddenError";
  readonly kind = "forbidden";
}

/** The credentials did not validate; the report says why. */
export class CredentialsInvalidError extends DomainError {
  override readonly name = "CredentialsInvalidError";
  readonly kind = "credentials_invalid";
  constructor(
    message: string,
    readonly report: ValidationReport,
  ) {
    super(message);
  }
}

/** Too many attempts; try again after `retryAfterSeconds`. */
export class RateLimitedError extends DomainError {
  override readonly name = "RateLimitedError";
  readonly kind = "rate_limited";
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/**
 * A secret rotation refused or stopped (docs/api.md, "Secret rotation"): `rotation_not_permitted` (the app may not
 * change its own secret; nothing was written in Graph), `rotation_in_progress` (another rotation of the service holds
 * the claim) or `rotation_failed` (a step failed; the old secret is kept). `remedy` says what to do; `report` is the
 * new secret's validation when that was the step that failed; `rotation` how far it came. Never a secret.
 */
export class RotationError extends DomainError {
  override readonly name = "RotationError";
  readonly kind = "rotation";
  constructor(
    readonly code: "rotation_not_permitted" | "rotation_in_progress" | "rotation_failed",
    message: string,
    readonly remedy: string,
    readonly extra: { report?: ValidationReport; rotation?: RotationFailure } = {},
  ) {
    super(message);
  }
}
