/**
 * The national clouds (docs/entra.md section 1): one table drives the login host, the Graph host and the scope.
 * The Graph host is never derived from the login host.
 */
import { CLOUD_LOGIN_URLS, type Cloud } from "@dr/contract";

/** Where one cloud's services live. */
export interface CloudEndpoints {
  /** Login (Entra ID) base URL, no trailing slash. */
  loginUrl: string;
  /** Microsoft Graph base URL, no trailing slash. */
  graphUrl: string;
  /** The Graph resource identifier, used for the `/.default` scope and as the token audience. */
  graphResource: string;
  /** openid-configuration `cloud_instance_name` values that belong to this cloud. */
  instanceNames: readonly string[];
  /** Human name, for messages. */
  label: string;
}

/** The cloud table. */
export const CLOUDS: Readonly<Record<Cloud, CloudEndpoints>> = {
  global: {
    loginUrl: CLOUD_LOGIN_URLS.global,
    graphUrl: "https://graph.microsoft.com",
    graphResource: "https://graph.microsoft.com",
    instanceNames: ["microsoftonline.com"],
    label: "Microsoft global cloud",
  },
  "usgov-gcchigh": {
    loginUrl: CLOUD_LOGIN_URLS["usgov-gcchigh"],
    graphUrl: "https://graph.microsoft.us",
    graphResource: "https://graph.microsoft.us",
    instanceNames: ["microsoftonline.us"],
    label: "US Government GCC High",
  },
  "usgov-dod": {
    loginUrl: CLOUD_LOGIN_URLS["usgov-dod"],
    graphUrl: "https://dod-graph.microsoft.us",
    graphResource: "https://dod-graph.microsoft.us",
    instanceNames: ["microsoftonline.us"],
    label: "US Government DoD",
  },
  china: {
    loginUrl: CLOUD_LOGIN_URLS.china,
    graphUrl: "https://microsoftgraph.chinacloudapi.cn",
    graphResource: "https://microsoftgraph.chinacloudapi.cn",
    instanceNames: ["partner.microsoftonline.cn", "chinacloudapi.cn"],
    label: "Microsoft Azure operated by 21Vianet (China)",
  },
};

/** Overrides of the cloud table (M365_LOGIN_URL, M365_GRAPH_URL): where requests go, not which resource. */
export interface EndpointOverrides {
  loginUrl?: string;
  graphUrl?: string;
}

/** The endpoints to call for a cloud, overrides applied. */
export function resolveEndpoints(cloud: Cloud, overrides: EndpointOverrides = {}): CloudEndpoints {
  const base = CLOUDS[cloud];
  return {
    ...base,
    loginUrl: (overrides.loginUrl ?? base.loginUrl).replace(/\/+$/, ""),
    graphUrl: (overrides.graphUrl ?? base.graphUrl).replace(/\/+$/, ""),
  };
}

/**
 * Which cloud an openid-configuration describes, from `cloud_instance_name` and the region scopes
 * (docs/entra.md section 2: USGov/DODCON = GCC High, USGov/DOD = DoD).
 */
export function cloudOfTenant(doc: {
  cloud_instance_name?: unknown;
  tenant_region_scope?: unknown;
  tenant_region_sub_scope?: unknown;
}): Cloud | undefined {
  const instance = typeof doc.cloud_instance_name === "string" ? doc.cloud_instance_name.toLowerCase() : undefined;
  const region = typeof doc.tenant_region_scope === "string" ? doc.tenant_region_scope : undefined;
  const sub = typeof doc.tenant_region_sub_scope === "string" ? doc.tenant_region_sub_scope.toUpperCase() : undefined;
  const isUsGov = instance === "microsoftonline.us" || region === "USGov" || region === "USG";
  if (isUsGov) return sub === "DOD" ? "usgov-dod" : "usgov-gcchigh";
  if (instance && CLOUDS.china.instanceNames.includes(instance)) return "china";
  if (instance === "microsoftonline.com" || region !== undefined) return "global";
  return undefined;
}
