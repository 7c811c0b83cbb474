/**
 * The Graph side of a provisioning run (docs/entra.md section 15): the requests' paths, how an answer is read
 * (created, already there, not replicated yet, refused, throttled), and one call helper that retries what may be
 * retried: a 429/503 past the transport's own Retry-After budget (docs/entra.md section 7), and the "not there yet"
 * answers of a directory that has not replicated a new object (docs/entra.md section 15, "Replication delays").
 * A request that got no answer is never repeated: a POST may have been carried out.
 */
import type { GraphAnswer } from "../m365/graph/graph.client.js";
import { graphErrorCode, graphRequestId } from "../m365/graph/graph.client.js";
import type { TransportResponse } from "../m365/http/transport.js";

/** Microsoft Graph's own application id (docs/entra.md section 11). */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
/** Teams Administrator's role template id (docs/entra.md section 11). */
export const TEAMS_ADMINISTRATOR_ROLE_ID = "69091246-20e8-4a56-aa4d-066075b2a7a8";
/** The app-only permission that lets an app that owns itself change its own secret (docs/entra.md section 11). */
export const OWNED_BY_PERMISSION = "Application.ReadWrite.OwnedBy";

/** An OData string literal's content: a quote is written twice (OData ABNF, `SQUOTE-in-string`). */
export function odataString(value: string): string {
  return value.replaceAll("'", "''");
}

/** GET path listing the applications with this exact display name (docs/entra.md section 15). */
export function applicationsNamedPath(displayName: string): string {
  const filter = `displayName eq '${odataString(displayName)}'`;
  return `/v1.0/applications?$filter=${encodeURIComponent(filter)}&$select=id,appId,displayName`;
}

/** GET path of a service principal by its app id (Microsoft Graph's own included), with the fields asked. */
export function servicePrincipalByAppIdPath(appId: string, select: string): string {
  return `/v1.0/servicePrincipals(appId='${odataString(appId)}')?$select=${select}`;
}

/** A step that could not be done, with what to do about it. Carries no secret and no token. */
export class StepFailure extends Error {
  override readonly name = "StepFailure";
  constructor(
    readonly code: string,
    message: string,
    readonly remedy: string,
    readonly detail: Record<string, unknown> = {},
    /** `unknown` when Microsoft could not be asked (network), else `fail`. */
    readonly status: "fail" | "unknown" = "fail",
  ) {
    super(message);
  }
}

/** Thrown when the run was told to stop (the server is closing): the step ends `interrupted`. */
export class RunInterrupted extends Error {
  override readonly name = "RunInterrupted";
}

/** Graph's error message (for the "already exists" and "does not exist" answers Microsoft gives only in words). */
export function graphErrorMessage(json: unknown): string {
  const message = (json as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof message === "string" ? message : "";
}

/** Facts of a Graph answer for a step's detail: status, Graph's code, request id, attempts. Never a body. */
export function graphDetail(response: TransportResponse): Record<string, unknown> {
  const code = graphErrorCode(response.json);
  return {
    httpStatus: response.status,
    ...(code ? { graphError: code } : {}),
    ...graphRequestId(response),
    ...(response.attempts > 1 ? { attempts: response.attempts } : {}),
  };
}

/**
 * A new object that Graph does not see yet (docs/entra.md section 15): "Resource '…' does not exist…" (HTTP 400,
 * words only), `Request_ResourceNotFound`, or a 404.
 */
export function notReplicatedYet(response: TransportResponse): boolean {
  if (response.status === 404) return true;
  if (graphErrorCode(response.json) === "Request_ResourceNotFound") return true;
  return response.status === 400 && /does not exist/i.test(graphErrorMessage(response.json));
}

/**
 * An answer that says the thing asked for is already there (docs/entra.md section 15): 409 (e.g.
 * `Request_MultipleObjectsWithSameKeyValue`), or a 400 whose words say so (app role assignment, role assignment,
 * owner; Microsoft gives no distinct code for these).
 */
export function alreadyThere(response: TransportResponse): boolean {
  if (response.status === 409) return true;
  if (graphErrorCode(response.json) === "Request_MultipleObjectsWithSameKeyValue") return true;
  return (
    response.status === 400 &&
    /already exists?|conflicting object|already in use/i.test(graphErrorMessage(response.json))
  );
}

/** What one step needs to call Graph with retries. */
export interface GraphCallContext {
  /** Waits `ms`; rejects with RunInterrupted when the run must stop. */
  sleep(ms: number): Promise<void>;
  /** Milliseconds since the epoch (the clock of the backoff deadlines). */
  nowMs(): number;
  /** PROVISIONING_REPLICATION_TIMEOUT_MS. */
  replicationTimeoutMs: number;
}

/**
 * The backoff of replication retries: 1 s, 2 s, 4 s … at most 15 s (the n-th wait, from 0); the caller cuts the last
 * one to its deadline.
 */
export function replicationBackoffMs(attempt: number): number {
  return Math.min(15_000, 1000 * 2 ** attempt);
}

/** Step-level retries of a throttled call once the transport's own Retry-After budget is spent. */
const THROTTLE_RETRIES = 3;
/** A Retry-After longer than this is not waited for: the step fails `throttled` at once. */
const THROTTLE_MAX_WAIT_MS = 30_000;

/** Options of one {@link callGraph}. */
export interface CallOptions {
  /** Also wait and retry while this says the directory has not replicated yet. */
  replication?: (response: TransportResponse) => boolean;
  /** What the call does, for messages ("creating the App registration"). */
  what: string;
  /** The directory roles that can do it, for an `insufficient_privileges` remedy. */
  roles: string;
}

/**
 * Makes one Graph call: a network failure is `microsoft_unreachable` (never repeated); 429/503 are retried with the
 * answer's Retry-After (or backoff) up to 3 times when the wait is at most 30 s, then `throttled`; answers that
 * `replication` recognises are retried with backoff until PROVISIONING_REPLICATION_TIMEOUT_MS, then
 * `replication_timeout`; 403 is `insufficient_privileges` naming the roles. Any other answer is returned.
 */
export async function callGraph(
  ctx: GraphCallContext,
  send: () => Promise<GraphAnswer>,
  options: CallOptions,
): Promise<TransportResponse> {
  const started = ctx.nowMs();
  let throttled = 0;
  let replicationWaits = 0;
  for (;;) {
    const answer = await send();
    if ("failure" in answer) {
      const f = answer.failure;
      throw new StepFailure(
        "microsoft_unreachable",
        `Microsoft Graph did not answer while ${options.what} (${f.kind} calling ${f.host}).`,
        "Try again in a few minutes; what was created so far is listed. If it persists, check the server's network.",
        { cause: f.kind, ...(f.code ? { errorCode: f.code } : {}), host: f.host },
        "unknown",
      );
    }
    const response = answer.response;
    if (response.status === 429 || response.status === 503) {
      const waitMs =
        response.retryAfterSeconds !== undefined ? response.retryAfterSeconds * 1000 : 2000 * 2 ** throttled;
      if (throttled >= THROTTLE_RETRIES || waitMs > THROTTLE_MAX_WAIT_MS) {
        throw new StepFailure(
          "throttled",
          `Microsoft Graph is throttling requests (HTTP ${response.status}) while ${options.what}.`,
          "Try again in a few minutes; what was created so far is listed, and a new run can reuse the app.",
          {
            ...graphDetail(response),
            ...(response.retryAfterSeconds !== undefined ? { retryAfterSeconds: response.retryAfterSeconds } : {}),
            stepRetries: throttled,
          },
        );
      }
      throttled++;
      await ctx.sleep(waitMs);
      continue;
    }
    if (response.status === 403) {
      throw new StepFailure(
        "insufficient_privileges",
        `Microsoft Graph refused ${options.what}: the signed-in account lacks the permission (HTTP 403${
          graphErrorCode(response.json) ? ` ${graphErrorCode(response.json)}` : ""
        }).`,
        `Sign in with an account that holds ${options.roles}, and start again.`,
        graphDetail(response),
      );
    }
    if (options.replication?.(response)) {
      // The last wait is cut to the deadline, so the last attempt is made at it, never before it is reached.
      const left = started + ctx.replicationTimeoutMs - ctx.nowMs();
      const waitMs = Math.min(replicationBackoffMs(replicationWaits), left);
      if (left <= 0) {
        throw new StepFailure(
          "replication_timeout",
          `Microsoft Entra ID had not replicated the new objects after ${Math.round(
            (ctx.nowMs() - started) / 1000,
          )} s (${options.what}).`,
          "Nothing is lost: what was created is listed. Wait a few minutes and start again with the option to reuse " +
            "the existing app, or remove what was created.",
          { ...graphDetail(response), attempts: replicationWaits + 1 },
        );
      }
      replicationWaits++;
      await ctx.sleep(waitMs);
      continue;
    }
    return response;
  }
}

/** A Graph answer that is neither a success nor handled by the step: `graph_error` with Graph's code. */
export function unexpectedAnswer(response: TransportResponse, what: string): StepFailure {
  const code = graphErrorCode(response.json);
  return new StepFailure(
    "graph_error",
    `Microsoft Graph refused ${what} (HTTP ${response.status}${code ? ` ${code}` : ""}).`,
    "Start again; if it happens again, give the details (request id) to the provider's support.",
    graphDetail(response),
    response.status >= 500 ? "unknown" : "fail",
  );
}
