/**
 * GET /v1.0/applications(appId='…') and /v1.0/servicePrincipals(appId='…') (docs/entra.md section 9). The
 * application object lives only in the tenant that registered it; a multi-tenant app has just its service
 * principal elsewhere, so the first answers 404 there.
 */
import { type GraphContext, graphError, graphOk, type Response } from "../emulator.responses.js";
import { type EmulatorState, stableGuid } from "../emulator.state.js";
import type { AppFixture, TenantFixture } from "../emulator.types.js";
import { type GraphRequest, type GraphRoute, select } from "./graph.route.types.js";

/** `(appId='…')` or `(appId="…")`. */
const BY_APP_ID = String.raw`\(appId=(?:'([^']*)'|"([^"]*)")\)\/?$`;
const APPLICATION_ROLES = [
  "Application.Read.All",
  "Application.ReadWrite.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
];

function applicationEntity(state: EmulatorState, tenant: TenantFixture, app: AppFixture): Record<string, unknown> {
  return {
    id: stableGuid("app", tenant.id, app.appId.toLowerCase()),
    appId: app.appId,
    displayName: app.displayName,
    signInAudience: "AzureADMyOrg",
    keyCredentials: [],
    // Never the secret: `secretText` is null on every read (docs/entra.md section 10).
    passwordCredentials: state.secretsOf(app).map((s) => ({
      customKeyIdentifier: null,
      displayName: s.displayName,
      endDateTime: s.end.toISOString(),
      hint: s.hint,
      keyId: s.keyId,
      secretText: null,
      startDateTime: s.start.toISOString(),
    })),
  };
}

function servicePrincipalEntity(tenant: TenantFixture, app: AppFixture): Record<string, unknown> {
  return {
    id: stableGuid("sp", tenant.id, app.appId.toLowerCase()),
    accountEnabled: app.enabled,
    appId: app.appId,
    appDisplayName: app.displayName,
    // A multi-tenant app's owner is another tenant; its id here is derived, not a real tenant.
    appOwnerOrganizationId: app.registeredHere ? tenant.id : stableGuid("owner", app.appId.toLowerCase()),
    displayName: app.displayName,
    servicePrincipalType: "Application",
  };
}

function notFound(g: GraphContext, appId: string): Response {
  return graphError(
    g,
    404,
    "Request_ResourceNotFound",
    `Resource '${appId}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

/** The app of the caller's tenant named by the path, and the id as written. */
function appOf({ caller, match }: GraphRequest): { appId: string; app: AppFixture | undefined } {
  const appId = match[1] ?? match[2] ?? "";
  const wanted = appId.toLowerCase();
  return { appId, app: caller.tenant.apps.find((a) => a.appId.toLowerCase() === wanted) };
}

export const applicationsRoute: GraphRoute = {
  name: "applications",
  path: new RegExp(`^\\/applications${BY_APP_ID}`, "i"),
  roles: APPLICATION_ROLES,
  answer(request) {
    const { state, g, caller, query } = request;
    const { appId, app } = appOf(request);
    if (app === undefined || !app.registeredHere) return notFound(g, appId);
    return graphOk(g, {
      "@odata.context": `${g.base}/v1.0/$metadata#applications/$entity`,
      ...select(applicationEntity(state, caller.tenant, app), query),
    });
  },
};

export const servicePrincipalsRoute: GraphRoute = {
  name: "servicePrincipals",
  path: new RegExp(`^\\/servicePrincipals${BY_APP_ID}`, "i"),
  roles: APPLICATION_ROLES,
  answer(request) {
    const { g, caller, query } = request;
    const { appId, app } = appOf(request);
    if (app === undefined) return notFound(g, appId);
    return graphOk(g, {
      "@odata.context": `${g.base}/v1.0/$metadata#servicePrincipals/$entity`,
      ...select(servicePrincipalEntity(caller.tenant, app), query),
    });
  },
};
