/**
 * The Content-Security-Policy of the pages the server sends (the tab and the customer's invitation page), in one
 * place so both keep the same base and differ only where they must.
 */

/** Who may frame a page: the Teams and Microsoft 365 hosts (the tab), or nobody (the customer's invitation page). */
export type Framing = "teams" | "none";

/**
 * The Content-Security-Policy: own origin only, inline scripts by hash, Fluent's runtime styles, no plug-ins. The
 * tab may be framed only by Teams and Microsoft 365 hosts and may fetch teams-js's list of Teams origins
 * (docs/teams.md section 1); the invitation page, which is not a Teams page, may be framed by nobody.
 */
export function contentSecurityPolicy(inlineScriptHashes: string[], framing: Framing = "teams"): string {
  const scripts = ["'self'", ...inlineScriptHashes.map((h) => `'sha256-${h}'`)].join(" ");
  const teams = framing === "teams";
  return [
    "default-src 'self'",
    `script-src ${scripts}`,
    // Fluent UI (Griffel) inserts style rules at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    // teams-js reads its list of valid Teams origins from Microsoft's CDN.
    teams ? "connect-src 'self' https://res.cdn.office.net" : "connect-src 'self'",
    "object-src 'none'",
    teams ? "base-uri 'self'" : "base-uri 'none'",
    "form-action 'self'",
    teams ? `frame-ancestors ${TEAMS_FRAME_ANCESTORS}` : "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Who may frame the tab: every host Microsoft lists for Teams tabs, including personal tabs extended to Outlook and
 * the Microsoft 365 app (*.office.com also covers www.office.com and outlook-sdf.office.com).
 * https://learn.microsoft.com/microsoftteams/platform/tabs/how-to/tab-requirements
 * https://learn.microsoft.com/microsoftteams/platform/m365-apps/extend-m365-teams-personal-tab
 */
const TEAMS_FRAME_ANCESTORS = [
  "'self'",
  // All Microsoft 365 hosts after the cloud.microsoft migration (teams., outlook., m365.cloud.microsoft).
  "teams.microsoft.com *.teams.microsoft.com *.cloud.microsoft",
  // Microsoft 365 app (Office).
  "*.microsoft365.com *.office.com",
  // Outlook on the web and desktop.
  "outlook.office.com outlook.office365.com outlook-sdf.office.com outlook-sdf.office365.com",
].join(" ");
