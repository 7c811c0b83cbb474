/**
 * POST /v1.0/roleManagement/directory/roleAssignments and DELETE …/roleAssignments/{id} (docs/entra.md
 * section 15): assigns a directory role (e.g. Teams Administrator, section 11) to a service principal or a user,
 * which the principal's next token carries in `wids`. Needs RoleManagement.ReadWrite.Directory and, delegated,
 * Global or Privileged Role Administrator.
 */

import type { TenantDirectory } from "../emulator.directory.js";
import { graphBadRequest, graphCreated, graphDenied, graphNoContent, graphNotFound } from "../emulator.responses.js";
import {
  type GraphRoute,
  invalidProperty,
  isGuid,
  isPrivilegedAdmin,
  opaqueId,
  readJson,
} from "./graph.route.types.js";

const ROLES = ["RoleManagement.ReadWrite.Directory"];
const SCOPES = ["RoleManagement.ReadWrite.Directory"];

/** The role list of a principal (an app's service principal, or a user), or undefined when there is none. */
function rolesOf(dir: TenantDirectory, principalId: string): string[] | undefined {
  const user = dir.user(principalId);
  if (user !== undefined) return user.directoryRoles;
  return dir.bySpId(principalId)?.app.directoryRoles;
}

export const createRoleAssignmentRoute: GraphRoute = {
  name: "graphWrite",
  method: "POST",
  path: /^\/roleManagement\/directory\/roleAssignments\/?$/i,
  roles: ROLES,
  scopes: SCOPES,
  call: "roleAssignments",
  answer(request) {
    const { g, caller, dir } = request;
    if (caller.kind === "user" && !isPrivilegedAdmin(caller)) return graphDenied(g);
    const parsed = readJson(request);
    if ("refused" in parsed) return parsed.refused;
    const body = parsed.json;
    const principalId = typeof body.principalId === "string" ? body.principalId.toLowerCase() : "";
    const roleDefinitionId = typeof body.roleDefinitionId === "string" ? body.roleDefinitionId.toLowerCase() : "";
    const scope = body.directoryScopeId ?? "/";
    if (!isGuid(principalId)) return invalidProperty(g, "principalId", "UnifiedRoleAssignment");
    if (!isGuid(roleDefinitionId)) return invalidProperty(g, "roleDefinitionId", "UnifiedRoleAssignment");
    // Only the tenant-wide scope is emulated (administrative units are not).
    if (scope !== "/") return invalidProperty(g, "directoryScopeId", "UnifiedRoleAssignment");
    const roles = rolesOf(dir, principalId);
    if (roles === undefined) return graphNotFound(g, body.principalId as string);
    if (roles.some((r) => r.toLowerCase() === roleDefinitionId)) {
      return graphBadRequest(
        g,
        "A conflicting object with one or more of the specified property values is present in the directory.",
      );
    }
    const assignment = { id: opaqueId(), principalId, roleDefinitionId, directoryScopeId: "/" };
    dir.roleAssignments.push(assignment);
    roles.push(roleDefinitionId);
    return graphCreated(g, {
      "@odata.context": `${g.base}/v1.0/$metadata#roleManagement/directory/roleAssignments/$entity`,
      ...assignment,
    });
  },
};

export const deleteRoleAssignmentRoute: GraphRoute = {
  name: "graphWrite",
  method: "DELETE",
  path: /^\/roleManagement\/directory\/roleAssignments\/([^/()]+)\/?$/i,
  roles: ROLES,
  scopes: SCOPES,
  call: "deleteRoleAssignment",
  answer(request) {
    const { g, caller, dir } = request;
    if (caller.kind === "user" && !isPrivilegedAdmin(caller)) return graphDenied(g);
    const id = request.match[1] ?? "";
    const index = dir.roleAssignments.findIndex((a) => a.id === id);
    const assignment = dir.roleAssignments[index];
    if (assignment === undefined) return graphNotFound(g, id);
    dir.roleAssignments.splice(index, 1);
    const roles = rolesOf(dir, assignment.principalId);
    const at = roles?.findIndex((r) => r.toLowerCase() === assignment.roleDefinitionId) ?? -1;
    if (roles !== undefined && at >= 0) roles.splice(at, 1);
    return graphNoContent(g);
  },
};
