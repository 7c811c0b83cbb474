/**
 * The readiness report's two client-credentials tokens (docs/entra.md sections 8 and 16): one for the cloud's Graph,
 * whose `wids` show the app's directory roles, and one for the Skype and Teams Tenant Admin API, which is what
 * Teams PowerShell app-only needs. Both through the one app-only token request of api/src/m365/msal/app-token.ts.
 */
import { type AppOnlyToken, type AppOnlyTokenRequest, acquireAppOnlyToken } from "../m365/msal/app-token.js";

/** The Skype and Teams Tenant Admin API's application id (docs/entra.md sections 11 and 16). */
export const TEAMS_ADMIN_API_APP_ID = "48ac35b8-9aa8-4d74-927d-1f4a14a0b239";

/** A token with its decoded claims, or why none came. */
export type ReadinessToken = AppOnlyToken;
/** What a token request needs (the tenant as parsed: its GUID or a verified domain; the scope `<resource>/.default`). */
export type ReadinessTokenRequest = AppOnlyTokenRequest;
/** One client-credentials token for the request's scope. Never throws for Entra's or the network's answer. */
export const acquireReadinessToken = acquireAppOnlyToken;
