/**
 * The sandbox's stand-in for Microsoft's device-code sign-in page (docs/api.md, "Provisioning"), sandbox mode only
 * (404 in live mode) and public like the invitation page, since it stands for microsoft.com/devicelogin, where the
 * customer's admin signs in without the provider's sign-in: `GET /api/sandbox/admins` lists who can sign in (or
 * decline, or let the code expire), `POST /api/sandbox/device-sign-in` does it for a user code.
 */
import { type SandboxAdmin, sandboxDeviceSignInSchema } from "@dr/contract";
import type { FastifyInstance } from "fastify";
import { InputError, NotFoundError } from "../errors.js";
import { parseWith } from "./parse.js";

/** What the admin does at the sign-in page, as the sandbox emulator takes it. */
export type SandboxSignInAction = { userPrincipalName: string } | { decline: true } | { expire: true };

/** The sandbox's sign-in page: its accounts and what an account does with a code. */
export interface SandboxSignIn {
  admins: readonly SandboxAdmin[];
  signIn(
    userCode: string,
    action: SandboxSignInAction,
  ): { ok: true; tenantId?: string } | { ok: false; reason: string };
}

/** Why a sign-in with a code did not happen, for the admin (the field to fix and how). */
const REASONS: Record<string, { path: "userCode" | "scenario"; message: string }> = {
  unknown_code: { path: "userCode", message: "userCode: no run shows this code; copy the code the run shows." },
  expired: { path: "userCode", message: "userCode: this code has expired; start a new run." },
  already_signed_in: { path: "userCode", message: "userCode: this code was already used; start a new run." },
  unknown_user: { path: "scenario", message: "scenario: this sandbox admin is not in the sandbox's directory." },
  wrong_tenant: {
    path: "scenario",
    message: "scenario: the code was asked for another tenant; choose an admin of that tenant.",
  },
};

/** Registers the sandbox sign-in routes; without `sandbox` (live mode) both answer 404. */
export function registerSandboxRoutes(app: FastifyInstance, deps: { sandbox?: SandboxSignIn }): void {
  const mustSandbox = (): SandboxSignIn => {
    if (!deps.sandbox) throw new NotFoundError("The sandbox sign-in exists only in sandbox mode.");
    return deps.sandbox;
  };

  app.get("/api/sandbox/admins", async (_request, reply) => {
    const sandbox = mustSandbox();
    return reply.header("cache-control", "no-store").send({ items: sandbox.admins });
  });

  app.post("/api/sandbox/device-sign-in", async (request, reply) => {
    const sandbox = mustSandbox();
    const input = parseWith(sandboxDeviceSignInSchema, request.body);
    const admin = sandbox.admins.find((a) => a.scenario === input.scenario);
    if (!admin) {
      throw new InputError("Unknown sandbox admin.", [
        {
          path: "scenario",
          code: "unknown_scenario",
          message: `scenario: choose one of ${sandbox.admins.map((a) => a.scenario).join(", ")}.`,
        },
      ]);
    }
    const action: SandboxSignInAction =
      admin.action === "decline"
        ? { decline: true }
        : admin.action === "expire"
          ? { expire: true }
          : { userPrincipalName: admin.userPrincipalName ?? "" };
    const outcome = sandbox.signIn(input.userCode, action);
    if (!outcome.ok) {
      const reason = REASONS[outcome.reason] ?? { path: "userCode" as const, message: "userCode: not accepted." };
      throw new InputError("The sandbox sign-in did not happen.", [
        { path: reason.path, code: outcome.reason, message: reason.message },
      ]);
    }
    return reply
      .header("cache-control", "no-store")
      .send({ ok: true, ...(outcome.tenantId ? { tenantId: outcome.tenantId } : {}) });
  });
}
