/**
 * Wires the bot: the app object with its handlers (commands, the onboarding dialog, service actions, conversation
 * references), the botbuilder endpoint and the reminder scheduler. The server calls `createBot` once with the
 * ports it implements (api/src/bot/).
 */

import {
  type BotEndpoint,
  type BotFrameworkSettings,
  createBotEndpoint,
} from "./adapters/botbuilder/botbuilder.adapter.js";
import { createBotApp } from "./app/bot-app.js";
import { commandText, parseCommand } from "./app/commands.js";
import { createServiceHandlers } from "./app/service.handlers.js";
import { helpCard } from "./cards/help.card.js";
import { servicesListCard } from "./cards/services-list.card.js";
import { actorOf, createOnboardingDialog } from "./dialog/onboarding.dialog.js";
import type { BotStateStore, OnboardingPort, OperatorAccess, OperatorPermission, SecretSealer } from "./ports.js";
import { createReminderScheduler, type ReminderScheduler } from "./reminders/reminder.scheduler.js";
import type { ConversationRef, InboundTurn } from "./turn.types.js";

/** Dependencies of the bot. */
export interface BotDeps {
  onboarding: OnboardingPort;
  store: BotStateStore;
  sealer: SecretSealer;
  settings: BotFrameworkSettings;
  /** Injectable clock (tests walk a secret through its expiry thresholds). */
  now?: () => Date;
  reminders: { intervalMs: number; concurrency: number; retryMs: number; tickMs?: number };
  /**
   * The provider's own tenant (AUTH_TENANT_ID). When set, messages and card actions from any other tenant are
   * refused: only the provider's operators may onboard, validate or replace secrets through the bot.
   */
  allowedTenantId?: string;
  /** The operators' app roles (entra mode); absent: everyone may do everything (dev mode). */
  access?: OperatorAccess;
  log?: {
    info(o: object, m?: string): void;
    warn(o: object, m?: string): void;
    error(o: object, m?: string): void;
  };
}

/** The running bot. */
export interface Bot {
  /** POST /api/messages. */
  handle: BotEndpoint["handle"];
  scheduler: ReminderScheduler;
}

/** Our conversation reference for the turn's conversation. */
export function conversationRefOf(turn: InboundTurn): ConversationRef {
  return {
    serviceUrl: turn.serviceUrl,
    conversationId: turn.conversation.id,
    tenantId: turn.conversation.tenantId ?? "",
    aadObjectId: turn.from.aadObjectId ?? null,
    botId: turn.recipient.id,
    // A group chat is a shared conversation like a channel: reminders go there too.
    kind: turn.conversation.type === "personal" ? "personal" : "channel",
    channelId: turn.channelId,
  };
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** The answer to a turn from outside the provider's tenant. */
export const FOREIGN_TENANT = "This bot serves the provider's own operators only; your organisation cannot use it.";

/** Answers to a turn whose sender lacks the app role the action needs. */
export const ACCESS = {
  unknown:
    "I do not know your app role yet. Open the Direct Routing tab in Teams once (it signs you in), then try again.",
  operate:
    "This needs the app role Onboarding.Operator or Onboarding.Admin; ask the provider's Teams admin to assign it.",
  read: "This needs an app role of the Direct Routing app (Onboarding.Reader, Operator or Admin); ask the provider's Teams admin.",
} as const;

/** What each command and card verb needs (help needs nothing: it says what the bot does). */
function needOf(kind: "command" | "verb", name: string): OperatorPermission | undefined {
  if (kind === "command") {
    if (name === "onboard" || name === "validate") return "operate";
    return name === "services" ? "read" : undefined;
  }
  const reading = ["services.list", "service.validate.show", "reminder.refresh"];
  return reading.includes(name) ? "read" : "operate";
}

/** Creates the bot. */
export function createBot(deps: BotDeps): Bot {
  const now = deps.now ?? (() => new Date());
  const allowed = deps.allowedTenantId?.toLowerCase();
  const foreign = (turn: InboundTurn) =>
    allowed !== undefined && (turn.conversation.tenantId ?? "").toLowerCase() !== allowed;
  /** Undefined when the sender may do what `needs` asks; otherwise the answer to give. */
  const refusal = async (turn: InboundTurn, needs: OperatorPermission | undefined): Promise<string | undefined> => {
    if (!deps.access || needs === undefined) return undefined;
    const tenantId = turn.conversation.tenantId ?? "";
    const oid = turn.from.aadObjectId;
    const granted = oid ? await deps.access.permissionsOf(tenantId, oid) : "unknown";
    if (granted === "unknown") return ACCESS.unknown;
    return granted.includes(needs) ? undefined : ACCESS[needs === "admin" ? "operate" : needs];
  };
  const remember = async (turn: InboundTurn) => {
    await deps.store.putConversation(conversationRefOf(turn), now().toISOString());
    // In their personal chat the operator's Teams id is known: the services they onboarded in the tab learn it.
    const { tenantId } = turn.conversation;
    if (turn.conversation.type === "personal" && tenantId && turn.from.aadObjectId) {
      await deps.store.learnOperatorUserId(tenantId.toLowerCase(), turn.from.aadObjectId.toLowerCase(), turn.from.id);
    }
  };
  const dialog = createOnboardingDialog({
    onboarding: deps.onboarding,
    store: deps.store,
    sealer: deps.sealer,
    now,
    async onCreated(serviceId, turn) {
      await deps.store.linkServiceOperator(
        {
          serviceId,
          tenantId: turn.conversation.tenantId ?? "",
          aadObjectId: turn.from.aadObjectId ?? turn.from.id,
          userId: turn.from.id,
        },
        now().toISOString(),
      );
      // The operator's personal chat receives the reminders of the services they onboarded.
      if (turn.conversation.type === "personal") await remember(turn);
    },
  });
  const services = createServiceHandlers({ onboarding: deps.onboarding, store: deps.store });

  const app = createBotApp({
    onError: (error) =>
      deps.log?.error(
        { err: { name: (error as Error)?.name, message: (error as Error)?.message } },
        "bot handler failed",
      ),
  })
    .on("message", async (turn, actions) => {
      if (foreign(turn)) {
        await actions.send({ text: FOREIGN_TENANT });
        return;
      }
      // A personal chat is where the operator's reminders go: keep its reference fresh on every message.
      if (turn.conversation.type === "personal") await remember(turn);
      const command = parseCommand(commandText(turn));
      const refused = await refusal(turn, needOf("command", command.name));
      if (refused) {
        await actions.send({ text: refused });
        return;
      }
      switch (command.name) {
        case "onboard":
          await actions.send({ card: await dialog.start(turn) });
          return;
        case "services":
          await actions.send({ card: servicesListCard(await deps.onboarding.listServices()) });
          return;
        case "validate": {
          const service = await services.findByShortName(command.shortName);
          if (!service) {
            await actions.send({ text: "No service has that short name. Send **services** to list them." });
            return;
          }
          const answer = await services.validate(service.id, actorOf(turn));
          await actions.send("card" in answer ? { card: answer.card } : { text: "text" in answer ? answer.text : "" });
          return;
        }
        case "help":
          await actions.send({ card: helpCard() });
          return;
        default:
          // Never echo the text: an operator may paste a secret into the chat by mistake.
          await actions.send({ card: helpCard("I did not understand that. Here is what I can do:") });
      }
    })
    .on("card.action", async (turn, event) => {
      if (foreign(turn)) return { text: FOREIGN_TENANT };
      const refused = await refusal(turn, needOf("verb", event.verb));
      if (refused) return { text: refused };
      const serviceId = str(event.data.serviceId);
      switch (event.verb) {
        case "onboard.start":
          return { card: await dialog.start(turn) };
        case "services.list":
          return { card: servicesListCard(await deps.onboarding.listServices()) };
        case "service.validate":
          return services.validate(serviceId, actorOf(turn));
        case "service.validate.show":
          return services.show(serviceId);
        case "service.replaceSecret.open":
          return services.openReplaceSecret(serviceId);
        case "service.replaceSecret":
          return services.replaceSecret(serviceId, event.data, actorOf(turn));
        case "reminder.refresh":
          return services.refreshReminder(serviceId, event.data);
        default:
          if (event.verb.startsWith("onboard.")) return dialog.act(turn, event);
          return { text: "That button is no longer supported. Send **help**." };
      }
    })
    .on("install.add", remember)
    .on("conversation.botAdded", remember)
    .on("install.remove", (turn) => deps.store.deleteConversation(turn.conversation.id))
    .on("conversation.botRemoved", (turn) => deps.store.deleteConversation(turn.conversation.id));

  const endpoint = createBotEndpoint({ settings: deps.settings, app, ...(deps.log ? { log: deps.log } : {}) });
  const scheduler = createReminderScheduler({
    onboarding: deps.onboarding,
    store: deps.store,
    outbound: endpoint.outbound,
    now,
    intervalMs: deps.reminders.intervalMs,
    concurrency: deps.reminders.concurrency,
    retryMs: deps.reminders.retryMs,
    ...(deps.reminders.tickMs !== undefined ? { tickMs: deps.reminders.tickMs } : {}),
    ...(deps.log ? { log: deps.log } : {}),
  });
  return { handle: endpoint.handle, scheduler };
}
