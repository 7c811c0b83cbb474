/**
 * Teams deep links and sub-page ids (docs/teams.md section 2). Plain functions with no zod, in a module of their own:
 * the tab's start-up code imports them, and must not pull the contract's schemas (and zod) into its initial
 * JavaScript (docs/architecture.md, "Tab bundle budget").
 */

/**
 * The Teams sub-page id that opens the tab's wizard with a completed invitation chosen (docs/teams.md section 2:
 * a deep link's `context.subEntityId` reaches the tab as `page.subPageId`).
 */
export function invitationSubPageId(invitationId: string): string {
  return `invitation:${invitationId}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The invitation id a sub-page id names, when it is one of ours and a UUID (anything else is ignored). */
export function invitationIdOfSubPage(subPageId: string | undefined): string | undefined {
  const match = /^invitation:(.+)$/.exec(subPageId?.trim() ?? "");
  return match?.[1] && UUID.test(match[1]) ? match[1].toLowerCase() : undefined;
}

/**
 * The Teams deep link to a static tab of the app, opened on `subPageId`
 * (https://learn.microsoft.com/microsoftteams/platform/concepts/build-and-test/deep-link-application):
 * `https://teams.microsoft.com/l/entity/<app id>/<entity id>?context={"subEntityId":"..."}`.
 */
export function teamsTabDeepLink(appId: string, entityId: string, subPageId: string): string {
  const context = encodeURIComponent(JSON.stringify({ subEntityId: subPageId }));
  return `https://teams.microsoft.com/l/entity/${encodeURIComponent(appId)}/${encodeURIComponent(entityId)}?context=${context}`;
}
