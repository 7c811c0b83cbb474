/**
 * "Remove what was created" (docs/api.md, "Provisioning"): with the admin's token still held, the objects a run
 * created are removed in reverse: its password (removePassword), its directory role assignment, its service
 * principal, its application (docs/entra.md section 15). Deleting the application removes its service principal,
 * grants, owners and passwords with it; deleting the service principal removes its grants and role assignments. An
 * object Graph answers 404 for is already gone. Each removal is reported as it happens so the caller can persist it.
 */
import type { ProvisionedObject } from "@dr/contract";
import type { GraphClient } from "../m365/graph/graph.client.js";
import type { ProvisioningRecord } from "../storage/provisioning.repository.js";
import {
  callGraph,
  GRAPH_APP_ID,
  type GraphCallContext,
  graphDetail,
  StepFailure,
  servicePrincipalByAppIdPath,
} from "./provisioning.graph.js";

const ROLES_TO_REMOVE = "Application Administrator or Cloud Application Administrator (or Global Administrator)";
const ROLES_TO_UNASSIGN = "Privileged Role Administrator or Global Administrator";

/** One object that could not be removed, and why. */
export interface CleanupFailure {
  kind: ProvisionedObject["kind"];
  id: string;
  code: string;
  message: string;
}

/** The application object id a run worked on (created, or reused: then only in the create_app step's detail). */
export function applicationObjectIdOf(record: ProvisioningRecord): string | undefined {
  const created = record.created.find((o) => o.kind === "application");
  if (created) return created.id;
  const detail = record.steps.find((s) => s.id === "create_app")?.detail;
  return typeof detail?.applicationObjectId === "string" ? detail.applicationObjectId : undefined;
}

/** Removes what `record` lists as created and not yet removed; `changed` gets the list after each removal. */
export async function removeCreated(
  ctx: GraphCallContext & { graph: GraphClient },
  record: ProvisioningRecord,
  changed: (created: ProvisionedObject[]) => Promise<void>,
): Promise<{ created: ProvisionedObject[]; failures: CleanupFailure[] }> {
  let created = record.created.map((o) => ({ ...o }));
  const failures: CleanupFailure[] = [];
  const appObjectId = applicationObjectIdOf(record);
  const left = (kind: ProvisionedObject["kind"]) => created.filter((o) => o.kind === kind && !o.removed);
  const markRemoved = async (which: (o: ProvisionedObject) => boolean) => {
    created = created.map((o) => (!o.removed && which(o) ? { ...o, removed: true } : o));
    await changed(created);
  };

  /** One Graph call that removes `object`; 2xx or 404 count as removed. */
  const remove = async (
    object: ProvisionedObject,
    send: () => ReturnType<GraphClient["get"]>,
    roles: string,
    alsoRemoved: (o: ProvisionedObject) => boolean = () => false,
  ): Promise<void> => {
    try {
      const answer = await callGraph(ctx, send, { what: `removing the ${object.kind.replaceAll("_", " ")}`, roles });
      const gone =
        (answer.status >= 200 && answer.status < 300) ||
        answer.status === 404 ||
        // removePassword of a keyId the app no longer has (docs/entra.md section 15; words only).
        (object.kind === "password" && answer.status === 400 && /no password credential/i.test(answer.text));
      if (!gone) {
        failures.push({
          kind: object.kind,
          id: object.id,
          code: "graph_error",
          message: `Microsoft Graph answered HTTP ${answer.status} (${JSON.stringify(graphDetail(answer))}).`,
        });
        return;
      }
      await markRemoved((o) => (o.kind === object.kind && o.id === object.id) || alsoRemoved(o));
    } catch (error) {
      if (!(error instanceof StepFailure)) throw error;
      failures.push({ kind: object.kind, id: object.id, code: error.code, message: error.message });
    }
  };

  for (const password of left("password")) {
    if (!appObjectId) break;
    await remove(
      password,
      () => ctx.graph.write("POST", `/v1.0/applications/${appObjectId}/removePassword`, { keyId: password.id }),
      ROLES_TO_REMOVE,
    );
  }
  for (const assignment of left("directory_role_assignment")) {
    await remove(
      assignment,
      () => ctx.graph.write("DELETE", `/v1.0/roleManagement/directory/roleAssignments/${assignment.id}`),
      ROLES_TO_UNASSIGN,
    );
  }
  const sp = left("service_principal")[0];
  if (sp) {
    // Its grants, its role assignments and its ownership of the app go with it.
    await remove(
      sp,
      () => ctx.graph.write("DELETE", `/v1.0/servicePrincipals/${sp.id}`),
      ROLES_TO_REMOVE,
      (o) => ["app_role_assignment", "owner", "directory_role_assignment"].includes(o.kind),
    );
  } else if (left("app_role_assignment").length > 0 || left("owner").length > 0) {
    // A service principal that existed before the run: remove only what the run added to it.
    let graphSpId: string | undefined;
    try {
      const read = await callGraph(ctx, () => ctx.graph.get(servicePrincipalByAppIdPath(GRAPH_APP_ID, "id")), {
        what: "reading Microsoft Graph's service principal",
        roles: ROLES_TO_REMOVE,
      });
      const id = (read.json as { id?: unknown } | undefined)?.id;
      if (read.status === 200 && typeof id === "string") graphSpId = id;
    } catch (error) {
      if (!(error instanceof StepFailure)) throw error;
    }
    for (const grant of left("app_role_assignment")) {
      if (!graphSpId) {
        failures.push({ kind: grant.kind, id: grant.id, code: "graph_error", message: "Graph's id is unknown." });
        continue;
      }
      const resource = graphSpId;
      await remove(
        grant,
        () => ctx.graph.write("DELETE", `/v1.0/servicePrincipals/${resource}/appRoleAssignedTo/${grant.id}`),
        ROLES_TO_UNASSIGN,
      );
    }
    for (const owner of left("owner")) {
      if (!appObjectId) break;
      await remove(
        owner,
        () => ctx.graph.write("DELETE", `/v1.0/applications/${appObjectId}/owners/${owner.id}/$ref`),
        ROLES_TO_REMOVE,
      );
    }
  }
  const app = left("application")[0];
  if (app) {
    // Deleting the application removes everything that hangs on it.
    await remove(
      app,
      () => ctx.graph.write("DELETE", `/v1.0/applications/${app.id}`),
      ROLES_TO_REMOVE,
      () => true,
    );
  }
  return { created, failures };
}
