/**
 * Transitional: the error classes moved to `api/src/errors.ts` (plain domain errors, no HTTP) and their mapping to
 * `http/problem.ts`. This re-export keeps the bot wiring compiling until it imports the domain set directly.
 */
export {
  ConflictError,
  CredentialsInvalidError,
  DomainError as ApiError,
  ForbiddenError,
  InputError,
  NotFoundError,
  PreconditionFailedError,
  RateLimitedError,
  UnauthenticatedError,
} from "../errors.js";
