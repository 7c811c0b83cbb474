/**
 * Where the bot may call the Bot Connector. botbuilder POSTs every reply (and proactive send) to the activity's or
 * stored reference's `serviceUrl`, whatever it names; without a check an activity could make the server call any
 * host, loopback included, with the bot's own token attached in authenticated mode. So the connector is called only
 * at the Teams connector hosts of the configured cloud (BOT_CLOUD), over https:
 *
 * - commercial `smba.trafficmanager.net` (`https://smba.trafficmanager.net/<region>/`, e.g. amer, emea, apac)
 * - GCC `smba.infra.gcc.teams.microsoft.com`
 * - GCC High `smba.infra.gov.teams.microsoft.us`
 * - DoD `smba.infra.dod.teams.microsoft.us`
 *
 * Sources: https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages
 * (the government endpoints), the Agents SDK's TeamsServiceEndpoints
 * (https://microsoft.github.io/Agents-for-js/variables/_microsoft_agents-hosting.TeamsServiceEndpoints.html, all four),
 * and docs/teams.md section 8 ("Connector hosts").
 *
 * The local unauthenticated bot (no MicrosoftAppId, loopback HOST only, never production) may also answer loopback
 * service URLs: the Agents Playground and the tests' fake connector listen there.
 */

/** The Teams clouds a bot registration lives in (BOT_CLOUD). */
export type TeamsCloud = "commercial" | "gcc" | "gcc-high" | "dod";

/** The Bot Connector host of each Teams cloud. */
export const CONNECTOR_HOSTS: Readonly<Record<TeamsCloud, readonly string[]>> = {
  commercial: ["smba.trafficmanager.net"],
  gcc: ["smba.infra.gcc.teams.microsoft.com"],
  "gcc-high": ["smba.infra.gov.teams.microsoft.us"],
  dod: ["smba.infra.dod.teams.microsoft.us"],
};

/** The policy: the cloud, and whether loopback connectors are allowed (the anonymous local bot only). */
export interface ConnectorPolicy {
  cloud: TeamsCloud;
  allowLoopback: boolean;
}

/** True for 127.0.0.0/8, localhost and [::1], as the WHATWG URL parser spells them (it normalises 0x7f.1 etc.). */
function isLoopbackHostname(hostname: string): boolean {
  if (hostname === "localhost" || hostname === "[::1]") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * Whether the bot may call the connector at `serviceUrl`. Anything unparsable, with credentials in it, on another
 * scheme or port, or on another host is refused. IPv4-mapped IPv6, 0.0.0.0 and names that merely resolve to loopback
 * are refused too: only the spellings above count as loopback.
 */
export function isAllowedServiceUrl(serviceUrl: unknown, policy: ConnectorPolicy): boolean {
  if (typeof serviceUrl !== "string" || serviceUrl.length === 0 || serviceUrl.length > 2048) return false;
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  if (url.username !== "" || url.password !== "") return false;
  const hostname = url.hostname.toLowerCase();
  if (url.protocol === "https:" && url.port === "" && CONNECTOR_HOSTS[policy.cloud].includes(hostname)) return true;
  return (
    policy.allowLoopback && (url.protocol === "http:" || url.protocol === "https:") && isLoopbackHostname(hostname)
  );
}

/** The host of a refused service URL, short and printable, for a log line (never the activity itself). */
export function serviceUrlForLog(serviceUrl: unknown): string {
  if (typeof serviceUrl !== "string") return `(${typeof serviceUrl})`;
  let shown: string;
  try {
    const url = new URL(serviceUrl);
    shown = `${url.protocol}//${url.host}`;
  } catch {
    shown = "(unparsable)";
  }
  return shown.replace(/[^\x21-\x7e]/g, "?").slice(0, 200);
}
