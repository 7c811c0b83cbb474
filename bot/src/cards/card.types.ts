/**
 * The slice of the Adaptive Card 1.5 schema the bot's cards use. Loose on purpose for elements (the schema has many
 * optional properties), strict on what Teams enforces: the card header, action types, verbs and input ids.
 */

/** One body element (TextBlock, Input.*, Container, FactSet, ...). */
export interface CardElement {
  type: string;
  id?: string;
  [property: string]: unknown;
}

/** Action types Teams renders in Adaptive Cards 1.5. */
export type CardActionType =
  | "Action.Execute"
  | "Action.Submit"
  | "Action.OpenUrl"
  | "Action.ShowCard"
  | "Action.ToggleVisibility";

/** One action of a card or an ActionSet. */
export interface CardAction {
  type: CardActionType;
  title: string;
  id?: string;
  /** Action.Execute: the verb the bot dispatches on. */
  verb?: string;
  data?: Record<string, unknown>;
  url?: string;
  style?: "default" | "positive" | "destructive";
  /** Validate the card's inputs client-side before sending (Execute/Submit): "none" for Cancel and Back. */
  associatedInputs?: "auto" | "none";
  /** What older clients (without Action.Execute) show instead. */
  fallback?: CardAction | "drop";
  card?: AdaptiveCard;
  [property: string]: unknown;
}

/** Automatic refresh of a card for listed users (Universal Actions). */
export interface CardRefresh {
  action: CardAction;
  /** Teams user MRIs (at most 60); empty = manual refresh only. */
  userIds?: string[];
}

/** An Adaptive Card 1.5 as Teams accepts it. */
export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: "http://adaptivecards.io/schemas/adaptive-card.json";
  version: "1.5";
  body: CardElement[];
  actions?: CardAction[];
  refresh?: CardRefresh;
  [property: string]: unknown;
}

/** The data every dialog action carries, so a stale or double click can be recognised. */
export interface DialogActionData {
  verb: string;
  dialogId: string;
  step: string;
  rev: number;
}

/** Per-field messages shown under the inputs when the server refused a value. */
export type FieldErrors = Partial<Record<string, string>>;
