/**
 * Microsoft Graph under /v1.0: the bearer check, then the route, the method, the fixtures' faults and the route's
 * permissions, in that order, each with Graph's own error envelope (docs/entra.md section 9). App-only callers are
 * let in by the token's `roles`, delegated ones by its `scp` (docs/entra.md sections 8 and 15).
 */
import { preFault } from "../emulator.faults.js";
import {
  delayed,
  type GraphContext,
  graphDenied,
  graphError,
  graphNoRolesOrScopes,
  graphRetryAnswer,
} from "../emulator.responses.js";
import type { EmulatorState } from "../emulator.state.js";
import type { EmulatorResponse } from "../emulator.types.js";
import {
  applicationByIdRoute,
  applicationListRoute,
  applicationsRoute,
  servicePrincipalsRoute,
} from "./applications.handler.js";
import { addKeyRoute, removeKeyRoute } from "./applications.keys.js";
import {
  addOwnerRoute,
  addPasswordRoute,
  createApplicationRoute,
  deleteApplicationRoute,
  removePasswordRoute,
} from "./applications.write.js";
import { domainRoute, verificationDnsRecordsRoute } from "./domains.handler.js";
import { authenticate, lacksRolesAndScopes } from "./graph.auth.js";
import { type GraphRoute, isOwnApplication } from "./graph.route.types.js";
import { organizationRoute } from "./organization.handler.js";
import { createRoleAssignmentRoute, deleteRoleAssignmentRoute } from "./roleAssignments.handler.js";
import {
  appRoleAssignedToRoute,
  createServicePrincipalRoute,
  deleteServicePrincipalRoute,
} from "./servicePrincipals.write.js";
import { subscribedSkusRoute } from "./subscribedSkus.handler.js";
import { usersRoute } from "./users.handler.js";

/** The emulated Graph routes; a path may have one route per method. */
const GRAPH_ROUTES: readonly GraphRoute[] = [
  organizationRoute,
  applicationsRoute,
  applicationListRoute,
  createApplicationRoute,
  applicationByIdRoute,
  deleteApplicationRoute,
  addPasswordRoute,
  removePasswordRoute,
  addKeyRoute,
  removeKeyRoute,
  addOwnerRoute,
  servicePrincipalsRoute,
  createServicePrincipalRoute,
  deleteServicePrincipalRoute,
  appRoleAssignedToRoute,
  createRoleAssignmentRoute,
  deleteRoleAssignmentRoute,
  domainRoute,
  verificationDnsRecordsRoute,
  subscribedSkusRoute,
  usersRoute,
];

/** One Graph request as the core hands it over. */
export interface GraphHttpRequest {
  method: string;
  /** The decoded path, starting with `/v1.0`. */
  path: string;
  query: URLSearchParams;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

/** Answers one request whose path starts with `/v1.0`. */
export async function handleGraph(
  state: EmulatorState,
  g: GraphContext,
  req: GraphHttpRequest,
): Promise<EmulatorResponse> {
  const caller = await authenticate(state, g, req.headers.authorization);
  if (!("tenant" in caller)) return caller;

  const rest = req.path.slice("/v1.0".length);
  const matching = GRAPH_ROUTES.filter((route) => route.path.test(rest));
  if (matching.length === 0) {
    const segment = rest.split("/")[1] ?? "";
    return graphError(g, 404, "Request_ResourceNotFound", `Resource not found for the segment '${segment}'.`);
  }
  const route = matching.find((r) => r.method === req.method);
  const match = route?.path.exec(rest);
  if (route === undefined || match === null || match === undefined) {
    return graphError(g, 405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
  }

  const dir = state.directoryOf(caller.tenant);
  if (route.call !== undefined) dir.count(route.call);
  const fault = preFault(state, caller.tenant, route.name, graphRetryAnswer(g), true);
  if (typeof fault !== "number") return fault;
  // A token with neither `roles` nor `scp` gets Graph's AccessDenied; one whose roles lack the route's permission
  // gets Authorization_RequestDenied (docs/entra.md section 9). An app changing its own keys needs none (section 13).
  const self = route.selfWithoutPermission === true && isOwnApplication(dir, caller, match[1]);
  if (!self && lacksRolesAndScopes(caller)) return graphNoRolesOrScopes(g);
  const allowed =
    self ||
    (caller.kind === "app"
      ? caller.roles.some((r) => route.roles.includes(r))
      : caller.scopes.some((s) => route.scopes.some((want) => want.toLowerCase() === s.toLowerCase())));
  if (!allowed) return graphDenied(g);
  return delayed(
    route.answer({ state, g, caller, dir, match, query: req.query, body: req.body, headers: req.headers }),
    fault,
  );
}
