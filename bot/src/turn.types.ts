/**
 * The bot's own view of the Bot Framework protocol: plain inbound turns and plain outputs. Only
 * `adapters/botbuilder/` translates between these and botbuilder's objects, so a move to another SDK touches that
 * folder alone.
 */
import type { AdaptiveCard } from "./cards/card.types.js";

/** Who sent an activity. `aadObjectId` is the Entra object id (absent for the bot itself and some channels). */
export interface TurnUser {
  id: string;
  aadObjectId?: string;
  name?: string;
}

/** The conversation an activity belongs to. `type` is Teams' conversationType. */
export interface TurnConversation {
  id: string;
  type: "personal" | "channel" | "groupChat";
  tenantId?: string;
}

/** One inbound activity, as the bot's handlers see it. */
export interface InboundTurn {
  type: "message" | "invoke" | "installationUpdate" | "conversationUpdate" | "other";
  /** Activity id (used to update a card sent by `Action.Submit`). */
  id?: string;
  /** Message text (may contain `<at>Bot</at>` in channels). */
  text?: string;
  /** `activity.value`: card data of an Action.Submit, or the invoke payload. */
  value?: unknown;
  /** Invoke name, e.g. `adaptiveCard/action`. */
  name?: string;
  /** installationUpdate action: add | remove | add-upgrade | remove-upgrade. */
  action?: string;
  from: TurnUser;
  /** The bot as addressed in this conversation. */
  recipient: TurnUser;
  conversation: TurnConversation;
  channelId: string;
  serviceUrl: string;
  /** The activity a message replies to (the card message for an Action.Submit). */
  replyToId?: string;
  /** conversationUpdate: ids of the members that joined. */
  membersAdded?: TurnUser[];
  /** conversationUpdate: ids of the members that left. */
  membersRemoved?: TurnUser[];
  /** Mentions in the message (to strip the bot's own). */
  mentions?: { id: string; text?: string }[];
}

/** A message the bot sends: text, a card, or both. */
export interface OutboundMessage {
  text?: string;
  card?: AdaptiveCard;
}

/** The answer to an invoke: sent as the HTTP body with `status`. */
export interface InvokeResult {
  status: number;
  body: unknown;
}

/** What a handler may do during a turn, besides returning an invoke result. */
export interface TurnActions {
  /** Sends a message into the turn's conversation; resolves to the new activity id. */
  send(message: OutboundMessage): Promise<string | undefined>;
  /** Replaces an earlier bot message (the Action.Submit path). */
  update(activityId: string, message: OutboundMessage): Promise<void>;
}

/** Our own conversation reference (docs/teams.md section 7): not a serialised botbuilder object. */
export interface ConversationRef {
  serviceUrl: string;
  conversationId: string;
  tenantId: string;
  /** personal: the user's Entra object id; channel: the installer's, when known. */
  aadObjectId: string | null;
  botId: string;
  kind: "personal" | "channel";
  channelId: string;
}

/** Outcome of a proactive send or update. */
export type SendResult =
  | { ok: true; activityId?: string }
  /** The bot may no longer write there (403 BotNotInConversationRoster / MessageWritesBlocked): forget the reference. */
  | { ok: false; gone: true; code: string }
  | SendFailure;

/**
 * A send that failed but may work later. `retryable` follows Teams' rules (docs/teams.md section 9): 429, 412, 502,
 * 503, 504 and network failures are retried with backoff; 400, 403, 404, 413 and 500 are not.
 */
export interface SendFailure {
  ok: false;
  gone: false;
  code: string;
  status?: number;
  retryable: boolean;
  /** The connector's Retry-After, ms, when it sent one. */
  retryAfterMs?: number;
}

/** Whom to open a personal chat with: the operator's Entra object id in the provider's tenant. */
export interface PersonalChatTarget {
  serviceUrl: string;
  tenantId: string;
  aadObjectId: string;
  botId: string;
  channelId: string;
}

/** Outcome of opening a personal chat: the new conversation's reference, or why not. */
export type OpenResult = { ok: true; ref: ConversationRef } | { ok: false; gone: true; code: string } | SendFailure;

/** Sends into a stored conversation (proactive messages), updates a sent message, opens a personal chat. */
export interface OutboundPort {
  send(ref: ConversationRef, message: OutboundMessage): Promise<SendResult>;
  /** Replaces a message the bot sent earlier (PUT .../activities/{activityId}), outside any turn. */
  update(ref: ConversationRef, activityId: string, message: OutboundMessage): Promise<SendResult>;
  /**
   * Opens (or finds) the 1:1 chat between the bot and a user (createConversation with the tenant id and the user's
   * Entra object id). Works only where the app is installed for the user (docs/teams.md section 7).
   */
  openPersonal(target: PersonalChatTarget): Promise<OpenResult>;
}
