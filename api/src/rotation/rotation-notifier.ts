/**
 * What the rotation feature tells the bot after every rotation, scheduled or by hand, success or failure: the bot
 * puts a card in the operator's chat through its reminder outbox (docs/api.md, "Secret rotation"). Declared here,
 * implemented by the bot wiring (api/src/bot/bot.wiring.ts). Hints and keyIds only, never a secret.
 */
import type { RotationWarning } from "@dr/contract";

/** One finished rotation. */
export interface RotationNotice {
  serviceId: string;
  rotationId: string;
  trigger: "manual" | "scheduled";
  /** The operator (or "scheduler") who rotated. */
  actor: string;
  outcome: "rotated" | "failed";
  /** The secret stored after the outcome: the new one after a rotation, the kept old one after a failure. */
  current: { keyId: string | null; hint: string };
  oldSecretHint: string;
  oldKeyId?: string;
  newSecretHint?: string;
  newKeyId?: string;
  newSecretExpiresAt?: string;
  /** After a rotation: whether the old password was removed from the app. */
  oldSecretRemoved?: boolean;
  /** After a failure: the code, what happened and what to do. */
  code?: string;
  message?: string;
  remedy?: string;
  warnings?: RotationWarning[];
}

/** The bot's side. Must not throw for a delivery problem (it logs); a failure to tell undoes nothing. */
export interface RotationNotifier {
  rotationFinished(notice: RotationNotice): Promise<void>;
}
