/**
 * `teams_admin_api`: Entra issues a client-credentials token for the Skype and Teams Tenant Admin API
 * (`48ac35b8-9aa8-4d74-927d-1f4a14a0b239/.default`), what `Connect-MicrosoftTeams -AccessTokens` needs app-only
 * (docs/entra.md section 16). AADSTS500011: the API's service principal is not in the tenant.
 */
import { TEAMS_ADMIN_API_APP_ID } from "../readiness.token.js";
import { credentialsFailed, type ReadinessCheckDefinition, tokenFailure } from "./readiness.types.js";

export const teamsAdminApiCheck: ReadinessCheckDefinition = {
  id: "teams_admin_api",
  after: [],
  skipCause: "no token for the Teams Tenant Admin API was issued",
  run({ teamsToken, graphToken }) {
    if (teamsToken.ok) {
      return {
        result: {
          status: "pass",
          message: "Entra ID issued a token for the Skype and Teams Tenant Admin API (what Teams PowerShell needs).",
          detail: { resource: TEAMS_ADMIN_API_APP_ID },
        },
      };
    }
    const result = tokenFailure(teamsToken, "Teams token", () => {
      // The Graph token was refused too: the credentials are the trouble, which validation reports.
      if (!graphToken.ok) return credentialsFailed(teamsToken);
      if (teamsToken.aadsts === 500011) {
        return {
          status: "fail",
          code: "teams_api_not_in_tenant",
          message: "The Skype and Teams Tenant Admin API is not present in the tenant (AADSTS500011).",
          remedy:
            "The tenant needs Microsoft Teams: check that it has a Teams licence and that Teams is set up (open the " +
            "Teams admin center once as an admin), then check readiness again.",
          detail: { aadsts: 500011, resource: TEAMS_ADMIN_API_APP_ID },
        };
      }
      return {
        status: "fail",
        code: "teams_token_rejected",
        message: "Entra ID refused a token for the Skype and Teams Tenant Admin API.",
        remedy: "Check the tenant's Conditional Access policies for workload identities and the app's settings.",
        detail: {
          error: teamsToken.error,
          ...(teamsToken.aadsts !== undefined ? { aadsts: teamsToken.aadsts } : {}),
          resource: TEAMS_ADMIN_API_APP_ID,
        },
      };
    });
    return { result };
  },
};
