/**
 * Answers a validation either as one JSON report or, with `Accept: text/event-stream`, as one `check` event per
 * finished check and a closing `report` event. The stream starts with the first check, so errors raised before
 * any check (not found, rate limited, bad input) still go out as ordinary problem+json answers.
 */
import type { Check, ValidationReport } from "@dr/contract";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ApiError, CredentialsInvalidError } from "./errors.js";

/** Runs a validation and answers it in the form the client asked for. */
export async function answerValidation(
  request: FastifyRequest,
  reply: FastifyReply,
  run: (onCheck?: (check: Check) => void) => Promise<ValidationReport>,
): Promise<ValidationReport | FastifyReply> {
  const wantsStream = (request.headers.accept ?? "").includes("text/event-stream");
  if (!wantsStream) return run();

  const raw = reply.raw;
  let started = false;
  const write = (event: string, data: unknown) => {
    if (!started) {
      started = true;
      reply.hijack();
      raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "x-accel-buffering": "no",
      });
    }
    if (!raw.writableEnded && !raw.destroyed) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  try {
    const report = await run((check) => write("check", check));
    write("report", report);
  } catch (error) {
    if (!started) throw error;
    // Streaming already began: the outcome travels as events.
    if (error instanceof CredentialsInvalidError) write("report", error.report);
    const problem =
      error instanceof ApiError
        ? { status: error.status, code: error.code, title: error.title, detail: error.message }
        : { status: 500, code: "internal", title: "Internal error", detail: "Something went wrong on the server." };
    write("problem", problem);
    if (!(error instanceof ApiError)) request.log.error({ err: { type: (error as Error).name } }, "stream failed");
  }
  if (started) raw.end();
  return reply;
}
