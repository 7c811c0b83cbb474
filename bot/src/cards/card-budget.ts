/**
 * The byte budget of a card, shared by every card that lists entries (services, checks, domains, customers,
 * failures). Teams has refused messages whose card passes about 28 KB (docs/teams.md, section 10), and the size
 * grows with names that are not ours (200 characters of CJK are 600 bytes, Markdown escaping adds a backslash per
 * special character, JSON escapes it again); so a list stops before the card and its activity pass 24 KB, and says
 * how many entries it left out.
 */
import { text } from "./card.elements.js";
import type { AdaptiveCard, CardElement } from "./card.types.js";

/** Most bytes a card and its activity may take (24 KiB: below Teams' ~28 KB with room to spare). */
export const CARD_LIMIT_BYTES = 24 * 1024;

/**
 * Bytes kept for the activity around the card: type, ids, from, recipient, conversation (a channel id with its
 * thread and message id), serviceUrl, replyToId, channelData, and the attachment's contentType.
 */
export const ACTIVITY_ENVELOPE_BYTES = 2 * 1024;

const encoder = new TextEncoder();

/** UTF-8 bytes of the card as sent (`JSON.stringify`). */
export function cardBytes(card: AdaptiveCard): number {
  return encoder.encode(JSON.stringify(card)).length;
}

/** Bytes of the message carrying the card: the card plus {@link ACTIVITY_ENVELOPE_BYTES}. */
export function messageBytes(card: AdaptiveCard): number {
  return cardBytes(card) + ACTIVITY_ENVELOPE_BYTES;
}

/**
 * Builds the card with as many of `entries` (in their order) as keep {@link messageBytes} within `limitBytes`.
 * `build(shown, hidden)` makes the whole card for the first `shown` entries and says that `hidden` more exist
 * (see {@link moreInTheTab}). The size grows with each entry, so a binary search over the count finds the largest
 * that fits in about log2(n) builds. When not even an empty list fits, the card without entries is returned.
 */
export function fitEntries<T>(
  entries: readonly T[],
  build: (shown: readonly T[], hidden: number) => AdaptiveCard,
  limitBytes: number = CARD_LIMIT_BYTES,
): AdaptiveCard {
  const cardWith = (n: number) => build(entries.slice(0, n), entries.length - n);
  const all = cardWith(entries.length);
  if (messageBytes(all) <= limitBytes) return all;
  let fits = 0;
  let tooMany = entries.length;
  while (tooMany - fits > 1) {
    const middle = Math.floor((fits + tooMany) / 2);
    if (messageBytes(cardWith(middle)) <= limitBytes) fits = middle;
    else tooMany = middle;
  }
  return cardWith(fits);
}

/**
 * The line under a shortened list: how many `what` (e.g. "services") were left out, and an Action.OpenUrl to the
 * tab when its deep link is known (else the line tells to open the tab). Empty when nothing was left out.
 */
export function moreInTheTab(hidden: number, what: string, tabUrl?: string): CardElement[] {
  if (hidden <= 0) return [];
  const line = text(`…and ${hidden} more ${what}; open the tab for the full list.`, { isSubtle: true });
  if (!tabUrl) return [line];
  return [line, { type: "ActionSet", actions: [{ type: "Action.OpenUrl", title: "Open the tab", url: tabUrl }] }];
}
