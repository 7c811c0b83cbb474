/**
 * Graph's reads of applications and service principals (docs/entra.md sections 9 and 15):
 * GET /v1.0/applications(appId='…'), /applications/{object id}, /applications?$filter=displayName eq '…' and
 * /servicePrincipals(appId='…') (Microsoft Graph's own one included, with its app roles). The application object
 * lives only in the tenant that registered it; a multi-tenant app has just its service principal elsewhere, so the
 * application reads answer 404 there.
 */
import type { AppRecord, ResolvedKey, TenantDirectory } from "../emulator.directory.js";
import { type GraphContext, graphError, graphNotFound, graphOk, type Response } from "../emulator.responses.js";
import { GRAPH_APP_ID, stableGuid } from "../emulator.state.js";
import type { TenantFixture } from "../emulator.types.js";
import { graphServicePrincipalEntity } from "./graph.approles.js";
import { type GraphRequest, type GraphRoute, invalidObjectId, isGuid, select } from "./graph.route.types.js";

/** `(appId='…')` or `(appId="…")`. */
const BY_APP_ID = String.raw`\(appId=(?:'([^']*)'|"([^"]*)")\)\/?$`;
/**
 * Application permissions that read applications, as Graph's reference lists them: Application.Read.All,
 * Application.ReadWrite.OwnedBy (which can still read and list all of them) and Application.ReadWrite.All; not
 * Directory.* (docs/entra.md section 11).
 */
export const APPLICATION_READ_ROLES = [
  "Application.Read.All",
  "Application.ReadWrite.All",
  "Application.ReadWrite.OwnedBy",
];
/** Application permissions that read service principals: Directory.Read.All too (docs/entra.md section 11). */
export const SERVICE_PRINCIPAL_READ_ROLES = [
  ...APPLICATION_READ_ROLES,
  "Directory.Read.All",
  "Directory.ReadWrite.All",
];
/** Delegated permissions that read them: any signed-in user may (docs/entra.md section 15). */
export const APPLICATION_READ_SCOPES = [
  "Application.Read.All",
  "Application.ReadWrite.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
];

/** The keyCredential as Graph answers it: never the key. */
export function keyCredentialEntity(k: ResolvedKey): Record<string, unknown> {
  return {
    customKeyIdentifier: k.customKeyIdentifier,
    displayName: k.displayName,
    endDateTime: k.end.toISOString(),
    key: null,
    keyId: k.keyId,
    startDateTime: k.start.toISOString(),
    type: "AsymmetricX509Cert",
    usage: "Verify",
  };
}

/** The application as Graph answers it; an application created through Graph also shows its creation fields. */
export function applicationEntity(record: AppRecord): Record<string, unknown> {
  const { app } = record;
  const created = record.createdDateTime !== undefined;
  return {
    id: record.objectId,
    appId: app.appId,
    ...(created ? { createdDateTime: record.createdDateTime } : {}),
    displayName: app.displayName,
    signInAudience: record.signInAudience,
    // Never key material: `key` is null on reads; customKeyIdentifier is the SHA-1 thumbprint (docs/entra.md section 13).
    keyCredentials: record.keys.map(keyCredentialEntity),
    // Never the secret: `secretText` is null on every read (docs/entra.md section 10).
    passwordCredentials: record.secrets.map((s) => ({
      customKeyIdentifier: null,
      displayName: s.displayName,
      endDateTime: s.end.toISOString(),
      hint: s.hint,
      keyId: s.keyId,
      secretText: null,
      startDateTime: s.start.toISOString(),
    })),
    ...(created ? { requiredResourceAccess: record.requiredResourceAccess ?? [] } : {}),
  };
}

/** The app's service principal in `tenant` (the record must have one). */
export function servicePrincipalEntity(tenant: TenantFixture, record: AppRecord): Record<string, unknown> {
  const { app } = record;
  return {
    id: record.sp?.id,
    accountEnabled: app.enabled,
    appId: app.appId,
    appDisplayName: app.displayName,
    // A multi-tenant app's owner is another tenant; its id here is derived, not a real tenant.
    appOwnerOrganizationId: app.registeredHere ? tenant.id : stableOwner(app.appId),
    displayName: app.displayName,
    servicePrincipalType: "Application",
  };
}

function stableOwner(appId: string): string {
  return stableGuid("owner", appId.toLowerCase());
}

/** The app of the caller's tenant named by the path's appId, and the id as written. */
function byAppIdOf(dir: TenantDirectory, match: RegExpExecArray): { appId: string; record: AppRecord | undefined } {
  const appId = match[1] ?? match[2] ?? "";
  return { appId, record: dir.byAppId(appId) };
}

function applicationAnswer(g: GraphContext, record: AppRecord, query: URLSearchParams): Response {
  return graphOk(g, {
    "@odata.context": `${g.base}/v1.0/$metadata#applications/$entity`,
    ...select(applicationEntity(record), query),
  });
}

export const applicationsRoute: GraphRoute = {
  name: "applications",
  method: "GET",
  path: new RegExp(`^\\/applications${BY_APP_ID}`, "i"),
  roles: APPLICATION_READ_ROLES,
  scopes: APPLICATION_READ_SCOPES,
  answer({ g, dir, match, query }) {
    const { appId, record } = byAppIdOf(dir, match);
    if (record === undefined || !record.app.registeredHere) return graphNotFound(g, appId);
    return applicationAnswer(g, record, query);
  },
};

export const applicationByIdRoute: GraphRoute = {
  name: "applications",
  method: "GET",
  path: /^\/applications\/([^/()]+)\/?$/i,
  roles: APPLICATION_READ_ROLES,
  scopes: APPLICATION_READ_SCOPES,
  answer({ g, dir, match, query }) {
    const id = match[1] ?? "";
    if (!isGuid(id)) return invalidObjectId(g, id);
    const record = dir.byObjectId(id);
    if (record === undefined) return graphNotFound(g, id);
    return applicationAnswer(g, record, query);
  },
};

/** `displayName eq '…'` ('' stands for a quote), the one filter supported. */
const DISPLAY_NAME_FILTER = /^\s*displayName\s+eq\s+'((?:[^']|'')*)'\s*$/i;

export const applicationListRoute: GraphRoute = {
  name: "applications",
  method: "GET",
  path: /^\/applications\/?$/i,
  roles: APPLICATION_READ_ROLES,
  scopes: APPLICATION_READ_SCOPES,
  answer({ g, dir, query }) {
    const filter = query.get("$filter");
    let wanted: string | undefined;
    if (filter !== null) {
      const m = DISPLAY_NAME_FILTER.exec(filter);
      if (m === null) {
        // Only the one form is emulated (message (unverified)).
        return graphError(g, 400, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause.");
      }
      wanted = (m[1] ?? "").replaceAll("''", "'");
    }
    const value = dir
      .records()
      .filter((r) => r.app.registeredHere && (wanted === undefined || r.app.displayName === wanted))
      .map((r) => select(applicationEntity(r), query));
    return graphOk(g, { "@odata.context": `${g.base}/v1.0/$metadata#applications`, value });
  },
};

export const servicePrincipalsRoute: GraphRoute = {
  name: "servicePrincipals",
  method: "GET",
  path: new RegExp(`^\\/servicePrincipals${BY_APP_ID}`, "i"),
  roles: SERVICE_PRINCIPAL_READ_ROLES,
  scopes: APPLICATION_READ_SCOPES,
  answer(request: GraphRequest) {
    const { g, caller, dir, match, query } = request;
    const { appId, record } = byAppIdOf(dir, match);
    const context = `${g.base}/v1.0/$metadata#servicePrincipals/$entity`;
    if (appId.toLowerCase() === GRAPH_APP_ID) {
      return graphOk(g, { "@odata.context": context, ...select(graphServicePrincipalEntity(dir), query) });
    }
    if (record?.sp === undefined) return graphNotFound(g, appId);
    return graphOk(g, { "@odata.context": context, ...select(servicePrincipalEntity(caller.tenant, record), query) });
  },
};
