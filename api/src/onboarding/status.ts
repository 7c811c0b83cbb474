/** Service status (docs/product.md section 5), derived from the last validation and the secret's expiry. */
import { EXPIRY_WARNING_DAYS, type ServiceStatus } from "@dr/contract";
import type { ServiceRecord } from "../storage/repository.types.js";

/** Whole days from `now` until `iso` (rounded up), as in docs/entra.md section 10. */
export function daysUntil(iso: string, now: Date): number {
  return Math.ceil((Date.parse(iso) - now.getTime()) / 86_400_000);
}

const DAY_MS = 86_400_000;

/**
 * One case of the status rule: the service's last validation is `validated` (true, false or null for never), or
 * its credential expires at or before `now + expiresWithinMs`.
 */
export type StatusCase =
  | { status: ServiceStatus; validated: boolean | null }
  | { status: ServiceStatus; expiresWithinMs: number };

/**
 * The status rule (docs/product.md section 5), in order, the first case that holds wins; none: `connected`. An
 * expired credential counts as failed authentication. With `days = ceil((expiry - now) / day)` (daysUntil),
 * `days < 0` is `expiry <= now - 1 day` and `days <= EXPIRY_WARNING_DAYS` is `expiry <= now + EXPIRY_WARNING_DAYS
 * days`. deriveStatus reads it for one service; the fleet summary compiles it to SQL (fleet-summary.repository.ts).
 */
export const STATUS_RULE: readonly StatusCase[] = [
  { status: "not_validated", validated: null },
  { status: "auth_failed", validated: false },
  { status: "auth_failed", expiresWithinMs: -DAY_MS },
  { status: "expiring", expiresWithinMs: EXPIRY_WARNING_DAYS * DAY_MS },
];

/** The status of a service now (STATUS_RULE). */
export function deriveStatus(service: ServiceRecord, now: Date): ServiceStatus {
  const m = service.m365;
  const expiry = m.secretExpiresAt ? Date.parse(m.secretExpiresAt) : undefined;
  for (const c of STATUS_RULE) {
    if (
      "validated" in c
        ? m.lastValidationOk === c.validated
        : expiry !== undefined && expiry <= now.getTime() + c.expiresWithinMs
    ) {
      return c.status;
    }
  }
  return "connected";
}

const ATTENTION: Record<ServiceStatus, number> = { auth_failed: 0, expiring: 1, not_validated: 2, connected: 3 };

/**
 * The first instant after `now` at which the days until any secret's expiry (and so possibly a status) change:
 * `ceil((end - t) / day)` drops by one when `t` reaches `end - (days - 1) * day`.
 */
export function nextDerivedChange(services: ServiceRecord[], now: Date): number {
  let next = Number.POSITIVE_INFINITY;
  for (const s of services) {
    if (!s.m365.secretExpiresAt) continue;
    const end = Date.parse(s.m365.secretExpiresAt);
    const days = Math.ceil((end - now.getTime()) / DAY_MS);
    next = Math.min(next, end - (days - 1) * DAY_MS);
  }
  return next;
}

/**
 * Orders services so those needing attention come first: failed, expiring (soonest first), unvalidated, fine.
 * `statuses` may hold each service's status at `now`, computed once.
 */
export function byAttention(
  now: Date,
  statuses?: Map<string, ServiceStatus>,
): (a: ServiceRecord, b: ServiceRecord) => number {
  return (a, b) => {
    const sa = statuses?.get(a.id) ?? deriveStatus(a, now);
    const sb = statuses?.get(b.id) ?? deriveStatus(b, now);
    if (sa !== sb) return ATTENTION[sa] - ATTENTION[sb];
    if (sa === "expiring") {
      const da = Date.parse(a.m365.secretExpiresAt ?? "");
      const db = Date.parse(b.m365.secretExpiresAt ?? "");
      if (da !== db) return da - db;
    }
    return a.shortName.localeCompare(b.shortName, "en", { sensitivity: "base" });
  };
}
