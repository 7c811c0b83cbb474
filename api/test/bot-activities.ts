/** Builders of the activities Teams sends to /api/messages, for the bot tests. */
import { randomUUID } from "node:crypto";

/** The operator's and the bot's Teams identities in the tests. */
export const TEAMS = {
  tenantId: "5e1c9c3e-0f5b-4c53-9f44-0d1f3c1a2b3c",
  operator: { id: "29:operator-mri", aadObjectId: "8a0e2d7c-1111-4b6f-9d55-2c3e4f5a6b7c", name: "Olivia Operator" },
  bot: { id: "28:bot-app-id", name: "DR Bot" },
  personal: "a:personal-olivia",
  channel: "19:general@thread.tacv2",
} as const;

/** A Teams activity with the usual fields, `overrides` on top. */
export function activity(serviceUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "message",
    id: randomUUID(),
    channelId: "msteams",
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: TEAMS.operator,
    recipient: TEAMS.bot,
    conversation: { id: TEAMS.personal, conversationType: "personal", tenantId: TEAMS.tenantId },
    channelData: { tenant: { id: TEAMS.tenantId } },
    ...overrides,
  };
}

/** A text message in the personal chat. */
export function message(serviceUrl: string, text: string, overrides: Record<string, unknown> = {}) {
  return activity(serviceUrl, { type: "message", text, ...overrides });
}

/** An Action.Execute click (adaptiveCard/action invoke). */
export function execute(
  serviceUrl: string,
  verb: string,
  data: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
) {
  return activity(serviceUrl, {
    type: "invoke",
    name: "adaptiveCard/action",
    value: { action: { type: "Action.Execute", verb, data }, trigger: "manual" },
    ...overrides,
  });
}

/** The bot installed in a team channel. */
export function channelInstall(serviceUrl: string, action: "add" | "remove" = "add") {
  return activity(serviceUrl, {
    type: "installationUpdate",
    action,
    conversation: { id: TEAMS.channel, conversationType: "channel", tenantId: TEAMS.tenantId },
  });
}

/** The bot installed in the operator's personal scope. */
export function personalInstall(serviceUrl: string) {
  return activity(serviceUrl, { type: "installationUpdate", action: "add" });
}

/** Posts an activity to the bot; returns the status and the parsed body. */
export async function post(appUrl: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${appUrl}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}
