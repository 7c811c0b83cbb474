/**
 * GET /api/settings: what the tab needs to render (mode, SBC choices, auth mode) and who the operator is, with what
 * they may do, so the tab offers only the actions the server will allow.
 * GET /api/sandbox: the demo tenants and their (fictitious) credentials, in sandbox mode only, for the banner.
 */
import type { OperatorSettings, SandboxCredentials, SandboxTenants, TabSettings } from "@dr/contract";
import type { FastifyInstance } from "fastify";
import { type Authenticator, permissionsOf } from "../auth/operator-auth.js";
import { NotFoundError } from "../errors.js";

/** Registers the settings and sandbox routes. */
export function registerSettingsRoutes(
  app: FastifyInstance,
  deps: { settings: TabSettings; sandbox?: Readonly<Record<string, SandboxCredentials>>; auth: Authenticator },
): void {
  app.get("/api/settings", async (request, reply): Promise<OperatorSettings> => {
    const operator = await deps.auth(request, "read");
    // Per operator: no shared cache may hand one operator's answer to another.
    reply.header("cache-control", "private, no-store");
    return { ...deps.settings, operator: { name: operator.name, permissions: permissionsOf(operator.roles) } };
  });
  app.get("/api/sandbox", async (request): Promise<SandboxTenants> => {
    await deps.auth(request, "read");
    if (!deps.sandbox) throw new NotFoundError("Sandbox credentials exist only in sandbox mode.");
    return {
      tenants: Object.entries(deps.sandbox).map(([scenario, c]) => ({ scenario, ...c })),
    };
  });
}
