/**
 * The operator's invitation routes (docs/api.md, "Invitations"): create, list, read, resend, revoke. Creating,
 * resending and revoking need the operate permission; reading any role. The link is in the create and resend answers
 * only (`cache-control: no-store`), never in a list or a read.
 */
import { createInvitationSchema, idSchema, invitationListQuerySchema } from "@dr/contract";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Authenticator } from "../auth/operator-auth.js";
import { InputError } from "../errors.js";
import type { InvitationsService } from "../invitations/invitations.service.js";
import { parseWith } from "./parse.js";

/** Reads the `{id}` path parameter. */
function invitationId(request: FastifyRequest): string {
  const parsed = idSchema.safeParse((request.params as { id?: unknown }).id);
  if (!parsed.success) {
    throw new InputError("The invitation id in the path is not a UUID.", [
      { path: "id", code: "invalid_id", message: "id: use the invitation id (a UUID) the API returned." },
    ]);
  }
  return parsed.data;
}

/** Registers the operator's invitation routes. */
export function registerInvitationRoutes(
  app: FastifyInstance,
  deps: { invitations: InvitationsService; auth: Authenticator },
): void {
  const { invitations } = deps;

  app.post("/api/invitations", async (request, reply) => {
    const operator = await deps.auth(request, "operate");
    const input = parseWith(createInvitationSchema, request.body);
    const created = await invitations.create(input, operator);
    return reply.code(201).header("cache-control", "no-store").send(created);
  });

  app.get("/api/invitations", async (request, reply) => {
    await deps.auth(request, "read");
    const query = parseWith(invitationListQuerySchema, request.query, "query");
    return reply.header("cache-control", "private, no-store").send({ items: await invitations.list(query.status) });
  });

  app.get("/api/invitations/:id", async (request, reply) => {
    await deps.auth(request, "read");
    return reply.header("cache-control", "private, no-store").send(await invitations.get(invitationId(request)));
  });

  app.post("/api/invitations/:id/resend", async (request, reply) => {
    const operator = await deps.auth(request, "operate");
    const resent = await invitations.resend(invitationId(request), operator.name);
    return reply.header("cache-control", "no-store").send(resent);
  });

  app.delete("/api/invitations/:id", async (request, reply) => {
    const operator = await deps.auth(request, "operate");
    await invitations.revoke(invitationId(request), operator.name);
    return reply.code(204).send();
  });
}
