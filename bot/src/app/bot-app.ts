/**
 * The bot as an app object with handlers registered by event name (the microsoft/teams.ts style): `message`,
 * `card.action`, `install.add`, ... `handle` dispatches one plain inbound turn and turns a card action's answer into
 * the invoke response Teams expects, or into an update of the card for the Action.Submit fallback.
 */
import type { AdaptiveCard } from "../cards/card.types.js";
import type { InboundTurn, InvokeResult, TurnActions } from "../turn.types.js";

/** A click on a card button, from Action.Execute (invoke) or its Action.Submit fallback (message). */
export interface CardActionEvent {
  verb: string;
  /** The action's data merged with the card's inputs. */
  data: Record<string, unknown>;
  via: "execute" | "submit";
  /** "automatic" for a Universal Actions refresh. */
  trigger?: string;
}

/** What a card action answers: the next card (replacing the clicked one), a text, or an error. */
export type CardAnswer =
  | { card: AdaptiveCard }
  | { text: string }
  | { error: { status: number; code: string; message: string } };

/** The handlers an app may register. */
export interface BotHandlers {
  message: (turn: InboundTurn, actions: TurnActions) => Promise<void>;
  /** `actions` lets a card action post a new message into the conversation (a new wizard, a working card). */
  "card.action": (turn: InboundTurn, event: CardActionEvent, actions: TurnActions) => Promise<CardAnswer>;
  "install.add": (turn: InboundTurn) => Promise<void>;
  "install.remove": (turn: InboundTurn) => Promise<void>;
  "conversation.botAdded": (turn: InboundTurn) => Promise<void>;
  "conversation.botRemoved": (turn: InboundTurn) => Promise<void>;
}

/** The app object. */
export interface BotApp {
  on<E extends keyof BotHandlers>(event: E, handler: BotHandlers[E]): BotApp;
  /** Runs the handlers of one turn; returns the invoke response for an invoke. */
  handle(turn: InboundTurn, actions: TurnActions): Promise<InvokeResult | undefined>;
}

/** Options of {@link createBotApp}. */
export interface BotAppOptions {
  /** Told about a handler that threw; the user gets a short apology, never the error text. */
  onError?: (error: unknown, turn: InboundTurn) => void;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The invoke body of a card answer (docs/teams.md section 4). */
export function invokeBody(answer: CardAnswer): InvokeResult {
  if ("card" in answer) {
    return {
      status: 200,
      body: { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: answer.card },
    };
  }
  if ("text" in answer) {
    return {
      status: 200,
      body: { statusCode: 200, type: "application/vnd.microsoft.activity.message", value: answer.text },
    };
  }
  const { status, code, message } = answer.error;
  return { status, body: { statusCode: status, type: "application/vnd.microsoft.error", value: { code, message } } };
}

const SORRY = "Sorry, something went wrong on my side. Please try again.";

/** Creates an app with no handlers. */
export function createBotApp(options: BotAppOptions = {}): BotApp {
  const handlers: { [E in keyof BotHandlers]?: BotHandlers[E] } = {};
  const app: BotApp = {
    on(event, handler) {
      handlers[event] = handler as never;
      return app;
    },
    async handle(turn, actions) {
      try {
        return await dispatch(turn, actions);
      } catch (error) {
        options.onError?.(error, turn);
        if (turn.type === "invoke") return invokeBody({ error: { status: 500, code: "internal", message: SORRY } });
        if (turn.type === "message") await actions.send({ text: SORRY }).catch(() => undefined);
        return undefined;
      }
    },
  };

  async function dispatch(turn: InboundTurn, actions: TurnActions): Promise<InvokeResult | undefined> {
    switch (turn.type) {
      case "invoke": {
        if (turn.name !== "adaptiveCard/action") return undefined;
        const value = isRecord(turn.value) ? turn.value : {};
        const action = isRecord(value.action) ? value.action : {};
        if (action.type !== "Action.Execute" || typeof action.verb !== "string") {
          return invokeBody({
            error: { status: 400, code: "NotSupported", message: "Only Action.Execute is supported." },
          });
        }
        const handler = handlers["card.action"];
        if (!handler) return undefined;
        const answer = await handler(
          turn,
          {
            verb: action.verb,
            data: isRecord(action.data) ? action.data : {},
            via: "execute",
            ...(typeof value.trigger === "string" ? { trigger: value.trigger } : {}),
          },
          actions,
        );
        return invokeBody(answer);
      }
      case "message": {
        // The Action.Submit fallback: a message whose value is the action data plus the inputs.
        if (isRecord(turn.value) && typeof turn.value.verb === "string" && handlers["card.action"]) {
          const answer = await handlers["card.action"](
            turn,
            { verb: turn.value.verb, data: turn.value, via: "submit" },
            actions,
          );
          if ("card" in answer) {
            if (turn.replyToId) await actions.update(turn.replyToId, { card: answer.card });
            else await actions.send({ card: answer.card });
          } else {
            await actions.send({ text: "text" in answer ? answer.text : answer.error.message });
          }
          return undefined;
        }
        await handlers.message?.(turn, actions);
        return undefined;
      }
      case "installationUpdate": {
        if (turn.action?.startsWith("remove")) await handlers["install.remove"]?.(turn);
        else if (turn.action?.startsWith("add")) await handlers["install.add"]?.(turn);
        return undefined;
      }
      case "conversationUpdate": {
        const botId = turn.recipient.id;
        if (turn.membersAdded?.some((m) => m.id === botId)) await handlers["conversation.botAdded"]?.(turn);
        if (turn.membersRemoved?.some((m) => m.id === botId)) await handlers["conversation.botRemoved"]?.(turn);
        return undefined;
      }
      default:
        return undefined;
    }
  }
  return app;
}
