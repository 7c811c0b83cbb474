/**
 * Provisioning runs (docs/api.md, "Provisioning"): the operator's routes (`/api/provisioning…`, starting and
 * cancelling need the operate permission, reading any role) and the customer's public ones under the invitation link
 * (`/api/invite/{token}/provisioning…`, the token is the key, limited like every invite route, the same neutral 404
 * for a link that does not work and for a run of another invitation). A run is answered as JSON, or with
 * `Accept: text/event-stream` as one `run` event with the whole run after every change, ending after a final status.
 */
import {
  idSchema,
  PROVISIONING_FINAL_STATUSES,
  type ProvisioningRun,
  startInviteProvisioningSchema,
  startProvisioningSchema,
} from "@dr/contract";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Authenticator } from "../auth/operator-auth.js";
import { InputError } from "../errors.js";
import type { ProvisioningService } from "../provisioning/provisioning.service.js";
import { parseWith } from "./parse.js";

/** Reads the `{id}` path parameter. */
function runId(request: FastifyRequest): string {
  const parsed = idSchema.safeParse((request.params as { id?: unknown }).id);
  if (!parsed.success) {
    throw new InputError("The provisioning run id in the path is not a UUID.", [
      { path: "id", code: "invalid_id", message: "id: use the provisioning run id (a UUID) the API returned." },
    ]);
  }
  return parsed.data;
}

const tokenOf = (request: FastifyRequest): string => String((request.params as { token?: unknown }).token ?? "");

/**
 * Answers a run: JSON, or the event stream of its changes when the client asks for it. `first` reads the run (and
 * refuses with the usual problem before any stream starts).
 */
export async function answerRun(
  request: FastifyRequest,
  reply: FastifyReply,
  first: () => Promise<ProvisioningRun>,
  provisioning: ProvisioningService,
): Promise<ProvisioningRun | FastifyReply> {
  const run = await first();
  const wantsStream = (request.headers.accept ?? "").includes("text/event-stream");
  if (!wantsStream) return reply.header("cache-control", "private, no-store").send(run);
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "x-accel-buffering": "no",
  });
  await new Promise<void>((resolve) => {
    let unsubscribe: () => void = () => undefined;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      unsubscribe();
      if (!raw.writableEnded) raw.end();
      resolve();
    };
    unsubscribe = provisioning.subscribe(
      run.id,
      (next) => {
        if (ended || raw.writableEnded || raw.destroyed) return end();
        raw.write(`event: run\ndata: ${JSON.stringify(next)}\n\n`);
        if (PROVISIONING_FINAL_STATUSES.includes(next.status)) end();
      },
      end,
    );
    request.raw.on("close", end);
    raw.on("close", end);
  });
  return reply;
}

/** Registers the operator's and the customer's provisioning routes. */
export function registerProvisioningRoutes(
  app: FastifyInstance,
  deps: { provisioning: ProvisioningService; auth: Authenticator },
): void {
  const { provisioning } = deps;

  app.post("/api/provisioning", async (request, reply) => {
    const operator = await deps.auth(request, "operate");
    const input = parseWith(startProvisioningSchema, request.body);
    const run = await provisioning.startForCustomer(input, { name: operator.name });
    return reply.code(201).header("cache-control", "no-store").send(run);
  });

  app.get("/api/provisioning/:id", async (request, reply) => {
    await deps.auth(request, "read");
    const id = runId(request);
    return answerRun(request, reply, () => provisioning.get(id), provisioning);
  });

  app.delete("/api/provisioning/:id", async (request, reply) => {
    const operator = await deps.auth(request, "operate");
    const run = await provisioning.cancel(runId(request), operator.name);
    return reply.header("cache-control", "no-store").send(run);
  });

  app.post("/api/provisioning/:id/cleanup", async (request, reply) => {
    const operator = await deps.auth(request, "operate");
    const run = await provisioning.cleanup(runId(request), operator.name);
    return reply.header("cache-control", "no-store").send(run);
  });

  // The customer's page (public: the invitation token is the key).
  app.post("/api/invite/:token/provisioning", async (request, reply) => {
    reply.header("cache-control", "no-store");
    const input = parseWith(startInviteProvisioningSchema, request.body);
    const cloudGiven = (request.body as Record<string, unknown>).cloud !== undefined;
    const run = await provisioning.startForInvitation(tokenOf(request), input, request.ip, { cloudGiven });
    return reply.code(201).send(run);
  });

  app.get("/api/invite/:token/provisioning/:id", async (request, reply) => {
    reply.header("cache-control", "no-store");
    const token = tokenOf(request);
    const id = runId(request);
    return answerRun(request, reply, () => provisioning.getForInvitation(token, id, request.ip), provisioning);
  });

  app.delete("/api/invite/:token/provisioning/:id", async (request, reply) => {
    reply.header("cache-control", "no-store");
    return provisioning.cancelForInvitation(tokenOf(request), runId(request), request.ip);
  });

  app.post("/api/invite/:token/provisioning/:id/cleanup", async (request, reply) => {
    reply.header("cache-control", "no-store");
    return provisioning.cleanupForInvitation(tokenOf(request), runId(request), request.ip);
  });
}
