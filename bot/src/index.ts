/** The bot's public surface for the server: the factory and the ports the server implements. */
export type { BotFrameworkSettings, HttpReplyLike, HttpRequestLike } from "./adapters/botbuilder/botbuilder.adapter.js";
export { DEFAULT_ANSWER_BUDGET_MS } from "./app/answer-soon.js";
export { type Bot, type BotDeps, createBot } from "./bot.composition.js";
export type * from "./ports.js";
export type {
  RevalidationContext,
  RevalidationRunPort,
  RunSummary,
  ServiceRevalidation,
} from "./reminders/reminder.scheduler.js";
export type { ConversationRef } from "./turn.types.js";
