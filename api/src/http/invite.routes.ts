/**
 * The customer's side of an invitation (docs/api.md, "Invitations"), public: no operator sign-in, the link token is
 * the only key. `GET /api/invite/{token}` answers what the page may show; `POST /api/invite/{token}/validation` runs
 * the validator exactly as POST /api/validation does (JSON report, or the event stream with
 * `Accept: text/event-stream`). Every link that does not work gets the same 404 body; both routes are limited per
 * token and per client address (INVITE_RATE_LIMIT, 429 with Retry-After). The page itself (`GET /invite/{token}`,
 * HTML) is served by static.routes.ts.
 */

import { inviteValidationSchema } from "@dr/contract";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { InvitationsService } from "../invitations/invitations.service.js";
import { CREDENTIAL_ROUTE } from "./body-limits.js";
import { parseWith } from "./parse.js";
import { answerValidation } from "./sse.js";

const tokenOf = (request: FastifyRequest): string => String((request.params as { token?: unknown }).token ?? "");

/** Nothing of the customer's page is kept by a cache or handed on as a referrer. */
const privateAnswer = (reply: FastifyReply) => reply.header("cache-control", "no-store");

/** Registers the public invitation routes. */
export function registerInviteRoutes(app: FastifyInstance, deps: { invitations: InvitationsService }): void {
  app.get("/api/invite/:token", async (request, reply) => {
    privateAnswer(reply);
    return deps.invitations.readByToken(tokenOf(request), request.ip);
  });

  app.post("/api/invite/:token/validation", CREDENTIAL_ROUTE, async (request, reply) => {
    privateAnswer(reply);
    const input = parseWith(inviteValidationSchema, request.body);
    return answerValidation(request, reply, (onCheck) =>
      deps.invitations.completeByToken(tokenOf(request), input, request.ip, onCheck ? { onCheck } : {}),
    );
  });
}
