/**
 * A loopback fake of the Bot Connector service, used as the activities' `serviceUrl`: it records what the bot sends
 * (new activities, replies and updates) and answers 200 `{ id }`, or 403 BotNotInConversationRoster for the
 * conversations a test marks as gone.
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
}

/** The running fake. */
export interface FakeConnector {
  url: string;
  calls: ConnectorCall[];
  /** Conversations answered with 403 BotNotInConversationRoster. */
  gone: Set<string>;
  /** Conversations answered with 500 (a transient connector failure). */
  failing: Set<string>;
  /** Adaptive Cards sent (in order), with the conversation they went to. */
  cards(): { conversationId: string; card: Record<string, unknown> }[];
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 and a free port. */
export async function startFakeConnector(): Promise<FakeConnector> {
  const calls: ConnectorCall[] = [];
  const gone = new Set<string>();
  const failing = new Set<string>();
  let counter = 0;
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? "");
      if (!match?.[1]) {
        res.writeHead(404).end();
        return;
      }
      const conversationId = decodeURIComponent(match[1]);
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
      calls.push({
        method: req.method ?? "",
        path: req.url ?? "",
        conversationId,
        ...(match[2] ? { activityId: decodeURIComponent(match[2]) } : {}),
        activity,
      });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: `activity-${++counter}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    gone,
    failing,
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
