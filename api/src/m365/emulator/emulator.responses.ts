/**
 * How the emulator's answers look: Entra's error body with its AADSTS number (docs/entra.md section 3), Graph's
 * error envelope (docs/entra.md section 9), the headers each service sends, and what a proxy or an outage answers.
 * Pure builders; the handlers decide which answer to give.
 */

import { GRAPH_APP_ID } from "./emulator.state.js";
import type { EmulatorResponse, HostView } from "./emulator.types.js";

/** A complete HTTP answer (as opposed to a hang or a reset). */
export type Response = Extract<EmulatorResponse, { kind: "response" }>;

/** The fields every Entra (login) answer depends on. */
export interface EntraContext {
  /** The origin the request was sent to, e.g. `https://login.emulator.test`. */
  base: string;
  now: Date;
  traceId: string;
  /** The client's `client-request-id` when it was a GUID, else a new one. */
  correlationId: string;
  /** Which cloud's host the request reached (emulator.clouds.ts). */
  host: HostView;
}

/** The fields every Graph answer depends on. */
export interface GraphContext {
  base: string;
  now: Date;
  requestId: string;
  clientRequestId: string;
  /** Which cloud's Graph host the request reached (emulator.clouds.ts). */
  host: HostView;
}

/** A function answering 429 or 503 with `Retry-After` in the service's own error shape. */
export type RetryAnswer = (status: 429 | 503, retryAfterSeconds: number) => Response;

export const ENTRA_JSON = "application/json; charset=utf-8";
const GRAPH_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

const HTML_502 =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n" +
  "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/** Entra's `YYYY-MM-DD hh:mm:ssZ` (a space, no `T`, no fraction). */
function entraTimestamp(d: Date): string {
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)}Z`;
}

/** Graph's innerError date: `YYYY-MM-DDTHH:MM:SS`, no zone, no fraction. */
function graphDate(d: Date): string {
  return d.toISOString().slice(0, 19);
}

export function json(
  status: number,
  contentType: string,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return { kind: "response", status, headers: { "content-type": contentType, ...headers }, body: JSON.stringify(body) };
}

export function plain(status: number, text: string): Response {
  return { kind: "response", status, headers: { "content-type": "text/plain; charset=utf-8" }, body: text };
}

/** What a reverse proxy answers when the service behind it is down: HTML, not JSON. */
export function html502(): Response {
  return { kind: "response", status: 502, headers: { "content-type": "text/html" }, body: HTML_502 };
}

/** Adds a fault's extra delay (ms) to an answer. */
export function delayed(response: Response, delayMs: number): Response {
  return delayMs > 0 ? { ...response, delayMs } : response;
}

// ---------------------------------------------------------------- Entra (login)

export function entraHeaders(ctx: EntraContext): Record<string, string> {
  return {
    "cache-control": "no-store, no-cache",
    pragma: "no-cache",
    "x-ms-request-id": ctx.traceId,
    "x-content-type-options": "nosniff",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
  };
}

/** The token endpoint's error body (docs/entra.md section 3): numeric `error_codes`, ids echoed in the text. */
export function entraError(
  ctx: EntraContext,
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

/** AADSTS90002: no such tenant in this cloud (`invalid_tenant` on discovery, `invalid_request` on the token). */
export function tenantNotFound(ctx: EntraContext, segment: string, error: string): Response {
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

/** AADSTS700016: no application with this client id in the directory (docs/entra.md section 4). */
export function appNotFound(ctx: EntraContext, clientId: string, directory: string): Response {
  return entraError(
    ctx,
    400,
    "unauthorized_client",
    700016,
    `Application with identifier '${clientId}' was not found in the directory '${directory}'. This can ` +
      "happen if the application has not been installed by the administrator of the tenant or consented to by " +
      "any user in the tenant. You may have sent your authentication request to the wrong tenant.",
  );
}

/** The token endpoint's 900144 for a missing form field (docs/entra.md section 4). */
export function missingParameter(ctx: EntraContext, name: string): Response {
  return entraError(
    ctx,
    400,
    "invalid_request",
    900144,
    `The request body must contain the following parameter: '${name}'.`,
  );
}

/** AADSTS900023: the tenant is neither a GUID nor a DNS name. */
export function invalidTenant(ctx: EntraContext, segment: string): Response {
  return entraError(
    ctx,
    400,
    "invalid_request",
    900023,
    `Specified tenant identifier '${segment}' is neither a valid DNS name, nor a valid external domain.`,
  );
}

/** Entra's throttling (50196) and outage (90033) answers (docs/entra.md section 4). */
export function entraRetryAnswer(ctx: EntraContext): RetryAnswer {
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

// ---------------------------------------------------------------- Microsoft Graph

function graphHeaders(g: GraphContext): Record<string, string> {
  return {
    "request-id": g.requestId,
    "client-request-id": g.clientRequestId,
    "cache-control": "no-cache",
    "odata-version": "4.0",
    "strict-transport-security": "max-age=31536000",
  };
}

/** Graph's error envelope (docs/entra.md section 9): decide on `code`, never on `message`. */
export function graphError(
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

export function graphOk(g: GraphContext, body: unknown): Response {
  return json(200, GRAPH_JSON, body, graphHeaders(g));
}

/** 201 Created with the new entity. */
export function graphCreated(g: GraphContext, body: unknown): Response {
  return json(201, GRAPH_JSON, body, graphHeaders(g));
}

/** 204 No Content: Graph's headers, no body and no content type. */
export function graphNoContent(g: GraphContext): Response {
  return { kind: "response", status: 204, headers: graphHeaders(g), body: "" };
}

/** 400 Request_BadRequest with `message`. */
export function graphBadRequest(g: GraphContext, message: string): Response {
  return graphError(g, 400, "Request_BadRequest", message);
}

/** 404 Request_ResourceNotFound naming the object id as written. */
export function graphNotFound(g: GraphContext, id: string): Response {
  return graphError(
    g,
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

/** 401 InvalidAuthenticationToken with Graph's `WWW-Authenticate` challenge. */
export function graphUnauthorized(g: GraphContext, message: string): Response {
  return graphError(g, 401, "InvalidAuthenticationToken", message, {
    "www-authenticate":
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", ' +
      `client_id="${GRAPH_APP_ID}"`,
  });
}

/** 403 Authorization_RequestDenied: the token lacks a role the route needs. */
export function graphDenied(g: GraphContext): Response {
  return graphError(g, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
}

/** 403 AccessDenied: the token has neither `roles` nor `scp` (no consent at all; docs/entra.md section 9). */
export function graphNoRolesOrScopes(g: GraphContext): Response {
  return graphError(g, 403, "AccessDenied", "Either scp or roles claim need to be present in the token.");
}

/** Graph's throttling and outage answers, with `Retry-After`. */
export function graphRetryAnswer(g: GraphContext): RetryAnswer {
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
