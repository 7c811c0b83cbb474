/**
 * The rotation's app-only Graph tokens, through the one app-only token request (api/src/m365/msal/app-token.ts: msal
 * over the one transport, docs/entra.md sections 6 and 7). The answer is a value: the token with its `roles`, or why
 * Entra gave none, with "not replicated yet" (700016, 7000215) told apart (docs/entra.md section 15).
 */
import type { ValidatorLogger } from "../m365/checks/check.types.js";
import type { CloudEndpoints } from "../m365/clouds.js";
import type { AppCredential } from "../m365/credentials/credential.js";
import type { Transport } from "../m365/http/transport.js";
import { acquireAppOnlyToken } from "../m365/msal/app-token.js";
import { replicationBackoffMs, replicationPending } from "./rotation.rules.js";

/** A token, or why none came (never the secret). */
export type AppToken =
  | { ok: true; accessToken: string; roles: string[] }
  | {
      ok: false;
      /** Entra has not replicated the secret (or app) yet: try again. */
      pending: boolean;
      /** The OAuth error, or the transport's cause (`timeout`, `refused`, …). */
      error: string;
      aadsts?: number;
      httpStatus?: number;
    };

/** What a token request needs. */
export interface AppTokenRequest {
  transport: Transport;
  endpoints: CloudEndpoints;
  /** The tenant GUID. */
  tenantId: string;
  clientId: string;
  /** The client secret, or the credential (a secret or a certificate: docs/entra.md section 13). */
  clientSecret: string | AppCredential;
  correlationId: string;
  logger?: ValidatorLogger;
}

/** One client-credentials token for the cloud's Graph. Never throws for Entra's or the network's answer. */
export async function acquireAppToken(request: AppTokenRequest): Promise<AppToken> {
  const { tenantId, ...rest } = request;
  const token = await acquireAppOnlyToken({
    ...rest,
    tenant: tenantId,
    scope: `${request.endpoints.graphResource}/.default`,
  });
  if (token.ok) {
    const roles = token.claims.roles;
    return {
      ok: true,
      accessToken: token.accessToken,
      // `roles` is missing entirely when no permission has consent (docs/entra.md section 8).
      roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === "string") : [],
    };
  }
  return {
    ok: false,
    pending: replicationPending(
      token.aadsts,
      typeof request.clientSecret === "string" ? "secret" : request.clientSecret.kind,
    ),
    error: token.error,
    ...(token.aadsts !== undefined ? { aadsts: token.aadsts } : {}),
    ...(token.httpStatus !== undefined ? { httpStatus: token.httpStatus } : {}),
  };
}

/** Options of {@link waitForNewSecret}. */
export interface ReplicationWait {
  /** How long to keep trying, ms (PROVISIONING_REPLICATION_TIMEOUT_MS), measured on the monotonic clock. */
  timeoutMs: number;
  /** Injectable sleep (tests). */
  sleep?: (ms: number) => Promise<void>;
  /** Called before each wait: the rotation renews its claim there. False stops the wait (the claim was lost). */
  beforeWait?: () => Promise<boolean>;
}

/**
 * Asks for a token with a new secret until Entra accepts it: 700016 and 7000215 mean "not replicated yet" and are
 * retried with backoff within `timeoutMs`; any other answer ends the wait. The last answer comes back, with the
 * number of tries and whether the time ran out.
 */
export async function waitForNewSecret(
  request: AppTokenRequest,
  wait: ReplicationWait,
): Promise<{ token: AppToken; attempts: number; timedOut: boolean; stopped?: boolean }> {
  const sleep = wait.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = performance.now();
  for (let attempts = 1; ; attempts++) {
    const token = await acquireAppToken(request);
    if (token.ok || !token.pending) return { token, attempts, timedOut: false };
    const left = wait.timeoutMs - (performance.now() - started);
    if (left <= 0) return { token, attempts, timedOut: true };
    if (wait.beforeWait && !(await wait.beforeWait())) return { token, attempts, timedOut: false, stopped: true };
    await sleep(Math.min(left, replicationBackoffMs(attempts)));
  }
}
