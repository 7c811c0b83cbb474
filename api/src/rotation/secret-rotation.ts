/**
 * Zero-touch secret rotation (docs/api.md, "Secret rotation"; docs/product.md section 9): a service whose app may
 * change its own secret (Application.ReadWrite.OwnedBy and owner of itself, or Application.ReadWrite.All; docs/entra.md
 * section 11) gets a new secret before the old one expires, with no one copying a value:
 *
 * 1. claim the service's rotation in the journal (one per service across server copies; nothing is written in Graph
 *    without it), then open the stored secret and ask Entra for an app-only token with it;
 * 2. refuse (`rotation_not_permitted`, nothing written) when the token's `roles` allow no self-rotation;
 * 3. read the application (object id, passwords) and remove what an interrupted rotation left behind;
 * 4. addPassword with the current secret's lifetime (1 to 730 days, 180 when unknown; docs/entra.md section 15);
 * 5. wait until Entra accepts the new secret (700016 / 7000215 retried within PROVISIONING_REPLICATION_TIMEOUT_MS);
 * 6. run the full validator with it;
 * 7. switch atomically: in one transaction the sealed secret at the new record version, the hint, keyId and expiry
 *    from the report, a validation history row (trigger `rotation`) and the audit row `service.secret_rotate`;
 * 8. only then removePassword of the old keyId, with a token of the new secret.
 *
 * A certificate service runs the same sequence with its credential strategy (rotation.credential.ts): no permission
 * is needed (step 2), step 4 makes a new key and self-signed certificate and adds it with addKey and a proof signed by
 * the current certificate, step 5 waits for a client assertion with it, step 7 seals the new PEM bundle with its
 * thumbprint, and step 8 is removeKey with a proof signed by the new certificate (docs/entra.md section 13).
 *
 * A failure before the switch keeps the old secret and removes the new password when one was added (best effort,
 * reported; else the next rotation removes it). A failure of step 8 keeps the new secret and answers the warning
 * `rotation_old_secret_kept` with its remedy. Every outcome is audited and told to the bot (RotationNotifier).
 */
import { randomUUID } from "node:crypto";
import type {
  Check,
  RotationFailure,
  RotationInfo,
  RotationReport,
  RotationWarning,
  ValidationReport,
} from "@dr/contract";
import { NotFoundError, RateLimitedError, RotationError } from "../errors.js";
import type { ValidatorLogger } from "../m365/checks/check.types.js";
import { type EndpointOverrides, resolveEndpoints } from "../m365/clouds.js";
import {
  type AppCredential,
  credentialBody,
  credentialFromStored,
  credentialSummary,
  storedCredentialText,
} from "../m365/credentials/credential.js";
import { createGraphClient, type GraphClient } from "../m365/graph/graph.client.js";
import type { Dispatch } from "../m365/http/dispatch.types.js";
import { createTransport } from "../m365/http/transport.js";
import type { Validator } from "../m365/validator.js";
import type { RateLimiter } from "../onboarding/rate-limiter.js";
import { applyReport, auditRecord, reportDetail, validationRecord } from "../onboarding/records.js";
import { serviceSecretAad } from "../secrets/associated-data.js";
import type { SecretStore } from "../secrets/secret-store.types.js";
import type { AuditRecord, Repository, ServiceRecord } from "../storage/repository.types.js";
import type { SecretRotationStore } from "../storage/secret-rotations.repository.js";
import { type NewCredential, rotationStrategy } from "./rotation.credential.js";
import { failureDetail, type GraphFailure, type ListedPassword, readApplication } from "./rotation.graph.js";
import { REMEDY, rotationLeaseMs } from "./rotation.rules.js";
import { type AppToken, acquireAppToken, waitForNewSecret } from "./rotation.token.js";
import type { RotationNotice, RotationNotifier } from "./rotation-notifier.js";

export type { RotationNotice, RotationNotifier } from "./rotation-notifier.js";

/** Ports and settings of the rotation. */
export interface SecretRotationDeps {
  repo: Repository;
  /** The journal (migration 0011): the claim, the lease, the orphans. */
  store: SecretRotationStore;
  secrets: SecretStore;
  /** The full validator, run with the new secret before the switch. */
  validator: Validator;
  /** The validator's outbound dispatch (the one transport stack, docs/entra.md section 7). */
  dispatch: Dispatch;
  /** Timeout of each outbound request, ms (M365_TIMEOUT_MS). */
  timeoutMs: number;
  /** Most ms one request may wait on Retry-After (M365_RETRY_BUDGET_MS). */
  retryBudgetMs?: number;
  /** M365_LOGIN_URL / M365_GRAPH_URL (the sandbox emulator's URL in sandbox mode). */
  overrides?: EndpointOverrides;
  /** How long to wait for Entra to accept the new secret, ms (PROVISIONING_REPLICATION_TIMEOUT_MS). */
  replicationTimeoutMs: number;
  /** Rotations by hand count against the validation rate limit (operator and tenant); absent: not limited. */
  rateLimiter?: RateLimiter;
  /** The bot's notifier, asked for when there is something to tell (it is built after this service). */
  notifier?: () => RotationNotifier | undefined;
  /** Injectable clock (dates written, the lease); waits use the monotonic clock. */
  now?: () => Date;
  /** Injectable sleep between tries of the new secret (tests). */
  sleep?: (ms: number) => Promise<void>;
  /** How long a claim lasts before another copy may take over, ms. Default: rotationLeaseMs(...). */
  leaseMs?: number;
  log?: ValidatorLogger;
}

/** Options of one rotation. */
export interface RotateOptions {
  /** Called as each check of the new secret's validation finishes (the event stream). */
  onCheck?: (check: Check) => void;
  /** Who started it. Default `manual`. */
  trigger?: "manual" | "scheduled";
  /**
   * Rotate only while the stored secret is still this one (hint and expiry, as the caller saw them): the scheduler
   * of another copy may have rotated it since. Otherwise `rotation_in_progress`, and nothing is done.
   */
  expectSecret?: { hint: string; expiresAt?: string };
}

/** The rotation service. */
export interface SecretRotation {
  /** Rotates the service's secret; RotationError (409) when refused or failed, NotFoundError for no service. */
  rotate(serviceId: string, actor: string, options?: RotateOptions): Promise<RotationReport>;
  /** When the service's secret was last switched by a rotation. */
  lastRotatedAt(serviceId: string): Promise<string | undefined>;
}

/** A failure already cleaned up, audited and told; `rotate` rethrows it as the RotationError. */
class Stop extends Error {
  constructor(readonly error: RotationError) {
    super(error.message);
  }
}

/** Creates the rotation service. */
export function createSecretRotation(deps: SecretRotationDeps): SecretRotation {
  const now = deps.now ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? rotationLeaseMs(deps.replicationTimeoutMs, deps.timeoutMs);
  const leaseUntil = () => new Date(now().getTime() + leaseMs).toISOString();

  const audit = (
    repo: Repository,
    actor: string,
    action: string,
    outcome: AuditRecord["outcome"],
    serviceId: string,
    detail: Record<string, unknown>,
  ) => repo.insertAudit(auditRecord(now(), { actor, action, serviceId, outcome, detail }));

  const notify = async (notice: RotationNotice) => {
    try {
      await deps.notifier?.()?.rotationFinished(notice);
    } catch (error) {
      // Telling is a side task: it never undoes or fails a rotation.
      deps.log?.warn({ serviceId: notice.serviceId, err: (error as Error)?.message }, "rotation notice not queued");
    }
  };

  async function rotate(serviceId: string, actor: string, options: RotateOptions = {}): Promise<RotationReport> {
    const trigger = options.trigger ?? "manual";
    const first = await deps.repo.getService(serviceId);
    if (!first) throw new NotFoundError(`No service with id ${serviceId}.`);
    if (trigger === "manual" && deps.rateLimiter) {
      const decision = await deps.rateLimiter.take([
        `operator:${actor.toLowerCase()}`,
        `tenant:${first.m365.tenantId.toLowerCase()}`,
      ]);
      if (!decision.ok) {
        throw new RateLimitedError(
          `Too many validations for ${decision.key.startsWith("tenant:") ? "this tenant" : "you"} in the last minute; wait ${decision.retryAfterSeconds} s and try again.`,
          decision.retryAfterSeconds,
        );
      }
    }

    // 1. The claim, before anything else: one rotation per service across every server copy.
    const rotationId = randomUUID();
    const startedAt = now().toISOString();
    const claim = await deps.store.claim(
      {
        id: rotationId,
        serviceId,
        leaseUntil: leaseUntil(),
        trigger,
        actor,
        oldKeyId: first.m365.secretKeyId,
        oldSecretHint: first.m365.secretHint,
        startedAt,
      },
      startedAt,
    );
    if (!claim.claimed) {
      const holder = claim.holder;
      // An operator's refused request is audited; two copies' schedulers meeting on one service is routine.
      if (trigger === "manual") {
        await audit(deps.repo, actor, "service.secret_rotate", "failure", serviceId, {
          rotationId,
          trigger,
          code: "rotation_in_progress",
          ...(holder ? { runningRotationId: holder.id } : {}),
        });
      }
      throw new RotationError(
        "rotation_in_progress",
        holder
          ? `A rotation of this service's secret is already running (started ${holder.startedAt} by ${holder.actor}); nothing was done.`
          : "A rotation of this service's secret is already running; nothing was done.",
        REMEDY.inProgress,
      );
    }
    if (claim.abandoned) {
      deps.log?.warn(
        { serviceId, rotationId: claim.abandoned.id, orphanKeyId: claim.abandoned.orphanKeyId },
        "an interrupted secret rotation was closed; what it left on the app is removed by this one",
      );
    }
    const skip = async () => {
      await deps.store.finish(rotationId, { at: now().toISOString(), outcome: "skipped" });
    };
    try {
      const record = await deps.repo.getService(serviceId);
      if (!record) {
        await skip();
        throw new NotFoundError(`No service with id ${serviceId}.`);
      }
      const expected = options.expectSecret;
      if (
        expected &&
        (expected.hint !== record.m365.secretHint || (expected.expiresAt ?? null) !== record.m365.secretExpiresAt)
      ) {
        await skip();
        throw new RotationError(
          "rotation_in_progress",
          "The secret was rotated or replaced meanwhile; nothing was done.",
          REMEDY.inProgress,
        );
      }
      return await run(record, rotationId, actor, trigger, options);
    } catch (error) {
      if (error instanceof Stop) throw error.error;
      throw error;
    }
  }

  async function run(
    record: ServiceRecord,
    rotationId: string,
    actor: string,
    trigger: "manual" | "scheduled",
    options: RotateOptions,
  ): Promise<RotationReport> {
    const serviceId = record.id;
    const { clientId, tenantId, cloud } = record.m365;
    const endpoints = resolveEndpoints(cloud, deps.overrides);
    const transport = createTransport({
      dispatch: deps.dispatch,
      timeoutMs: deps.timeoutMs,
      ...(deps.retryBudgetMs !== undefined ? { retryBudgetMs: deps.retryBudgetMs } : {}),
    });
    const correlationId = randomUUID();
    const tokenRequest = (clientSecret: AppCredential) => ({
      transport,
      endpoints,
      tenantId,
      clientId,
      clientSecret,
      correlationId,
      ...(deps.log ? { logger: deps.log } : {}),
    });
    const graphWith = (token: string): GraphClient =>
      createGraphClient({ transport, graphUrl: endpoints.graphUrl, accessToken: token, correlationId });

    // What the steps learn, for the failure path.
    let oldSecret: AppCredential | undefined;
    let graphOld: GraphClient | undefined;
    let objectId: string | undefined;
    let added: NewCredential | undefined;
    // The kind-specific steps; set once the stored credential is open.
    let strategy: ReturnType<typeof rotationStrategy> | undefined;
    let oldKeyId: string | undefined = record.m365.secretKeyId ?? undefined;
    const base = { rotationId, trigger, oldSecretHint: record.m365.secretHint };

    /** Removes the new password again (with a fresh token of the old secret when the first was refused). */
    const removeAdded = async (): Promise<boolean> => {
      if (!added || !objectId || !graphOld || oldSecret === undefined || !strategy) return false;
      let result = await strategy.remove(graphOld, objectId, clientId, added.keyId, oldSecret, now());
      if (!result.ok && result.httpStatus === 401) {
        const fresh = await acquireAppToken(tokenRequest(oldSecret));
        if (fresh.ok) {
          result = await strategy.remove(
            graphWith(fresh.accessToken),
            objectId,
            clientId,
            added.keyId,
            oldSecret,
            now(),
          );
        }
      }
      return result.ok;
    };

    /** Ends the rotation before the switch: old secret kept, new password removed, audited, told; throws. */
    const fail = async (
      step: string,
      code: "rotation_not_permitted" | "rotation_failed",
      message: string,
      remedy: string,
      extra: { detail?: Record<string, unknown>; report?: ValidationReport } = {},
    ): Promise<never> => {
      let removed: boolean | undefined;
      try {
        removed = added ? await removeAdded() : undefined;
      } catch {
        removed = false;
      }
      const orphan = added && !removed ? added.keyId : null;
      const at = now().toISOString();
      await deps.store.finish(rotationId, {
        at,
        outcome: code === "rotation_not_permitted" ? "not_permitted" : "failed",
        code,
        orphanKeyId: orphan,
      });
      const failure: RotationFailure = {
        id: rotationId,
        step,
        oldSecretKept: true,
        ...(added ? { newKeyId: added.keyId, newPasswordRemoved: removed === true } : {}),
      };
      const report = extra.report;
      await deps.repo.transaction(async (tx) => {
        if (report) await tx.insertValidation(validationRecord(serviceId, actor, "rotation", report));
        await audit(tx, actor, "service.secret_rotate", "failure", serviceId, {
          ...base,
          ...(oldKeyId ? { oldKeyId } : {}),
          code,
          step,
          ...(added ? { newKeyId: added.keyId, newSecretHint: added.hint, newPasswordRemoved: removed === true } : {}),
          ...(report ? reportDetail(report) : {}),
          ...(extra.detail ?? {}),
        });
      });
      const fullRemedy = orphan ? `${remedy} ${REMEDY.newPasswordLeft(orphan, strategy?.noun)}` : remedy;
      deps.log?.warn(
        { event: "secret_rotation", serviceId, rotationId, trigger, step, code, newKeyId: added?.keyId, removed },
        "secret rotation failed; the old secret is kept",
      );
      await notify({
        serviceId,
        rotationId,
        trigger,
        actor,
        outcome: "failed",
        current: { keyId: record.m365.secretKeyId, hint: record.m365.secretHint },
        oldSecretHint: record.m365.secretHint,
        ...(oldKeyId ? { oldKeyId } : {}),
        ...(added ? { newKeyId: added.keyId, newSecretHint: added.hint } : {}),
        code,
        message,
        remedy: fullRemedy,
      });
      throw new Stop(
        new RotationError(code, message, fullRemedy, { ...(report ? { report } : {}), rotation: failure }),
      );
    };

    /** Renews the claim; a lost one (this copy stalled past its lease and another took over) stops the rotation. */
    const hold = async (step: string, patch?: { newKeyId?: string }) => {
      if (await deps.store.renew(rotationId, leaseUntil(), patch)) return;
      await fail(
        step,
        "rotation_failed",
        "This rotation took longer than its claim and another one took over; it stopped.",
        REMEDY.retry,
      );
    };

    const graphFailed = (step: string, what: string, failure: GraphFailure) =>
      failure.denied
        ? fail(
            step,
            "rotation_not_permitted",
            `Microsoft Graph refused to let the app ${what} (HTTP 403): the app's service principal must own its application and hold Application.ReadWrite.OwnedBy (or hold Application.ReadWrite.All).`,
            REMEDY.notPermitted,
            { detail: failureDetail(failure) },
          )
        : fail(
            step,
            "rotation_failed",
            failure.network
              ? `Microsoft Graph could not be reached to ${what} (${failure.network}).`
              : `Microsoft Graph did not ${what}${failure.httpStatus !== undefined ? ` (HTTP ${failure.httpStatus}${failure.graphCode ? ` ${failure.graphCode}` : ""})` : ""}.`,
            REMEDY.retry,
            { detail: failureDetail(failure) },
          );

    try {
      // 1. The stored secret and a token with it.
      const stored = await deps.repo.getServiceSecret(serviceId);
      if (!stored) {
        return await fail(
          "token",
          "rotation_failed",
          "The service has no stored secret.",
          "Replace the secret by hand (Replace secret).",
        );
      }
      const sealedAtVersion = stored.sealedAtVersion;
      oldSecret = credentialFromStored(
        record.m365.credentialType,
        deps.secrets.open(stored.sealed, serviceSecretAad(serviceId, sealedAtVersion)),
      );
      strategy = rotationStrategy(oldSecret);
      const oldToken: AppToken = await acquireAppToken(tokenRequest(oldSecret));
      if (!oldToken.ok) {
        return await fail(
          "token",
          "rotation_failed",
          `Entra ID gave no token for the stored ${strategy.noun} (${oldToken.aadsts !== undefined ? `AADSTS${oldToken.aadsts}` : oldToken.error}), so it cannot change itself.`,
          "Run Validate Authentication to see why; if the stored secret no longer works, replace it by hand (Replace secret).",
          {
            detail: {
              error: oldToken.error,
              ...(oldToken.aadsts !== undefined ? { aadsts: oldToken.aadsts } : {}),
              ...(oldToken.httpStatus !== undefined ? { httpStatus: oldToken.httpStatus } : {}),
            },
          },
        );
      }

      // 2. What the token says now decides, whatever the last validation stored.
      if (!strategy.permitted(oldToken.roles)) {
        return await fail(
          "permission",
          "rotation_not_permitted",
          "The app's token carries neither Application.ReadWrite.OwnedBy nor Application.ReadWrite.All, so the app may not change its own secret. Nothing was changed.",
          REMEDY.notPermitted,
          { detail: { roles: oldToken.roles } },
        );
      }
      graphOld = graphWith(oldToken.accessToken);

      // 3. The application, and what an interrupted rotation left on it.
      const app = await readApplication(graphOld, clientId);
      if (!app.ok) {
        if (app.notFound) {
          return await fail(
            "read_app",
            "rotation_not_permitted",
            "The App registration is not in the customer's tenant (a multi-tenant app registered elsewhere), so its secret cannot be rotated from here.",
            "Replace the secret by hand (Replace secret), or use an App registration of the customer's tenant.",
            { detail: failureDetail(app) },
          );
        }
        return await graphFailed("read_app", "read its App registration", app);
      }
      objectId = app.value.objectId;
      const orphansRemoved = await removeOrphans(graphOld, objectId, record, strategy.listed(app.value), oldSecret);
      await hold("read_app");

      // 4. The new password (or certificate), as long-lived as the current one.
      const current = currentCredential(strategy.listed(app.value), record.m365.secretKeyId, strategy.listedHint);
      oldKeyId = current?.keyId ?? oldKeyId;
      const lifetimeDays = strategy.lifetimeDays(current);
      const addedAnswer = await strategy.add(graphOld, objectId, now(), lifetimeDays);
      if (!addedAnswer.ok) return await graphFailed(strategy.addStep, `add a new ${strategy.noun}`, addedAnswer);
      added = addedAnswer.value;
      await hold(strategy.addStep, { newKeyId: added.keyId });
      const newSecret = added.credential;

      // 5. Until Entra accepts it (replication: seconds to minutes; docs/entra.md section 15).
      const waited = await waitForNewSecret(tokenRequest(newSecret), {
        timeoutMs: deps.replicationTimeoutMs,
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
        beforeWait: () => deps.store.renew(rotationId, leaseUntil()),
      });
      if (waited.stopped) await hold("replication");
      const newToken = waited.token;
      if (!newToken.ok) {
        const seconds = Math.round(deps.replicationTimeoutMs / 1000);
        return await fail(
          "replication",
          "rotation_failed",
          waited.timedOut
            ? `Entra ID did not accept the new ${strategy.noun} within ${seconds} s (still ${newToken.aadsts !== undefined ? `AADSTS${newToken.aadsts}` : newToken.error} after ${waited.attempts} tries).`
            : `Entra ID refused the new ${strategy.noun} (${newToken.aadsts !== undefined ? `AADSTS${newToken.aadsts}` : newToken.error}).`,
          waited.timedOut
            ? `${REMEDY.retry} A slow tenant may need a longer PROVISIONING_REPLICATION_TIMEOUT_MS.`
            : REMEDY.retry,
          {
            detail: {
              attempts: waited.attempts,
              error: newToken.error,
              ...(newToken.aadsts !== undefined ? { aadsts: newToken.aadsts } : {}),
            },
          },
        );
      }

      // 6. The full validation with the new secret.
      const report = await deps.validator.validate(
        { tenantId, clientId, ...credentialBody(newSecret), cloud },
        options.onCheck ? { onCheck: options.onCheck } : {},
      );
      if (!report.ok) {
        const failed = report.checks.filter((c) => c.status === "fail" || c.status === "unknown");
        return await fail(
          "validate",
          "rotation_failed",
          `The new ${strategy.noun} did not validate (${failed.map((c) => c.code ?? c.id).join(", ")}); the old secret is kept and still works as before.`,
          failed[0]?.remedy ?? REMEDY.retry,
          { report },
        );
      }
      await hold("validate");

      // 7. The switch, in one transaction; only a secret still stored as this rotation found it is replaced.
      const at = now().toISOString();
      const expiresAt = report.secret?.expiresAt ?? new Date(added.endDateTime).toISOString();
      const newKeyId = report.secret?.keyId ?? added.keyId;
      const newHint = added.hint;
      const switched = await deps.store.transaction(async (tx, rotations) => {
        const svc = await tx.getService(serviceId, { forUpdate: true });
        if (!svc) return "gone" as const;
        const still = await tx.getServiceSecret(serviceId);
        if (still?.sealedAtVersion !== sealedAtVersion) return "superseded" as const;
        if (!(await rotations.markSwitched(rotationId, at, newKeyId))) return "lost" as const;
        const version = svc.version + 1;
        const m365 = applyReport(svc.m365, report, actor, at, { newCredential: credentialSummary(newSecret) });
        await tx.updateService({
          ...svc,
          version,
          updatedAt: at,
          // Graph's answer to addPassword when the report could not read the expiry.
          m365: { ...m365, secretKeyId: newKeyId, secretExpiresAt: expiresAt, secretCheckedAt: at },
        });
        await tx.putServiceSecret({
          serviceId,
          sealed: deps.secrets.seal(storedCredentialText(newSecret), serviceSecretAad(serviceId, version)),
          sealedAtVersion: version,
        });
        await tx.insertValidation(validationRecord(serviceId, actor, "rotation", report));
        await audit(tx, actor, "service.secret_rotate", "success", serviceId, {
          ...base,
          ...(oldKeyId ? { oldKeyId } : {}),
          newSecretHint: newHint,
          newKeyId,
          newSecretExpiresAt: expiresAt,
          lifetimeDays,
          ...(orphansRemoved.length > 0 ? { orphansRemoved } : {}),
        });
        return "switched" as const;
      });
      if (switched !== "switched") {
        return await fail(
          "switch",
          "rotation_failed",
          switched === "superseded"
            ? "The secret was replaced by hand while the rotation ran; the replacement is kept and the rotation's new secret was discarded."
            : switched === "gone"
              ? "The service was deleted while the rotation ran."
              : "This rotation took longer than its claim and another one took over; it stopped.",
          switched === "superseded" ? "Nothing to do: the secret replaced by hand is in use." : REMEDY.retry,
        );
      }

      // 8. The old password goes, with a token of the new secret; failing that, the new secret stays and it is said.
      const warnings: RotationWarning[] = [];
      const noun = strategy.noun;
      const idName = noun === "certificate" ? "Certificate ID" : "Secret ID";
      let oldSecretRemoved = false;
      let orphan: string | null = null;
      if (oldKeyId && oldKeyId.toLowerCase() !== newKeyId.toLowerCase()) {
        const removal = await strategy
          .remove(graphWith(newToken.accessToken), objectId, clientId, oldKeyId, newSecret, now())
          .catch((): GraphFailure => ({ ok: false, denied: false, notFound: false, network: "error" }));
        oldSecretRemoved = removal.ok;
        if (!removal.ok) {
          orphan = oldKeyId;
          warnings.push({
            code: "rotation_old_secret_kept",
            message: `The new ${noun} is in use, but the old ${noun} (${idName} ${oldKeyId}) could not be removed from the App registration${removal.httpStatus !== undefined ? ` (HTTP ${removal.httpStatus})` : removal.network ? ` (${removal.network})` : ""}; it still works until it expires.`,
            remedy: REMEDY.oldSecretKept(oldKeyId, record.m365.secretHint, noun),
            detail: { oldKeyId, ...failureDetail(removal) },
          });
        }
      } else {
        warnings.push({
          code: "rotation_old_secret_kept",
          message: `The new ${noun} is in use, but the old ${noun}'s ${idName} is not known, so it was not removed.`,
          remedy: REMEDY.oldSecretKept(undefined, record.m365.secretHint, noun),
        });
      }
      const finishedAt = now().toISOString();
      await deps.store.finish(rotationId, {
        at: finishedAt,
        outcome: "success",
        ...(warnings.length > 0 ? { code: "rotation_old_secret_kept" } : {}),
        orphanKeyId: orphan,
      });
      if (warnings.length > 0) {
        await audit(deps.repo, actor, "service.secret_rotate_cleanup", "failure", serviceId, {
          rotationId,
          code: "rotation_old_secret_kept",
          ...(oldKeyId ? { oldKeyId } : {}),
        });
      }
      const rotation: RotationInfo = {
        id: rotationId,
        trigger,
        oldSecretHint: record.m365.secretHint,
        ...(oldKeyId ? { oldKeyId } : {}),
        oldSecretRemoved,
        newSecretHint: newHint,
        newKeyId,
        newSecretExpiresAt: expiresAt,
        rotatedAt: at,
        ...(orphansRemoved.length > 0 ? { orphansRemoved } : {}),
        warnings,
      };
      deps.log?.info(
        {
          event: "secret_rotation",
          serviceId,
          rotationId,
          trigger,
          oldKeyId,
          newKeyId,
          oldSecretRemoved,
          lifetimeDays,
        },
        "client secret rotated",
      );
      await notify({
        serviceId,
        rotationId,
        trigger,
        actor,
        outcome: "rotated",
        current: { keyId: newKeyId, hint: newHint },
        oldSecretHint: record.m365.secretHint,
        ...(oldKeyId ? { oldKeyId } : {}),
        newSecretHint: newHint,
        newKeyId,
        newSecretExpiresAt: expiresAt,
        oldSecretRemoved,
        warnings,
      });
      return { ...report, rotation };
    } catch (error) {
      if (error instanceof Stop) throw error;
      // A fault of ours (storage, a bug): the old secret is kept; the new password goes; the claim is closed.
      let removed = false;
      try {
        removed = await removeAdded();
      } catch {
        removed = false;
      }
      await deps.store
        .finish(rotationId, {
          at: now().toISOString(),
          outcome: "failed",
          code: "internal",
          orphanKeyId: added && !removed ? added.keyId : null,
        })
        .catch(() => false);
      deps.log?.warn(
        { event: "secret_rotation", serviceId, rotationId, err: (error as Error)?.name },
        "secret rotation stopped by an internal error; the old secret is kept",
      );
      throw error;
    }

    /**
     * Removes passwords (certificates) earlier rotations left behind (never the stored credential's), a certificate's
     * proof signed by `signer`; answers their keyIds.
     */
    async function removeOrphans(
      graph: GraphClient,
      appObjectId: string,
      service: ServiceRecord,
      listed: ListedPassword[],
      signer: AppCredential,
    ): Promise<string[]> {
      const kind = rotationStrategy(signer);
      const removed: string[] = [];
      for (const orphan of await deps.store.listOrphans(serviceId)) {
        const keyId = orphan.keyId.toLowerCase();
        const isStored = service.m365.secretKeyId?.toLowerCase() === keyId;
        const onApp = listed.some((p) => p.keyId.toLowerCase() === keyId);
        if (isStored || !onApp) {
          await deps.store.clearOrphan(orphan.id, orphan.keyId);
          continue;
        }
        const result = await kind.remove(graph, appObjectId, clientId, orphan.keyId, signer, now());
        if (result.ok) {
          await deps.store.clearOrphan(orphan.id, orphan.keyId);
          removed.push(orphan.keyId);
        } else {
          deps.log?.warn(
            { serviceId, keyId: orphan.keyId, ...failureDetail(result) },
            "a password left by an interrupted rotation could not be removed; the next rotation tries again",
          );
        }
      }
      return removed;
    }
  }

  return {
    rotate,
    lastRotatedAt: (serviceId) => deps.store.lastRotatedAt(serviceId),
  };
}

/**
 * The stored secret's credential on the app: by its keyId when stored, else the one with its hint that started and
 * ends last (as the secret_expiry check picks it: docs/entra.md section 10).
 */
export function currentCredential(
  passwords: readonly ListedPassword[],
  keyId: string | null,
  hint: string,
): ListedPassword | undefined {
  if (keyId) {
    const byId = passwords.find((p) => p.keyId.toLowerCase() === keyId.toLowerCase());
    if (byId) return byId;
  }
  return passwords
    .filter((p) => p.hint === hint)
    .sort((a, b) => Date.parse(b.endDateTime ?? "") - Date.parse(a.endDateTime ?? ""))[0];
}
