/**
 * The validator's one HTTP transport: every call to Entra ID and Graph goes through here, msal's included.
 * It owns what msal's default client lacks (docs/entra.md section 7): a timeout on every request, the HTTP status
 * and network cause kept, non-JSON bodies classified, and Retry-After honoured on 429/503 within a bounded budget.
 */
import type { Dispatch, DispatchRequest, DispatchResponse } from "./dispatch.types.js";

/** Why a request could not complete. */
export type NetworkCause = "timeout" | "refused" | "dns" | "tls" | "reset" | "network";

/** A request that got no HTTP answer. Carries no request body and no header values. */
export class TransportError extends Error {
  override readonly name = "TransportError";
  constructor(
    /** Classified cause. */
    readonly kind: NetworkCause,
    /** Node's or undici's error code, e.g. ECONNREFUSED. */
    readonly code: string | undefined,
    /** Host (and port) that was called. */
    readonly host: string,
    /** Milliseconds until the failure. */
    readonly durationMs: number,
  ) {
    super(`${kind} calling ${host}${code ? ` (${code})` : ""}`);
  }
}

/** An HTTP answer, whatever its status. */
export interface TransportResponse {
  status: number;
  headers: Record<string, string>;
  /** Raw body text. */
  text: string;
  /** Parsed JSON body; undefined when the body was not JSON. */
  json: unknown;
  /** Milliseconds from the first attempt to the final answer, waits included. */
  durationMs: number;
  /** Attempts made (more than one after a honoured Retry-After). */
  attempts: number;
  /** Seconds the service asked us to wait on the final answer (429/503), when it said. */
  retryAfterSeconds?: number;
}

/** A request through the transport. */
export interface TransportRequest extends DispatchRequest {
  /** Overrides the transport's per-request timeout (ms). */
  timeoutMs?: number;
}

/** Options of {@link createTransport}. */
export interface TransportOptions {
  /** Sends one request: undici over HTTPS in production, the emulator in-process in fast tests. */
  dispatch: Dispatch;
  /** Timeout of each attempt, in ms (M365_TIMEOUT_MS). */
  timeoutMs: number;
  /**
   * Most milliseconds one request may spend waiting for Retry-After before the 429/503 is returned as it is.
   * A Retry-After longer than what is left is not waited for. Default 5000.
   */
  retryBudgetMs?: number;
  /** Most attempts per request. Default 3. */
  maxAttempts?: number;
  /** Injectable sleep for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Called once per attempt, for counting and logging; gets no body. */
  onAttempt?: (info: {
    method: string;
    url: string;
    status?: number;
    cause?: NetworkCause;
    durationMs: number;
  }) => void;
}

/** Sends requests with timeouts, retries and classified failures. */
export interface Transport {
  /** Resolves with any HTTP answer; rejects only with {@link TransportError}. */
  send(request: TransportRequest): Promise<TransportResponse>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reads the delay of a Retry-After header (seconds or HTTP date), in seconds. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** Finds Node's or undici's error code on an error or its causes. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code !== "UND_ERR_SOCKET") return code;
    current = (current as { cause?: unknown }).cause;
  }
  const top = (error as { code?: unknown } | undefined)?.code;
  return typeof top === "string" ? top : undefined;
}

/** Maps an error code to a cause. */
export function classifyNetworkError(code: string | undefined): NetworkCause {
  if (!code) return "network";
  if (code === "ECONNREFUSED") return "refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME") return "dns";
  if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_CLOSED" || code === "ECONNABORTED") return "reset";
  if (code === "ETIMEDOUT" || code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT") {
    return "timeout";
  }
  if (code === "UND_ERR_BODY_TIMEOUT" || code === "ABORT_ERR" || code === "TimeoutError") return "timeout";
  if (/CERT|SSL|TLS|SELF_SIGNED|ERR_TLS|UNABLE_TO|HOSTNAME_MISMATCH|ALTNAME/i.test(code)) return "tls";
  return "network";
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "invalid-url";
  }
}

/** Parses a body as JSON when it is JSON; undefined otherwise. */
function parseJson(text: string): unknown {
  // The first character that is not white space, without copying the body as trimStart() would.
  const start = /\S/.exec(text)?.[0];
  if (start !== "{" && start !== "[") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Creates the transport. */
export function createTransport(options: TransportOptions): Transport {
  const sleep = options.sleep ?? defaultSleep;
  const retryBudgetMs = options.retryBudgetMs ?? 5000;
  const maxAttempts = options.maxAttempts ?? 3;

  async function attempt(request: TransportRequest): Promise<DispatchResponse> {
    const timeoutMs = request.timeoutMs ?? options.timeoutMs;
    const controller = new AbortController();
    const started = performance.now();
    const timer = setTimeout(() => controller.abort(new TransportError("timeout", "ETIMEDOUT", "", 0)), timeoutMs);
    try {
      const { timeoutMs: _ignored, ...dispatchRequest } = request;
      const response = await options.dispatch(dispatchRequest, controller.signal);
      options.onAttempt?.({
        method: request.method,
        url: request.url,
        status: response.status,
        durationMs: performance.now() - started,
      });
      return response;
    } catch (error) {
      const durationMs = Math.round(performance.now() - started);
      const cause: NetworkCause = controller.signal.aborted ? "timeout" : classifyNetworkError(errorCode(error));
      const code = controller.signal.aborted ? "ETIMEDOUT" : errorCode(error);
      options.onAttempt?.({ method: request.method, url: request.url, cause, durationMs });
      throw new TransportError(cause, code, hostOf(request.url), durationMs);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async send(request) {
      const started = performance.now();
      let waited = 0;
      for (let attempts = 1; ; attempts++) {
        const response = await attempt(request);
        const retryAfterSeconds =
          response.status === 429 || response.status === 503
            ? parseRetryAfter(response.headers["retry-after"])
            : undefined;
        const waitMs = retryAfterSeconds === undefined ? undefined : retryAfterSeconds * 1000;
        const canRetry = waitMs !== undefined && attempts < maxAttempts && waited + waitMs <= retryBudgetMs;
        if (!canRetry) {
          return {
            status: response.status,
            headers: response.headers,
            text: response.body,
            json: parseJson(response.body),
            durationMs: Math.round(performance.now() - started),
            attempts,
            ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
          };
        }
        waited += waitMs;
        await sleep(waitMs);
      }
    },
  };
}
