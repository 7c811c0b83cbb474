/**
 * Results several checks give for the same trouble: no answer at all (network), or an answer that is not one
 * (5xx, throttling past the retry budget, a proxy's HTML page). Both are `unknown`, never a verdict on the
 * credentials (docs/validation.md, "Statuses and codes").
 */
import type { CheckCode } from "@dr/contract";
import type { CheckResult } from "../check-runner.js";
import type { TransportError, TransportResponse } from "../http/transport.js";

const CAUSE_TEXT: Readonly<Record<string, string>> = {
  timeout: "did not answer in time",
  refused: "refused the connection",
  dns: "could not be found (DNS)",
  tls: "failed the TLS (certificate) check",
  reset: "closed the connection",
  network: "could not be reached",
};

/** A request that got no HTTP answer: `entra_timeout` or `entra_unreachable`, with the network cause kept. */
export function networkResult(error: TransportError, what: string): CheckResult<CheckCode> {
  const timeout = error.kind === "timeout";
  return {
    status: "unknown",
    code: timeout ? "entra_timeout" : "entra_unreachable",
    message: `${what} ${CAUSE_TEXT[error.kind] ?? "could not be reached"}.`,
    remedy: timeout
      ? "Try again. If it keeps timing out, check the server's outbound connection to Microsoft."
      : "Try again later. If it persists, check the server's network, proxy and certificate settings.",
    detail: { cause: error.kind, errorCode: error.code, host: error.host, elapsedMs: error.durationMs },
  };
}

/** An unexpected HTTP answer (5xx, throttled, non-JSON) from a service: `unknown`, retry later. */
export function serviceTrouble(response: TransportResponse, what: string, code: CheckCode): CheckResult<CheckCode> {
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
