/**
 * GET /api/outbox (sandbox mode only): the mails the built-in outbox kept instead of sending (no SMTP_URL), newest
 * first, so a demo user can open an invitation link (docs/api.md, "Invitations"). 404 problem in live mode or when
 * mail goes out over SMTP.
 */
import type { OutboxMessage } from "@dr/contract";
import type { FastifyInstance } from "fastify";
import type { Authenticator } from "../auth/operator-auth.js";
import { NotFoundError } from "../errors.js";

/** Registers the outbox route. */
export function registerOutboxRoutes(
  app: FastifyInstance,
  deps: { auth: Authenticator; outbox?: (() => readonly OutboxMessage[]) | undefined },
): void {
  app.get("/api/outbox", async (request, reply) => {
    await deps.auth(request, "read");
    if (!deps.outbox) throw new NotFoundError("The outbox exists only in sandbox mode without SMTP_URL.");
    return reply.header("cache-control", "private, no-store").send({ items: deps.outbox() });
  });
}
