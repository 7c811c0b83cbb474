/**
 * Fleet re-validation runs (docs/api.md, "Fleet re-validation"): start one (the operate permission, as re-validating
 * a service), read its progress as JSON or, with `Accept: text/event-stream`, as `progress` events until one `end`
 * event with the final run, and cancel it. An unknown run is 404, a run id that is not a UUID 400, both
 * problem+json.
 */
import { type FleetRun, idSchema } from "@dr/contract";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Authenticator } from "../auth/operator-auth.js";
import { InputError, NotFoundError } from "../errors.js";
import type { FleetRunner } from "../fleet/fleet.runner.js";

/** Reads the `{runId}` path parameter. */
function runIdOf(request: FastifyRequest): string {
  const parsed = idSchema.safeParse((request.params as { runId?: unknown }).runId);
  if (!parsed.success) {
    throw new InputError("The run id in the path is not a UUID.", [
      {
        path: "runId",
        code: "invalid_id",
        message: "runId: use the run id (a UUID) POST /api/fleet/revalidation returned.",
      },
    ]);
  }
  return parsed.data;
}

const notFound = (runId: string) => new NotFoundError(`No re-validation run with id ${runId}.`);

/** Registers the fleet run routes. */
export function registerFleetRunRoutes(app: FastifyInstance, deps: { runner: FleetRunner; auth: Authenticator }): void {
  const { runner } = deps;

  app.post("/api/fleet/revalidation", async (request, reply) => {
    const operator = await deps.auth(request, "operate");
    const { runId } = await runner.start("manual", operator.name);
    return reply.code(202).header("cache-control", "no-store").send({ runId });
  });

  app.get("/api/fleet/revalidation/:runId", async (request, reply) => {
    await deps.auth(request, "read");
    const runId = runIdOf(request);
    const run = await runner.get(runId);
    if (!run) throw notFound(runId);
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
      let closed = false;
      let last = "";
      const close = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        if (!raw.writableEnded) raw.end();
        resolve();
      };
      const send = (next: FleetRun) => {
        if (closed || raw.writableEnded || raw.destroyed) return close();
        const data = JSON.stringify(next);
        if (data === last) return;
        last = data;
        const final = next.status !== "running";
        raw.write(`event: ${final ? "end" : "progress"}\ndata: ${data}\n\n`);
        if (final) close();
      };
      request.raw.on("close", close);
      raw.on("close", close);
      send(run);
      if (!closed) unsubscribe = runner.subscribe(runId, send);
      // The subscription may have delivered the end before `unsubscribe` was set.
      if (closed) unsubscribe();
    });
    return reply;
  });

  app.post("/api/fleet/revalidation/:runId/cancel", async (request, reply) => {
    const operator = await deps.auth(request, "operate");
    const runId = runIdOf(request);
    const run = await runner.cancel(runId, operator.name);
    if (!run) throw notFound(runId);
    return reply.header("cache-control", "no-store").send(run);
  });
}
