/**
 * GET /api/settings: what the tab needs to render (mode, SBC choices, auth mode).
 * GET /api/sandbox: the demo tenants and their (fictitious) credentials, in sandbox mode only, for the banner.
 */
import type { FastifyInstance } from "fastify";
import type { Authenticator } from "../auth/operator-auth.js";
import type { SandboxCredentials } from "../m365/emulator/emulator.fixtures.js";
import { NotFoundError } from "./errors.js";

/** Answer of GET /api/settings. */
export interface TabSettings {
  mode: "sandbox" | "live";
  authMode: "dev" | "entra";
  sbcBaseDomain: string;
  sbcRegions: string[];
}

/** Registers the settings and sandbox routes. */
export function registerSettingsRoutes(
  app: FastifyInstance,
  deps: { settings: TabSettings; sandbox?: Readonly<Record<string, SandboxCredentials>>; auth: Authenticator },
): void {
  app.get("/api/settings", async (request): Promise<TabSettings> => {
    await deps.auth(request, "read");
    return deps.settings;
  });
  app.get("/api/sandbox", async (request) => {
    await deps.auth(request, "read");
    if (!deps.sandbox) throw new NotFoundError("Sandbox credentials exist only in sandbox mode.");
    return {
      tenants: Object.entries(deps.sandbox).map(([scenario, c]) => ({ scenario, ...c })),
    };
  });
}
