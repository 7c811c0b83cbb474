/**
 * The Entra ID and Microsoft Graph emulator core: a pure request -> response function over tenant fixtures.
 * It imitates Microsoft's documented behaviour (docs/entra-facts.md), not what a validator would like, so that code
 * tested against it holds against the real service. No sockets here: adapters (in-process dispatch, HTTPS server)
 * carry the answers and honour `delayMs`, `hang` and `reset`.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, errors as joseErrors, jwtVerify, SignJWT } from "jose";
import type {
  AppFixture,
  Emulator,
  EmulatorJwk,
  EmulatorOptions,
  EmulatorRequest,
  EmulatorResponse,
  FaultRoute,
  TenantFixture,
} from "./emulator.types.js";

/** Re-exported so callers of createEmulator need one import. */
export type { Emulator, EmulatorOptions } from "./emulator.types.js";

/** Microsoft Graph's own application id; a scope may name the resource by it instead of its URI. */
const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
/** Present in `wids` of every app-only token (entra-facts section 6); not an assignable role. */
const IMPLICIT_WID = "0997a1d0-0d1d-4acb-b408-d5ca73121e90";
/** The tenant every Microsoft account lives in; the real `consumers` document names it in its issuer. */
const MSA_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad";
const DAY_MS = 86_400_000;

const ENTRA_JSON = "application/json; charset=utf-8";
const GRAPH_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/** Per-cloud values of the openid-configuration (entra-facts sections 5 and 8). */
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

/** Application permissions that allow each Graph read (least privilege first). */
const ORGANIZATION_ROLES = [
  "Organization.Read.All",
  "Organization.ReadWrite.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
];
const APPLICATION_ROLES = [
  "Application.Read.All",
  "Application.ReadWrite.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
];

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** At least two labels; Entra resolves only full domain names. */
const DNS_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
/** Accepted as an echoed client-request-id: anything else is replaced, so no arbitrary input is reflected. */
const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;
const RESERVED_TENANTS = new Set(["common", "organizations", "consumers"]);

const HTML_502 =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n" +
  "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

type TenantLookup =
  | { kind: "invalid" }
  | { kind: "reserved"; name: string }
  | { kind: "unknown" }
  | { kind: "found"; tenant: TenantFixture };

/** A secret with its dates resolved against the clock at emulator creation. */
interface ResolvedSecret {
  keyId: string;
  digest: Buffer;
  hint: string;
  displayName: string | null;
  start: Date;
  end: Date;
}

interface RequestContext {
  base: string;
  now: Date;
  traceId: string;
  correlationId: string;
}

type Response = Extract<EmulatorResponse, { kind: "response" }>;

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** A GUID derived from its inputs, so object ids stay the same across emulator instances. */
function stableGuid(...parts: string[]): string {
  const h = sha256(parts.join("|")).toString("hex");
  const variant = ((Number.parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Entra's `YYYY-MM-DD hh:mm:ssZ` (a space, no `T`, no fraction). */
function entraTimestamp(d: Date): string {
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)}Z`;
}

/** Graph's innerError date: `YYYY-MM-DDTHH:MM:SS`, no zone, no fraction. */
function graphDate(d: Date): string {
  return d.toISOString().slice(0, 19);
}

function json(status: number, contentType: string, body: unknown, headers: Record<string, string> = {}): Response {
  return { kind: "response", status, headers: { "content-type": contentType, ...headers }, body: JSON.stringify(body) };
}

function plain(status: number, text: string): Response {
  return { kind: "response", status, headers: { "content-type": "text/plain; charset=utf-8" }, body: text };
}

function html502(): Response {
  return { kind: "response", status: 502, headers: { "content-type": "text/html" }, body: HTML_502 };
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Picks the listed properties when `$select` is given; unknown names are ignored, as Graph's are not (loosely). */
function select(entity: Record<string, unknown>, query: URLSearchParams): Record<string, unknown> {
  const raw = query.get("$select");
  if (raw === null || raw.trim() === "") return entity;
  const wanted = new Set(raw.split(",").map((s) => s.trim().toLowerCase()));
  return Object.fromEntries(Object.entries(entity).filter(([k]) => wanted.has(k.toLowerCase())));
}

/**
 * Creates an emulator over `options.tenants`. Generates a fresh RSA signing key, so tokens of one instance are not
 * accepted by another.
 */
export async function createEmulator(options: EmulatorOptions): Promise<Emulator> {
  const now = options.now ?? (() => new Date());
  const graphResource = (options.graphResource ?? "https://graph.microsoft.com").replace(/\/+$/, "");
  const latencyMs = options.latencyMs ?? 0;
  const tenants = options.tenants;

  const { publicKey, privateKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const jwk: EmulatorJwk = {
    kty: publicJwk.kty ?? "RSA",
    use: "sig",
    kid,
    alg: "RS256",
    n: publicJwk.n ?? "",
    e: publicJwk.e ?? "",
  };

  // Secret dates are fixed at creation (days relative to the clock then), so a test moving the clock sees expiry.
  const anchor = now().getTime();
  const secretsByApp = new Map<AppFixture, ResolvedSecret[]>();
  for (const tenant of tenants) {
    for (const app of tenant.apps) {
      secretsByApp.set(
        app,
        app.secrets.map((s) => ({
          keyId: s.keyId,
          digest: sha256(s.value),
          hint: s.hint ?? s.value.slice(0, 3),
          displayName: s.displayName ?? null,
          start: new Date(anchor + s.startDays * DAY_MS),
          end: new Date(anchor + s.endDays * DAY_MS),
        })),
      );
    }
  }

  let requestCount = 0;
  const faultCounters = new Map<string, number>();

  /** Counts one faulty answer; false once the fault has fired `times` times. */
  function consumeFault(tenant: TenantFixture, route: FaultRoute, times: number): boolean {
    const key = `${tenant.id}|${route}`;
    const used = faultCounters.get(key) ?? 0;
    if (used >= times) return false;
    faultCounters.set(key, used + 1);
    return true;
  }

  function lookupTenant(segment: string): TenantLookup {
    const lower = segment.toLowerCase();
    if (RESERVED_TENANTS.has(lower)) return { kind: "reserved", name: lower };
    if (GUID_RE.test(segment)) {
      const tenant = tenants.find((t) => t.id.toLowerCase() === lower);
      return tenant ? { kind: "found", tenant } : { kind: "unknown" };
    }
    if (DNS_RE.test(segment)) {
      const tenant = tenants.find((t) => t.domains.some((d) => d.name.toLowerCase() === lower));
      return tenant ? { kind: "found", tenant } : { kind: "unknown" };
    }
    return { kind: "invalid" };
  }

  // ---------------------------------------------------------------- Entra (login) answers

  function entraHeaders(ctx: RequestContext): Record<string, string> {
    return {
      "cache-control": "no-store, no-cache",
      pragma: "no-cache",
      "x-ms-request-id": ctx.traceId,
      "x-content-type-options": "nosniff",
      "strict-transport-security": "max-age=31536000; includeSubDomains",
    };
  }

  /** The token endpoint's error body of entra-facts section 2. */
  function entraError(
    ctx: RequestContext,
    status: number,
    error: string,
    code: number,
    message: string,
    extra: { suberror?: string; headers?: Record<string, string> } = {},
  ): Response {
    const ts = entraTimestamp(ctx.now);
    const body: Record<string, unknown> = {
      error,
      error_description:
        `AADSTS${code}: ${message}\r\nTrace ID: ${ctx.traceId}\r\n` +
        `Correlation ID: ${ctx.correlationId}\r\nTimestamp: ${ts}`,
      error_codes: [code],
      timestamp: ts,
      trace_id: ctx.traceId,
      correlation_id: ctx.correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    };
    if (extra.suberror !== undefined) body.suberror = extra.suberror;
    return json(status, ENTRA_JSON, body, { ...entraHeaders(ctx), ...extra.headers });
  }

  function tenantNotFound(ctx: RequestContext, segment: string, error: string): Response {
    return entraError(
      ctx,
      400,
      error,
      90002,
      `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the ` +
        "correct cloud. Check with your subscription administrator, this may happen if there are no active " +
        "subscriptions for the tenant.",
    );
  }

  function invalidTenant(ctx: RequestContext, segment: string): Response {
    return entraError(
      ctx,
      400,
      "invalid_request",
      900023,
      `Specified tenant identifier '${segment}' is neither a valid DNS name, nor a valid external domain.`,
    );
  }

  function openidDocument(
    ctx: RequestContext,
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

  function jwksResponse(ctx: RequestContext): Response {
    return json(
      200,
      ENTRA_JSON,
      { keys: [{ ...jwk }] },
      { "cache-control": "max-age=86400", "access-control-allow-origin": "*", "x-ms-request-id": ctx.traceId },
    );
  }

  /**
   * Faults that act before the service looks at the request (proxy, network, outage). Returns an answer that
   * replaces the normal one, or the extra delay to add.
   */
  function preFault(
    tenant: TenantFixture,
    route: FaultRoute,
    retryAnswer: (status: 429 | 503, retryAfterSeconds: number) => Response,
    includeThrottle: boolean,
  ): EmulatorResponse | number {
    const fault = tenant.faults?.[route];
    if (fault === undefined) return 0;
    switch (fault.kind) {
      case "latency":
        return fault.ms;
      case "hang":
        return { kind: "hang" };
      case "reset":
        return { kind: "reset" };
      case "html502":
        return html502();
      case "unavailable":
        return consumeFault(tenant, route, fault.times) ? retryAnswer(503, fault.retryAfterSeconds) : 0;
      case "throttle":
        if (!includeThrottle) return 0;
        return consumeFault(tenant, route, fault.times) ? retryAnswer(429, fault.retryAfterSeconds) : 0;
    }
  }

  function entraRetryAnswer(ctx: RequestContext): (status: 429 | 503, retryAfter: number) => Response {
    return (status, retryAfter) =>
      status === 429
        ? entraError(
            ctx,
            429,
            "temporarily_unavailable",
            50196,
            "The server terminated an operation because it encountered a client request loop. Please contact your " +
              "app vendor.",
            { headers: { "retry-after": String(retryAfter) } },
          )
        : entraError(ctx, 503, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again.", {
            headers: { "retry-after": String(retryAfter) },
          });
  }

  function handleOpenid(ctx: RequestContext, method: string, segment: string): EmulatorResponse {
    if (method !== "GET") return plain(405, "Method Not Allowed");
    const found = lookupTenant(segment);
    switch (found.kind) {
      case "invalid":
        return invalidTenant(ctx, segment);
      case "unknown":
        return tenantNotFound(ctx, segment, "invalid_tenant");
      case "reserved":
        // The real documents of the multi-tenant endpoints carry a placeholder issuer (or the MSA tenant).
        return openidDocument(ctx, found.name, found.name === "consumers" ? MSA_TENANT_ID : "{tenantid}", undefined);
      case "found": {
        const fault = preFault(found.tenant, "openid", entraRetryAnswer(ctx), true);
        if (typeof fault !== "number") return fault;
        const doc = openidDocument(ctx, found.tenant.id, found.tenant.id, found.tenant);
        return fault > 0 ? { ...doc, delayMs: fault } : doc;
      }
    }
  }

  function handleKeys(ctx: RequestContext, method: string, segment: string): EmulatorResponse {
    if (method !== "GET") return plain(405, "Method Not Allowed");
    const found = lookupTenant(segment);
    if (found.kind === "invalid") return invalidTenant(ctx, segment);
    if (found.kind === "unknown") return tenantNotFound(ctx, segment, "invalid_tenant");
    return jwksResponse(ctx);
  }

  /** Secrets of `app` whose value equals `value` and whose start has passed (a future secret does not match). */
  function matchingSecrets(app: AppFixture, value: string, at: Date): ResolvedSecret[] {
    const digest = sha256(value);
    return (secretsByApp.get(app) ?? []).filter((s) => timingSafeEqual(s.digest, digest) && s.start <= at);
  }

  /** The resource a scope names, when it is Microsoft Graph. */
  function isGraphResource(resource: string): boolean {
    const r = resource.replace(/\/+$/, "").toLowerCase();
    return r === graphResource.toLowerCase() || r === GRAPH_APP_ID;
  }

  async function issueToken(tenant: TenantFixture, app: AppFixture, at: Date): Promise<string> {
    const nowSec = Math.floor(at.getTime() / 1000);
    const oid = stableGuid("sp", tenant.id, app.appId.toLowerCase());
    const iss = `https://sts.windows.net/${tenant.id}/`;
    const claims: Record<string, unknown> = {
      aud: graphResource,
      iss,
      // Observed on real tokens: iat/nbf backdated 5 minutes, exp - iat = 3900 while expires_in = 3599.
      iat: nowSec - 300,
      nbf: nowSec - 300,
      exp: nowSec + 3600,
      aio: randomBytes(48).toString("base64"),
      app_displayname: app.displayName,
      appid: app.appId,
      appidacr: "1",
      idp: iss,
      idtyp: "app",
      oid,
      rh: `1.${randomBytes(40).toString("base64url")}.`,
    };
    if (app.graphRoles.length > 0) claims.roles = [...app.graphRoles];
    Object.assign(claims, {
      sub: oid,
      tenant_region_scope: tenant.regionScope,
      tid: tenant.id,
      uti: randomBytes(16).toString("base64url"),
      ver: "1.0",
      wids: [...app.directoryRoles, IMPLICIT_WID],
      xms_tcdt: Math.floor(anchor / 1000) - 400 * 86_400,
    });
    return sign(claims);
  }

  async function sign(claims: Record<string, unknown>): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ typ: "JWT", alg: "RS256", kid }).sign(privateKey);
  }

  async function handleToken(
    ctx: RequestContext,
    method: string,
    segment: string,
    params: URLSearchParams,
  ): Promise<EmulatorResponse> {
    if (method !== "POST") {
      return entraError(
        ctx,
        400,
        "invalid_request",
        900561,
        `The endpoint only accepts POST, OPTIONS requests. Received a ${method} request.`,
      );
    }
    // 1. and 2.: tenant syntax, then existence in this (the global) cloud.
    const found = lookupTenant(segment);
    if (found.kind === "invalid") return invalidTenant(ctx, segment);
    if (found.kind === "unknown") return tenantNotFound(ctx, segment, "invalid_request");
    if (found.kind === "reserved") {
      // (unverified) App-only requests cannot name a tenant through /common or /organizations.
      return entraError(
        ctx,
        400,
        "invalid_request",
        50059,
        "No tenant-identifying information found in either the request or implied by any provided credentials.",
      );
    }
    const tenant = found.tenant;
    if (tenant.cloud !== "global") {
      return entraError(
        ctx,
        400,
        "invalid_request",
        900432,
        "Confidential Client is not supported in Cross Cloud request.",
      );
    }
    const fault = preFault(tenant, "token", entraRetryAnswer(ctx), false);
    if (typeof fault !== "number") return fault;

    const missing = (name: string): Response =>
      entraError(
        ctx,
        400,
        "invalid_request",
        900144,
        `The request body must contain the following parameter: '${name}'.`,
      );
    const grantType = params.get("grant_type");
    if (grantType === null || grantType === "") return missing("grant_type");
    if (grantType !== "client_credentials") {
      return entraError(
        ctx,
        400,
        "unsupported_grant_type",
        70003,
        `The app requested an unsupported grant type '${grantType}'.`,
      );
    }
    const clientId = params.get("client_id");
    if (clientId === null || clientId === "") return missing("client_id");

    // 3. app exists, 4. enabled.
    const app = tenant.apps.find((a) => a.appId.toLowerCase() === clientId.toLowerCase());
    if (app === undefined) {
      return entraError(
        ctx,
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant.displayName}'. This can ` +
          "happen if the application has not been installed by the administrator of the tenant or consented to by " +
          "any user in the tenant. You may have sent your authentication request to the wrong tenant.",
      );
    }
    if (!app.enabled) {
      return entraError(
        ctx,
        400,
        "unauthorized_client",
        7000112,
        `Application '${app.appId}'(${app.displayName}) is disabled.`,
      );
    }

    // 5. credential present, 6. matches, 7. not expired.
    const secretValue = params.get("client_secret") ?? "";
    if (secretValue === "") {
      if ((params.get("client_assertion") ?? "") !== "") {
        // The emulator models secrets only; an assertion can never be valid here.
        return entraError(ctx, 401, "invalid_client", 700027, "Client assertion failed signature validation.");
      }
      return entraError(
        ctx,
        401,
        "invalid_client",
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    const matches = matchingSecrets(app, secretValue, ctx.now);
    if (matches.length === 0) {
      return entraError(
        ctx,
        401,
        "invalid_client",
        7000215,
        "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, " +
          `not the client secret ID, for a secret added to app '${app.appId}'.`,
      );
    }
    if (!matches.some((s) => s.end >= ctx.now)) {
      return entraError(
        ctx,
        401,
        "invalid_client",
        7000222,
        `The provided client secret keys for app '${app.appId}' are expired. Visit the Azure portal to create new ` +
          "keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added " +
          "security: https://aka.ms/certCreds.",
      );
    }

    // 8. scope: /.default, then a resource known in the tenant (only Graph is provisioned here).
    const rawScope = params.get("scope");
    if (rawScope === null || rawScope.trim() === "") return missing("scope");
    const scopes = rawScope
      .split(/\s+/)
      .filter((s) => s !== "" && !["openid", "profile", "offline_access"].includes(s.toLowerCase()));
    const scope = scopes[0] ?? rawScope.trim();
    if (scopes.length > 1) {
      return entraError(
        ctx,
        400,
        "invalid_scope",
        70011,
        `The provided value for the input parameter 'scope' is not valid. The scope ${rawScope.trim()} is not valid.`,
      );
    }
    if (!scope.toLowerCase().endsWith("/.default")) {
      return entraError(
        ctx,
        400,
        "invalid_scope",
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with ` +
          "/.default suffixed to the resource identifier (application ID URI).",
      );
    }
    const resource = scope.slice(0, -"/.default".length);
    if (!isGraphResource(resource)) {
      return entraError(
        ctx,
        400,
        "invalid_resource",
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${tenant.displayName}. This can ` +
          "happen if the application has not been installed by the administrator of the tenant or consented to by " +
          "any user in the tenant. You might have sent your authentication request to the wrong tenant.",
      );
    }

    // 9. policy, then throttling.
    if (app.blockedByPolicy === true) {
      return entraError(
        ctx,
        400,
        "invalid_grant",
        53003,
        "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
        { suberror: "message_only" },
      );
    }
    const throttle = tenant.faults?.token;
    if (throttle?.kind === "throttle" && consumeFault(tenant, "token", throttle.times)) {
      return entraRetryAnswer(ctx)(429, throttle.retryAfterSeconds);
    }

    const accessToken = await issueToken(tenant, app, ctx.now);
    const ok = json(
      200,
      ENTRA_JSON,
      { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken },
      entraHeaders(ctx),
    );
    return fault > 0 ? { ...ok, delayMs: fault } : ok;
  }

  // ---------------------------------------------------------------- Microsoft Graph answers

  interface GraphContext {
    base: string;
    now: Date;
    requestId: string;
    clientRequestId: string;
  }

  function graphHeaders(g: GraphContext): Record<string, string> {
    return {
      "request-id": g.requestId,
      "client-request-id": g.clientRequestId,
      "cache-control": "no-cache",
      "odata-version": "4.0",
      "strict-transport-security": "max-age=31536000",
    };
  }

  /** Graph's error envelope of entra-facts section 7. */
  function graphError(
    g: GraphContext,
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ): Response {
    return json(
      status,
      GRAPH_JSON,
      {
        error: {
          code,
          message,
          innerError: { date: graphDate(g.now), "request-id": g.requestId, "client-request-id": g.clientRequestId },
        },
      },
      { ...graphHeaders(g), ...headers },
    );
  }

  function graphOk(g: GraphContext, body: unknown): Response {
    return json(200, GRAPH_JSON, body, graphHeaders(g));
  }

  function unauthorized(g: GraphContext, message: string): Response {
    return graphError(g, 401, "InvalidAuthenticationToken", message, {
      "www-authenticate":
        'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", ' +
        `client_id="${GRAPH_APP_ID}"`,
    });
  }

  /** Checks the bearer token as Graph would; returns the caller or the 401 answer. */
  async function authenticate(
    g: GraphContext,
    authorization: string | undefined,
  ): Promise<{ tenant: TenantFixture; app: AppFixture; roles: string[] } | Response> {
    const match = /^Bearer\s+(\S*)\s*$/i.exec(authorization ?? "");
    const token = match?.[1] ?? "";
    if (token === "") return unauthorized(g, "Access token is empty.");
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, publicKey, {
        algorithms: ["RS256"],
        audience: [graphResource, `${graphResource}/`, GRAPH_APP_ID],
        currentDate: g.now,
      }));
    } catch (err: unknown) {
      if (err instanceof joseErrors.JWTExpired) {
        return unauthorized(g, "Lifetime validation failed, the token is expired.");
      }
      if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === "aud") {
        return unauthorized(g, "Access token validation failure. Invalid audience.");
      }
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
        return unauthorized(g, "Access token validation failure. Invalid signature.");
      }
      return unauthorized(g, "Access token validation failure.");
    }
    const tid = typeof payload.tid === "string" ? payload.tid.toLowerCase() : "";
    const appid = typeof payload.appid === "string" ? payload.appid.toLowerCase() : "";
    const tenant = tenants.find((t) => t.id.toLowerCase() === tid);
    const app = tenant?.apps.find((a) => a.appId.toLowerCase() === appid);
    if (tenant === undefined || app === undefined) {
      return unauthorized(g, "Access token validation failure. Invalid issuer or signature.");
    }
    // Graph authorizes by the roles in the token, not the current consent: new consent needs a new token.
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string") : [];
    return { tenant, app, roles };
  }

  function graphRetryAnswer(g: GraphContext): (status: 429 | 503, retryAfter: number) => Response {
    return (status, retryAfter) =>
      status === 429
        ? graphError(g, 429, "TooManyRequests", "Too many requests. Retry after the time in the Retry-After header.", {
            "retry-after": String(retryAfter),
          })
        : graphError(
            g,
            503,
            "serviceNotAvailable",
            "The service is temporarily unavailable. Retry after the time in the Retry-After header.",
            { "retry-after": String(retryAfter) },
          );
  }

  function applicationEntity(tenant: TenantFixture, app: AppFixture): Record<string, unknown> {
    return {
      id: stableGuid("app", tenant.id, app.appId.toLowerCase()),
      appId: app.appId,
      displayName: app.displayName,
      signInAudience: "AzureADMyOrg",
      keyCredentials: [],
      passwordCredentials: (secretsByApp.get(app) ?? []).map((s) => ({
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

  async function handleGraph(
    g: GraphContext,
    method: string,
    path: string,
    query: URLSearchParams,
    headers: Record<string, string>,
  ): Promise<EmulatorResponse> {
    const caller = await authenticate(g, headers.authorization);
    if ("kind" in caller) return caller;

    const rest = path.slice("/v1.0".length);
    let route: FaultRoute | undefined;
    let appIdParam: string | undefined;
    const entityMatch = /^\/(applications|servicePrincipals)\(appId=(?:'([^']*)'|"([^"]*)")\)\/?$/i.exec(rest);
    if (/^\/organization\/?$/i.test(rest)) route = "organization";
    else if (entityMatch) {
      route = entityMatch[1]?.toLowerCase() === "applications" ? "applications" : "servicePrincipals";
      appIdParam = entityMatch[2] ?? entityMatch[3] ?? "";
    }
    if (route === undefined) {
      const segment = rest.split("/")[1] ?? "";
      return graphError(g, 404, "Request_ResourceNotFound", `Resource not found for the segment '${segment}'.`);
    }
    if (method !== "GET") {
      return graphError(g, 405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
    }

    const fault = preFault(caller.tenant, route, graphRetryAnswer(g), true);
    if (typeof fault !== "number") return fault;

    const denied = (): Response =>
      graphError(g, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    const { tenant } = caller;
    let answer: Response;
    if (route === "organization") {
      if (!caller.roles.some((r) => ORGANIZATION_ROLES.includes(r)) || caller.app.organizationDenied === true) {
        return denied();
      }
      const org = {
        id: tenant.id,
        displayName: tenant.displayName,
        tenantType: "AAD",
        verifiedDomains: tenant.domains.map((d) => ({
          capabilities: "Email, OfficeCommunicationsOnline",
          isDefault: d.isDefault,
          isInitial: d.isInitial,
          name: d.name,
          type: "Managed",
        })),
      };
      answer = graphOk(g, { "@odata.context": `${g.base}/v1.0/$metadata#organization`, value: [select(org, query)] });
    } else {
      if (!caller.roles.some((r) => APPLICATION_ROLES.includes(r))) return denied();
      const wanted = (appIdParam ?? "").toLowerCase();
      const app = tenant.apps.find((a) => a.appId.toLowerCase() === wanted);
      const notFound = (): Response =>
        graphError(
          g,
          404,
          "Request_ResourceNotFound",
          `Resource '${appIdParam}' does not exist or one of its queried reference-property objects are not present.`,
        );
      if (route === "applications") {
        if (app === undefined || !app.registeredHere) return notFound();
        answer = graphOk(g, {
          "@odata.context": `${g.base}/v1.0/$metadata#applications/$entity`,
          ...select(applicationEntity(tenant, app), query),
        });
      } else {
        if (app === undefined) return notFound();
        answer = graphOk(g, {
          "@odata.context": `${g.base}/v1.0/$metadata#servicePrincipals/$entity`,
          ...select(servicePrincipalEntity(tenant, app), query),
        });
      }
    }
    return fault > 0 ? { ...answer, delayMs: fault } : answer;
  }

  // ---------------------------------------------------------------- dispatch

  async function route(req: EmulatorRequest): Promise<EmulatorResponse> {
    const method = req.method.toUpperCase();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
    const url = new URL(req.path.startsWith("/") ? req.path : `/${req.path}`, "https://emulator.invalid");
    const base = `https://${headers.host ?? "localhost"}`;
    const at = now();
    const path = safeDecode(url.pathname);
    if (path === undefined) return plain(400, "Bad Request");

    if (/^\/v1\.0(?:\/|$)/i.test(path)) {
      const requestId = randomUUID();
      const sent = headers["client-request-id"];
      const g: GraphContext = {
        base,
        now: at,
        requestId,
        // Graph answers with the request id when the client sent none.
        clientRequestId: sent !== undefined && REQUEST_ID_RE.test(sent) ? sent : requestId,
      };
      return finish(await handleGraph(g, method, path, url.searchParams, headers));
    }

    const login =
      /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|oauth2\/v2\.0\/token)\/?$/i.exec(
        path,
      );
    if (login === null) return finish(plain(404, "Not Found"));
    const segment = login[1] ?? "";
    const which = (login[2] ?? "").toLowerCase();
    const form = new URLSearchParams(which.startsWith("oauth2") ? req.body : "");
    const sentCorrelation =
      url.searchParams.get("client-request-id") ?? form.get("client-request-id") ?? headers["client-request-id"];
    const ctx: RequestContext = {
      base,
      now: at,
      traceId: randomUUID(),
      correlationId: sentCorrelation !== undefined && GUID_RE.test(sentCorrelation) ? sentCorrelation : randomUUID(),
    };
    if (which.startsWith("v2.0")) return finish(handleOpenid(ctx, method, segment));
    if (which.startsWith("discovery")) return finish(handleKeys(ctx, method, segment));
    return finish(await handleToken(ctx, method, segment, form));
  }

  /** Folds a fault's extra delay and the global latency into the answer. */
  function finish(response: EmulatorResponse): EmulatorResponse {
    if (response.kind !== "response") return response;
    const delayMs = (response.delayMs ?? 0) + latencyMs;
    return delayMs > 0 ? { ...response, delayMs } : response;
  }

  return {
    async handle(req: EmulatorRequest): Promise<EmulatorResponse> {
      requestCount += 1;
      return route(req);
    },
    jwks: () => ({ keys: [{ ...jwk }] }),
    async signToken(claims: Record<string, unknown>, opts: { expiresInSeconds?: number } = {}): Promise<string> {
      const nowSec = Math.floor(now().getTime() / 1000);
      const iat = typeof claims.iat === "number" ? claims.iat : nowSec;
      const exp = typeof claims.exp === "number" ? claims.exp : nowSec + (opts.expiresInSeconds ?? 3600);
      return sign({ ...claims, iat, exp });
    },
    tenants,
    get requestCount(): number {
      return requestCount;
    },
    resetCounters(): void {
      requestCount = 0;
      faultCounters.clear();
    },
  };
}
