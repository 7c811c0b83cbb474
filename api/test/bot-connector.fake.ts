/**
 * A loopback fake of the Bot Connector service, used as the activities' `serviceUrl`: it records what the bot sends
 * (new activities, replies and updates, and personal chats it opens with createConversation) and answers 200
 * `{ id }`; or, for the conversations a test marks so, 403 BotNotInConversationRoster, 500, or a number of 429
 * `Throttled` answers with a Retry-After (docs/teams.md sections 7 and 9).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One call the bot made to the connector. */
export interface ConnectorCall {
  method: string;
  path: string;
  conversationId: string;
  activityId?: string;
  activity: Record<string, unknown>;
  /** The id the fake answered (a new activity's id; an update's own id). */
  id: string;
}

/** The running fake. */
export interface FakeConnector {
  url: string;
  calls: ConnectorCall[];
  /** Conversations answered with 403 BotNotInConversationRoster. */
  gone: Set<string>;
  /** Conversations answered with 500 (a transient connector failure). */
  failing: Set<string>;
  /**
   * Conversations whose next N sends or updates are answered 429 Throttled (the count goes down by one each time),
   * with `retryAfterSeconds` as Retry-After when set.
   */
  throttled: Map<string, { remaining: number; retryAfterSeconds?: number }>;
  /** Users (Entra object ids) for whom the app is not installed: createConversation answers 403. */
  notInstalled: Set<string>;
  /** Every createConversation call: the member and tenant it named, and the conversation id answered. */
  opened: { aadObjectId: string; tenantId: string; conversationId: string }[];
  /** Every request that reached the fake, with its arrival time (ms since epoch), throttled ones included. */
  arrivals: { method: string; conversationId: string; at: number; status: number }[];
  /**
   * Waits (up to `timeoutMs`) for an update (PUT) of `activityId` whose activity satisfies `match`; returns it, or
   * throws naming what the updates of that activity were.
   */
  waitForUpdate(
    activityId: string,
    match: (activity: Record<string, unknown>) => boolean,
    timeoutMs?: number,
    /** Look only at calls from this index of `calls` on (e.g. `calls.length` before the step). */
    from?: number,
  ): Promise<Record<string, unknown>>;
  /** Adaptive Cards sent (in order), with the conversation they went to. */
  cards(): { conversationId: string; card: Record<string, unknown> }[];
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 and a free port. */
export async function startFakeConnector(): Promise<FakeConnector> {
  const calls: ConnectorCall[] = [];
  const gone = new Set<string>();
  const failing = new Set<string>();
  const throttled = new Map<string, { remaining: number; retryAfterSeconds?: number }>();
  const notInstalled = new Set<string>();
  const opened: FakeConnector["opened"] = [];
  const arrivals: FakeConnector["arrivals"] = [];
  let counter = 0;
  const json = (res: import("node:http").ServerResponse, status: number, body: unknown, headers = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      // createConversation: POST /v3/conversations with { isGroup, bot, members: [{ id }], tenantId, channelData }.
      if (req.method === "POST" && /^\/v3\/conversations\/?(\?|$)/.test(req.url ?? "")) {
        let params: { members?: { id?: string }[]; tenantId?: string; channelData?: { tenant?: { id?: string } } } = {};
        try {
          params = JSON.parse(body) as typeof params;
        } catch {
          params = {};
        }
        const member = params.members?.[0]?.id ?? "";
        const tenantId = params.tenantId ?? params.channelData?.tenant?.id ?? "";
        if (!member || !tenantId) {
          arrivals.push({ method: "POST", conversationId: "", at: Date.now(), status: 400 });
          json(res, 400, { error: { code: "BadArgument", message: "Members and tenant are required." } });
          return;
        }
        if (notInstalled.has(member)) {
          arrivals.push({ method: "POST", conversationId: "", at: Date.now(), status: 403 });
          json(res, 403, { error: { code: "BadArgument", message: "Bot is not installed in user's personal scope" } });
          return;
        }
        const conversationId = `a:personal-${member}`;
        opened.push({ aadObjectId: member, tenantId, conversationId });
        arrivals.push({ method: "POST", conversationId, at: Date.now(), status: 201 });
        json(res, 201, { id: conversationId });
        return;
      }
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? "");
      if (!match?.[1]) {
        res.writeHead(404).end();
        return;
      }
      const conversationId = decodeURIComponent(match[1]);
      const throttle = throttled.get(conversationId);
      if (throttle && throttle.remaining > 0) {
        throttle.remaining--;
        arrivals.push({ method: req.method ?? "", conversationId, at: Date.now(), status: 429 });
        json(
          res,
          429,
          { error: { code: "Throttled", message: "Too many requests." } },
          throttle.retryAfterSeconds !== undefined ? { "retry-after": String(throttle.retryAfterSeconds) } : {},
        );
        return;
      }
      arrivals.push({
        method: req.method ?? "",
        conversationId,
        at: Date.now(),
        status: gone.has(conversationId) ? 403 : failing.has(conversationId) ? 500 : 200,
      });
      if (gone.has(conversationId)) {
        res.writeHead(403, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            error: { code: "BotNotInConversationRoster", message: "The bot is not part of the conversation roster." },
          }),
        );
        return;
      }
      if (failing.has(conversationId)) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "ServiceError", message: "Transient failure." } }));
        return;
      }
      let activity: Record<string, unknown> = {};
      try {
        activity = JSON.parse(body) as Record<string, unknown>;
      } catch {
        activity = {};
      }
      const activityId = match[2] ? decodeURIComponent(match[2]) : undefined;
      // A PUT answers the id it updated; a POST makes a new activity.
      const id = req.method === "PUT" && activityId ? activityId : `activity-${++counter}`;
      calls.push({
        method: req.method ?? "",
        path: req.url ?? "",
        conversationId,
        ...(activityId ? { activityId } : {}),
        activity,
        id,
      });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    gone,
    failing,
    throttled,
    notInstalled,
    opened,
    arrivals,
    async waitForUpdate(activityId, match, timeoutMs = 5_000, from = 0) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = calls
          .slice(from)
          .find((c) => c.method === "PUT" && c.activityId === activityId && match(c.activity));
        if (found) return found.activity;
        if (Date.now() > deadline) {
          const seen = calls
            .filter((c) => c.method === "PUT" && c.activityId === activityId)
            .map((c) => JSON.stringify(c.activity).slice(0, 200));
          throw new Error(
            `no matching update of ${activityId} within ${timeoutMs} ms; updates seen: ${seen.join(" | ")}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    cards() {
      const out: { conversationId: string; card: Record<string, unknown> }[] = [];
      for (const call of calls) {
        const attachments = call.activity.attachments;
        if (!Array.isArray(attachments)) continue;
        for (const a of attachments as { contentType?: string; content?: Record<string, unknown> }[]) {
          if (a.contentType === "application/vnd.microsoft.card.adaptive" && a.content) {
            out.push({ conversationId: call.conversationId, card: a.content });
          }
        }
      }
      return out;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
