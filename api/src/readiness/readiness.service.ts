/**
 * Direct Routing readiness as the routes, the bot and the scheduler use it (docs/api.md, "Readiness"): a service's
 * last report, a new run with the service's stored secret (opened as Validate Authentication opens it), and the
 * wizard's run on credentials not stored yet. Runs are admitted by the validation rate limit (per operator and per
 * target tenant, the same keys as the validation gate) and audited without the secret. Readiness never touches the
 * service's credential status.
 */

import { randomUUID } from "node:crypto";
import {
  clientIdForRecord,
  credentialsSchema,
  parseTenantId,
  problemsFromZodError,
  type ReadinessReport,
  type ReadinessRequest,
} from "@dr/contract";
import { InputError, NotFoundError, RateLimitedError } from "../errors.js";
import { credentialFromStored, readCredential } from "../m365/credentials/credential.js";
import type { RateLimiter } from "../onboarding/rate-limiter.js";
import { serviceSecretAad } from "../secrets/associated-data.js";
import type { SecretStore } from "../secrets/secret-store.types.js";
import type { ReadinessStore } from "../storage/readiness.repository.js";
import type { Repository } from "../storage/repository.types.js";
import type { ReadinessChecker } from "./readiness.checker.js";

/** What the service needs. */
export interface ReadinessServiceDeps {
  repo: Pick<Repository, "getService" | "getServiceSecret" | "insertAudit" | "resolveTenantAlias">;
  secrets: SecretStore;
  store: ReadinessStore;
  checker: ReadinessChecker;
  /** The validation rate limit (VALIDATION_RATE_LIMIT): a readiness run counts as a validation. */
  rateLimiter: RateLimiter;
  /** SBC_BASE_DOMAIN: a service's SBC FQDN is `<label>.<SBC_BASE_DOMAIN>`. */
  sbcBaseDomain: string;
  now?: () => Date;
}

/** Direct Routing readiness. */
export interface ReadinessService {
  /** The service's last report; NotFoundError for an unknown service or before the first report. */
  last(serviceId: string): Promise<ReadinessReport>;
  /**
   * Runs the report with the service's stored secret and keeps it as the last one. `scheduled`: the scheduler's
   * run right after a validation it made, which is not counted against the rate limit a second time.
   */
  checkService(serviceId: string, actor: string, options?: { scheduled?: boolean }): Promise<ReadinessReport>;
  /** The wizard's run (POST /api/readiness): nothing is stored. InputError naming the field for a bad value. */
  checkCredentials(input: ReadinessRequest, actor: string): Promise<ReadinessReport>;
}

/** Creates the readiness service. */
export function createReadinessService(deps: ReadinessServiceDeps): ReadinessService {
  const now = deps.now ?? (() => new Date());

  /** The validation gate's keys: the operator, and the tenant (by its GUID when a domain of it is known). */
  const admit = async (actor: string, tenant: string): Promise<void> => {
    const parsed = parseTenantId(tenant);
    const id = parsed.ok && parsed.kind === "domain" ? await deps.repo.resolveTenantAlias(parsed.value) : undefined;
    const keys = [`operator:${actor.toLowerCase()}`, ...(parsed.ok ? [`tenant:${id ?? parsed.value}`] : [])];
    const decision = await deps.rateLimiter.take(keys);
    if (!decision.ok) {
      const who = decision.key.startsWith("tenant:") ? "this tenant" : "you";
      throw new RateLimitedError(
        `Too many validations for ${who} in the last minute; wait ${decision.retryAfterSeconds} s and try again.`,
        decision.retryAfterSeconds,
      );
    }
  };

  const audit = (actor: string, action: string, serviceId: string | null, report: ReadinessReport, extra = {}) =>
    deps.repo.insertAudit({
      id: randomUUID(),
      at: now().toISOString(),
      actor,
      action,
      serviceId,
      outcome: report.ok ? "success" : "failure",
      detail: { ...extra, checks: report.checks.map((c) => `${c.id}:${c.status}${c.code ? `:${c.code}` : ""}`) },
    });

  return {
    async last(serviceId) {
      if (!(await deps.repo.getService(serviceId))) throw new NotFoundError(`No service with id ${serviceId}.`);
      const stored = await deps.store.last(serviceId);
      if (!stored) {
        throw new NotFoundError(
          `The service ${serviceId} has no readiness report yet; run one with POST /api/services/${serviceId}/readiness/check.`,
        );
      }
      return stored.report;
    },

    async checkService(serviceId, actor, options = {}) {
      const record = await deps.repo.getService(serviceId);
      if (!record) throw new NotFoundError(`No service with id ${serviceId}.`);
      const stored = await deps.repo.getServiceSecret(serviceId);
      if (!stored) throw new NotFoundError(`The service ${serviceId} has no stored secret.`);
      if (!options.scheduled) await admit(actor, record.m365.tenantId);
      const text = deps.secrets.open(stored.sealed, serviceSecretAad(serviceId, stored.sealedAtVersion));
      const label = record.directRouting.subdomainLabel;
      const report = await deps.checker.check({
        tenantId: record.m365.tenantId,
        clientId: record.m365.clientId,
        credential: credentialFromStored(record.m365.credentialType, text),
        cloud: record.m365.cloud,
        ...(label ? { sbcFqdn: `${label}.${deps.sbcBaseDomain}` } : {}),
      });
      const checkedAt = now().toISOString();
      try {
        await deps.store.put({ serviceId, checkedAt, checkedBy: actor, report });
      } catch (error) {
        // The service was deleted while the report ran (its row is gone): nothing to keep it for.
        if (!(await deps.repo.getService(serviceId))) throw new NotFoundError(`No service with id ${serviceId}.`);
        throw error;
      }
      await audit(actor, "service.readiness", serviceId, report);
      return report;
    },

    async checkCredentials(input, actor) {
      // The input rules of the credentials, each refusal naming its field (the wizard validated them already).
      const parsed = credentialsSchema.safeParse({
        tenantId: input.tenantId,
        clientId: input.clientId,
        ...(input.clientSecret !== undefined ? { clientSecret: input.clientSecret } : {}),
        ...(input.clientCertificate !== undefined ? { clientCertificate: input.clientCertificate } : {}),
        cloud: input.cloud,
      });
      // The certificate's deeper rules too (its key, password and dates: docs/entra.md section 13).
      const read = parsed.success ? readCredential(parsed.data, now()) : undefined;
      if (!parsed.success || !read?.ok) {
        const errors = parsed.success ? (read && !read.ok ? read.problems : []) : problemsFromZodError(parsed.error);
        throw new InputError(`Fix these fields: ${[...new Set(errors.map((e) => e.path))].join(", ")}.`, errors);
      }
      const { clientSecret: _secret, clientCertificate: _certificate, ...credentials } = parsed.data;
      await admit(actor, credentials.tenantId);
      const report = await deps.checker.check({
        ...credentials,
        credential: read.credential,
        sbcFqdn: `${input.subdomainLabel}.${deps.sbcBaseDomain}`,
      });
      await audit(actor, "credentials.readiness", null, report, {
        tenantId: credentials.tenantId,
        clientId: clientIdForRecord(credentials.clientId),
      });
      return report;
    },
  };
}
