/**
 * The credential validator (docs/product.md section 3): the checks declared under checks/, one file each, run by
 * the check runner. Round trips: the tenant lookup and the token request go out side by side, then the two Graph
 * reads side by side; the runner derives that from each check's `after`.
 */
import { randomUUID } from "node:crypto";
import {
  type Check,
  type CheckCode,
  type CheckId,
  type Cloud,
  clientIdForRecord,
  type SecretInfo,
  SKIPPED_CODE,
  tenantIdForRecord,
  type ValidationReport,
  type ValidationRequest,
} from "@dr/contract";
import { createCheckRunner } from "./check-runner.js";
import type { ValidationContext, ValidationFacts, ValidatorLogger } from "./checks/check.types.js";
import { VALIDATOR_CHECKS } from "./checks/validator.checks.js";
import { type EndpointOverrides, resolveEndpoints } from "./clouds.js";
import { credentialSecrets } from "./credentials/credential.js";
import type { Dispatch } from "./http/dispatch.types.js";
import { createTransport } from "./http/transport.js";
import { redactDeep } from "./redact.js";

// Re-exported for the callers that imported these from here before the checks had files of their own.
export type { ValidatorLogger } from "./checks/check.types.js";
export { decodeJwtPayload, permissionCovered } from "./checks/permissions.check.js";

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

const runner = createCheckRunner<CheckId, CheckCode, ValidationContext, ValidationFacts>(
  VALIDATOR_CHECKS,
  SKIPPED_CODE,
);

/** What the report says of a certificate: its kind, thumbprint, subject, and its own expiry until Graph's is read. */
function credentialInfo(facts: Partial<ValidationFacts>): Partial<SecretInfo> {
  if (facts.credential?.kind !== "certificate") return {};
  const { thumbprintSha1, subject, notAfter } = facts.credential.certificate;
  return { credentialType: "certificate", thumbprint: thumbprintSha1, subject, expiresAt: notAfter.toISOString() };
}

/** Creates a validator. Each run gets its own transport and its own msal instance (no cache, no local throttle). */
export function createValidator(options: ValidatorOptions): Validator {
  const now = options.now ?? (() => new Date());

  async function validate(input: ValidationRequest, runOptions: ValidateOptions = {}): Promise<ValidationReport> {
    const startedAt = now();
    const started = performance.now();
    // The secret, or the certificate's PEM, PFX, password and key: never in the report or a log line.
    const secrets = credentialSecrets(input);
    const cloud: Cloud = input.cloud ?? "global";
    const correlationId = randomUUID();
    const transport = createTransport({
      dispatch: options.dispatch,
      timeoutMs: options.timeoutMs,
      ...(options.retryBudgetMs !== undefined ? { retryBudgetMs: options.retryBudgetMs } : {}),
      onAttempt: (info) => options.onRequest?.(info),
    });
    const { checks, facts } = await runner.run(
      {
        input,
        cloud,
        endpoints: resolveEndpoints(cloud, options.overrides),
        transport,
        correlationId,
        requiredPermissions: options.requiredPermissions,
        now,
        ...(options.logger ? { logger: options.logger } : {}),
      },
      { secrets, ...(runOptions.onCheck ? { onCheck: runOptions.onCheck } : {}) },
    );

    const report: ValidationReport = {
      ok: checks.every((c) => c.status !== "fail" && c.status !== "unknown"),
      checks,
      cloud,
      ...(facts.organization ? { tenant: facts.organization } : {}),
      // The hint once the input rules passed, whatever came after (the UI shows it beside the expiry).
      ...(facts.secretHint !== undefined
        ? { secret: { hint: facts.secretHint, ...credentialInfo(facts), ...facts.secret } }
        : {}),
      ...(facts.permissions ? { permissions: facts.permissions } : {}),
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
    };
    options.logger?.info(
      {
        event: "validation",
        // Only parsed values: an operator may paste the secret into the wrong field.
        tenant: report.tenant?.id ?? tenantIdForRecord(input.tenantId),
        client: clientIdForRecord(input.clientId),
        correlationId,
        ok: report.ok,
        checks: checks.map((c) => `${c.id}:${c.status}${c.code ? `:${c.code}` : ""}`),
        durationMs: report.durationMs,
      },
      "credential validation finished",
    );
    return redactDeep(report, [...secrets, ...credentialSecrets({}, facts.credential)]);
  }

  return { validate };
}
