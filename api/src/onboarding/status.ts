/** Service status (docs/product.md section 5), derived from the last validation and the secret's expiry. */
import { EXPIRY_WARNING_DAYS, type ServiceStatus } from "@dr/contract";
import type { ServiceRecord } from "../storage/repository.types.js";

/** Whole days from `now` until `iso` (rounded up), as in docs/entra.md section 10. */
export function daysUntil(iso: string, now: Date): number {
  return Math.ceil((Date.parse(iso) - now.getTime()) / 86_400_000);
}

/** The status of a service now. An expired secret counts as failed authentication. */
export function deriveStatus(service: ServiceRecord, now: Date): ServiceStatus {
  const m = service.m365;
  if (m.lastValidationOk === null) return "not_validated";
  if (!m.lastValidationOk) return "auth_failed";
  if (m.secretExpiresAt) {
    const days = daysUntil(m.secretExpiresAt, now);
    if (days < 0) return "auth_failed";
    if (days <= EXPIRY_WARNING_DAYS) return "expiring";
  }
  return "connected";
}

const ATTENTION: Record<ServiceStatus, number> = { auth_failed: 0, expiring: 1, not_validated: 2, connected: 3 };

const DAY_MS = 86_400_000;

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
