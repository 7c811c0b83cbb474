/** GET and POST /api/customers. */
import { createCustomerSchema } from "@dr/contract";
import type { FastifyInstance } from "fastify";
import type { OnboardingService } from "../onboarding/onboarding.service.js";
import type { ActorResolver } from "./actor.js";
import { parseWith } from "./parse.js";

/** Registers the customer routes. */
export function registerCustomerRoutes(
  app: FastifyInstance,
  deps: { onboarding: OnboardingService; actor: ActorResolver },
): void {
  app.get("/api/customers", async (request) => {
    deps.actor(request);
    return { items: await deps.onboarding.listCustomers() };
  });
  app.post("/api/customers", async (request, reply) => {
    const actor = deps.actor(request);
    const input = parseWith(createCustomerSchema, request.body);
    return reply.code(201).send(await deps.onboarding.createCustomer(input, actor));
  });
}
