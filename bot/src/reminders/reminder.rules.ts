/**
 * The reminder rules (docs/product.md section 6), pure: which expiry threshold a secret has crossed, and what a
 * validation outcome means for reminders. A throttled or unreachable Microsoft is `unknown`: retried later, never
 * reported as a failure.
 */
import type { Service, ValidationReport } from "@dr/contract";

/** Days before expiry at which a reminder goes out, most distant first. */
export const EXPIRY_THRESHOLDS = [30, 14, 7, 1] as const;

/** The threshold bucket a secret is in: "30" | "14" | "7" | "1", "expired", or undefined (more than 30 days). */
export function expiryThreshold(daysUntilExpire: number): string | undefined {
  if (daysUntilExpire <= 0) return "expired";
  let bucket: string | undefined;
  for (const t of EXPIRY_THRESHOLDS) if (daysUntilExpire <= t) bucket = String(t);
  return bucket;
}

/** What one validation says: fine, failed (some check failed), or unknown (could not ask; retry later). */
export function outcomeOf(report: ValidationReport): "ok" | "failed" | "unknown" {
  if (report.ok) return "ok";
  return report.checks.some((c) => c.status === "fail") ? "failed" : "unknown";
}

/** True when the failure is the secret's own expiry (AADSTS7000222): told as "expired", not as a new failure. */
export function failedForExpiry(report: ValidationReport): boolean {
  return report.checks.some((c) => c.status === "fail" && c.code === "secret_expired");
}

/** Whole days from `now` until `iso`, rounded up (as the API counts them). */
export function daysUntil(iso: string, now: Date): number {
  return Math.ceil((Date.parse(iso) - now.getTime()) / 86_400_000);
}

/**
 * The moment of the service's slot in the current interval: each service gets a fixed offset (from its id) so the
 * scheduled validations spread over the interval instead of bursting at one instant.
 */
export function currentSlot(serviceId: string, now: Date, intervalMs: number): number {
  let hash = 0;
  for (const ch of serviceId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const offset = hash % intervalMs;
  return Math.floor((now.getTime() - offset) / intervalMs) * intervalMs + offset;
}

/**
 * Whether the scheduler rotates the service's secret or certificate now (docs/api.md, "Secret rotation"): the app may
 * rotate its own credential (`selfRotation`: from the last validation's token, always for a certificate), rotation on the schedule is on (`rotateBeforeDays` > 0,
 * ROTATE_BEFORE_DAYS), and the secret's known expiry is at most that many whole days away but not yet past (an
 * expired secret gets no token, so it cannot change itself). Checked before the expiry reminders, so a rotated
 * secret is not reminded about.
 */
export function rotationDue(service: Service, now: Date, rotateBeforeDays: number): boolean {
  const expiresAt = service.m365.secretExpiresAt;
  if (rotateBeforeDays <= 0 || service.m365.selfRotation !== true || !expiresAt) return false;
  if (Date.parse(expiresAt) <= now.getTime()) return false;
  return daysUntil(expiresAt, now) <= rotateBeforeDays;
}
