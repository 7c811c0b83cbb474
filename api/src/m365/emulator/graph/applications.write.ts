/**
 * Graph's writes on applications (docs/entra.md section 15): POST /applications, DELETE /applications/{id},
 * POST /applications/{id}/addPassword and /removePassword, POST /applications/{id}/owners/$ref. A delegated caller
 * needs Application.ReadWrite.All and, to change an existing app, an application admin role or ownership; an
 * app-only caller Application.ReadWrite.All, or Application.ReadWrite.OwnedBy on apps it owns, which also lets an
 * app rotate its own secret (docs/entra.md section 11).
 */
import type { AppRecord } from "../emulator.directory.js";
import {
  graphBadRequest,
  graphCreated,
  graphDenied,
  graphNoContent,
  graphNotFound,
  graphOk,
  type Response,
} from "../emulator.responses.js";
import { applicationEntity } from "./applications.handler.js";
import {
  callerObjectId,
  canManage,
  type GraphRequest,
  type GraphRoute,
  invalidObjectId,
  invalidProperty,
  isAppAdmin,
  isGuid,
  isOwner,
  readJson,
} from "./graph.route.types.js";

/** App-only permissions that create and change applications; OwnedBy only on apps the caller owns. */
export const WRITE_ROLES = ["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"];
export const WRITE_SCOPES = ["Application.ReadWrite.All"];
const SIGN_IN_AUDIENCES = [
  "AzureADMyOrg",
  "AzureADMultipleOrgs",
  "AzureADandPersonalMicrosoftAccount",
  "PersonalMicrosoftAccount",
];
/** How long a password lives when the request names no end (docs/entra.md section 15). */
const DEFAULT_PASSWORD_YEARS = 2;

/** The application named by the path's object id, or the answer refusing it (400 not a GUID, 404 unknown). */
function target(request: GraphRequest): AppRecord | Response {
  const id = request.match[1] ?? "";
  if (!isGuid(id)) return invalidObjectId(request.g, id);
  return request.dir.byObjectId(id) ?? graphNotFound(request.g, id);
}

/** The target, when the caller may change it. */
export function managed(request: GraphRequest): AppRecord | Response {
  const record = target(request);
  if ("kind" in record) return record;
  return canManage(request, record) ? record : graphDenied(request.g);
}

export const createApplicationRoute: GraphRoute = {
  name: "graphWrite",
  method: "POST",
  path: /^\/applications\/?$/i,
  roles: WRITE_ROLES,
  scopes: WRITE_SCOPES,
  call: "createApplication",
  answer(request) {
    const { g, caller, dir } = request;
    // A tenant may keep users without an admin role from registering apps.
    if (caller.kind === "user" && caller.tenant.provisioning?.appRegistrationDisabled === true && !isAppAdmin(caller)) {
      return graphDenied(g);
    }
    const parsed = readJson(request);
    if ("refused" in parsed) return parsed.refused;
    const body = parsed.json;
    const { displayName, signInAudience, requiredResourceAccess } = body;
    if (typeof displayName !== "string" || displayName.trim() === "") {
      return invalidProperty(g, "displayName", "Application");
    }
    if (
      signInAudience !== undefined &&
      (typeof signInAudience !== "string" || !SIGN_IN_AUDIENCES.includes(signInAudience))
    ) {
      return invalidProperty(g, "signInAudience", "Application");
    }
    if (requiredResourceAccess !== undefined && !Array.isArray(requiredResourceAccess)) {
      return invalidProperty(g, "requiredResourceAccess", "Application");
    }
    // Entra makes the creator an owner: the user, or the calling app's service principal.
    const creator = callerObjectId(dir, caller);
    const record = dir.createApplication({
      displayName,
      signInAudience: typeof signInAudience === "string" ? signInAudience : "AzureADMyOrg",
      requiredResourceAccess: Array.isArray(requiredResourceAccess) ? requiredResourceAccess : [],
      owners: creator === undefined ? [] : [creator],
      at: g.now,
    });
    return graphCreated(g, {
      "@odata.context": `${g.base}/v1.0/$metadata#applications/$entity`,
      ...applicationEntity(record),
    });
  },
};

export const deleteApplicationRoute: GraphRoute = {
  name: "graphWrite",
  method: "DELETE",
  path: /^\/applications\/([^/()]+)\/?$/i,
  roles: WRITE_ROLES,
  scopes: WRITE_SCOPES,
  call: "deleteApplication",
  answer(request) {
    const record = managed(request);
    if ("kind" in record) return record;
    request.dir.deleteApplication(record);
    return graphNoContent(request.g);
  },
};

/** An ISO 8601 date of a body, or undefined when absent; null when present but not a date. */
function dateOf(value: unknown): Date | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export const addPasswordRoute: GraphRoute = {
  name: "graphWrite",
  method: "POST",
  path: /^\/applications\/([^/()]+)\/addPassword\/?$/i,
  roles: WRITE_ROLES,
  scopes: WRITE_SCOPES,
  call: "addPassword",
  answer(request) {
    const { g, dir } = request;
    const record = managed(request);
    if ("kind" in record) return record;
    const parsed = readJson(request);
    if ("refused" in parsed) return parsed.refused;
    const body = parsed.json;
    const credential = body.passwordCredential ?? {};
    if (credential === null || typeof credential !== "object" || Array.isArray(credential)) {
      return invalidProperty(g, "passwordCredential", "Application");
    }
    const { displayName, startDateTime, endDateTime } = credential as Record<string, unknown>;
    if (displayName !== undefined && displayName !== null && typeof displayName !== "string") {
      return invalidProperty(g, "displayName", "PasswordCredential");
    }
    const start = dateOf(startDateTime);
    const end = dateOf(endDateTime);
    if (start === null) return invalidProperty(g, "startDateTime", "PasswordCredential");
    if (end === null) return invalidProperty(g, "endDateTime", "PasswordCredential");
    const from = start ?? g.now;
    const until = end ?? new Date(new Date(from).setUTCFullYear(from.getUTCFullYear() + DEFAULT_PASSWORD_YEARS));
    if (until <= from) return invalidProperty(g, "endDateTime", "PasswordCredential");
    // The secret text is in this answer only; the directory keeps its digest (docs/entra.md section 10).
    const { secretText, secret } = dir.addPassword(record, {
      displayName: typeof displayName === "string" ? displayName : null,
      start: from,
      end: until,
      at: g.now,
    });
    return graphOk(g, {
      "@odata.context": `${g.base}/v1.0/$metadata#microsoft.graph.passwordCredential`,
      customKeyIdentifier: null,
      displayName: secret.displayName,
      endDateTime: secret.end.toISOString(),
      hint: secret.hint,
      keyId: secret.keyId,
      secretText,
      startDateTime: secret.start.toISOString(),
    });
  },
};

export const removePasswordRoute: GraphRoute = {
  name: "graphWrite",
  method: "POST",
  path: /^\/applications\/([^/()]+)\/removePassword\/?$/i,
  roles: WRITE_ROLES,
  scopes: WRITE_SCOPES,
  call: "removePassword",
  answer(request) {
    const { g } = request;
    const record = managed(request);
    if ("kind" in record) return record;
    const parsed = readJson(request);
    if ("refused" in parsed) return parsed.refused;
    const body = parsed.json;
    const keyId = typeof body.keyId === "string" ? body.keyId.toLowerCase() : "";
    if (!isGuid(keyId)) return invalidProperty(g, "keyId", "PasswordCredential");
    const index = record.secrets.findIndex((s) => s.keyId.toLowerCase() === keyId);
    // (unverified) The wording for a keyId the app does not have.
    if (index < 0) return graphBadRequest(g, `No password credential found with keyId '${keyId}'.`);
    record.secrets.splice(index, 1);
    return graphNoContent(g);
  },
};

/** `https://<graph host>/v1.0/directoryObjects/{id}`: the id. */
const DIRECTORY_OBJECT_REF = /\/directoryObjects\/([^/?#]+)\/?$/i;

export const addOwnerRoute: GraphRoute = {
  name: "graphWrite",
  method: "POST",
  path: /^\/applications\/([^/()]+)\/owners\/\$ref\/?$/i,
  // OwnedBy cannot add owners (docs/entra.md section 11).
  roles: ["Application.ReadWrite.All"],
  scopes: WRITE_SCOPES,
  call: "addOwner",
  answer(request) {
    const { g, caller, dir } = request;
    const record = target(request);
    if ("kind" in record) return record;
    if (caller.kind === "user" && !isAppAdmin(caller) && !isOwner(dir, caller, record)) return graphDenied(g);
    const parsed = readJson(request);
    if ("refused" in parsed) return parsed.refused;
    const body = parsed.json;
    const ref = body["@odata.id"];
    const m = typeof ref === "string" ? DIRECTORY_OBJECT_REF.exec(ref) : null;
    // (unverified) The wording for a missing or malformed reference.
    if (m === null) return graphBadRequest(g, "Invalid URL format specified in @odata.id.");
    const id = (m[1] ?? "").toLowerCase();
    if (!isGuid(id)) return invalidObjectId(g, m[1] ?? "");
    // Owners are users or service principals of the tenant, the app's own one included (docs/entra.md section 15).
    const known = dir.user(id) !== undefined || dir.bySpId(id) !== undefined || id === dir.graphServicePrincipalId;
    if (!known) return graphNotFound(g, m[1] ?? id);
    if (record.owners.includes(id)) {
      return graphBadRequest(
        g,
        "One or more added object references already exist for the following modified properties: 'owners'.",
      );
    }
    record.owners.push(id);
    return graphNoContent(g);
  },
};
