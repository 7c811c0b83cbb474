/**
 * Graph's writes on service principals (docs/entra.md section 15): POST /servicePrincipals,
 * DELETE /servicePrincipals/{id} and POST /servicePrincipals/{Graph's id}/appRoleAssignedTo, which grants a
 * Microsoft Graph application permission to an app (the next client-credentials token carries it in `roles`).
 * Granting Graph app roles needs Global or Privileged Role Administrator (docs/entra.md section 12). A new object
 * is not visible to the next call until it has replicated (docs/entra.md section 15).
 */
import { randomUUID } from "node:crypto";
import {
  graphBadRequest,
  graphCreated,
  graphDenied,
  graphError,
  graphNoContent,
  graphNotFound,
} from "../emulator.responses.js";
import { servicePrincipalEntity } from "./applications.handler.js";
import { graphAppRole } from "./graph.approles.js";
import {
  canManage,
  type GraphRoute,
  invalidObjectId,
  invalidProperty,
  isAppAdmin,
  isGuid,
  isOwner,
  isPrivilegedAdmin,
  opaqueId,
  readJson,
} from "./graph.route.types.js";

const WRITE_ROLES = ["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"];
const WRITE_SCOPES = ["Application.ReadWrite.All"];

export const createServicePrincipalRoute: GraphRoute = {
  name: "graphWrite",
  method: "POST",
  path: /^\/servicePrincipals\/?$/i,
  roles: WRITE_ROLES,
  scopes: WRITE_SCOPES,
  call: "createServicePrincipal",
  answer(request) {
    const { g, caller, dir } = request;
    const parsed = readJson(request);
    if ("refused" in parsed) return parsed.refused;
    const body = parsed.json;
    const appId = typeof body.appId === "string" ? body.appId : "";
    if (appId === "") return invalidProperty(g, "appId", "ServicePrincipal");
    const record = dir.byAppId(appId);
    // An app created a moment ago is not there yet for this call (docs/entra.md section 15, replication).
    if (record === undefined || !dir.replicated(record.createdAt, g.now)) {
      return graphBadRequest(
        g,
        `Resource '${appId}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    // As for creating an application, plus the app's owners.
    const allowed =
      caller.kind === "app"
        ? canManage(request, record)
        : isAppAdmin(caller) ||
          caller.tenant.provisioning?.appRegistrationDisabled !== true ||
          isOwner(dir, caller, record);
    if (!allowed) return graphDenied(g);
    if (record.sp !== undefined) {
      return graphError(
        g,
        409,
        "Request_MultipleObjectsWithSameKeyValue",
        "The service principal cannot be created, updated, or restored because the service principal name " +
          `${record.app.appId} is already in use.`,
      );
    }
    record.sp = { id: randomUUID(), createdAt: g.now.getTime() };
    return graphCreated(g, {
      "@odata.context": `${g.base}/v1.0/$metadata#servicePrincipals/$entity`,
      ...servicePrincipalEntity(caller.tenant, record),
    });
  },
};

export const deleteServicePrincipalRoute: GraphRoute = {
  name: "graphWrite",
  method: "DELETE",
  path: /^\/servicePrincipals\/([^/()]+)\/?$/i,
  roles: WRITE_ROLES,
  scopes: WRITE_SCOPES,
  call: "deleteServicePrincipal",
  answer(request) {
    const { g, dir } = request;
    const id = request.match[1] ?? "";
    if (!isGuid(id)) return invalidObjectId(g, id);
    // Microsoft Graph's own service principal is not the caller's to delete.
    if (id.toLowerCase() === dir.graphServicePrincipalId) return graphDenied(g);
    const record = dir.bySpId(id);
    if (record === undefined) return graphNotFound(g, id);
    if (!canManage(request, record)) return graphDenied(g);
    dir.deleteServicePrincipal(record);
    return graphNoContent(g);
  },
};

export const appRoleAssignedToRoute: GraphRoute = {
  name: "graphWrite",
  method: "POST",
  path: /^\/servicePrincipals\/([^/()]+)\/appRoleAssignedTo\/?$/i,
  roles: ["AppRoleAssignment.ReadWrite.All"],
  scopes: ["AppRoleAssignment.ReadWrite.All"],
  call: "appRoleAssignedTo",
  answer(request) {
    const { g, caller, dir } = request;
    // Application and Cloud Application Administrators cannot grant Graph app roles (docs/entra.md section 12).
    if (caller.kind === "user" && !isPrivilegedAdmin(caller)) return graphDenied(g);
    const resourceId = (request.match[1] ?? "").toLowerCase();
    if (!isGuid(resourceId)) return invalidObjectId(g, request.match[1] ?? "");
    const isGraph = resourceId === dir.graphServicePrincipalId;
    if (!isGraph && dir.bySpId(resourceId) === undefined) return graphNotFound(g, request.match[1] ?? "");
    const parsed = readJson(request);
    if ("refused" in parsed) return parsed.refused;
    const body = parsed.json;
    const principalId = typeof body.principalId === "string" ? body.principalId.toLowerCase() : "";
    const appRoleId = typeof body.appRoleId === "string" ? body.appRoleId : "";
    if (!isGuid(principalId)) return invalidProperty(g, "principalId", "AppRoleAssignment");
    if (typeof body.resourceId !== "string" || body.resourceId.toLowerCase() !== resourceId) {
      return invalidProperty(g, "resourceId", "AppRoleAssignment");
    }
    // A new service principal stays unknown here for a while (docs/entra.md section 15, replication).
    const principal = dir.bySpId(principalId);
    if (principal?.sp === undefined || !dir.replicated(principal.sp.createdAt, g.now)) {
      return graphNotFound(g, body.principalId as string);
    }
    // Only Microsoft Graph's roles are emulated; another resource has none.
    const role = isGraph ? graphAppRole(appRoleId) : undefined;
    if (role === undefined) {
      // (unverified) The wording for a role the resource does not define.
      return graphBadRequest(g, "Permission being assigned was not found on application.");
    }
    if (principal.app.graphRoles.includes(role.value)) {
      return graphBadRequest(g, "Permission being assigned already exists on the object.");
    }
    const createdDateTime = g.now.toISOString().replace(/\.\d{3}Z$/, "Z");
    const grant = { id: opaqueId(), appRoleId: role.id, value: role.value, createdDateTime };
    principal.grants.push(grant);
    principal.app.graphRoles.push(role.value);
    return graphCreated(g, {
      "@odata.context": `${g.base}/v1.0/$metadata#servicePrincipals('${resourceId}')/appRoleAssignedTo/$entity`,
      id: grant.id,
      deletedDateTime: null,
      appRoleId: role.id,
      createdDateTime,
      principalDisplayName: principal.app.displayName,
      principalId,
      principalType: "ServicePrincipal",
      resourceDisplayName: "Microsoft Graph",
      resourceId,
    });
  },
};
