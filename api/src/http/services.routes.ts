/** The service routes of contract.md: list, name check, create, read, update, delete, M365, validate, secret, audit. */
import {
  createServiceSchema,
  idSchema,
  nameCheckQuerySchema,
  replaceSecretSchema,
  type Service,
  serviceListQuerySchema,
  updateServiceSchema,
} from "@dr/contract";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Authenticator, Operator } from "../auth/operator-auth.js";
import type { OnboardingService } from "../onboarding/onboarding.service.js";
import { InputError } from "./errors.js";
import { parseWith } from "./parse.js";
import { answerValidation } from "./sse.js";

/** Reads the `{id}` path parameter. */
function serviceId(request: FastifyRequest): string {
  const id = (request.params as { id?: unknown }).id;
  const parsed = idSchema.safeParse(id);
  if (!parsed.success) {
    throw new InputError("The service id in the path is not a UUID.", [
      { path: "id", code: "invalid_id", message: "id: use the service id (a UUID) the API returned." },
    ]);
  }
  return parsed.data;
}

/** Reads an optional Idempotency-Key header. */
function idempotencyKey(request: FastifyRequest): string | undefined {
  const header = request.headers["idempotency-key"];
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header[0] : header) ?? "";
  if (!/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw new InputError("Idempotency-Key must be 1 to 255 printable characters without spaces.", [
      { path: "Idempotency-Key", code: "invalid_idempotency_key", message: "Send a UUID as Idempotency-Key." },
    ]);
  }
  return value;
}

/** Called after a service was created through the API (also for an idempotent replay, so it must be idempotent). */
export type ServiceCreatedHook = (service: Service, operator: Operator) => Promise<void>;

/** Registers the service routes. */
export function registerServiceRoutes(
  app: FastifyInstance,
  deps: { onboarding: OnboardingService; auth: Authenticator; onServiceCreated?: ServiceCreatedHook },
): void {
  const { onboarding } = deps;

  // The list is the hottest read (every tab load); its JSON is kept as long as the onboarding service hands back
  // the same (unchanged) array.
  const serialized = new WeakMap<readonly Service[], string>();
  app.get("/api/services", async (request, reply) => {
    await deps.auth(request, "read");
    const query = parseWith(serviceListQuerySchema, request.query, "query");
    const items = await onboarding.listServices(query.status);
    let body = serialized.get(items);
    if (body === undefined) {
      body = JSON.stringify({ items });
      serialized.set(items, body);
    }
    return reply.type("application/json; charset=utf-8").send(body);
  });

  app.get("/api/services/name-check", async (request) => {
    await deps.auth(request, "read");
    const query = parseWith(nameCheckQuerySchema, request.query, "query");
    return onboarding.nameCheck(query.name);
  });

  app.post("/api/services", async (request, reply) => {
    const operator = await deps.auth(request, "operate");
    const key = idempotencyKey(request);
    const input = parseWith(createServiceSchema, request.body);
    const result = await onboarding.createService(input, operator.name, key);
    if (result.status === 201 && deps.onServiceCreated) {
      try {
        await deps.onServiceCreated(result.body as Service, operator);
      } catch (error) {
        // The service exists; a side task failing must not turn its 201 into an error.
        request.log.warn({ err: (error as Error)?.message }, "after-create hook failed");
      }
    }
    return reply.code(result.status).send(result.body);
  });

  app.get("/api/services/:id", async (request) => {
    await deps.auth(request, "read");
    return onboarding.getService(serviceId(request));
  });

  app.patch("/api/services/:id", async (request) => {
    const actor = (await deps.auth(request, "admin")).name;
    const id = serviceId(request);
    return onboarding.updateService(id, parseWith(updateServiceSchema, request.body), actor);
  });

  app.delete("/api/services/:id", async (request, reply) => {
    const actor = (await deps.auth(request, "admin")).name;
    await onboarding.deleteService(serviceId(request), actor);
    return reply.code(204).send();
  });

  app.get("/api/services/:id/m365", async (request) => {
    await deps.auth(request, "read");
    return onboarding.getM365Settings(serviceId(request));
  });

  app.post("/api/services/:id/m365/validate", async (request, reply) => {
    const actor = (await deps.auth(request, "operate")).name;
    const id = serviceId(request);
    return answerValidation(request, reply, (onCheck) =>
      onboarding.validateService(id, actor, onCheck ? { onCheck } : {}),
    );
  });

  app.put("/api/services/:id/m365/secret", async (request, reply) => {
    const actor = (await deps.auth(request, "operate")).name;
    const id = serviceId(request);
    const { clientSecret } = parseWith(replaceSecretSchema, request.body);
    return answerValidation(request, reply, (onCheck) =>
      onboarding.replaceSecret(id, clientSecret, actor, onCheck ? { onCheck } : {}),
    );
  });

  app.get("/api/services/:id/audit", async (request) => {
    await deps.auth(request, "read");
    return { items: await onboarding.listAudit(serviceId(request)) };
  });
}
