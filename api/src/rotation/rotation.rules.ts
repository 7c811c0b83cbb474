/**
 * The secret rotation's pure rules (docs/api.md, "Secret rotation"): which app-only permissions let an app change its
 * own secret (docs/entra.md section 11), the new secret's lifetime, its label, which token errors mean "not
 * replicated yet" (docs/entra.md section 15), the waits between tries, the lease, and the words of the remedies.
 */
import type { RotationCode, RotationProblemCode } from "@dr/contract";

/**
 * The application permissions with which an app may add and remove its own passwords: OwnedBy on apps it owns (the
 * app's service principal an owner of its application), or All (docs/entra.md section 11).
 */
export const SELF_ROTATION_PERMISSIONS = ["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"] as const;

/** True when the token's `roles` (or the stored granted permissions) allow the app to rotate its own secret. */
export function maySelfRotate(granted: readonly string[] | null | undefined): boolean {
  const wanted = SELF_ROTATION_PERMISSIONS.map((p) => p.toLowerCase());
  return (granted ?? []).some((g) => wanted.includes(g.toLowerCase()));
}

/** Lifetime of a new secret when the current one's cannot be read, days (the provisioning default, product.md 9). */
export const DEFAULT_LIFETIME_DAYS = 180;
/** Bounds of a new secret's lifetime, days: Entra allows at most 24 months (docs/entra.md section 10). */
export const MIN_LIFETIME_DAYS = 1;
export const MAX_LIFETIME_DAYS = 730;

const DAY_MS = 86_400_000;

/**
 * The new secret keeps the current one's lifetime (its end minus its start, in whole days), bounded to 1..730 days;
 * 180 days when the current credential or its dates are unknown.
 */
export function newSecretLifetimeDays(current?: { startDateTime?: string; endDateTime?: string }): number {
  const start = current?.startDateTime ? Date.parse(current.startDateTime) : Number.NaN;
  const end = current?.endDateTime ? Date.parse(current.endDateTime) : Number.NaN;
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) return DEFAULT_LIFETIME_DAYS;
  const days = Math.round((end - start) / DAY_MS);
  return Math.min(MAX_LIFETIME_DAYS, Math.max(MIN_LIFETIME_DAYS, days));
}

/** The new password's `displayName` in the app's Certificates & secrets list. */
export function rotatedSecretName(at: Date): string {
  return `dr-onboarding rotated ${at.toISOString().slice(0, 10)}`;
}

/**
 * Token errors that mean Entra has not replicated the new password (or app) yet: AADSTS700016 (application not
 * found) and 7000215 (invalid client secret); for a new certificate, 700016 and 700027 (the key was not found).
 * They are reported for seconds to minutes after creation, so they are retried with backoff, not reported
 * (docs/entra.md sections 13 and 15).
 */
export function replicationPending(aadsts: number | undefined, kind: "secret" | "certificate" = "secret"): boolean {
  return aadsts === 700016 || aadsts === (kind === "certificate" ? 700027 : 7000215);
}

/** The wait before try `attempt` (1-based) of the new secret: 0.5 s doubling to at most 8 s. */
export function replicationBackoffMs(attempt: number): number {
  return Math.min(8_000, 500 * 2 ** Math.max(0, attempt - 1));
}

/**
 * How long one claim of a rotation lasts, ms: the replication wait plus room for every other step (each outbound
 * call has `timeoutMs`; a token, a read, two writes, the validation's two round trips and a removal). Each step
 * renews it, so only a copy that died (or stalled past it) loses its claim.
 */
export function rotationLeaseMs(replicationTimeoutMs: number, timeoutMs: number): number {
  return replicationTimeoutMs + 10 * timeoutMs + 60_000;
}

/** Remedies, by the situation the operator is in. */
export const REMEDY = {
  notPermitted:
    "An admin runs automatic registration again (it grants this), or replace the secret by hand (Replace secret).",
  inProgress: "Wait for the running rotation to end, then look at the service again.",
  retry:
    "Try again later. The old secret is kept and still works; if it keeps failing, replace the secret by hand (Replace secret).",
  oldSecretKept: (keyId: string | undefined, hint: string, noun: "secret" | "certificate" = "secret") =>
    noun === "certificate"
      ? `Remove the old certificate in the Entra admin center: the App registration's Certificates & secrets, the certificate ${
          keyId ? `with Certificate ID ${keyId}` : "that is not the service's thumbprint"
        }.`
      : `Remove the old secret in the Entra admin center: the App registration's Certificates & secrets, the secret ${
          keyId ? `with Secret ID ${keyId}` : `whose value starts with "${hint}"`
        }.`,
  newPasswordLeft: (keyId: string, noun: "secret" | "certificate" = "secret") =>
    `Remove the unused new ${noun} (${noun === "certificate" ? "Certificate" : "Secret"} ID ${keyId}) in the Entra admin center: the App registration's Certificates & secrets.`,
} as const;

/** The contract's rotation codes and the DTO's list are the same (checked by the compiler). */
export const SAME_ROTATION_CODES: [RotationCode] extends [RotationProblemCode]
  ? [RotationProblemCode] extends [RotationCode]
    ? true
    : false
  : false = true;
