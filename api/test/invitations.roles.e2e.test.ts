/**
 * Invitations in AUTH_MODE=entra (docs/api.md, "Invitations"): the operator routes need a Teams SSO token, creating,
 * resending and revoking need the operate permission while any role reads; the customer's routes need none; and a
 * completion tells the creating operator by their Entra object id and tenant.
 */
import { randomUUID } from "node:crypto";
import type { Customer, InvitationWithUrl, Problem } from "@dr/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InvitationCompletedNotice } from "../src/invitations/invitation-notifier.js";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { type EntraSetup, PROVIDER_TENANT, startEntraSetup } from "./entra.js";
import { tokenOf } from "./invitations.support.js";

const valid = SANDBOX.valid;
if (!valid) throw new Error("no valid scenario");

let setup: EntraSetup;
const notices: InvitationCompletedNotice[] = [];

async function call(method: string, path: string, token: string | undefined, body?: unknown) {
  const response = await fetch(`${setup.app.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

beforeAll(async () => {
  setup = await startEntraSetup();
  setup.app.bot.invitationNotifier = {
    invitationCompleted: async (notice) => {
      notices.push(notice);
    },
  };
});

afterAll(async () => {
  await setup?.close();
});

describe("invitations with Teams SSO", () => {
  it("needs a token for the operator's routes and the operate permission to change, but none for the customer's", async () => {
    const id = randomUUID();
    for (const [method, path] of [
      ["GET", "/api/invitations"],
      ["POST", "/api/invitations"],
      ["GET", `/api/invitations/${id}`],
      ["POST", `/api/invitations/${id}/resend`],
      ["DELETE", `/api/invitations/${id}`],
      ["GET", "/api/outbox"],
    ] as const) {
      const answer = await call(method, path, undefined);
      expect(answer.status, `${method} ${path}`).toBe(401);
    }
    const operator = await setup.ssoToken();
    const customer = (await call("POST", "/api/customers", operator, { name: "Adatum" })).json as Customer;
    const reader = await setup.ssoToken({ roles: ["Onboarding.Reader"] });
    expect((await call("GET", "/api/invitations", reader)).status).toBe(200);
    const refused = await call("POST", "/api/invitations", reader, { customerId: customer.id });
    expect(refused.status).toBe(403);
    expect((refused.json as Problem).code).toBe("forbidden");
    const created = await call("POST", "/api/invitations", operator, { customerId: customer.id });
    expect(created.status).toBe(201);
    const invitation = created.json as InvitationWithUrl;
    expect((await call("GET", `/api/invitations/${invitation.id}`, reader)).status).toBe(200);
    expect((await call("POST", `/api/invitations/${invitation.id}/resend`, reader)).status).toBe(403);
    expect((await call("DELETE", `/api/invitations/${invitation.id}`, reader)).status).toBe(403);
    // The customer's routes take no sign-in: the token is the key.
    expect((await call("GET", `/api/invite/${tokenOf(invitation.url)}`, undefined)).status).toBe(200);
    expect((await call("GET", `/api/invite/${"C".repeat(43)}`, undefined)).status).toBe(404);
    // Live mode: no outbox.
    expect((await call("GET", "/api/outbox", reader)).status).toBe(404);
  });

  it("tells the creating operator, by Entra object id and tenant, when the customer's admin completes", async () => {
    const oid = randomUUID();
    const operator = await setup.ssoToken({ oid });
    const customer = (await call("POST", "/api/customers", operator, { name: "Proseware" })).json as Customer;
    const created = await call("POST", "/api/invitations", operator, { customerId: customer.id });
    const invitation = created.json as InvitationWithUrl;
    expect(invitation.createdBy).toBe("olivia@provider.example");
    const done = await call("POST", `/api/invite/${tokenOf(invitation.url)}/validation`, undefined, {
      tenantId: valid.tenantId,
      clientId: valid.clientId,
      clientSecret: valid.clientSecret,
    });
    expect(done.status).toBe(200);
    await setup.app.invitations.drain();
    const notice = notices.find((n) => n.invitation.id === invitation.id);
    expect(notice?.operator).toEqual({ objectId: oid, tenantId: PROVIDER_TENANT });
    expect(notice?.invitation.status).toBe("completed");
    expect(JSON.stringify(notice)).not.toContain(valid.clientSecret);
  });
});
