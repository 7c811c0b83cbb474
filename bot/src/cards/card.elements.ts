/**
 * Small builders shared by the card files, so every card gets the same header, the same error placement under an
 * input and the same Action.Execute-with-Action.Submit-fallback shape.
 */
import type { AdaptiveCard, CardAction, CardElement, CardRefresh, FieldErrors } from "./card.types.js";

/** Builds a card with the header Teams requires (type, $schema, version 1.5). */
export function adaptiveCard(body: CardElement[], actions: CardAction[] = [], refresh?: CardRefresh): AdaptiveCard {
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.5",
    body,
    ...(actions.length > 0 ? { actions } : {}),
    ...(refresh ? { refresh } : {}),
  };
}

/** A TextBlock. */
export function text(value: string, options: Record<string, unknown> = {}): CardElement {
  return { type: "TextBlock", text: value, wrap: true, ...options };
}

/** A card title. */
export function title(value: string): CardElement {
  return text(value, { size: "Large", weight: "Bolder" });
}

/**
 * The server's message for a refused value, placed right below its input in the attention colour. Its id derives
 * from the input id so a test can find it.
 */
export function fieldError(inputId: string, errors: FieldErrors | undefined): CardElement[] {
  const message = errors?.[inputId];
  return message ? [text(message, { id: `${inputId}.error`, color: "Attention", spacing: "None", size: "Small" })] : [];
}

/** A general notice at the top of a card (stale click, rate limit, ...). */
export function notice(
  message: string | undefined,
  color: "Attention" | "Warning" | "Good" = "Attention",
): CardElement[] {
  return message ? [text(message, { id: "notice", color, weight: "Bolder" })] : [];
}

/** Options of {@link execute}. */
export interface ExecuteOptions {
  style?: "positive" | "destructive";
  /** Send without validating the inputs (Back, Cancel). */
  skipInputs?: boolean;
  /** Give older clients an Action.Submit carrying the same data (default true). */
  submitFallback?: boolean;
}

/**
 * An Action.Execute with `verb` and data; the verb is also put into the data because the Action.Submit fallback
 * has no verb of its own and arrives as a message whose value is that data.
 */
export function execute(
  titleText: string,
  verb: string,
  data: Record<string, unknown>,
  options: ExecuteOptions = {},
): CardAction {
  const payload = { ...data, verb };
  const common = {
    title: titleText,
    data: payload,
    ...(options.style ? { style: options.style } : {}),
    ...(options.skipInputs ? { associatedInputs: "none" as const } : {}),
  };
  return {
    type: "Action.Execute",
    verb,
    ...common,
    ...(options.submitFallback === false ? {} : { fallback: { type: "Action.Submit", ...common } }),
  };
}

/** Icon text per check status, so the status reads without colour. */
export const CHECK_ICONS: Readonly<Record<string, string>> = {
  pass: "✅",
  warn: "⚠️",
  fail: "❌",
  skipped: "⏭️",
  unknown: "❔",
};

/** Icon and words per service status. */
export const SERVICE_STATUS_TEXT: Readonly<Record<string, string>> = {
  auth_failed: "❌ Authentication failed",
  expiring: "⚠️ Secret expiring",
  not_validated: "❔ Not validated",
  connected: "✅ Connected",
};

/** The secret as the operator may see it: its three-character hint and dots. */
export function maskedSecret(hint: string): string {
  return `${hint}${"•".repeat(8)}`;
}

/** The licence type as sold. */
export function licenseTypeTitle(value: string): string {
  return value === "hosted-pro" ? "Hosted Pro" : value === "hosted-essentials-plus" ? "Hosted Essentials+" : value;
}

/** The wizard's step trail, e.g. "Step 2 of 5: Credentials". */
export function stepTrail(index: number, name: string): CardElement {
  return text(`Onboard a Direct Routing service · step ${index} of 5: ${name}`, { isSubtle: true, size: "Small" });
}
