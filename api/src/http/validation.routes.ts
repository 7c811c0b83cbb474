/**
 * POST /api/validation: runs the credential checks and answers the report (200 even when checks fail).
 * With `Accept: text/event-stream` it streams one `check` event per finished check, then the `report` event.
 * Rate-limited per operator and per target tenant.
 */
import { validationRequestSchema } from "@dr/contract";
import type { FastifyInstance } from "fastify";
import type { Validator } from "../m365/validator.js";
import type { ActorResolver } from "./actor.js";
import { parseWith } from "./parse.js";
import { answerValidation } from "./sse.js";

/** Registers the validation route. */
export function registerValidationRoutes(
  app: FastifyInstance,
  deps: { validator: Validator; actor: ActorResolver; admitValidation: (actor: string, tenant: string) => void },
): void {
  app.post("/api/validation", async (request, reply) => {
    const actor = deps.actor(request);
    const input = parseWith(validationRequestSchema, request.body);
    deps.admitValidation(actor, input.tenantId);
    return answerValidation(request, reply, (onCheck) => deps.validator.validate(input, onCheck ? { onCheck } : {}));
  });
}
