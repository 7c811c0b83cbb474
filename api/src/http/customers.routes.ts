/** GET and POST /api/customers. */
import { createCustomerSchema } from "@dr/contract";
import type { FastifyInstance } from "fastify";
import type { Authenticator } from "../auth/operator-auth.js";
import type { OnboardingService } from "../onboarding/onboarding.service.js";
import { parseWith } from "./parse.js";

/** Registers the customer routes. */
export function registerCustomerRoutes(
  app: FastifyInstance,
  deps: { onboarding: OnboardingService; auth: Authenticator },
): void {
  app.get("/api/customers", async (request) => {
    await deps.auth(request, "read");
    return { items: await deps.onboarding.listCustomers() };
  });
  app.post("/api/customers", async (request, reply) => {
    const actor = (await deps.auth(request, "operate")).name;
    const input = parseWith(createCustomerSchema, request.body);
    return reply.code(201).send(await deps.onboarding.createCustomer(input, actor));
  });
}
