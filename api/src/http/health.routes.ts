/** GET /api/health: liveness and the mode, for probes and the tab's banner. */
import type { Health } from "@dr/contract";
import type { FastifyInstance } from "fastify";

/** Registers the health route. */
export function registerHealthRoutes(app: FastifyInstance, info: { mode: "sandbox" | "live"; version: string }): void {
  app.get("/api/health", async (): Promise<Health> => ({ status: "ok", mode: info.mode, version: info.version }));
}
