/**
 * Direct Routing readiness (docs/api.md, "Readiness"): a service's last report (404 before the first), a new run
 * with its stored secret, and the wizard's run on credentials not stored yet (nothing kept). Runs are rate-limited
 * as validations and audited without the secret; bad input answers problem+json naming the field.
 */

import { idSchema, readinessRequestSchema } from "@dr/contract";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Authenticator } from "../auth/operator-auth.js";
import { InputError } from "../errors.js";
import type { ReadinessService } from "../readiness/readiness.service.js";
import { CREDENTIAL_ROUTE } from "./body-limits.js";
import { parseWith } from "./parse.js";

/** The `:id` path parameter. */
function serviceId(request: FastifyRequest): string {
  const parsed = idSchema.safeParse((request.params as { id?: unknown }).id);
  if (!parsed.success) {
    throw new InputError("The service id in the path is not a UUID.", [
      { path: "id", code: "invalid_id", message: "id: use the service id (a UUID) the API returned." },
    ]);
  }
  return parsed.data;
}

/** Registers the readiness routes. */
export function registerReadinessRoutes(
  app: FastifyInstance,
  deps: { readiness: ReadinessService; auth: Authenticator },
): void {
  app.get("/api/services/:id/readiness", async (request) => {
    await deps.auth(request, "read");
    return deps.readiness.last(serviceId(request));
  });

  app.post("/api/services/:id/readiness/check", async (request) => {
    const actor = (await deps.auth(request, "operate")).name;
    return deps.readiness.checkService(serviceId(request), actor);
  });

  app.post("/api/readiness", CREDENTIAL_ROUTE, async (request) => {
    const actor = (await deps.auth(request, "operate")).name;
    const input = parseWith(readinessRequestSchema, request.body);
    return deps.readiness.checkCredentials(input, actor);
  });
}
