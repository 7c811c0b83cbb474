/**
 * The only place that imports botbuilder (4.23.3, archived: a move to another SDK replaces this folder alone).
 * It builds the CloudAdapter from the bot's Entra settings, runs POST /api/messages through botbuilder's own request
 * handling (JWT validation, or anonymous mode when no app id is configured), turns each activity into a plain
 * InboundTurn for the app object, and offers the outbound port for proactive sends. Neither an inbound activity nor a
 * stored reference reaches botbuilder unless its serviceUrl is a Teams connector host of the configured cloud
 * (connector-hosts.ts): botbuilder itself would POST to whatever URL it is given.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type Activity,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConversationReference,
  type TurnContext,
} from "botbuilder";
import type { BotApp } from "../../app/bot-app.js";
import { type ConnectorPolicy, isAllowedServiceUrl, serviceUrlForLog } from "../../connector-hosts.js";
import type {
  ConversationRef,
  InboundTurn,
  OpenResult,
  OutboundMessage,
  OutboundPort,
  SendFailure,
  SendResult,
  TurnUser,
} from "../../turn.types.js";

/** The bot registration (env MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId, MicrosoftAppType). */
export interface BotFrameworkSettings {
  /** Empty: anonymous local mode (no JWT checked, none sent), for tests and the Agents Playground. */
  appId?: string;
  appPassword?: string;
  /** Required for SingleTenant. */
  appTenantId?: string;
  /** SingleTenant (the default for new bots), MultiTenant or UserAssignedMSI. */
  appType?: string;
}

/** The parts of a Fastify request the endpoint reads (structural, so the bot does not depend on Fastify). */
export interface HttpRequestLike {
  raw: IncomingMessage;
  body: unknown;
}

/** The parts of a Fastify reply the endpoint uses: the raw response, after taking it over with `hijack`. */
export interface HttpReplyLike {
  raw: ServerResponse;
  hijack(): void;
}

/** The endpoint: the HTTP handler of /api/messages and the outbound port. */
export interface BotEndpoint {
  /** Handles POST /api/messages; resolves when the answer was written. */
  handle(request: HttpRequestLike, reply: HttpReplyLike): Promise<void>;
  outbound: OutboundPort;
  /** The bot's app id ("" in anonymous mode), used in conversation references. */
  botId: string;
}

/** Options of {@link createBotEndpoint}. */
export interface BotEndpointOptions {
  settings: BotFrameworkSettings;
  /** Where the Bot Connector may be called (the cloud's hosts; loopback for the anonymous local bot only). */
  connector: ConnectorPolicy;
  app: BotApp;
  log?: { warn(o: object, m?: string): void; error(o: object, m?: string): void };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function toUser(account: { id?: string; aadObjectId?: string; name?: string } | undefined): TurnUser {
  return {
    id: account?.id ?? "",
    ...(account?.aadObjectId ? { aadObjectId: account.aadObjectId } : {}),
    ...(account?.name ? { name: account.name } : {}),
  };
}

/** botbuilder's activity as our plain turn. */
export function toInboundTurn(activity: Activity): InboundTurn {
  const known = ["message", "invoke", "installationUpdate", "conversationUpdate"] as const;
  const type = (known as readonly string[]).includes(activity.type) ? (activity.type as InboundTurn["type"]) : "other";
  const conversationType = activity.conversation?.conversationType;
  const channelData = isRecord(activity.channelData) ? activity.channelData : {};
  const tenant = isRecord(channelData.tenant) ? channelData.tenant : {};
  const tenantId =
    activity.conversation?.tenantId ?? (typeof tenant.id === "string" ? tenant.id : undefined) ?? undefined;
  const mentions = (activity.entities ?? [])
    .filter((e) => e.type === "mention" && isRecord(e.mentioned))
    .map((e) => ({
      id: String((e.mentioned as Record<string, unknown>).id ?? ""),
      ...(typeof e.text === "string" ? { text: e.text } : {}),
    }));
  return {
    type,
    ...(activity.id ? { id: activity.id } : {}),
    ...(typeof activity.text === "string" ? { text: activity.text } : {}),
    ...(activity.value !== undefined ? { value: activity.value } : {}),
    ...(activity.name ? { name: activity.name } : {}),
    ...(typeof activity.action === "string" ? { action: activity.action } : {}),
    from: toUser(activity.from),
    recipient: toUser(activity.recipient),
    conversation: {
      id: activity.conversation?.id ?? "",
      type: conversationType === "channel" ? "channel" : conversationType === "groupChat" ? "groupChat" : "personal",
      ...(tenantId ? { tenantId } : {}),
    },
    channelId: activity.channelId ?? "msteams",
    serviceUrl: activity.serviceUrl ?? "",
    ...(activity.replyToId ? { replyToId: activity.replyToId } : {}),
    ...(activity.membersAdded ? { membersAdded: activity.membersAdded.map(toUser) } : {}),
    ...(activity.membersRemoved ? { membersRemoved: activity.membersRemoved.map(toUser) } : {}),
    ...(mentions.length > 0 ? { mentions } : {}),
  };
}

/** Our message as a botbuilder activity. */
function toActivity(message: OutboundMessage): Partial<Activity> {
  return {
    type: "message",
    ...(message.text !== undefined ? { text: message.text } : {}),
    ...(message.card ? { attachments: [CardFactory.adaptiveCard(message.card)] } : {}),
  };
}

/** Codes by which the Bot Connector says the bot may no longer write into a conversation (docs/teams.md section 7). */
const GONE_CODES = new Set(["BotNotInConversationRoster", "MessageWritesBlocked", "ConversationBlockedByUser"]);

/** Statuses Teams says to retry (docs/teams.md section 9); a failure with no status (network) is retried too. */
const RETRYABLE_STATUSES = new Set([412, 429, 502, 503, 504]);

/** The Retry-After of a failed call, ms (seconds or an HTTP date); undefined when absent or unreadable. */
function retryAfterOf(response: Record<string, unknown>, now = Date.now()): number | undefined {
  const headers = response.headers;
  let raw: unknown;
  if (isRecord(headers)) {
    raw =
      typeof headers.get === "function"
        ? (headers.get as (n: string) => unknown)("retry-after")
        : headers["retry-after"];
  }
  if (typeof raw !== "string" || raw.trim() === "") return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** Reads the status, the Bot Connector error code (and subCode) and the Retry-After of a failed connector call. */
export function connectorFailure(error: unknown): { status?: number; codes: string[]; retryAfterMs?: number } {
  if (!isRecord(error)) return { codes: [] };
  const response = isRecord(error.response) ? error.response : {};
  const status =
    typeof error.statusCode === "number"
      ? error.statusCode
      : typeof response.status === "number"
        ? response.status
        : undefined;
  let body: unknown = error.body ?? response.parsedBody;
  if (body === undefined && typeof response.bodyAsText === "string") {
    try {
      body = JSON.parse(response.bodyAsText);
    } catch {
      body = undefined;
    }
  }
  const inner = isRecord(body) && isRecord(body.error) ? body.error : isRecord(body) ? body : {};
  const codes = [inner.code, inner.subCode, isRecord(inner.innerHttpError) ? inner.innerHttpError.code : undefined]
    .concat(typeof error.code === "string" ? [error.code] : [])
    .filter((c): c is string => typeof c === "string");
  const retryAfterMs = retryAfterOf(response);
  return {
    ...(status !== undefined ? { status } : {}),
    codes,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/** A failed connector call as the bot's outcome: gone (forget the reference), or a failure, retryable or not. */
export function failureOf(error: unknown): { ok: false; gone: true; code: string } | SendFailure {
  const failure = connectorFailure(error);
  const code = failure.codes[0] ?? (failure.status !== undefined ? `http_${failure.status}` : "send_failed");
  if (failure.status === 403 && failure.codes.some((c) => GONE_CODES.has(c))) {
    return { ok: false, gone: true, code: failure.codes.find((c) => GONE_CODES.has(c)) ?? code };
  }
  return {
    ok: false,
    gone: false,
    code,
    ...(failure.status !== undefined ? { status: failure.status } : {}),
    retryable: failure.status === undefined || RETRYABLE_STATUSES.has(failure.status),
    ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
  };
}

/** Creates the endpoint over a CloudAdapter. */
export function createBotEndpoint(options: BotEndpointOptions): BotEndpoint {
  const { settings, app } = options;
  const appId = settings.appId ?? "";
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: appId,
    MicrosoftAppPassword: settings.appPassword ?? "",
    MicrosoftAppType: settings.appType ?? (appId ? "SingleTenant" : "MultiTenant"),
    MicrosoftAppTenantId: settings.appTenantId ?? "",
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (_context, error) => {
    // The error text may come from anywhere below; log its class and status only, never an activity body.
    options.log?.error(
      { err: { name: (error as Error)?.name, message: (error as Error)?.message } },
      "bot turn failed",
    );
  };

  const logic = async (context: TurnContext): Promise<void> => {
    const turn = toInboundTurn(context.activity);
    const result = await app.handle(turn, {
      async send(message) {
        const response = await context.sendActivity(toActivity(message));
        return response?.id;
      },
      async update(activityId, message) {
        await context.updateActivity({ ...toActivity(message), id: activityId });
      },
    });
    if (result)
      await context.sendActivity({ type: "invokeResponse", value: { status: result.status, body: result.body } });
  };

  const optionalId = (id: string | undefined) => (id ? { activityId: id } : {});

  /**
   * botbuilder's HTTP pipeline (@azure/core-rest-pipeline under botframework-connector) retries a 429 or a 5xx up to
   * three times on its own, and its options give no way to turn that off (botbuilder-stdlib ignores
   * `noRetryPolicy`). For proactive calls the bot has its own retry policy, kept in the database, paced and bounded
   * by a timeout (docs/teams.md section 9), so the library's retries are removed from the connector client of the
   * proactive turn: one attempt is one request. This reaches into the pinned 4.23.3's objects (the turn state's
   * connector client and its `client.pipeline`); if they change, nothing is removed and the library retries again.
   */
  const withoutLibraryRetries = (context: TurnContext): void => {
    const connector = context.turnState.get(adapter.ConnectorClientKey) as
      | { client?: { pipeline?: { removePolicy(options: { phase: "Retry" }): unknown } } }
      | undefined;
    connector?.client?.pipeline?.removePolicy({ phase: "Retry" });
  };

  /** Runs one proactive call in a stored conversation; a refused host or a connector error becomes the outcome. */
  const proactive = async (
    ref: ConversationRef,
    what: "send" | "update",
    call: (context: TurnContext) => Promise<SendResult>,
  ): Promise<SendResult> => {
    // A reference stored before the allow-list (or under another BOT_CLOUD) is never used; it is kept, as a
    // configuration fix makes it usable again.
    if (!isAllowedServiceUrl(ref.serviceUrl, options.connector)) {
      options.log?.warn(
        { serviceUrl: serviceUrlForLog(ref.serviceUrl) },
        `proactive ${what} refused: the reference's serviceUrl is not a Teams connector host of this cloud`,
      );
      return { ok: false, gone: false, code: "service_url_not_allowed", retryable: false };
    }
    const reference: Partial<ConversationReference> = {
      channelId: ref.channelId,
      serviceUrl: ref.serviceUrl,
      bot: { id: ref.botId, name: "" },
      conversation: {
        id: ref.conversationId,
        tenantId: ref.tenantId,
        isGroup: ref.kind !== "personal",
        conversationType: ref.kind,
        name: "",
      },
    };
    // The adapter hands errors of the logic to onTurnError and swallows them: catch the call's own error here.
    let outcome: SendResult | undefined;
    let failed: { error: unknown } | undefined;
    try {
      await adapter.continueConversationAsync(appId, reference, async (context) => {
        try {
          withoutLibraryRetries(context);
          outcome = await call(context);
        } catch (error) {
          failed = { error };
        }
      });
    } catch (error) {
      failed = { error };
    }
    if (!failed && outcome) return outcome;
    const failure = failureOf(failed?.error);
    if (!failure.gone) options.log?.warn({ status: failure.status, code: failure.code }, `proactive ${what} failed`);
    return failure;
  };

  return {
    botId: appId,
    async handle(request, reply) {
      // botbuilder writes the answer itself through an express-like response; Fastify steps aside.
      reply.hijack();
      const raw = reply.raw;
      // Refused before botbuilder sees it (before the JWT check too, so no signing keys are fetched for it): the
      // reply to this activity would go to its serviceUrl. Logged by host only, never with the activity's body.
      if (isRecord(request.body) && !isAllowedServiceUrl(request.body.serviceUrl, options.connector)) {
        options.log?.warn(
          {
            serviceUrl: serviceUrlForLog(request.body.serviceUrl),
            activityType: typeof request.body.type === "string" ? request.body.type.slice(0, 40) : undefined,
          },
          "bot activity refused: its serviceUrl is not a Teams connector host of this cloud",
        );
        raw.writeHead(400, { "content-type": "application/json; charset=utf-8", "x-content-type-options": "nosniff" });
        raw.end(
          JSON.stringify({
            error: {
              code: "ServiceUrlNotAllowed",
              message: "The activity's serviceUrl is not an allowed Bot Connector.",
            },
          }),
        );
        return;
      }
      let status = 200;
      const req = Object.assign(request.raw, { body: isRecord(request.body) ? request.body : undefined });
      const res = {
        socket: raw.socket,
        status(code: number) {
          status = code;
          return res;
        },
        header(name: string, value: unknown) {
          raw.setHeader(name, String(value));
          return res;
        },
        send(body: unknown) {
          if (raw.headersSent) return res;
          const isText = typeof body === "string";
          const payload = isText ? body : JSON.stringify(body);
          raw.writeHead(status, {
            "content-type": isText ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
            "x-content-type-options": "nosniff",
          });
          raw.write(payload);
          return res;
        },
        end() {
          if (!raw.headersSent) raw.writeHead(status, { "x-content-type-options": "nosniff" });
          raw.end();
          return res;
        },
      };
      await adapter.process(req as Parameters<CloudAdapter["process"]>[0], res, logic);
    },
    outbound: {
      send: (ref, message) =>
        proactive(ref, "send", async (context) => ({
          ok: true,
          ...optionalId((await context.sendActivity(toActivity(message)))?.id),
        })),
      update: (ref, activityId, message) =>
        proactive(ref, "update", async (context) => {
          await context.updateActivity({ ...toActivity(message), id: activityId });
          return { ok: true, activityId };
        }),
      async openPersonal(target): Promise<OpenResult> {
        if (!isAllowedServiceUrl(target.serviceUrl, options.connector)) {
          options.log?.warn(
            { serviceUrl: serviceUrlForLog(target.serviceUrl) },
            "personal chat not opened: the serviceUrl is not a Teams connector host of this cloud",
          );
          return { ok: false, gone: false, code: "service_url_not_allowed", retryable: false };
        }
        let conversationId: string | undefined;
        try {
          // docs/teams.md section 7: members[].id is the Entra object id; the tenant goes in both places.
          await adapter.createConversationAsync(
            appId,
            target.channelId,
            target.serviceUrl,
            undefined as unknown as string,
            {
              isGroup: false,
              bot: { id: target.botId, name: "" },
              members: [{ id: target.aadObjectId, name: "" }],
              tenantId: target.tenantId,
              channelData: { tenant: { id: target.tenantId } },
            } as Parameters<CloudAdapter["createConversationAsync"]>[4],
            async (context) => {
              conversationId = context.activity.conversation?.id;
            },
          );
        } catch (error) {
          const failure = failureOf(error);
          options.log?.warn({ code: failure.code }, "personal chat not opened");
          return failure;
        }
        if (!conversationId) return { ok: false, gone: false, code: "no_conversation_id", retryable: true };
        return {
          ok: true,
          ref: {
            serviceUrl: target.serviceUrl,
            conversationId,
            tenantId: target.tenantId.toLowerCase(),
            aadObjectId: target.aadObjectId,
            botId: target.botId,
            kind: "personal",
            channelId: target.channelId,
          },
        };
      },
    },
  };
}
