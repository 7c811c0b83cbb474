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
import { createAnswerSoon, DEFAULT_ANSWER_BUDGET_MS, type TurnMessages } from "./app/answer-soon.js";
import { createBackground } from "./app/background.js";
import { createBotApp } from "./app/bot-app.js";
import { commandText, parseCommand } from "./app/commands.js";
import { NO_IDENTITY, objectIdActor, objectIdOf, type TurnOperator } from "./app/operator.js";
import { createServiceHandlers } from "./app/service.handlers.js";
import { textOf } from "./app/values.js";
import { helpCard } from "./cards/help.card.js";
import { invitationLinkCard } from "./cards/invitation-link.card.js";
import { servicesListCard } from "./cards/services-list.card.js";
import type { ConnectorPolicy } from "./connector-hosts.js";
import { createOnboardingDialog } from "./dialog/onboarding.dialog.js";
import { createInvitationNotifier } from "./invitations/invitation.notifier.js";
import type {
  BotStateStore,
  InvitationNotice,
  OnboardingPort,
  OperatorAccess,
  OperatorPermission,
  RotationNotice,
  SecretSealer,
} from "./ports.js";
import { enqueueForRecipients } from "./reminders/recipients.js";
import { storeRotation } from "./reminders/reminder.delivery.js";
import {
  createReminderScheduler,
  type ReminderScheduler,
  type ReminderSchedulerDeps,
  type RevalidationRunPort,
} from "./reminders/reminder.scheduler.js";
import { createSendPacer } from "./reminders/send-pacer.js";
import type { ConversationRef, InboundTurn } from "./turn.types.js";

/** Default time to live of an untouched dialog (BOT_DIALOG_TTL_HOURS): 24 h. */
export const DEFAULT_DIALOG_TTL_MS = 24 * 3_600_000;

/** Dependencies of the bot. */
export interface BotDeps {
  onboarding: OnboardingPort;
  store: BotStateStore;
  sealer: SecretSealer;
  settings: BotFrameworkSettings;
  /** Where the Bot Connector may be called: the Teams hosts of BOT_CLOUD; loopback for the anonymous local bot. */
  connector: ConnectorPolicy;
  /** Injectable clock (tests walk a secret through its expiry thresholds, and dialogs past their time to live). */
  now?: () => Date;
  reminders: {
    intervalMs: number;
    concurrency: number;
    retryMs: number;
    tickMs?: number;
    /** Rotate self-rotating secrets this many days before expiry (ROTATE_BEFORE_DAYS); 0 or absent: never. */
    rotateBeforeDays?: number;
    /** The server's fleet runner: the scheduled passes run through it (reminder.scheduler.ts). */
    fleet?: RevalidationRunPort;
    /** Told of each pass and each delivery step outside a pass (metrics). */
    observer?: ReminderSchedulerDeps["observer"];
  };
  /** Dialogs untouched for this long are deleted with their sealed secrets, ms. Default 24 h. */
  dialogTtlMs?: number;
  /**
   * How long a turn that asks Microsoft waits for the answer before it answers with a working card and sends the
   * result as a message update, ms. Default 800 ms (Teams gives an invoke 10 to 15 s: docs/teams.md section 5).
   */
  answerBudgetMs?: number;
  /**
   * The provider's own tenant (AUTH_TENANT_ID). When set, messages and card actions from any other tenant are
   * refused, installs and conversation updates from other tenants are not remembered, reminders go only to this
   * tenant's conversations, and references of other tenants stored earlier are deleted at start-up.
   */
  allowedTenantId?: string;
  /** The operators' app roles and names (entra mode); absent: everyone may do everything (dev mode). */
  access?: OperatorAccess;
  /**
   * The tab's onboarding wizard with an invitation chosen (a Teams deep link), when the server knows the Teams app;
   * absent: the invitation-completed card's Continue onboarding starts the bot's dialog instead.
   */
  tabWizardUrl?: (invitationId: string) => string | undefined;
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
  /** Settles when the work still running after its turn (late validation results, message updates) has ended. */
  drain(): Promise<void>;
  /**
   * Settles when the start-up housekeeping is done (other tenants' references deleted, expired dialogs swept); the
   * endpoint waits for it before its first turn. Never rejects: a failure is logged.
   */
  ready: Promise<void>;
  /**
   * Tells the operator who sent an invitation that the customer's admin completed it: a card with Continue onboarding
   * in their personal chat (opened where needed), paced and under a timeout. Never rejects; resolves true when sent.
   */
  notifyInvitationCompleted(notice: InvitationNotice): Promise<boolean>;
  /** Tells the operator that an invitation they sent was dropped (expired, or completed and not used in time). */
  notifyInvitationDropped(notice: InvitationNotice): Promise<boolean>;
  /**
   * Tells the service's conversations (its team channels and the onboarding operator's personal chat) that a
   * rotation ended, through the reminder outbox: once per rotation (a scheduled failure once per secret and code).
   * A rotation by hand is sent at once; a scheduled one with its pass. Never rejects (logs); true when queued.
   */
  notifyRotation(notice: RotationNotice): Promise<boolean>;
}

/** Our conversation reference for the turn's conversation (tenant id in lower case, as stored and compared). */
export function conversationRefOf(turn: InboundTurn): ConversationRef {
  return {
    serviceUrl: turn.serviceUrl,
    conversationId: turn.conversation.id,
    tenantId: (turn.conversation.tenantId ?? "").toLowerCase(),
    aadObjectId: turn.from.aadObjectId ?? null,
    botId: turn.recipient.id,
    // A group chat is a shared conversation like a channel: reminders go there too.
    kind: turn.conversation.type === "personal" ? "personal" : "channel",
    channelId: turn.channelId,
  };
}

/** The answer to Start onboarding on a card: the wizard comes as a new message. */
export const WIZARD_BELOW = "The onboarding wizard is in a new message below.";

/** The answer to `invite` outside the operator's personal chat: the link is a bearer token. */
export const INVITE_PERSONAL_ONLY =
  "Send it in our personal chat: the invitation link lets whoever has it enter the customer's credentials, so I show it only there.";

/** The answer to `invite` where the server has no invitations. */
export const INVITATIONS_UNAVAILABLE = "Invitations are not available on this server.";

/** The answer to `onboard.fromInvitation` for an invitation that cannot be used. */
export const INVITATION_NOT_READY =
  "That invitation cannot be used to onboard any more: it was used, revoked or dropped, or is not completed yet. Send **services** or open the tab's services page for its state.";

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

export { NO_IDENTITY } from "./app/operator.js";

/** What each command and card verb needs (help needs nothing: it says what the bot does). */
function needOf(kind: "command" | "verb", name: string): OperatorPermission | undefined {
  if (kind === "command") {
    if (name === "onboard" || name === "validate" || name === "invite") return "operate";
    return name === "services" ? "read" : undefined;
  }
  const reading = ["services.list", "service.validate.show", "reminder.refresh"];
  return reading.includes(name) ? "read" : "operate";
}

/** Creates the bot. */
export function createBot(deps: BotDeps): Bot {
  const now = deps.now ?? (() => new Date());
  const ttlMs = deps.dialogTtlMs ?? DEFAULT_DIALOG_TTL_MS;
  const allowed = deps.allowedTenantId?.toLowerCase();
  const foreign = (turn: InboundTurn) =>
    allowed !== undefined && (turn.conversation.tenantId ?? "").toLowerCase() !== allowed;

  /**
   * The operator behind a turn that acts, or the answer refusing it. Every action needs an Entra object id (a display
   * name proves nothing and is not unique); with the directory (entra mode) the operator also needs the app role the
   * action asks for, and is named by the upn of their verified sign-in.
   */
  const authorise = async (
    turn: InboundTurn,
    needs: OperatorPermission,
  ): Promise<{ operator: TurnOperator } | { refused: string }> => {
    const oid = objectIdOf(turn);
    if (!oid) return { refused: NO_IDENTITY };
    const displayName = turn.from.name?.trim();
    const named = (actor: string | undefined) => ({
      operator: { actor: actor ?? objectIdActor(oid), aadObjectId: oid, ...(displayName ? { displayName } : {}) },
    });
    if (!deps.access) return named(undefined);
    const tenantId = (turn.conversation.tenantId ?? "").toLowerCase();
    const granted = await deps.access.permissionsOf(tenantId, oid);
    if (granted === "unknown") return { refused: ACCESS.unknown };
    if (!granted.includes(needs)) return { refused: ACCESS[needs === "admin" ? "operate" : needs] };
    return named(await deps.access.nameOf(tenantId, oid));
  };

  const remember = async (turn: InboundTurn) => {
    // Only the provider's own conversations are kept: reminders go to every stored conversation.
    if (foreign(turn)) {
      deps.log?.info({ kind: turn.conversation.type }, "bot added in another tenant: its conversation is not stored");
      return;
    }
    await deps.store.putConversation(conversationRefOf(turn), now().toISOString());
    // In their personal chat the operator's Teams id is known: the services they onboarded in the tab learn it.
    const oid = objectIdOf(turn);
    const tenantId = turn.conversation.tenantId?.toLowerCase();
    if (turn.conversation.type === "personal" && tenantId && oid) {
      await deps.store.learnOperatorUserId(tenantId, oid, turn.from.id);
    }
  };
  const forget = async (turn: InboundTurn) => {
    if (!foreign(turn)) await deps.store.deleteConversation(turn.conversation.id);
  };

  const background = createBackground(deps.log);
  const budgetMs = deps.answerBudgetMs ?? DEFAULT_ANSWER_BUDGET_MS;
  // Messages written after the turn go through the outbound port (the endpoint is made below, after the app).
  let outbound: BotEndpoint["outbound"] | undefined;
  const messages: TurnMessages = {
    async update(turn, activityId, message) {
      const result = await outbound?.update(conversationRefOf(turn), activityId, message);
      if (result && !result.ok) deps.log?.warn({ code: result.code }, "message update failed");
    },
    async send(turn, message) {
      const result = await outbound?.send(conversationRefOf(turn), message);
      if (result && !result.ok) deps.log?.warn({ code: result.code }, "late message failed");
    },
  };
  const answerSoon = createAnswerSoon({ background, messages, budgetMs });
  // One pacer for every proactive send of this process: reminders and invitation notices share Teams' windows.
  const pacer = createSendPacer();

  const dialog = createOnboardingDialog({
    onboarding: deps.onboarding,
    store: deps.store,
    sealer: deps.sealer,
    now,
    ttlMs,
    background,
    budgetMs,
    messages,
    ...(deps.log ? { log: deps.log } : {}),
    async onCreated(serviceId, turn, operator) {
      await deps.store.linkServiceOperator(
        {
          serviceId,
          tenantId: (turn.conversation.tenantId ?? "").toLowerCase(),
          aadObjectId: operator.aadObjectId,
          userId: turn.from.id,
        },
        now().toISOString(),
      );
      // The operator's personal chat receives the reminders of the services they onboarded.
      if (turn.conversation.type === "personal") await remember(turn);
    },
  });
  const services = createServiceHandlers({ onboarding: deps.onboarding, store: deps.store });

  const sweepDialogs = async () => {
    const count = await dialog.sweep();
    if (count > 0) deps.log?.info({ count, ttlHours: ttlMs / 3_600_000 }, "expired bot dialogs deleted");
  };

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
      const needs = needOf("command", command.name);
      let operator: TurnOperator | undefined;
      if (needs !== undefined) {
        const decision = await authorise(turn, needs);
        if ("refused" in decision) {
          await actions.send({ text: decision.refused });
          return;
        }
        operator = decision.operator;
      }
      switch (command.name) {
        case "onboard":
          if (operator) await dialog.start(turn, operator, (card) => actions.send({ card }));
          return;
        case "services":
          await actions.send({ card: servicesListCard(await deps.onboarding.listServices()) });
          return;
        case "validate": {
          if (!operator) return;
          const service = await services.findByShortName(command.shortName);
          if (!service) {
            await actions.send({ text: "No service has that short name. Send **services** to list them." });
            return;
          }
          await answerSoon.message(
            turn,
            services.validate(service.id, operator),
            () => services.working(service.id, "validating"),
            (message) => actions.send(message),
          );
          return;
        }
        case "invite": {
          if (!operator) return;
          // The link is a bearer token: only ever into the operator's own personal chat, never a channel.
          if (turn.conversation.type !== "personal") {
            await actions.send({ text: INVITE_PERSONAL_ONLY });
            return;
          }
          const invitations = deps.onboarding.invitations;
          if (!invitations) {
            await actions.send({ text: INVITATIONS_UNAVAILABLE });
            return;
          }
          const wanted = command.customerName.toLowerCase();
          const customers = await deps.onboarding.listCustomers();
          const customer = customers.find((c) => c.name.toLowerCase() === wanted);
          if (!customer) {
            await actions.send({
              text: "No customer has that name. Send **invite <customer name> <e-mail>** with a customer's exact name (the services list shows them), or add the customer in the tab first.",
            });
            return;
          }
          const created = await invitations.create(
            { customerId: customer.id, ...(command.email ? { email: command.email } : {}) },
            {
              actor: operator.actor,
              objectId: operator.aadObjectId,
              tenantId: (turn.conversation.tenantId ?? "").toLowerCase(),
            },
          );
          if (!created.ok) {
            // The API's message may quote the address typed: sent as it is (text messages are not card Markdown).
            await actions.send({ text: created.problems[0]?.message ?? created.message });
            return;
          }
          await actions.send({ card: invitationLinkCard(created.value) });
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
    .on("card.action", async (turn, event, actions) => {
      if (foreign(turn)) return { text: FOREIGN_TENANT };
      const decision = await authorise(turn, needOf("verb", event.verb) ?? "operate");
      if ("refused" in decision) return { text: decision.refused };
      const { operator } = decision;
      const serviceId = textOf(event.data.serviceId);
      switch (event.verb) {
        case "onboard.start":
          // A new message, whose id the dialog keeps; the clicked card (help, services) stays as it is.
          await dialog.start(turn, operator, (card) => actions.send({ card }));
          return { text: WIZARD_BELOW };
        case "services.list":
          return { card: servicesListCard(await deps.onboarding.listServices()) };
        case "service.validate":
          return answerSoon.cardAction(turn, services.validate(serviceId, operator), () =>
            services.working(serviceId, "validating"),
          );
        case "service.validate.show":
          return services.show(serviceId);
        case "service.replaceSecret.open":
          return services.openReplaceSecret(serviceId);
        case "service.replaceSecret": {
          const refused = await services.refuseReplaceSecret(serviceId, event.data);
          if (refused) return refused;
          return answerSoon.cardAction(turn, services.replaceSecret(serviceId, event.data, operator), () =>
            services.working(serviceId, "replacing"),
          );
        }
        case "reminder.refresh":
          return services.refreshReminder(serviceId, event.data);
        case "service.rotateSecret":
          // The same role as Replace secret (needOf: operate); the rotation can take a while (replication).
          return answerSoon.cardAction(turn, services.rotate(serviceId, operator), () =>
            services.working(serviceId, "rotating"),
          );
        case "onboard.fromInvitation": {
          // A new wizard message with the invitation chosen; the clicked card (the notice) stays as it is.
          const invitation = await deps.onboarding.invitations?.get(textOf(event.data.invitationId));
          if (invitation?.status !== "completed") return { text: INVITATION_NOT_READY };
          await dialog.start(turn, operator, (card) => actions.send({ card }), { invitation });
          return { text: WIZARD_BELOW };
        }
        default:
          if (event.verb.startsWith("onboard.")) return dialog.act(turn, event, operator);
          return { text: "That button is no longer supported. Send **help**." };
      }
    })
    .on("install.add", remember)
    .on("conversation.botAdded", remember)
    .on("install.remove", forget)
    .on("conversation.botRemoved", forget);

  // Start-up housekeeping. Migration 0006 cannot do the tenant part: only the running configuration knows
  // AUTH_TENANT_ID (and it may be set later than the migration ran), so the references of other tenants are deleted
  // here, on every start, before the first turn and the first reminder.
  const ready = (async () => {
    try {
      if (allowed !== undefined) {
        const count = await deps.store.deleteConversationsOutsideTenant(allowed);
        if (count > 0) deps.log?.info({ count }, "conversation references of other tenants deleted");
      }
      await sweepDialogs();
    } catch (error) {
      deps.log?.error({ err: (error as Error)?.message }, "bot start-up housekeeping failed");
    }
  })();

  const endpoint = createBotEndpoint({
    settings: deps.settings,
    connector: deps.connector,
    app,
    ...(deps.log ? { log: deps.log } : {}),
  });
  outbound = endpoint.outbound;
  const notifier = createInvitationNotifier({
    store: deps.store,
    outbound: endpoint.outbound,
    pacer,
    now,
    ...(allowed !== undefined ? { allowedTenantId: allowed } : {}),
    ...(deps.tabWizardUrl ? { tabWizardUrl: deps.tabWizardUrl } : {}),
    ...(deps.log ? { log: deps.log } : {}),
  });
  const scheduler = createReminderScheduler({
    pacer,
    onboarding: deps.onboarding,
    store: deps.store,
    outbound: endpoint.outbound,
    now,
    intervalMs: deps.reminders.intervalMs,
    concurrency: deps.reminders.concurrency,
    retryMs: deps.reminders.retryMs,
    ...(deps.reminders.tickMs !== undefined ? { tickMs: deps.reminders.tickMs } : {}),
    ...(deps.reminders.rotateBeforeDays !== undefined ? { rotateBeforeDays: deps.reminders.rotateBeforeDays } : {}),
    ...(deps.reminders.fleet ? { fleet: deps.reminders.fleet } : {}),
    ...(deps.reminders.observer ? { observer: deps.reminders.observer } : {}),
    ...(allowed !== undefined ? { allowedTenantId: allowed } : {}),
    async housekeeping() {
      await ready;
      await sweepDialogs();
    },
    ...(deps.log ? { log: deps.log } : {}),
  });
  return {
    async handle(request, reply) {
      await ready;
      return endpoint.handle(request, reply);
    },
    scheduler,
    ready,
    drain: () => background.drain(),
    notifyInvitationCompleted: async (notice) => {
      await ready;
      return notifier.invitationCompleted(notice);
    },
    notifyInvitationDropped: async (notice) => {
      await ready;
      return notifier.invitationDropped(notice);
    },
    async notifyRotation(notice) {
      try {
        await ready;
        // One notice per rotation; a scheduled failure is told once per secret and code (the schedule tries again
        // each interval, and one card about it is enough).
        const threshold =
          notice.outcome === "rotated"
            ? `rotated@${notice.newKeyId ?? notice.rotationId}`
            : notice.trigger === "scheduled"
              ? `rotation_failed@${notice.secretId}:${notice.code ?? "failed"}`
              : `rotation_failed@${notice.rotationId}`;
        const queued = await enqueueForRecipients(
          { store: deps.store, ...(allowed !== undefined ? { allowedTenantId: allowed } : {}) },
          { serviceId: notice.serviceId, secretId: notice.secretId, threshold },
          storeRotation({
            outcome: notice.outcome,
            trigger: notice.trigger,
            actor: notice.actor,
            oldSecretHint: notice.oldSecretHint,
            ...(notice.oldKeyId ? { oldKeyId: notice.oldKeyId } : {}),
            ...(notice.newSecretHint ? { newSecretHint: notice.newSecretHint } : {}),
            ...(notice.newKeyId ? { newKeyId: notice.newKeyId } : {}),
            ...(notice.newSecretExpiresAt ? { newSecretExpiresAt: notice.newSecretExpiresAt } : {}),
            ...(notice.oldSecretRemoved !== undefined ? { oldSecretRemoved: notice.oldSecretRemoved } : {}),
            ...(notice.code ? { code: notice.code } : {}),
            ...(notice.message ? { message: notice.message } : {}),
            ...(notice.remedy ? { remedy: notice.remedy } : {}),
            ...(notice.warnings && notice.warnings.length > 0
              ? { warnings: notice.warnings.map((w) => ({ code: w.code, message: w.message, remedy: w.remedy })) }
              : {}),
          }),
          now().toISOString(),
        );
        // A scheduled rotation's notice goes out with its pass's delivery step; one by hand at once.
        if (queued > 0 && notice.trigger === "manual") background.track(scheduler.deliverNow(), "rotation notice");
        return queued > 0;
      } catch (error) {
        deps.log?.warn({ serviceId: notice.serviceId, err: (error as Error)?.message }, "rotation notice not queued");
        return false;
      }
    },
  };
}
