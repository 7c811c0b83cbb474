/**
 * The one translator from errors to RFC 9457 problem+json. Logs only 5xx, never with a request body.
 */
import type { Problem } from "@dr/contract";
import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import { DomainError } from "../errors.js";
import { PROBLEM_BASE, toProblem } from "./problem.js";

/** Sends a problem document. */
export function sendProblem(reply: FastifyReply, problem: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(problem.status).headers(headers).type("application/problem+json").send(problem);
}

function fromFastifyError(error: FastifyError): Problem | undefined {
  const status = error.statusCode;
  if (status === 413 || error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return {
      type: `${PROBLEM_BASE}payload_too_large`,
      title: "The request body is too large",
      status: 413,
      code: "payload_too_large",
      detail: "Send a smaller JSON body (at most 64 KiB).",
    };
  }
  if (status === 415 || error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
    return {
      type: `${PROBLEM_BASE}unsupported_media_type`,
      title: "Unsupported content type",
      status: 415,
      code: "unsupported_media_type",
      detail: "Send the body as application/json.",
    };
  }
  if (status !== undefined && status >= 400 && status < 500) {
    const jsonProblem =
      error.code === "FST_ERR_CTP_EMPTY_JSON_BODY" || error instanceof SyntaxError || /JSON/.test(error.message);
    return {
      type: `${PROBLEM_BASE}validation_failed`,
      title: "The request could not be read",
      status: 400,
      code: "validation_failed",
      detail: jsonProblem ? "The body is not valid JSON; send a JSON object." : "The request is malformed.",
      errors: [{ path: "", code: "invalid_json", message: "Send a well-formed JSON object as the body." }],
    };
  }
  return undefined;
}

/** Installs the error and not-found handlers on the app. */
export function installProblemHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      type: `${PROBLEM_BASE}not_found`,
      title: "Not found",
      status: 404,
      code: "not_found",
      detail: `No route ${request.method} ${request.url.split("?")[0]}.`,
    }),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) {
      const { problem, headers } = toProblem(error);
      return sendProblem(reply, problem, headers);
    }
    const known = fromFastifyError(error);
    if (known) return sendProblem(reply, known);
    request.log.error({ err: { type: error.name, code: error.code, message: error.message } }, "unhandled error");
    return sendProblem(reply, {
      type: `${PROBLEM_BASE}internal`,
      title: "Internal error",
      status: 500,
      code: "internal",
      detail: "Something went wrong on the server; try again. The event was logged.",
    });
  });
}
