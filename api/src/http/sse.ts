/**
 * Answers a validation either as one JSON report or, with `Accept: text/event-stream`, as one `check` event per
 * finished check and a closing `report` event. The stream starts with the first check, so errors raised before
 * any check (not found, rate limited, bad input) still go out as ordinary problem+json answers.
 */
import type { Check, ValidationReport } from "@dr/contract";
import type { FastifyReply, FastifyRequest } from "fastify";
import { CredentialsInvalidError, DomainError } from "../errors.js";
import { toProblem } from "./problem.js";

/** Stands for a fault that is not a domain refusal: toProblem answers it as 500 internal. */
class UnknownFault extends DomainError {
  readonly kind = "internal";
}

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
    // The same problem document (errors, report, retry time) a JSON answer would carry.
    const { problem, headers } = toProblem(error instanceof DomainError ? error : new UnknownFault());
    const retryAfter = headers["retry-after"];
    write("problem", retryAfter ? { ...problem, retryAfterSeconds: Number(retryAfter) } : problem);
    if (!(error instanceof DomainError)) request.log.error({ err: { type: (error as Error).name } }, "stream failed");
  }
  if (started) raw.end();
  return reply;
}
