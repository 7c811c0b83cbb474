/**
 * The credential validator (product.md section 3): an ordered list of checks that return values and never throw.
 * Round trips: the tenant lookup and the token request go out side by side, then the two Graph reads side by side.
 */
import { randomUUID } from "node:crypto";
import {
  AuthError,
  ConfidentialClientApplication,
  type INetworkModule,
  InteractionRequiredAuthError,
  LogLevel,
  type NetworkRequestOptions,
  type NetworkResponse,
  ServerError,
} from "@azure/msal-node";
import {
  type Check,
  type CheckCode,
  type CheckId,
  type CheckStatus,
  type Cloud,
  clientIdForRecord,
  clientSecretProblems,
  EXPIRY_WARNING_DAYS,
  type PermissionsInfo,
  parseClientId,
  parseTenantId,
  type SecretInfo,
  type TenantInfo,
  tenantIdForRecord,
  type ValidationReport,
  type ValidationRequest,
} from "@dr/contract";
import {
  type Classification,
  classifyTokenError,
  DIRECTORY_ROLE_NAMES,
  IMPLICIT_APP_ROLE_ID,
  readAadsts,
} from "./aadsts.catalogue.js";
import { type CloudEndpoints, cloudOfTenant, type EndpointOverrides, resolveEndpoints } from "./clouds.js";
import type { Dispatch } from "./http/dispatch.types.js";
import { createTransport, type Transport, TransportError, type TransportResponse } from "./http/transport.js";
import { redactDeep, redactText } from "./redact.js";

/** The few logger methods the validator uses (pino's shape). */
export interface ValidatorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Options of {@link createValidator}. */
export interface ValidatorOptions {
  /** Sends HTTP requests: undici in production, the emulator in-process in tests. */
  dispatch: Dispatch;
  /** Timeout of each outbound request, in ms (M365_TIMEOUT_MS). */
  timeoutMs: number;
  /** Most ms one request may wait on Retry-After before giving up (M365_RETRY_BUDGET_MS). Default 5000. */
  retryBudgetMs?: number;
  /** Application permissions the `permissions` check requires (M365_REQUIRED_PERMISSIONS). */
  requiredPermissions: readonly string[];
  /** M365_LOGIN_URL / M365_GRAPH_URL. */
  overrides?: EndpointOverrides;
  /** Injectable clock. */
  now?: () => Date;
  logger?: ValidatorLogger;
  /** Called once per outbound attempt (counting for benchmarks). */
  onRequest?: (info: { method: string; url: string; status?: number }) => void;
}

/** Options of one run. */
export interface ValidateOptions {
  /** Called as each check finishes, in check order. */
  onCheck?: (check: Check) => void;
}

/** Runs validations. */
export interface Validator {
  /** Runs every check and returns the report; never throws. */
  validate(input: ValidationRequest, options?: ValidateOptions): Promise<ValidationReport>;
}

interface CheckResult {
  status: CheckStatus;
  code?: CheckCode;
  message: string;
  remedy?: string;
  detail?: Record<string, unknown>;
}

const GUID_IN_PATH = /\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/|$)/i;
/** A current Entra secret: 40 characters of a-z A-Z 0-9 ~ . _ - (older ones were base64, 44 characters). */
const USUAL_SECRET = /^[A-Za-z0-9~._\-+/=]{32,48}$/;

/** Permissions that include another one (a granted key satisfies each listed value). */
const IMPLIES: Readonly<Record<string, readonly string[]>> = {
  "Directory.Read.All": ["Organization.Read.All", "Application.Read.All", "Domain.Read.All"],
  "Directory.ReadWrite.All": ["Directory.Read.All", "Organization.Read.All", "Application.Read.All", "Domain.Read.All"],
};

/** True when `granted` covers `required` directly, through ReadWrite, or through Directory.*. */
export function permissionCovered(required: string, granted: readonly string[]): boolean {
  const lower = required.toLowerCase();
  return granted.some((g) => {
    const gl = g.toLowerCase();
    if (gl === lower) return true;
    if (gl === lower.replace(".read.", ".readwrite.")) return true;
    return (IMPLIES[g] ?? []).some((implied) => implied.toLowerCase() === lower);
  });
}

/** Reads the payload of a JWT without verifying it (Graph tokens are opaque to clients; entra-facts section 6). */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const part = token.split(".")[1];
  if (!part) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return payload && typeof payload === "object" && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function networkResult(error: TransportError, what: string): CheckResult {
  const timeout = error.kind === "timeout";
  const causeText: Record<string, string> = {
    timeout: "did not answer in time",
    refused: "refused the connection",
    dns: "could not be found (DNS)",
    tls: "failed the TLS (certificate) check",
    reset: "closed the connection",
    network: "could not be reached",
  };
  return {
    status: "unknown",
    code: timeout ? "entra_timeout" : "entra_unreachable",
    message: `${what} ${causeText[error.kind] ?? "could not be reached"}.`,
    remedy: timeout
      ? "Try again. If it keeps timing out, check the server's outbound connection to Microsoft."
      : "Try again later. If it persists, check the server's network, proxy and certificate settings.",
    detail: { cause: error.kind, errorCode: error.code, host: error.host, elapsedMs: error.durationMs },
  };
}

/** An unexpected HTTP answer (5xx, throttled, non-JSON) from a service: `unknown`, retry later. */
function serviceTrouble(response: TransportResponse, what: string, code: CheckCode): CheckResult {
  const throttled = response.status === 429;
  return {
    status: "unknown",
    code: throttled ? "throttled" : code,
    message: throttled
      ? `${what} is throttling requests.`
      : `${what} answered with HTTP ${response.status}${response.json === undefined ? " and no JSON" : ""}.`,
    remedy: throttled
      ? `Wait${response.retryAfterSeconds ? ` ${response.retryAfterSeconds} seconds` : ""} and validate again.`
      : "Try again later; the service or a proxy in between had a problem.",
    detail: {
      httpStatus: response.status,
      ...(response.retryAfterSeconds !== undefined ? { retryAfterSeconds: response.retryAfterSeconds } : {}),
      ...(response.json === undefined ? { response: "not_json" } : {}),
      attempts: response.attempts,
    },
  };
}

function graphErrorCode(json: unknown): string | undefined {
  const error = (json as { error?: { code?: unknown } } | undefined)?.error;
  return typeof error?.code === "string" ? error.code : undefined;
}

function graphRequestId(response: TransportResponse): Record<string, unknown> {
  return response.headers["request-id"] ? { requestId: response.headers["request-id"] } : {};
}

/** Creates a validator. Each run gets its own transport and its own msal instance (no cache, no local throttle). */
export function createValidator(options: ValidatorOptions): Validator {
  const now = options.now ?? (() => new Date());

  async function validate(input: ValidationRequest, runOptions: ValidateOptions = {}): Promise<ValidationReport> {
    const startedAt = now();
    const started = performance.now();
    const secret = input.clientSecret;
    const cloud: Cloud = input.cloud ?? "global";
    const endpoints = resolveEndpoints(cloud, options.overrides);
    const correlationId = randomUUID();
    const checks: Check[] = [];
    const emit = (id: CheckId, result: CheckResult, since: number) => {
      const check: Check = redactDeep({ id, ...result, durationMs: Math.round(performance.now() - since) }, [secret]);
      checks.push(check);
      runOptions.onCheck?.(check);
    };
    const skipAfter = (ids: CheckId[], cause: string) => {
      for (const id of ids) {
        emit(id, { status: "skipped", code: "prerequisite_failed", message: `Not run: ${cause}.` }, performance.now());
      }
    };
    const finish = (extra: Partial<ValidationReport>): ValidationReport => {
      const report: ValidationReport = {
        ok: checks.every((c) => c.status !== "fail" && c.status !== "unknown"),
        checks,
        cloud,
        ...extra,
        startedAt: startedAt.toISOString(),
        durationMs: Math.round(performance.now() - started),
      };
      options.logger?.info(
        {
          event: "validation",
          // Only parsed values: an operator may paste the secret into the wrong field.
          tenant: extra.tenant?.id ?? tenantIdForRecord(input.tenantId),
          client: clientIdForRecord(input.clientId),
          correlationId,
          ok: report.ok,
          checks: checks.map((c) => `${c.id}:${c.status}${c.code ? `:${c.code}` : ""}`),
          durationMs: report.durationMs,
        },
        "credential validation finished",
      );
      return redactDeep(report, [secret]);
    };

    // 1. format: the input rules, offline.
    const formatStarted = performance.now();
    const tenantParse = parseTenantId(input.tenantId);
    const clientParse = parseClientId(input.clientId);
    const problems = [
      ...(tenantParse.ok ? [] : [{ path: "tenantId", ...tenantParse.problem }]),
      ...(clientParse.ok ? [] : [{ path: "clientId", ...clientParse.problem }]),
      ...clientSecretProblems(secret).map((p) => ({ path: "clientSecret", ...p })),
    ];
    const first = problems[0];
    if (first || !tenantParse.ok || !clientParse.ok) {
      emit(
        "format",
        {
          status: "fail",
          code: (first?.code ?? "invalid_tenant_format") as CheckCode,
          message: problems.map((p) => p.message).join(" "),
          remedy: "Correct the fields named above; nothing was sent to Microsoft.",
          detail: { errors: problems },
        },
        formatStarted,
      );
      skipAfter(
        ["tenant", "token", "permissions", "graph", "secret_expiry"],
        "the entered values break the input rules",
      );
      return finish({});
    }
    const tenant = tenantParse.value;
    const clientId = clientParse.value;
    emit(
      "format",
      USUAL_SECRET.test(secret)
        ? { status: "pass", message: "Tenant ID, Application (client) ID and client secret are well formed." }
        : {
            status: "warn",
            code: "secret_unusual",
            message:
              "The client secret does not look like an Entra ID secret Value (usually 40 characters of letters, digits and ~ . _ -).",
            remedy: "If validation fails, check that the whole Value was copied.",
          },
      formatStarted,
    );

    const transport = createTransport({
      dispatch: options.dispatch,
      timeoutMs: options.timeoutMs,
      ...(options.retryBudgetMs !== undefined ? { retryBudgetMs: options.retryBudgetMs } : {}),
      onAttempt: (info) => options.onRequest?.(info),
    });

    // 2 and 3. tenant and token, side by side.
    const tenantStarted = performance.now();
    const tokenStarted = performance.now();
    const tenantRun = checkTenant(transport, endpoints, tenant, cloud, correlationId);
    const tokenRun = acquireToken(transport, endpoints, tenant, clientId, secret, correlationId, options.logger);
    const tenantOutcome = await tenantRun;
    emit("tenant", tenantOutcome.result, tenantStarted);
    if (tenantOutcome.result.status !== "pass" && tenantOutcome.result.status !== "warn") {
      void tokenRun.catch(() => undefined);
      skipAfter(["token", "permissions", "graph", "secret_expiry"], "the tenant check did not pass");
      return finish({ secret: { hint: secret.slice(0, 3) } });
    }
    const tenantGuid = tenantOutcome.tenantGuid ?? tenant;
    const tokenOutcome = await tokenRun;
    emit("token", tokenOutcome.result, tokenStarted);
    if (!tokenOutcome.accessToken) {
      skipAfter(["permissions", "graph", "secret_expiry"], "no access token was issued");
      return finish({ secret: { hint: secret.slice(0, 3) } });
    }

    // 4. permissions: from the token's claims.
    const permissionsStarted = performance.now();
    const permissions = checkPermissions(tokenOutcome.accessToken, {
      tenantGuid,
      clientId,
      required: options.requiredPermissions,
      consentUrl: `${endpoints.loginUrl}/${tenantGuid}/adminconsent?client_id=${clientId}`,
      now: now(),
    });
    emit("permissions", permissions.result, permissionsStarted);

    // 5 and 6. Graph reads side by side.
    const graphStarted = performance.now();
    const graphRun = checkOrganization(transport, endpoints, tokenOutcome.accessToken, tenantGuid, correlationId);
    const expiryRun = checkSecretExpiry(
      transport,
      endpoints,
      tokenOutcome.accessToken,
      clientId,
      secret,
      now(),
      correlationId,
    );
    const graph = await graphRun;
    emit("graph", graph.result, graphStarted);
    const expiry = await expiryRun;
    emit("secret_expiry", expiry.result, graphStarted);

    return finish({
      ...(graph.tenant ? { tenant: graph.tenant } : {}),
      secret: { hint: secret.slice(0, 3), ...expiry.secret },
      ...(permissions.info ? { permissions: permissions.info } : {}),
    });
  }

  return { validate };
}

/** The `tenant` check: the tenant's openid-configuration on the chosen cloud. */
async function checkTenant(
  transport: Transport,
  endpoints: CloudEndpoints,
  tenant: string,
  cloud: Cloud,
  correlationId: string,
): Promise<{ result: CheckResult; tenantGuid?: string }> {
  const url = `${endpoints.loginUrl}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`;
  let response: TransportResponse;
  try {
    response = await transport.send({
      method: "GET",
      url,
      headers: { accept: "application/json", "client-request-id": correlationId },
    });
  } catch (error) {
    if (error instanceof TransportError) return { result: networkResult(error, "The Microsoft login service") };
    throw error;
  }
  const json = response.json as Record<string, unknown> | undefined;
  if (response.status === 200 && json && typeof json.issuer === "string") {
    const guid = GUID_IN_PATH.exec(new URL(json.issuer, "https://x").pathname)?.[1]?.toLowerCase();
    if (!guid) {
      return {
        result: {
          status: "fail",
          code: "tenant_not_found",
          message: "This identifier names no single tenant.",
          remedy: "Enter the customer's own Directory (tenant) ID.",
        },
      };
    }
    const tenantCloud = cloudOfTenant(json);
    const regionDetail = {
      tenantId: guid,
      regionScope: json.tenant_region_scope ?? null,
      cloudInstance: json.cloud_instance_name ?? null,
    };
    if (tenantCloud && tenantCloud !== cloud) {
      return {
        tenantGuid: guid,
        result: {
          status: "fail",
          code: "wrong_cloud",
          message: `The tenant exists but lives in another Microsoft cloud (${tenantCloud}), not in the chosen one (${cloud}).`,
          remedy: `Choose the cloud "${tenantCloud}" and use an app registration made in that cloud.`,
          detail: { ...regionDetail, tenantCloud },
        },
      };
    }
    return {
      tenantGuid: guid,
      result: {
        status: "pass",
        message:
          tenant === guid ? `The tenant ${guid} exists.` : `The tenant ${tenant} exists; its tenant ID is ${guid}.`,
        detail: regionDetail,
      },
    };
  }
  if (response.status === 429 || response.status >= 500 || json === undefined) {
    return { result: serviceTrouble(response, "The Microsoft login service", "entra_unreachable") };
  }
  const aadsts = readAadsts(undefined, json.error_codes, json.error_description);
  const classified = classifyTokenError({
    status: response.status,
    ...(typeof json.error === "string" ? { error: json.error } : {}),
    ...(aadsts !== undefined ? { aadsts } : {}),
  });
  const notFound = classified.code === "wrong_cloud" ? classified : BY_TENANT_NOT_FOUND;
  return {
    result: {
      ...notFound,
      detail: {
        httpStatus: response.status,
        error: json.error,
        ...(aadsts !== undefined ? { aadsts } : {}),
        ...(typeof json.correlation_id === "string" ? { correlationId: json.correlation_id } : {}),
      },
    },
  };
}

const BY_TENANT_NOT_FOUND: Classification = classifyTokenError({ aadsts: 90002 });

/** The `token` check: a client-credentials token for the cloud's Graph, never from cache. */
async function acquireToken(
  transport: Transport,
  endpoints: CloudEndpoints,
  tenant: string,
  clientId: string,
  secret: string,
  correlationId: string,
  logger: ValidatorLogger | undefined,
): Promise<{ result: CheckResult; accessToken?: string }> {
  let lastFailure: TransportError | undefined;
  let lastResponse: TransportResponse | undefined;
  const lowerHeaders = (headers: Record<string, string> | undefined) =>
    Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const send = async <T>(
    method: "GET" | "POST",
    url: string,
    requestOptions?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> => {
    try {
      const response = await transport.send({
        method,
        url,
        headers: lowerHeaders(requestOptions?.headers),
        ...(requestOptions?.body !== undefined ? { body: requestOptions.body } : {}),
      });
      lastResponse = response;
      // msal parses every body as JSON; a proxy's HTML page becomes a classified error with its status kept.
      const body = (
        response.json !== undefined && !Array.isArray(response.json)
          ? response.json
          : { error: "non_json_response", error_description: `HTTP ${response.status} with a body that is not JSON` }
      ) as T;
      return { status: response.status, headers: response.headers, body };
    } catch (error) {
      if (error instanceof TransportError) lastFailure = error;
      throw error;
    }
  };
  const networkClient: INetworkModule = {
    sendGetRequestAsync: (url, requestOptions) => send("GET", url, requestOptions),
    sendPostRequestAsync: (url, requestOptions) => send("POST", url, requestOptions),
  };
  const authority = `${endpoints.loginUrl}/${tenant}`;
  const host = new URL(endpoints.loginUrl).host;
  // Handing msal the endpoints keeps it from fetching the openid-configuration the tenant check already reads.
  const authorityMetadata = JSON.stringify({
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
    issuer: `${authority}/v2.0`,
    jwks_uri: `${authority}/discovery/v2.0/keys`,
  });
  const started = performance.now();
  try {
    const app = new ConfidentialClientApplication({
      auth: { clientId, authority, clientSecret: secret, knownAuthorities: [host], authorityMetadata },
      system: {
        networkClient,
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Error,
          loggerCallback: (level, message) => {
            if (level <= LogLevel.Error) logger?.warn({ source: "msal" }, redactText(message, [secret]));
          },
        },
      },
    });
    const result = await app.acquireTokenByClientCredential({
      scopes: [`${endpoints.graphResource}/.default`],
      skipCache: true,
      correlationId,
    });
    if (!result?.accessToken) {
      return {
        result: {
          status: "fail",
          code: "token_rejected",
          message: "Entra ID answered without an access token.",
          remedy: "Try again; if it persists, report it to the provider's support.",
        },
      };
    }
    return {
      accessToken: result.accessToken,
      result: {
        status: "pass",
        message: "Entra ID issued an access token for Microsoft Graph with these credentials.",
        detail: {
          correlationId,
          elapsedMs: Math.round(performance.now() - started),
          ...(lastResponse && lastResponse.attempts > 1 ? { attempts: lastResponse.attempts } : {}),
        },
      },
    };
  } catch (error) {
    // invalid_grant answers (Conditional Access) come back as InteractionRequiredAuthError, the rest as ServerError.
    const answered = error instanceof ServerError || error instanceof InteractionRequiredAuthError;
    if (lastFailure && !answered) {
      const result = networkResult(lastFailure, "The Microsoft login service");
      return { result: { ...result, detail: { ...result.detail, correlationId } } };
    }
    if (answered) {
      if (error.errorCode === "non_json_response" && lastResponse) {
        const result = serviceTrouble(lastResponse, "The Microsoft login service", "entra_unreachable");
        return { result: { ...result, detail: { ...result.detail, correlationId } } };
      }
      const aadsts = readAadsts(error.errorNo, undefined, error.errorMessage);
      const status = (error instanceof ServerError ? error.status : undefined) ?? lastResponse?.status;
      const classified = classifyTokenError({
        ...(status !== undefined ? { status } : {}),
        error: error.errorCode,
        ...(aadsts !== undefined ? { aadsts } : {}),
      });
      const retryAfterSeconds = lastResponse?.retryAfterSeconds;
      return {
        result: {
          ...classified,
          detail: {
            ...(aadsts !== undefined ? { aadsts } : {}),
            error: error.errorCode,
            ...(error.subError ? { suberror: error.subError } : {}),
            ...(status !== undefined ? { httpStatus: status } : {}),
            ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
            correlationId,
          },
        },
      };
    }
    const code = error instanceof AuthError ? error.errorCode : "unexpected_error";
    return {
      result: {
        status: "unknown",
        code: "entra_unreachable",
        message: "The token request could not be completed.",
        remedy: "Try again later. If it persists, check the login URL and the network.",
        detail: { error: code, correlationId },
      },
    };
  }
}

/** The `permissions` check: the token's roles against the required application permissions. */
function checkPermissions(
  accessToken: string,
  context: { tenantGuid: string; clientId: string; required: readonly string[]; consentUrl: string; now: Date },
): { result: CheckResult; info?: PermissionsInfo } {
  const claims = decodeJwtPayload(accessToken);
  if (!claims) {
    return {
      result: {
        status: "fail",
        code: "token_mismatch",
        message: "The access token could not be read.",
        remedy: "Check that the login URL points at Microsoft Entra ID.",
      },
    };
  }
  const tid = typeof claims.tid === "string" ? claims.tid.toLowerCase() : undefined;
  const appId = typeof claims.appid === "string" ? claims.appid : typeof claims.azp === "string" ? claims.azp : "";
  if (tid !== context.tenantGuid || appId.toLowerCase() !== context.clientId) {
    return {
      result: {
        status: "fail",
        code: "token_mismatch",
        message: "The access token was issued for another tenant or application than the one entered.",
        remedy: "Check the Tenant ID and the Application (client) ID.",
        detail: { tokenTenant: tid ?? null, tokenApp: appId || null },
      },
    };
  }
  const granted = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === "string") : [];
  const wids = Array.isArray(claims.wids) ? claims.wids.filter((r): r is string => typeof r === "string") : [];
  const directoryRoles = wids
    .filter((id) => id.toLowerCase() !== IMPLICIT_APP_ROLE_ID)
    .map((id) => DIRECTORY_ROLE_NAMES[id.toLowerCase()] ?? id);
  const missing = context.required.filter((p) => !permissionCovered(p, granted));
  const info: PermissionsInfo = {
    granted,
    missing,
    directoryRoles,
    ...(missing.length > 0 ? { adminConsentUrl: context.consentUrl } : {}),
  };
  const rolesText = directoryRoles.length > 0 ? ` Directory roles: ${directoryRoles.join(", ")}.` : "";
  if (missing.length > 0) {
    return {
      info,
      result: {
        status: "fail",
        code: "permissions_missing",
        message: `Missing application permissions (admin consent): ${missing.join(", ")}.${rolesText}`,
        remedy: `In the app registration, add the Microsoft Graph application permissions ${missing.join(", ")} and grant admin consent, or have a tenant admin open ${context.consentUrl}. Consent can take a few minutes to show.`,
        detail: { granted, missing, directoryRoles },
      },
    };
  }
  return {
    info,
    result: {
      status: "pass",
      message: `All required permissions are granted: ${context.required.join(", ")}.${rolesText}`,
      detail: { granted, directoryRoles },
    },
  };
}

/** One Graph read with the app token; a request that got no answer becomes the check's `unknown` result. */
async function graphGet(
  transport: Transport,
  url: string,
  accessToken: string,
  correlationId: string,
): Promise<{ response: TransportResponse } | { result: CheckResult }> {
  try {
    const response = await transport.send({
      method: "GET",
      url,
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: "application/json",
        "client-request-id": correlationId,
      },
    });
    return { response };
  } catch (error) {
    if (error instanceof TransportError) return { result: networkResult(error, "Microsoft Graph") };
    throw error;
  }
}

/** The `graph` check: GET /organization shows which company the tenant is. */
async function checkOrganization(
  transport: Transport,
  endpoints: CloudEndpoints,
  accessToken: string,
  tenantGuid: string,
  correlationId: string,
): Promise<{ result: CheckResult; tenant?: TenantInfo }> {
  const answer = await graphGet(
    transport,
    `${endpoints.graphUrl}/v1.0/organization?$select=id,displayName,verifiedDomains`,
    accessToken,
    correlationId,
  );
  if ("result" in answer) return answer;
  const { response } = answer;
  const graphCode = graphErrorCode(response.json);
  if (response.status === 401 || response.status === 403) {
    return {
      result: {
        status: "fail",
        code: "graph_denied",
        message:
          response.status === 403
            ? "Microsoft Graph refused to read the organization (insufficient privileges)."
            : "Microsoft Graph did not accept the access token.",
        remedy: "Grant the application permission Organization.Read.All with admin consent, then validate again.",
        detail: { httpStatus: response.status, graphCode, ...graphRequestId(response) },
      },
    };
  }
  const org = (response.json as { value?: unknown[] } | undefined)?.value?.[0] as
    | { id?: unknown; displayName?: unknown; verifiedDomains?: unknown }
    | undefined;
  if (response.status !== 200 || !org) {
    return { result: serviceTrouble(response, "Microsoft Graph", "graph_unavailable") };
  }
  const domains = (Array.isArray(org.verifiedDomains) ? org.verifiedDomains : []).filter(
    (d): d is { name: string; isDefault?: boolean; isInitial?: boolean } =>
      typeof (d as { name?: unknown })?.name === "string",
  );
  const initial = domains.find((d) => d.isInitial)?.name ?? domains[0]?.name ?? "";
  const defaultDomain = domains.find((d) => d.isDefault)?.name;
  const displayName = typeof org.displayName === "string" ? org.displayName : "";
  return {
    tenant: {
      id: typeof org.id === "string" ? org.id.toLowerCase() : tenantGuid,
      displayName,
      domains: domains.map((d) => d.name),
      initialDomain: initial,
      ...(defaultDomain ? { defaultDomain } : {}),
    },
    result: {
      status: "pass",
      message: `Connected to "${displayName}" (${initial}).`,
      detail: { domains: domains.length, ...graphRequestId(response) },
    },
  };
}

/** The `secret_expiry` check: finds the entered secret among the app's passwordCredentials by its hint. */
async function checkSecretExpiry(
  transport: Transport,
  endpoints: CloudEndpoints,
  accessToken: string,
  clientId: string,
  secret: string,
  now: Date,
  correlationId: string,
): Promise<{ result: CheckResult; secret?: Partial<SecretInfo> }> {
  const answer = await graphGet(
    transport,
    `${endpoints.graphUrl}/v1.0/applications(appId='${clientId}')?$select=id,appId,displayName,passwordCredentials`,
    accessToken,
    correlationId,
  );
  if ("result" in answer) return answer;
  const { response } = answer;
  const graphCode = graphErrorCode(response.json);
  if (response.status === 403 || response.status === 401) {
    return {
      result: {
        status: "warn",
        code: "expiry_unreadable",
        message: "The secret's expiry date could not be read: the app lacks the permission Application.Read.All.",
        remedy: "Grant Application.Read.All with admin consent so that expiry can be watched, then validate again.",
        detail: { httpStatus: response.status, graphCode, ...graphRequestId(response) },
      },
    };
  }
  if (response.status === 404) {
    return {
      result: {
        status: "warn",
        code: "expiry_unreadable",
        message:
          "The app registration is not in this tenant (a multi-tenant app registered elsewhere), so its secret's expiry cannot be read here.",
        remedy: "Ask the app's owner for the secret's expiry date, or use an app registered in the customer's tenant.",
        detail: { httpStatus: 404, graphCode, ...graphRequestId(response) },
      },
    };
  }
  const credentials = (response.json as { passwordCredentials?: unknown } | undefined)?.passwordCredentials;
  if (response.status !== 200 || !Array.isArray(credentials)) {
    return { result: serviceTrouble(response, "Microsoft Graph", "graph_unavailable") };
  }
  const hint = secret.slice(0, 3);
  const matches = credentials
    .filter(
      (c): c is { keyId?: string; hint: string; startDateTime?: string; endDateTime: string } =>
        typeof c?.hint === "string" && typeof c?.endDateTime === "string",
    )
    .filter((c) => c.hint === hint && (!c.startDateTime || Date.parse(c.startDateTime) <= now.getTime()))
    .sort((a, b) => Date.parse(b.endDateTime) - Date.parse(a.endDateTime));
  const match = matches[0];
  if (!match) {
    return {
      result: {
        status: "warn",
        code: "secret_not_found",
        message: `No secret starting with "${hint}" is listed on the app registration (was it rotated?).`,
        remedy: "Check the app's Certificates & secrets page; enter the Value of a current secret.",
        detail: { secretsOnApp: credentials.length },
      },
    };
  }
  const days = Math.ceil((Date.parse(match.endDateTime) - now.getTime()) / 86_400_000);
  const expiresAt = new Date(match.endDateTime).toISOString();
  const info: Partial<SecretInfo> = {
    ...(match.keyId ? { keyId: match.keyId } : {}),
    expiresAt,
    daysUntilExpire: days,
  };
  const ambiguous = matches.length > 1 ? { ambiguous: true, candidates: matches.length } : {};
  const dateText = expiresAt.slice(0, 10);
  if (days < 0) {
    return {
      secret: info,
      result: {
        status: "fail",
        code: "secret_expired",
        message: `The client secret expired on ${dateText}.`,
        remedy: "Create a new client secret and replace this one.",
        detail: { expiresAt, daysUntilExpire: days, ...ambiguous },
      },
    };
  }
  if (days <= EXPIRY_WARNING_DAYS) {
    return {
      secret: info,
      result: {
        status: "warn",
        code: "secret_expiring",
        message: `The client secret expires in ${days} day${days === 1 ? "" : "s"} (${dateText}).`,
        remedy: "Ask the customer admin for a new client secret soon and use Replace secret.",
        detail: { expiresAt, daysUntilExpire: days, ...ambiguous },
      },
    };
  }
  return {
    secret: info,
    result: {
      status: "pass",
      message: `The client secret is valid until ${dateText} (${days} days).`,
      detail: { expiresAt, daysUntilExpire: days, ...ambiguous },
    },
  };
}
