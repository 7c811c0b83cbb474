/**
 * GET /{tenant}/v2.0/.well-known/openid-configuration (docs/entra.md section 2): the document of a known tenant,
 * with its cloud's instance name and region scopes, which is how a tenant of another cloud shows (section 1).
 */

import { tenantVisible } from "../emulator.clouds.js";
import { preFault } from "../emulator.faults.js";
import {
  delayed,
  ENTRA_JSON,
  type EntraContext,
  entraRetryAnswer,
  invalidTenant,
  json,
  plain,
  type Response,
  tenantNotFound,
} from "../emulator.responses.js";
import type { EmulatorState } from "../emulator.state.js";
import type { EmulatorResponse, TenantFixture } from "../emulator.types.js";

/** The tenant every Microsoft account lives in; the real `consumers` document names it in its issuer. */
const MSA_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad";

/** Per-cloud values of the openid-configuration (docs/entra.md sections 1 and 2). */
const CLOUDS: Record<
  TenantFixture["cloud"],
  { instance: string; msgraphHost: string; cloudGraphHost: string; rbacUrl: string; subScope?: string }
> = {
  global: {
    instance: "microsoftonline.com",
    msgraphHost: "graph.microsoft.com",
    cloudGraphHost: "graph.windows.net",
    rbacUrl: "https://pas.windows.net",
  },
  "usgov-gcchigh": {
    instance: "microsoftonline.us",
    msgraphHost: "graph.microsoft.us",
    cloudGraphHost: "graph.windows.net",
    rbacUrl: "https://pasff.usgovcloudapi.net",
    subScope: "DODCON",
  },
  "usgov-dod": {
    instance: "microsoftonline.us",
    msgraphHost: "dod-graph.microsoft.us",
    cloudGraphHost: "graph.windows.net",
    rbacUrl: "https://pasff.usgovcloudapi.net",
    subScope: "DOD",
  },
  china: {
    instance: "partner.microsoftonline.cn",
    msgraphHost: "microsoftgraph.chinacloudapi.cn",
    cloudGraphHost: "graph.chinacloudapi.cn",
    rbacUrl: "https://pas.chinacloudapi.cn",
  },
};

function openidDocument(
  ctx: EntraContext,
  pathTenant: string,
  issuerTenant: string,
  tenant: TenantFixture | undefined,
): Response {
  const cloud = CLOUDS[tenant?.cloud ?? "global"];
  const root = `${ctx.base}/${pathTenant}`;
  const doc: Record<string, unknown> = {
    token_endpoint: `${root}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${root}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${ctx.base}/${issuerTenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `https://${cloud.msgraphHost}/oidc/userinfo`,
    authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${root}/oauth2/v2.0/logout`,
    claims_supported: [
      "sub",
      "iss",
      "cloud_instance_name",
      "cloud_instance_host_name",
      "cloud_graph_host_name",
      "msgraph_host",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "acr",
      "nonce",
      "preferred_username",
      "name",
      "tid",
      "ver",
      "at_hash",
      "c_hash",
      "email",
    ],
    kerberos_endpoint: `${root}/kerberos`,
    tenant_region_scope: tenant ? tenant.regionScope : null,
  };
  if (tenant && cloud.subScope !== undefined) doc.tenant_region_sub_scope = cloud.subScope;
  doc.cloud_instance_name = cloud.instance;
  doc.cloud_graph_host_name = cloud.cloudGraphHost;
  doc.msgraph_host = cloud.msgraphHost;
  doc.rbac_url = cloud.rbacUrl;
  return json(200, ENTRA_JSON, doc, {
    "cache-control": "max-age=86400",
    "access-control-allow-origin": "*",
    "x-ms-request-id": ctx.traceId,
  });
}

export function handleOpenid(
  state: EmulatorState,
  ctx: EntraContext,
  method: string,
  segment: string,
): EmulatorResponse {
  if (method !== "GET") return plain(405, "Method Not Allowed");
  const found = state.lookupTenant(segment);
  switch (found.kind) {
    case "invalid":
      return invalidTenant(ctx, segment);
    case "unknown":
      return tenantNotFound(ctx, segment, "invalid_tenant");
    case "reserved":
      // The real documents of the multi-tenant endpoints carry a placeholder issuer (or the MSA tenant).
      return openidDocument(ctx, found.name, found.name === "consumers" ? MSA_TENANT_ID : "{tenantid}", undefined);
    case "found": {
      // China's directory is apart: its tenants are unknown elsewhere, and others are unknown there (section 1).
      if (!tenantVisible(ctx.host, found.tenant)) return tenantNotFound(ctx, segment, "invalid_tenant");
      const fault = preFault(state, found.tenant, "openid", entraRetryAnswer(ctx), true);
      if (typeof fault !== "number") return fault;
      return delayed(openidDocument(ctx, found.tenant.id, found.tenant.id, found.tenant), fault);
    }
  }
}
