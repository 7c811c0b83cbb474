/**
 * Which Microsoft cloud a request reached, told by its Host (docs/entra.md section 1, "The emulator's clouds"). The
 * host names come from the cloud table (api/src/m365/clouds.ts): each cloud's login host answers for its Entra
 * instance (GCC High and DoD share the US Gov one) and each Graph host for its own resource. Any other host (the
 * loopback address behind M365_LOGIN_URL / M365_GRAPH_URL) acts as the global cloud's login and Graph host at once,
 * with the emulator's `graphResource`, as the emulator always did.
 */
import type { Cloud } from "@dr/contract";
import { CLOUDS } from "../clouds.js";
import { type EntraContext, entraError, type Response, tenantNotFound } from "./emulator.responses.js";
import type { EmulatorState } from "./emulator.state.js";
import type { EntraInstance, HostView, TenantFixture } from "./emulator.types.js";

export type { EntraInstance, HostView };

const INSTANCES: Readonly<Record<Cloud, EntraInstance>> = {
  global: "global",
  "usgov-gcchigh": "usgov",
  "usgov-dod": "usgov",
  china: "china",
};

/** The China login host's alias that Microsoft Learn lists (docs/entra.md section 1). */
const CHINA_LOGIN_ALIAS = "login.chinacloudapi.cn";

/** The Entra instance a tenant of `cloud` lives in. */
export function instanceOf(cloud: Cloud): EntraInstance {
  return INSTANCES[cloud];
}

function hostName(url: string): string {
  return new URL(url).hostname.toLowerCase();
}

function buildHostTable(): ReadonlyMap<string, HostView> {
  const table = new Map<string, HostView>();
  const clouds = Object.keys(CLOUDS) as Cloud[];
  for (const cloud of clouds) {
    const instance = INSTANCES[cloud];
    const resources = clouds.filter((c) => INSTANCES[c] === instance).map((c) => CLOUDS[c].graphResource);
    const login: HostView = { instance, service: "login", graphResources: [...new Set(resources)] };
    table.set(hostName(CLOUDS[cloud].loginUrl), login);
    if (cloud === "china") table.set(CHINA_LOGIN_ALIAS, login);
    table.set(hostName(CLOUDS[cloud].graphUrl), {
      instance,
      service: "graph",
      graphResources: [CLOUDS[cloud].graphResource],
    });
  }
  return table;
}

const HOSTS = buildHostTable();

/** Every Microsoft host name the emulator answers for by name: the server certificate's names and the host map. */
export const MICROSOFT_HOST_NAMES: readonly string[] = Object.freeze([...HOSTS.keys()]);

/** The view of a request's `host` header (port ignored); a host outside the table is the global cloud. */
export function hostView(state: EmulatorState, host: string | undefined): HostView {
  const name = (host ?? "").replace(/:\d+$/, "").toLowerCase();
  return HOSTS.get(name) ?? { instance: "global", service: "any", graphResources: [state.graphResource] };
}

/**
 * Whether a tenant is known at all on the host: the US Gov and global instances resolve each other's tenants
 * (a US Gov tenant's discovery document on the global host answers 200; the reverse is (unverified)), China is
 * apart (AADSTS90002 both ways).
 */
export function tenantVisible(view: HostView, tenant: TenantFixture): boolean {
  const own = instanceOf(tenant.cloud);
  return own === view.instance || (own !== "china" && view.instance !== "china");
}

/**
 * The token endpoint's answer to a confidential client of a tenant in another instance (docs/entra.md section 1),
 * or undefined for a tenant of this host's instance.
 */
export function crossCloudRefusal(
  ctx: EntraContext,
  view: HostView,
  tenant: TenantFixture,
  segment: string,
): Response | undefined {
  const own = instanceOf(tenant.cloud);
  if (own === view.instance) return undefined;
  if (!tenantVisible(view, tenant)) return tenantNotFound(ctx, segment, "invalid_request");
  if (own === "usgov") {
    return entraError(
      ctx,
      400,
      "invalid_request",
      900382,
      "Confidential Client is not supported in Cross Cloud request.",
    );
  }
  return entraError(
    ctx,
    400,
    "invalid_request",
    900440,
    "Requests to tenants hosted in the public cloud are not supported on USGov endpoints. This user must sign into " +
      "https://login.microsoftonline.com instead of https://login.microsoftonline.us. The application must send the " +
      "user to the right login endpoint, usually by hosting two versions of the site (e.g. portal.azure.us and " +
      "portal.azure.com)",
  );
}

/**
 * The state as the token endpoint of this host sees it for one request: its `graphResource` is the Graph resource
 * the scope names when it is one of the host's, else the tenant's own cloud's (for Graph's application id, or for
 * the invalid-resource answer to another cloud's Graph). Everything else is the shared state.
 */
export function tokenStateAt(
  state: EmulatorState,
  view: HostView,
  tenant: TenantFixture,
  scope: string | null,
): EmulatorState {
  if (view.service === "any") return state;
  const named = (scope ?? "")
    .split(/\s+/)
    .map((s) => s.toLowerCase().replace(/\/\.default$/, ""))
    .find((r) => view.graphResources.includes(r));
  const own = CLOUDS[tenant.cloud].graphResource;
  const graphResource = named ?? (view.graphResources.includes(own) ? own : (view.graphResources[0] ?? own));
  return Object.create(state, { graphResource: { value: graphResource } }) as EmulatorState;
}
