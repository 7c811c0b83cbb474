/**
 * The one table from domain errors to RFC 9457 problem+json: status, code, title, the field list and the headers
 * (Retry-After). The JSON error handler and the event stream both use it, so a refusal reads the same whichever
 * way the client asked.
 */
import type { Problem } from "@dr/contract";
import {
  ConflictError,
  CredentialsInvalidError,
  type DomainError,
  ForbiddenError,
  InputError,
  NotFoundError,
  PreconditionFailedError,
  RateLimitedError,
  RotationError,
  UnauthenticatedError,
} from "../errors.js";

/** Base of the `type` URIs. */
export const PROBLEM_BASE = "https://dr-onboarding.example/problems/";

/** A problem document with the headers that go with it. */
export interface ProblemAnswer {
  problem: Problem;
  headers: Record<string, string>;
}

/** Builds a problem document. */
export function problemOf(status: number, code: Problem["code"], title: string, detail: string): Problem {
  return { type: `${PROBLEM_BASE}${code}`, title, status, code, detail };
}

/** Titles of the rotation problems. */
const ROTATION_TITLES: Record<RotationError["code"], string> = {
  rotation_not_permitted: "The app may not rotate its own secret",
  rotation_in_progress: "A rotation of this secret is already running",
  rotation_failed: "The secret rotation did not complete; the old secret is kept",
};

/** The problem for a domain error. */
export function toProblem(error: DomainError): ProblemAnswer {
  const detail = error.message;
  if (error instanceof InputError) {
    return {
      problem: {
        ...problemOf(400, "validation_failed", "The request has invalid fields", detail),
        errors: error.errors,
      },
      headers: {},
    };
  }
  if (error instanceof NotFoundError) return { problem: problemOf(404, "not_found", "Not found", detail), headers: {} };
  if (error instanceof ConflictError) {
    const title = error.code === "name_taken" || error.code === "subdomain_taken" ? "Already taken" : "Conflict";
    return { problem: { ...problemOf(409, error.code, title, detail), errors: error.errors }, headers: {} };
  }
  if (error instanceof PreconditionFailedError) {
    return {
      problem: {
        ...problemOf(412, "precondition_failed", "The service changed since you read it", detail),
        errors: error.errors,
      },
      headers: {},
    };
  }
  if (error instanceof UnauthenticatedError) {
    return { problem: problemOf(401, "unauthenticated", "Sign-in required", detail), headers: {} };
  }
  if (error instanceof ForbiddenError)
    return { problem: problemOf(403, "forbidden", "Not allowed", detail), headers: {} };
  if (error instanceof CredentialsInvalidError) {
    return {
      problem: {
        ...problemOf(422, "credentials_invalid", "The credentials did not validate", detail),
        report: error.report,
      },
      headers: {},
    };
  }
  if (error instanceof RotationError) {
    // 409 for every rotation refusal: the state of the App registration (or another rotation) stands in the way;
    // the old secret is kept (docs/api.md, "Secret rotation").
    return {
      problem: {
        ...problemOf(409, error.code, ROTATION_TITLES[error.code], detail),
        remedy: error.remedy,
        ...(error.extra.report ? { report: error.extra.report } : {}),
        ...(error.extra.rotation ? { rotation: error.extra.rotation } : {}),
      },
      headers: {},
    };
  }
  if (error instanceof RateLimitedError) {
    return {
      problem: problemOf(429, "rate_limited", "Too many requests", detail),
      headers: { "retry-after": String(error.retryAfterSeconds) },
    };
  }
  return { problem: problemOf(500, "internal", "Internal error", "Something went wrong on the server."), headers: {} };
}
