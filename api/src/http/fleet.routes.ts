/**
 * The fleet at a glance (docs/api.md, "Fleet"): GET /api/fleet answers the services by status, the credentials
 * expiring per week over the next FLEET_TIMELINE_DAYS days and the services that need attention. Any signed-in
 * operator may read it, as the services list. The re-validation runs have their own routes (fleet-runs.routes.ts).
 */
import type { FastifyInstance } from "fastify";
import type { Authenticator } from "../auth/operator-auth.js";
import type { FleetSummaryService } from "../fleet/fleet.summary.js";

/** Registers GET /api/fleet. */
export function registerFleetRoutes(
  app: FastifyInstance,
  deps: { fleet: FleetSummaryService; auth: Authenticator },
): void {
  app.get("/api/fleet", async (request) => {
    await deps.auth(request, "read");
    return deps.fleet.summary();
  });
}
