/** GET /metrics (docs/operations.md): Prometheus text behind `Authorization: Bearer $METRICS_TOKEN`. */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { sendProblem } from "./problem.handler.js";
import { problemOf } from "./problem.js";

/** What the route needs: the token and the rendering of the metrics. */
export interface MetricsRouteDeps {
  token: string;
  render(): Promise<{ contentType: string; body: string }>;
}

/** Equal in constant time: both sides are hashed first, so their lengths do not leak either. */
function sameToken(given: string, expected: string): boolean {
  const digest = (v: string) => createHash("sha256").update(v, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Registers GET /metrics; without `deps` (METRICS_TOKEN unset) it answers 404, never the tab's page. */
export function registerMetricsRoutes(app: FastifyInstance, deps: MetricsRouteDeps | undefined): void {
  app.get("/metrics", async (request, reply) => {
    if (!deps) {
      return sendProblem(
        reply,
        problemOf(404, "not_found", "Metrics are off", "Set METRICS_TOKEN to serve GET /metrics (docs/operations.md)."),
      );
    }
    const header = request.headers.authorization ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1] || !sameToken(match[1], deps.token)) {
      return sendProblem(
        reply,
        problemOf(
          401,
          "unauthenticated",
          "Metrics token required",
          "GET /metrics needs the header Authorization: Bearer followed by the server's METRICS_TOKEN.",
        ),
        { "www-authenticate": 'Bearer realm="metrics"' },
      );
    }
    const { contentType, body } = await deps.render();
    return reply.header("cache-control", "no-store").type(contentType).send(body);
  });
}
