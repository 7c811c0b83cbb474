/**
 * `teams_admin_role`: the Graph token's `wids` hold Teams Administrator, the directory role the `*-Cs` cmdlets of
 * Teams PowerShell need when run app-only (docs/entra.md sections 8, 11 and 16). No request of its own.
 */
import {
  credentialsFailed,
  type ReadinessCheckDefinition,
  TEAMS_ADMINISTRATOR_ROLE_ID,
  tokenFailure,
} from "./readiness.types.js";

export const teamsAdminRoleCheck: ReadinessCheckDefinition = {
  id: "teams_admin_role",
  after: [],
  skipCause: "the Teams Administrator role could not be read",
  run({ graphToken }) {
    if (!graphToken.ok) return { result: tokenFailure(graphToken, "Graph token", () => credentialsFailed(graphToken)) };
    const wids = Array.isArray(graphToken.claims.wids)
      ? graphToken.claims.wids.filter((w): w is string => typeof w === "string").map((w) => w.toLowerCase())
      : [];
    if (wids.includes(TEAMS_ADMINISTRATOR_ROLE_ID)) {
      return {
        result: {
          status: "pass",
          message: "The app holds the Teams Administrator role: Teams PowerShell can configure Direct Routing with it.",
          detail: { roleTemplateId: TEAMS_ADMINISTRATOR_ROLE_ID },
        },
      };
    }
    return {
      result: {
        status: "fail",
        code: "teams_admin_role_missing",
        message:
          "The app does not hold the Teams Administrator role, which Teams PowerShell needs to configure Direct Routing.",
        remedy:
          "In the Microsoft Entra admin center, open Roles and administrators > Teams Administrator > Add assignments and " +
          "select the app's enterprise application (service principal). The role shows in new tokens after a few minutes.",
        detail: { roleTemplateId: TEAMS_ADMINISTRATOR_ROLE_ID },
      },
    };
  },
};
