/**
 * Answers a turn whose work asks Microsoft (Validate now, Replace secret, `validate <name>`) within Teams' timeout
 * (docs/teams.md section 5): the result when the work ends within the budget, else a working card at once, and the
 * result later as an update of that message (or, where no message id is known, as a new message). A result given
 * in an invoke also replaces the clicked message, so everyone in the conversation sees the current state of the
 * service, not the card as it was sent (docs/teams.md section 4, "Who sees what").
 */
import type { AdaptiveCard } from "../cards/card.types.js";
import type { InboundTurn, OutboundMessage } from "../turn.types.js";
import type { Background } from "./background.js";
import type { CardAnswer } from "./bot-app.js";

/** Default time a turn waits for its work before it answers with a working card, ms. */
export const DEFAULT_ANSWER_BUDGET_MS = 800;

/** Messages of the turn's conversation, written outside the turn (proactive calls through the outbound port). */
export interface TurnMessages {
  /** Replaces the bot's message `activityId` in the turn's conversation. */
  update(turn: InboundTurn, activityId: string, message: OutboundMessage): Promise<void>;
  /** Posts a new message into the turn's conversation. */
  send(turn: InboundTurn, message: OutboundMessage): Promise<void>;
}

/** Dependencies of {@link createAnswerSoon}. */
export interface AnswerSoonDeps {
  background: Background;
  messages: TurnMessages;
  budgetMs: number;
}

/** What replaces the working card when the work failed on our side (the error itself is logged). */
export const LATE_FAILURE = "Sorry, something went wrong on my side before Microsoft answered. Please try again.";

/** An answer as a message (an error answer is told as its text). */
export function messageOf(answer: CardAnswer): OutboundMessage {
  if ("card" in answer) return { card: answer.card };
  return { text: "text" in answer ? answer.text : answer.error.message };
}

/** The two ways a turn answers soon. */
export interface AnswerSoon {
  /**
   * For a card action (invoke or its Action.Submit fallback): the work's answer, or `interim` when the budget runs
   * out. The clicked message (`turn.replyToId`) gets the result either way.
   */
  cardAction(turn: InboundTurn, work: Promise<CardAnswer>, interim: () => Promise<AdaptiveCard>): Promise<CardAnswer>;
  /**
   * For a message (a command): posts the work's answer, or the interim card at once and the result later in its
   * place. `post` sends into the turn and resolves to the new message's id.
   */
  message(
    turn: InboundTurn,
    work: Promise<CardAnswer>,
    interim: () => Promise<AdaptiveCard>,
    post: (message: OutboundMessage) => Promise<string | undefined>,
  ): Promise<void>;
}

/** Creates the helper. */
export function createAnswerSoon(deps: AnswerSoonDeps): AnswerSoon {
  const deliver = (turn: InboundTurn, messageId: string | undefined, answer: CardAnswer) =>
    messageId ? deps.messages.update(turn, messageId, messageOf(answer)) : deps.messages.send(turn, messageOf(answer));
  /** The late result in place of the working card; a failure replaces it with an apology, then is logged. */
  const later = (turn: InboundTurn, messageId: string | undefined, work: Promise<CardAnswer>) =>
    work.then(
      (answer) => deliver(turn, messageId, answer),
      async (error: unknown) => {
        await deliver(turn, messageId, { text: LATE_FAILURE });
        throw error;
      },
    );

  return {
    async cardAction(turn, work, interim) {
      const outcome = await deps.background.within(work, deps.budgetMs);
      const messageId = turn.replyToId;
      if (outcome.done) {
        // Everyone else sees the result too; the clicking client already has it from the answer.
        if (messageId && "card" in outcome.value) {
          deps.background.track(deps.messages.update(turn, messageId, messageOf(outcome.value)), "message update");
        }
        return outcome.value;
      }
      deps.background.track(later(turn, messageId, outcome.later), "late result of a card action");
      return { card: await interim() };
    },

    async message(turn, work, interim, post) {
      const outcome = await deps.background.within(work, deps.budgetMs);
      if (outcome.done) {
        await post(messageOf(outcome.value));
        return;
      }
      const messageId = await post({ card: await interim() });
      deps.background.track(later(turn, messageId, outcome.later), "late result of a command");
    },
  };
}
