/**
 * What the `secret_expiry` check says of a credential's end date, for a client secret (a passwordCredential) and a
 * certificate (a keyCredential) alike (docs/validation.md): expired, expiring within EXPIRY_WARNING_DAYS, or valid,
 * with the keyId and the days left as facts.
 */
import { type CheckCode, EXPIRY_WARNING_DAYS, type SecretInfo } from "@dr/contract";
import type { ValidatorCheckOutcome } from "./check.types.js";

const DAY_MS = 86_400_000;

/** The words of one kind of credential. */
export interface ExpiryWording {
  /** "client secret" or "certificate". */
  name: string;
  expired: { code: CheckCode; message: (date: string) => string; remedy: string };
  expiring: { code: CheckCode; remedy: string };
}

/** The outcome for the matched credential ending at `endDateTime`; `detail` is added to the result's detail. */
export function expiryOutcome(
  match: { keyId?: string | undefined; endDateTime: string },
  at: Date,
  wording: ExpiryWording,
  detail: Record<string, unknown> = {},
): ValidatorCheckOutcome {
  const days = Math.ceil((Date.parse(match.endDateTime) - at.getTime()) / DAY_MS);
  const expiresAt = new Date(match.endDateTime).toISOString();
  const secret: Partial<SecretInfo> = {
    ...(match.keyId ? { keyId: match.keyId } : {}),
    expiresAt,
    daysUntilExpire: days,
  };
  const facts = { secret };
  const full = { expiresAt, daysUntilExpire: days, ...detail };
  const dateText = expiresAt.slice(0, 10);
  if (days < 0) {
    const { code, message, remedy } = wording.expired;
    return { facts, result: { status: "fail", code, message: message(dateText), remedy, detail: full } };
  }
  if (days <= EXPIRY_WARNING_DAYS) {
    return {
      facts,
      result: {
        status: "warn",
        code: wording.expiring.code,
        message: `The ${wording.name} expires in ${days} day${days === 1 ? "" : "s"} (${dateText}).`,
        remedy: wording.expiring.remedy,
        detail: full,
      },
    };
  }
  return {
    facts,
    result: { status: "pass", message: `The ${wording.name} is valid until ${dateText} (${days} days).`, detail: full },
  };
}
