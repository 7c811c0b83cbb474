/**
 * The onboarding dialog's model: its steps, what a dialog remembers between clicks, its ports, and the fixed
 * answers to stale, closed and expired clicks. onboarding.dialog.ts runs it; onboarding.view.ts draws its cards.
 */
import type { Cloud, LicenseType, ValidationReport } from "@dr/contract";
import type { CardActionEvent, CardAnswer } from "../app/bot-app.js";
import type { TurnOperator } from "../app/operator.js";
import type { AdaptiveCard } from "../cards/card.types.js";
import type { BotStateStore, DialogKey, OnboardingPort, SecretSealer } from "../ports.js";
import type { InboundTurn } from "../turn.types.js";

/** The wizard's steps in order; `creating` holds the dialog while Create runs, so a double click cannot run it twice. */
export const STEPS = ["details", "credentials", "report", "settings", "summary", "creating"] as const;
/** One step. */
export type Step = (typeof STEPS)[number];

/** The service details once accepted. */
export interface AcceptedDetails {
  customer: { kind: "existing"; id: string; name: string } | { kind: "new"; name: string; createdId?: string };
  shortName: string;
  licenseType: LicenseType;
  licensedUsers: number;
}

/** The credentials once accepted; the secret only sealed. */
export interface AcceptedCredentials {
  tenantId: string;
  clientId: string;
  cloud: Cloud;
  secretHint: string;
  sealedSecret: unknown;
}

/** What a dialog remembers between clicks (JSON in the store). `operator.name` is the display name, shown only. */
export interface OnboardingData {
  operator: { userId: string; aadObjectId: string; name: string };
  details?: AcceptedDetails;
  credentials?: AcceptedCredentials;
  report?: ValidationReport;
  m365Domain?: string;
}

/** Dependencies of the dialog. */
export interface OnboardingDialogDeps {
  onboarding: OnboardingPort;
  store: BotStateStore;
  sealer: SecretSealer;
  now: () => Date;
  /** Dialogs untouched for this long are gone (BOT_DIALOG_TTL_HOURS), ms. */
  ttlMs: number;
  /** Called after Create succeeded, e.g. to remember who onboarded the service for reminders. */
  onCreated?: (serviceId: string, turn: InboundTurn, operator: TurnOperator) => Promise<void>;
}

/** The wizard's entry points. */
export interface OnboardingDialog {
  /** Opens a new dialog for the operator and returns its first card. */
  start(turn: InboundTurn, operator: TurnOperator): Promise<AdaptiveCard>;
  /** Handles a click on one of the wizard's cards (verbs `onboard.*` other than `onboard.start`). */
  act(turn: InboundTurn, event: CardActionEvent, operator: TurnOperator): Promise<CardAnswer>;
  /** Deletes the dialogs (and their sealed secrets) untouched for longer than the time to live; returns how many. */
  sweep(): Promise<number>;
}

/** The dialog key of a turn: the tenant and the operator's Entra object id, both lower case. */
export function dialogKey(turn: InboundTurn, operator: TurnOperator, dialogId: string): DialogKey {
  return { tenantId: (turn.conversation.tenantId ?? "").toLowerCase(), userId: operator.aadObjectId, dialogId };
}

/** The answer to a stale or repeated click. */
export const STALE =
  "That card was out of date (an earlier or repeated click). Here is where this onboarding stands now.";
/** The answer to a click on a finished, cancelled or swept dialog. */
export const CLOSED =
  "This onboarding is no longer open: it was finished, cancelled or left unused for too long. Send **onboard** to start a new one.";

/** The answer to a click on a dialog left untouched for longer than its time to live. */
export function expiredText(ttlMs: number): string {
  const hours = Math.round(ttlMs / 3_600_000);
  return `This onboarding expired: it was left unused for more than ${hours} hour(s), and the secret entered in it was discarded. Send **onboard** to start again.`;
}
