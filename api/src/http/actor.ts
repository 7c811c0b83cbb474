/**
 * Who is calling. In `dev` mode the operator names themselves with the `x-dev-user` header (else DEV_OPERATOR);
 * the server refuses dev mode in production (config.ts). Teams SSO (`entra` mode) replaces this resolver.
 */
import type { FastifyRequest } from "fastify";
import { UnauthenticatedError } from "./errors.js";

/** Resolves the operator of a request, or throws UnauthenticatedError. */
export type ActorResolver = (request: FastifyRequest) => string;

/** The dev-mode resolver. */
export function createDevActorResolver(defaultOperator: string): ActorResolver {
  return (request) => {
    const header = request.headers["x-dev-user"];
    if (header === undefined) return defaultOperator;
    const value = Array.isArray(header) ? header[0] : header;
    const name = (value ?? "").trim();
    if (name.length === 0 || name.length > 256 || /\p{Cc}/u.test(name)) {
      throw new UnauthenticatedError("x-dev-user must be an operator name of 1 to 256 printable characters.");
    }
    return name;
  };
}
