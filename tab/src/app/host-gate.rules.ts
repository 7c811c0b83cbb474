/**
 * The rules of the host gate (host-gate.tsx): when the app gives way to an explanation, and where a browser user is
 * sent when the server signs operators in through Teams only (AUTH_MODE=entra): the app's deep link when the page
 * knows the Teams app id, else Teams itself.
 *
 * The server does not tell the tab its Teams app id. The manifest's static tab `websiteUrl` (the address Teams opens
 * "in a browser") carries it as `?teamsAppId=<manifest id>`; a page opened any other way falls back to Teams.
 */

/** Why the app is not shown: Teams did not answer a framed page, or a browser must go to Teams to sign in. */
export type HostGateKind = "teams-unanswered" | "open-in-teams";

/**
 * Which gate, if any, replaces the app. `signInRequired`: /api/settings answered 401, which only AUTH_MODE=entra
 * does. Inside Teams a 401 is a sign-in problem the pages report; outside, no page can work.
 */
export function hostGateOf(
  host: { inTeams: boolean; teamsUnanswered?: boolean },
  signInRequired: boolean,
): HostGateKind | undefined {
  if (host.teamsUnanswered) return "teams-unanswered";
  if (signInRequired && !host.inTeams) return "open-in-teams";
  return undefined;
}

/** Teams on the web; the deep links live under it. */
export const TEAMS_WEB_URL = "https://teams.microsoft.com";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `teamsAppId` query parameter when it is a GUID (anything else is ignored, never put into a link). */
export function teamsAppIdFrom(search: string): string | undefined {
  const id = new URLSearchParams(search).get("teamsAppId")?.trim();
  return id && GUID.test(id) ? id.toLowerCase() : undefined;
}

/**
 * The address a tab opens "in a browser" (its `websiteUrl`): the tab at `origin`, with the Teams app id when known
 * and a GUID, so the page it shows there can link back to the app.
 */
export function browserUrl(origin: string, appId: string | undefined): string {
  const id = appId ? teamsAppIdFrom(`?teamsAppId=${encodeURIComponent(appId)}`) : undefined;
  return id ? `${origin}/?teamsAppId=${id}` : `${origin}/`;
}

/** The app's deep link (https://teams.microsoft.com/l/app/<id>), or Teams on the web without an id. */
export function openInTeamsUrl(appId: string | undefined): string {
  return appId ? `${TEAMS_WEB_URL}/l/app/${appId}` : TEAMS_WEB_URL;
}
