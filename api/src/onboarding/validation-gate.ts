/**
 * The one way in to the validator: the rate limit admits the run (per operator and per target tenant), the validator
 * runs, and the tenant the run resolved teaches the limiter the name it was given.
 */
import { parseTenantId, type ValidationReport } from "@dr/contract";
import { RateLimitedError } from "../errors.js";
import type { Validator } from "../m365/validator.js";
import type { Repository } from "../storage/repository.types.js";
import type { RateLimiter } from "./rate-limiter.js";

/** What the gate needs. */
export interface ValidationGateDeps {
  repo: Pick<Repository, "resolveTenantAlias" | "learnTenantAlias">;
  rateLimiter: RateLimiter;
  validator: Validator;
  now: () => Date;
}

/** Creates the gate: `(actor, input, options) => report`, or RateLimitedError. */
export function createValidationGate(deps: ValidationGateDeps) {
  const { now } = deps;
  // A tenant can be named by its ID or by any of its domains; each validation that resolves a domain to the tenant's
  // ID teaches it, so the per-tenant limit counts a tenant once however it is written. What was learnt is kept in the
  // database (tenant_aliases), so every server copy on one PostgreSQL keys a known domain by its tenant, as the hits
  // themselves are shared there.
  // Keys come from the parsed tenant (the GUID, or the lower-cased domain), never the raw text: "see 1: <GUID>" and
  // "see 2: <GUID>" name the same tenant and share its budget. Text that names no tenant makes no outbound call (the
  // format check refuses it offline), so it is limited per operator only.
  const tenantKey = async (entered: string): Promise<string | undefined> => {
    const parsed = parseTenantId(entered);
    if (!parsed.ok) return undefined;
    const id = parsed.kind === "domain" ? await deps.repo.resolveTenantAlias(parsed.value) : undefined;
    return `tenant:${id ?? parsed.value}`;
  };
  /** `admittedAs`: the tenant key the run was admitted under. */
  const learnTenant = async (entered: string, admittedAs: string | undefined, report: ValidationReport) => {
    const parsed = parseTenantId(entered);
    if (!parsed.ok) return;
    const name = parsed.value;
    // The tenant check resolves the ID even when a later check fails (a wrong secret, say).
    const resolved = report.tenant?.id ?? report.checks.find((c) => c.id === "tenant")?.detail?.tenantId;
    const id = typeof resolved === "string" ? resolved.toLowerCase() : undefined;
    // Admitted under an alias already known: the run was counted for that tenant.
    if (!id || id === name || admittedAs !== `tenant:${name}`) return;
    await deps.repo.learnTenantAlias({ name, tenantId: id, learntAt: now().toISOString() });
    // The run just admitted under the name counts for the tenant too (also when another copy learnt it meanwhile).
    await deps.rateLimiter.record(`tenant:${id}`);
  };

  /** Every validation goes through here: admitted by the rate limit first, then run, then its tenant learnt. */
  return async (
    actor: string,
    input: Parameters<Validator["validate"]>[0],
    options?: Parameters<Validator["validate"]>[1],
    gate: { unmetered?: boolean } = {},
  ): Promise<ValidationReport> => {
    const tenant = await tenantKey(input.tenantId);
    // Unmetered: the fleet runner's re-validation of a stored credential (no guessing; it paces each tenant itself).
    const decision = gate.unmetered
      ? ({ ok: true } as const)
      : await deps.rateLimiter.take([`operator:${actor.toLowerCase()}`, ...(tenant ? [tenant] : [])]);
    if (!decision.ok) {
      const who = decision.key.startsWith("tenant:") ? "this tenant" : "you";
      throw new RateLimitedError(
        `Too many validations for ${who} in the last minute; wait ${decision.retryAfterSeconds} s and try again.`,
        decision.retryAfterSeconds,
      );
    }
    const report = await deps.validator.validate(input, options);
    await learnTenant(input.tenantId, tenant, report);
    return report;
  };
}
