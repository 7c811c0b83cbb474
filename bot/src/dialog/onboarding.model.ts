/**
 * The onboarding dialog's model: its steps, what a dialog remembers between clicks, its ports, and the fixed
 * answers to stale, closed and expired clicks. onboarding.dialog.ts runs it; onboarding.view.ts draws its cards.
 */
import type { Cloud, Invitation, LicenseType, ValidationReport } from "@dr/contract";
import type { TurnMessages } from "../app/answer-soon.js";
import type { Background } from "../app/background.js";
import type { CardActionEvent, CardAnswer } from "../app/bot-app.js";
import type { TurnOperator } from "../app/operator.js";
import type { AdaptiveCard, FieldErrors } from "../cards/card.types.js";
import type { BotStateStore, DialogKey, OnboardingPort, SecretSealer } from "../ports.js";
import type { InboundTurn } from "../turn.types.js";

/**
 * The wizard's steps in order (Back walks this list), then the two steps that hold the dialog while Microsoft is
 * asked: `validating` (after credentials, or Validate again) and `creating` (after Create), so a double click cannot
 * run the work twice and a refresh shows the working card.
 */
export const STEPS = ["details", "credentials", "report", "settings", "summary", "creating", "validating"] as const;
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
  /** The secret's first three characters; "" for a certificate. */
  secretHint: string;
  /** The sealed secret, or (credentialType `certificate`) the sealed JSON of the certificate body. */
  sealedSecret: unknown;
  /** Absent: a client secret (dialogs from before certificates too). */
  credentialType?: "certificate";
}

/**
 * A completed invitation chosen in place of the credentials: the customer's admin entered and validated them, the
 * server keeps them sealed, and Create sends its id. Only what the cards show is kept: no credential.
 */
export interface ChosenInvitation {
  id: string;
  customerId: string;
  tenantId: string;
  tenantName?: string;
  cloud: Cloud;
}

/** The chosen form of a completed invitation. */
export function chosenInvitation(invitation: Invitation): ChosenInvitation {
  return {
    id: invitation.id,
    customerId: invitation.customerId,
    tenantId: invitation.tenant?.id ?? "",
    ...(invitation.tenant?.displayName ? { tenantName: invitation.tenant.displayName } : {}),
    cloud: invitation.cloud,
  };
}

/** What a step said about the last click (a refusal, a rate limit), kept so that a card drawn later says it too. */
export interface StepFeedback {
  notice?: string;
  errors?: FieldErrors;
}

/** What a dialog remembers between clicks (JSON in the store). `operator.name` is the display name, shown only. */
export interface OnboardingData {
  operator: { userId: string; aadObjectId: string; name: string };
  /**
   * The id of the message that holds the wizard, as the connector answered when the bot sent it (docs/teams.md
   * section 4: an invoke's `replyToId` may differ). Every state change replaces that message.
   */
  messageId?: string;
  /** What the current step's card says about the last click; cleared by the next step. */
  feedback?: StepFeedback;
  details?: AcceptedDetails;
  credentials?: AcceptedCredentials;
  report?: ValidationReport;
  m365Domain?: string;
  /**
   * The completed invitation whose sealed credentials Create uses (in place of `credentials`, and without the report
   * and M365 settings steps: the server validates again and takes the tenant's initial domain). Set on the
   * credentials step, or before the first step when the dialog was started from an invitation (then it only
   * preselects it).
   */
  invitation?: ChosenInvitation;
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
  /** Where validations and Create keep running after the invoke was answered. */
  background: Background;
  /** How long a click waits for Microsoft before it answers with the working card, ms. */
  budgetMs: number;
  /** Replaces the wizard's message for everyone (outside the turn). */
  messages: TurnMessages;
  log?: { warn(o: object, m?: string): void };
}

/** The wizard's entry points. */
export interface OnboardingDialog {
  /**
   * Opens a new dialog for the operator: `post` sends its first card as a new message and resolves to that
   * message's id, which the dialog keeps to replace the message at every step.
   */
  start(
    turn: InboundTurn,
    operator: TurnOperator,
    post: (card: AdaptiveCard) => Promise<string | undefined>,
    preset?: { invitation: Invitation },
  ): Promise<void>;
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

/** A `validating` or `creating` step older than this did not finish (the server stopped mid-way): offer to retry. */
export const STUCK_MS = 3 * 60_000;

/** The notice of a step whose work did not finish. */
export const INTERRUPTED =
  "The last step did not finish (the server may have restarted while Microsoft was being asked). Please try again.";

/** The notice when the work of a step failed on our side. */
export const STEP_FAILED = "Sorry, something went wrong on my side while Microsoft was being asked. Please try again.";

/** The notice when the chosen invitation cannot be used (not completed any more, another customer's, gone). */
export const INVITATION_UNUSABLE =
  "That invitation cannot be used: it is not completed, belongs to another customer, or was used, revoked or dropped. Choose another, or enter the App registration.";

/** The answer to a click on a dialog left untouched for longer than its time to live. */
export function expiredText(ttlMs: number): string {
  const hours = Math.round(ttlMs / 3_600_000);
  return `This onboarding expired: it was left unused for more than ${hours} hour(s), and the secret entered in it was discarded. Send **onboard** to start again.`;
}
