/**
 * POST /api/validation: runs the credential checks and answers the report (200 even when checks fail).
 * With `Accept: text/event-stream` it streams one `check` event per finished check, then the `report` event.
 * Rate-limited per operator and per target tenant, and audited (never with the secret).
 */

import { validationRequestSchema } from "@dr/contract";
import type { FastifyInstance } from "fastify";
import type { Authenticator } from "../auth/operator-auth.js";
import type { OnboardingService } from "../onboarding/onboarding.service.js";
import { CREDENTIAL_ROUTE } from "./body-limits.js";
import { parseWith } from "./parse.js";
import { answerValidation } from "./sse.js";

/** Registers the validation route. */
export function registerValidationRoutes(
  app: FastifyInstance,
  deps: { onboarding: OnboardingService; auth: Authenticator },
): void {
  app.post("/api/validation", CREDENTIAL_ROUTE, async (request, reply) => {
    const actor = (await deps.auth(request, "operate")).name;
    const input = parseWith(validationRequestSchema, request.body);
    return answerValidation(request, reply, (onCheck) =>
      deps.onboarding.validateCredentials(input, actor, onCheck ? { onCheck } : {}),
    );
  });
}
