/**
 * The service routes (docs/api.md): list, name check, create, read, update, delete, M365, validate, secret, rotate,
 * audit.
 */

import {
  createServiceSchema,
  idSchema,
  nameCheckQuerySchema,
  replaceSecretSchema,
  type Service,
  serviceListQuerySchema,
  subdomainCheckQuerySchema,
  updateServiceSchema,
} from "@dr/contract";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Authenticator, Operator } from "../auth/operator-auth.js";
import { InputError } from "../errors.js";
import type { IfVersion, OnboardingService } from "../onboarding/onboarding.service.js";
import type { SecretRotation } from "../rotation/secret-rotation.js";
import { CREDENTIAL_ROUTE } from "./body-limits.js";
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

/** The ETag of a service: its version, which every change of the service bumps. */
export const etagOf = (version: number) => `"${version}"`;

/**
 * Reads If-Match (RFC 9110 section 13.1.1): `*` or absent asks nothing; otherwise the strong ETags listed. A weak
 * or malformed tag matches no version, so the write is refused rather than done blindly.
 */
function ifMatch(request: FastifyRequest): IfVersion {
  const header = request.headers["if-match"];
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header.join(",") : header).trim();
  if (value === "*") return undefined;
  const versions: number[] = [];
  for (const part of value.split(",")) {
    const m = /^"(\d{1,15})"$/.exec(part.trim());
    if (m?.[1]) versions.push(Number(m[1]));
  }
  return versions;
}

/** Called after a service was created through the API (also for an idempotent replay, so it must be idempotent). */
export type ServiceCreatedHook = (service: Service, operator: Operator) => Promise<void>;

/** Registers the service routes. */
export function registerServiceRoutes(
  app: FastifyInstance,
  deps: {
    onboarding: OnboardingService;
    auth: Authenticator;
    onServiceCreated?: ServiceCreatedHook;
    /** Zero-touch secret rotation (docs/api.md, "Secret rotation"); absent: no rotate route. */
    rotation?: SecretRotation;
  },
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

  app.post("/api/services", CREDENTIAL_ROUTE, async (request, reply) => {
    const operator = await deps.auth(request, "operate");
    const key = idempotencyKey(request);
    const input = parseWith(createServiceSchema, request.body);
    // A replay answers as the first request did: 201 with the same service (and the hook runs again: it is idempotent).
    const { service } = await onboarding.createService(input, operator.name, key);
    if (deps.onServiceCreated) {
      try {
        await deps.onServiceCreated(service, operator);
      } catch (error) {
        // The service exists; a side task failing must not turn its 201 into an error.
        request.log.warn({ err: (error as Error)?.message }, "after-create hook failed");
      }
    }
    return reply.code(201).send(service);
  });

  app.get("/api/services/subdomain-check", async (request) => {
    await deps.auth(request, "read");
    const query = parseWith(subdomainCheckQuerySchema, request.query, "query");
    return onboarding.subdomainCheck(query.label);
  });

  app.get("/api/services/:id", async (request, reply) => {
    await deps.auth(request, "read");
    const { service, version } = await onboarding.getServiceVersioned(serviceId(request));
    return reply.header("etag", etagOf(version)).send(service);
  });

  app.patch("/api/services/:id", async (request, reply) => {
    const actor = (await deps.auth(request, "admin")).name;
    const id = serviceId(request);
    const patch = parseWith(updateServiceSchema, request.body);
    // The ETag of what this request wrote, not a second read that another writer may already have moved on.
    const { service, version } = await onboarding.updateService(id, patch, actor, ifMatch(request));
    return reply.header("etag", etagOf(version)).send(service);
  });

  app.delete("/api/services/:id", async (request, reply) => {
    const actor = (await deps.auth(request, "admin")).name;
    await onboarding.deleteService(serviceId(request), actor, ifMatch(request));
    return reply.code(204).send();
  });

  app.get("/api/services/:id/m365", async (request, reply) => {
    await deps.auth(request, "read");
    const { settings, version } = await onboarding.getM365SettingsVersioned(serviceId(request));
    return reply.header("etag", etagOf(version)).send(settings);
  });

  app.post("/api/services/:id/m365/validate", async (request, reply) => {
    const actor = (await deps.auth(request, "operate")).name;
    const id = serviceId(request);
    return answerValidation(request, reply, (onCheck) =>
      onboarding.validateService(id, actor, onCheck ? { onCheck } : {}),
    );
  });

  app.put("/api/services/:id/m365/secret", CREDENTIAL_ROUTE, async (request, reply) => {
    const actor = (await deps.auth(request, "operate")).name;
    const id = serviceId(request);
    const body = parseWith(replaceSecretSchema, request.body);
    const ifVersion = ifMatch(request);
    return answerValidation(request, reply, (onCheck) =>
      onboarding.replaceSecret(id, body, actor, { ...(onCheck ? { onCheck } : {}), ifVersion }),
    );
  });

  const { rotation } = deps;
  if (rotation) {
    // The same permission as replacing the secret; no body. The new secret's report, or its checks as events.
    app.post("/api/services/:id/m365/rotate", async (request, reply) => {
      const actor = (await deps.auth(request, "operate")).name;
      const id = serviceId(request);
      return answerValidation(request, reply, (onCheck) =>
        rotation.rotate(id, actor, { trigger: "manual", ...(onCheck ? { onCheck } : {}) }),
      );
    });
  }

  app.get("/api/services/:id/audit", async (request) => {
    await deps.auth(request, "read");
    return { items: await onboarding.listAudit(serviceId(request)) };
  });
}
