/**
 * The closed error taxonomy: routes and services throw these; one handler (problem.handler.ts) turns them into
 * problem+json. Messages are operator-facing and never carry a secret.
 */
import type { InputProblem, Problem, ValidationReport } from "@dr/contract";

/** Base of every error the API answers deliberately. */
export abstract class ApiError extends Error {
  abstract readonly status: number;
  abstract readonly code: Problem["code"];
  abstract readonly title: string;
}

/** The request is malformed or breaks an input rule (400). */
export class InputError extends ApiError {
  readonly status = 400;
  readonly code = "validation_failed" as const;
  readonly title = "The request has invalid fields";
  constructor(
    message: string,
    readonly errors: InputProblem[] = [],
  ) {
    super(message);
  }
}

/** The thing asked for does not exist (404). */
export class NotFoundError extends ApiError {
  readonly status = 404;
  readonly code = "not_found" as const;
  readonly title = "Not found";
}

/** A unique name is already taken (409): the short name (`name_taken`) or the SBC sub-domain (`subdomain_taken`). */
export class ConflictError extends ApiError {
  readonly status = 409;
  readonly title = "Already taken";
  constructor(
    message: string,
    readonly errors: InputProblem[] = [],
    readonly code: "name_taken" | "subdomain_taken" = "name_taken",
  ) {
    super(message);
  }
}

/** The `If-Match` header names a version that is no longer current (412). */
export class PreconditionFailedError extends ApiError {
  readonly status = 412;
  readonly code = "precondition_failed" as const;
  readonly title = "The service changed since you read it";
  constructor(
    message: string,
    readonly errors: InputProblem[] = [],
  ) {
    super(message);
  }
}

/** The request named a host this server does not answer for (421); dev sign-in serves loopback names only. */
export class MisdirectedRequestError extends ApiError {
  readonly status = 421;
  readonly code = "misdirected_request" as const;
  readonly title = "Wrong host";
}

/** No valid operator identity (401). */
export class UnauthenticatedError extends ApiError {
  readonly status = 401;
  readonly code = "unauthenticated" as const;
  readonly title = "Sign-in required";
}

/** The operator's role does not allow this (403). */
export class ForbiddenError extends ApiError {
  readonly status = 403;
  readonly code = "forbidden" as const;
  readonly title = "Not allowed";
}

/** Credentials did not validate (422), with the report. */
export class CredentialsInvalidError extends ApiError {
  readonly status = 422;
  readonly code = "credentials_invalid" as const;
  readonly title = "The credentials did not validate";
  constructor(
    message: string,
    readonly report: ValidationReport,
  ) {
    super(message);
  }
}

/** Too many requests (429); `retryAfterSeconds` goes into the Retry-After header. */
export class RateLimitedError extends ApiError {
  readonly status = 429;
  readonly code = "rate_limited" as const;
  readonly title = "Too many requests";
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
