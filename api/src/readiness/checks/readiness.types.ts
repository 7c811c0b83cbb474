/**
 * What the readiness checks share (docs/product.md section 10): the run's context (the two tokens, already asked
 * side by side, and the Graph reads, started side by side and read by whichever checks need them), the check shape
 * the check runner takes, and the results several checks give.
 */
import type { ReadinessCheckId, ReadinessCode } from "@dr/contract";
import type { CheckDefinition, CheckOutcome, CheckResult } from "../../m365/check-runner.js";
import { networkResult } from "../../m365/checks/check.results.js";
import type { GraphAnswer } from "../../m365/graph/graph.client.js";
import { graphErrorCode, graphRequestId } from "../../m365/graph/graph.client.js";
import type { TransportResponse } from "../../m365/http/transport.js";
import type { ReadinessToken } from "../readiness.token.js";

/** The Graph reads of one run, each started once (docs/entra.md section 16). */
export interface ReadinessReads {
  /** GET /domains/{fqdn}. */
  domain(): Promise<GraphAnswer>;
  /** GET /domains/{fqdn}/verificationDnsRecords (only for a domain that is not verified: one more round trip). */
  verificationRecords(): Promise<GraphAnswer>;
  /** GET /subscribedSkus. */
  skus(): Promise<GraphAnswer>;
  /** GET /users?$filter=endswith(userPrincipalName,'@fqdn')&$count=true with ConsistencyLevel: eventual. */
  users(): Promise<GraphAnswer>;
}

/** What one readiness run knows before any check runs. */
export interface ReadinessContext {
  /** The client-credentials token for Microsoft Graph. */
  graphToken: ReadinessToken;
  /** The client-credentials token for the Skype and Teams Tenant Admin API. */
  teamsToken: ReadinessToken;
  /** The service's SBC FQDN (`<label>.<SBC_BASE_DOMAIN>`); undefined when it has no sub-domain. */
  sbcFqdn?: string;
  /** Present when the Graph token was issued. */
  reads?: ReadinessReads;
}

/** Readiness checks leave no facts for each other. */
export type ReadinessFacts = Record<string, never>;

/** One readiness check, as each file under checks/ exports it. */
export type ReadinessCheckDefinition = CheckDefinition<
  ReadinessCheckId,
  ReadinessCode,
  ReadinessContext,
  ReadinessFacts
>;
/** What a readiness check returns. */
export type ReadinessOutcome = CheckOutcome<ReadinessCode, ReadinessFacts>;
/** A readiness check's result. */
export type ReadinessResult = CheckResult<ReadinessCode>;

/** Teams Administrator's role template id (docs/entra.md section 11). */
export const TEAMS_ADMINISTRATOR_ROLE_ID = "69091246-20e8-4a56-aa4d-066075b2a7a8";

/** The answer of a check that needs Graph when no Graph token came. */
export function noGraphToken(): ReadinessOutcome {
  return {
    result: {
      status: "skipped",
      code: "prerequisite_failed",
      message: "Not run: no access token for Microsoft Graph was issued with these credentials.",
    },
  };
}

/** Why a token did not come, as a result: no answer, a passing failure, or a refusal of the credentials. */
export function tokenFailure(
  token: Extract<ReadinessToken, { ok: false }>,
  what: string,
  refusal: () => ReadinessResult,
): ReadinessResult {
  if (token.failure) return networkResult(token.failure, "The Microsoft login service") as ReadinessResult;
  if (token.httpStatus === 429) {
    return {
      status: "unknown",
      code: "throttled",
      message: "The Microsoft login service is throttling requests.",
      remedy: `Wait${token.response?.retryAfterSeconds ? ` ${token.response.retryAfterSeconds} seconds` : ""} and check readiness again.`,
      detail: { httpStatus: 429 },
    };
  }
  if (token.error === "non_json_response" || (token.httpStatus !== undefined && token.httpStatus >= 500)) {
    return {
      status: "unknown",
      code: "entra_unreachable",
      message: `The Microsoft login service answered the ${what} request with HTTP ${token.httpStatus ?? "?"}.`,
      remedy: "Try again later; the service or a proxy in between had a problem.",
      detail: { httpStatus: token.httpStatus ?? null, error: token.error },
    };
  }
  return refusal();
}

/** The credentials themselves were refused: readiness cannot tell, and never judges the credentials. */
export function credentialsFailed(token: Extract<ReadinessToken, { ok: false }>): ReadinessResult {
  return {
    status: "unknown",
    code: "credentials_failed",
    message: "Entra ID issued no token with these credentials, so readiness cannot be checked.",
    remedy: "Validate the credentials (Validate Authentication) and fix what it reports, then check readiness again.",
    detail: {
      error: token.error,
      ...(token.aadsts !== undefined ? { aadsts: token.aadsts } : {}),
      ...(token.httpStatus !== undefined ? { httpStatus: token.httpStatus } : {}),
    },
  };
}

/** 403 from Graph: an optional permission is missing. `unknown`, naming it, never a verdict (docs/entra.md 16). */
export function permissionMissing(permission: string, what: string, response: TransportResponse): ReadinessResult {
  return {
    status: "unknown",
    code: "permission_missing",
    message: `Cannot read ${what}: the app lacks the Microsoft Graph application permission ${permission}.`,
    remedy: `In the app registration, add the Microsoft Graph application permission ${permission} and grant admin consent; then check readiness again (consent can take a few minutes to show).`,
    detail: {
      permission,
      httpStatus: response.status,
      graphCode: graphErrorCode(response.json) ?? null,
      ...graphRequestId(response),
    },
  };
}

/** A Graph answer that is no verdict: no answer, throttled, 5xx, not JSON, or an unexpected status. */
export function graphTrouble(answer: GraphAnswer, what: string): ReadinessResult {
  if ("failure" in answer) return networkResult(answer.failure, "Microsoft Graph") as ReadinessResult;
  const { response } = answer;
  const throttled = response.status === 429;
  return {
    status: "unknown",
    code: throttled ? "throttled" : "graph_unavailable",
    message: throttled
      ? "Microsoft Graph is throttling requests."
      : `Microsoft Graph answered the read of ${what} with HTTP ${response.status}${response.json === undefined ? " and no JSON" : ""}.`,
    remedy: throttled
      ? `Wait${response.retryAfterSeconds ? ` ${response.retryAfterSeconds} seconds` : ""} and check readiness again.`
      : "Try again later; the service or a proxy in between had a problem.",
    detail: {
      httpStatus: response.status,
      graphCode: graphErrorCode(response.json) ?? null,
      ...(response.retryAfterSeconds !== undefined ? { retryAfterSeconds: response.retryAfterSeconds } : {}),
      ...graphRequestId(response),
    },
  };
}

/** The `value` array of a Graph list answer. */
export function listOf(json: unknown): Record<string, unknown>[] {
  const value = (json as { value?: unknown } | undefined)?.value;
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v))
    : [];
}
