/**
 * POST /api/validation: runs the credential checks and answers the report (200 even when checks fail).
 * With `Accept: text/event-stream` it streams one `check` event per finished check, then the `report` event.
 */
import { type Check, validationRequestSchema } from "@dr/contract";
import type { FastifyInstance } from "fastify";
import type { Validator } from "../m365/validator.js";
import { parseWith } from "./parse.js";

/** Registers the validation route. */
export function registerValidationRoutes(app: FastifyInstance, deps: { validator: Validator }): void {
  app.post("/api/validation", async (request, reply) => {
    const input = parseWith(validationRequestSchema, request.body);
    const wantsStream = (request.headers.accept ?? "").includes("text/event-stream");
    if (!wantsStream) return deps.validator.validate(input);

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    const write = (event: string, data: unknown) => {
      if (!raw.writableEnded && !raw.destroyed) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const report = await deps.validator.validate(input, { onCheck: (check: Check) => write("check", check) });
    write("report", report);
    raw.end();
    return reply;
  });
}
