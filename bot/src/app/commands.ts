/**
 * The text commands: `help`, `onboard`, `services`, `validate <short name>`, `invite <customer name> [e-mail]`;
 * anything else is help.
 */
import type { InboundTurn } from "../turn.types.js";

/** A parsed command. */
export type Command =
  | { name: "help" }
  | { name: "onboard" }
  | { name: "services" }
  | { name: "validate"; shortName: string }
  /** The customer's name as typed (matched case-insensitively); the admin's e-mail when the last word is one. */
  | { name: "invite"; customerName: string; email?: string }
  | { name: "unknown"; text: string };

/**
 * The message text without the bot's @mention (channels prefix it as `<at>Bot name</at>`), HTML tags and entities
 * Teams adds, and surrounding whitespace.
 */
export function commandText(turn: Pick<InboundTurn, "text" | "mentions" | "recipient">): string {
  let value = turn.text ?? "";
  for (const mention of turn.mentions ?? []) {
    if (mention.id === turn.recipient.id && mention.text) value = value.split(mention.text).join(" ");
  }
  return value
    .replace(/<at>[^<]*<\/at>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/gi, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Parses the command of a message. */
export function parseCommand(text: string): Command {
  const [first = "", ...rest] = text.split(" ");
  const word = first.toLowerCase().replace(/^\//, "");
  switch (word) {
    case "help":
    case "?":
      return { name: "help" };
    case "onboard":
      return { name: "onboard" };
    case "services":
    case "list":
      return { name: "services" };
    case "validate": {
      const shortName = rest.join(" ").trim();
      return shortName ? { name: "validate", shortName } : { name: "unknown", text };
    }
    case "invite": {
      // Teams turns a typed address into a mailto link; the tags are gone by now, the address stays.
      const words = rest.filter((w) => w !== "");
      const last = words.at(-1);
      const email = last?.includes("@") ? last.replace(/^mailto:/i, "") : undefined;
      const customerName = (email ? words.slice(0, -1) : words).join(" ").trim();
      if (!customerName) return { name: "unknown", text };
      return { name: "invite", customerName, ...(email ? { email } : {}) };
    }
    default:
      return { name: "unknown", text };
  }
}
