/**
 * Microsoft Graph under /v1.0: the bearer check, then the route, the method, the fixtures' faults and the route's
 * permissions, in that order, each with Graph's own error envelope (docs/entra.md section 9).
 */
import { preFault } from "../emulator.faults.js";
import { delayed, type GraphContext, graphDenied, graphError, graphRetryAnswer } from "../emulator.responses.js";
import type { EmulatorState } from "../emulator.state.js";
import type { EmulatorResponse } from "../emulator.types.js";
import { applicationsRoute, servicePrincipalsRoute } from "./applications.handler.js";
import { authenticate } from "./graph.auth.js";
import type { GraphRoute } from "./graph.route.types.js";
import { organizationRoute } from "./organization.handler.js";

/** The emulated Graph routes. */
const GRAPH_ROUTES: readonly GraphRoute[] = [organizationRoute, applicationsRoute, servicePrincipalsRoute];

/** Answers one request whose path starts with `/v1.0`. */
export async function handleGraph(
  state: EmulatorState,
  g: GraphContext,
  method: string,
  path: string,
  query: URLSearchParams,
  headers: Record<string, string>,
): Promise<EmulatorResponse> {
  const caller = await authenticate(state, g, headers.authorization);
  if ("kind" in caller) return caller;

  const rest = path.slice("/v1.0".length);
  let found: { route: GraphRoute; match: RegExpExecArray } | undefined;
  for (const route of GRAPH_ROUTES) {
    const match = route.path.exec(rest);
    if (match) {
      found = { route, match };
      break;
    }
  }
  if (found === undefined) {
    const segment = rest.split("/")[1] ?? "";
    return graphError(g, 404, "Request_ResourceNotFound", `Resource not found for the segment '${segment}'.`);
  }
  if (method !== "GET") {
    return graphError(g, 405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
  }

  const { route, match } = found;
  const fault = preFault(state, caller.tenant, route.name, graphRetryAnswer(g), true);
  if (typeof fault !== "number") return fault;
  if (!caller.roles.some((r) => route.roles.includes(r))) return graphDenied(g);
  return delayed(route.answer({ state, g, caller, match, query }), fault);
}
