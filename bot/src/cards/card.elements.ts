/**
 * Small builders shared by the card files, so every card gets the same header, the same error placement under an
 * input and the same Action.Execute-with-Action.Submit-fallback shape.
 */
import type { AdaptiveCard, CardAction, CardElement, CardRefresh, FieldErrors } from "./card.types.js";

/** Characters Teams' card Markdown gives a meaning to (links, emphasis, code, headings, quotes, HTML-ish, tables). */
const MARKDOWN_SPECIALS = /[\\`*_~[\]()#>!<|]/g;

/**
 * Escapes a string that is not ours (customer, service and tenant names, domains, display names, Graph's tenant
 * name, messages that may quote input) for the Markdown Teams renders in a TextBlock's text and a FactSet's titles
 * and values (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format).
 * Without it a tenant named `[Click](https://evil.example)` shows a link in the operator's card. Every special
 * character gets a backslash (CommonMark escapes, which the Adaptive Cards Markdown parser honours); line breaks
 * become spaces, so the value cannot start a list or a new paragraph; a leading list marker (`- `, `+ `, `1. `)
 * is escaped too. Input values, placeholders and choice titles are plain text and are not escaped.
 */
export function md(value: string): string {
  return value
    .replace(/\r\n|[\r\n\u2028\u2029]/g, " ")
    .replace(MARKDOWN_SPECIALS, (c) => `\\${c}`)
    .replace(/^(\s*)([-+])(?=\s)/, "$1\\$2")
    .replace(/^(\s*\d+)\.(?=\s|$)/, "$1\\.");
}

/** A FactSet fact whose value is not ours: escaped (titles are our own words). */
export function fact(titleText: string, value: string): { title: string; value: string } {
  return { title: titleText, value: md(value) };
}

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
  // The API's messages may quote what was entered: escaped.
  return message
    ? [text(md(message), { id: `${inputId}.error`, color: "Attention", spacing: "None", size: "Small" })]
    : [];
}

/** A general notice at the top of a card (stale click, rate limit, ...). */
export function notice(
  message: string | undefined,
  color: "Attention" | "Warning" | "Good" = "Attention",
): CardElement[] {
  // Notices carry the API's messages, which may quote names: escaped.
  return message ? [text(md(message), { id: "notice", color, weight: "Bolder" })] : [];
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

/** The service status in words; `expiring` names the certificate when the service holds one. */
export function serviceStatusText(status: string, certificate = false): string {
  if (status === "expiring" && certificate) return "⚠️ Certificate expiring";
  return SERVICE_STATUS_TEXT[status] ?? md(status);
}

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
