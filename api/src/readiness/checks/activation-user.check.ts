/**
 * `activation_user`: a licensed user whose user name is on the SBC domain exists, read from
 * `GET /users?$filter=endswith(userPrincipalName,'@<fqdn>')&$count=true` with `ConsistencyLevel: eventual`
 * (User.Read.All; docs/entra.md section 16). Microsoft activates a domain for Direct Routing once such a user exists.
 */
import {
  graphTrouble,
  listOf,
  noGraphToken,
  permissionMissing,
  type ReadinessCheckDefinition,
  type ReadinessOutcome,
} from "./readiness.types.js";

export const activationUserCheck: ReadinessCheckDefinition = {
  id: "activation_user",
  after: [],
  skipCause: "no activation user was found",
  async run({ reads, sbcFqdn }): Promise<ReadinessOutcome> {
    if (sbcFqdn === undefined) {
      return {
        result: {
          status: "skipped",
          code: "prerequisite_failed",
          message: "Not run: the service has no SBC sub-domain.",
        },
      };
    }
    if (reads === undefined) return noGraphToken();
    const answer = await reads.users();
    if ("failure" in answer) return { result: graphTrouble(answer, "the tenant's users") };
    const { response } = answer;
    if (response.status === 403) return { result: permissionMissing("User.Read.All", "the tenant's users", response) };
    if (response.status !== 200) return { result: graphTrouble(answer, "the tenant's users") };
    const users = listOf(response.json);
    if (users.length === 0) {
      return {
        result: {
          status: "fail",
          code: "no_activation_user",
          message: `No user has a user name on ${sbcFqdn}.`,
          remedy:
            `In the Microsoft 365 admin center, open Users > Active users > Add a user, give it a user name on ${sbcFqdn} ` +
            `(for example sbc-activation@${sbcFqdn}) and assign it a licence with Teams Phone. Microsoft activates the ` +
            "domain for Direct Routing once a licensed user is on it.",
          detail: { fqdn: sbcFqdn },
        },
      };
    }
    const licensed = users.find((u) => Array.isArray(u.assignedLicenses) && u.assignedLicenses.length > 0);
    const names = users.map((u) => String(u.userPrincipalName)).slice(0, 5);
    if (licensed) {
      return {
        result: {
          status: "pass",
          message: `${String(licensed.userPrincipalName)} is a licensed user on the SBC domain.`,
          detail: { fqdn: sbcFqdn, users: names },
        },
      };
    }
    return {
      result: {
        status: "fail",
        code: "activation_user_unlicensed",
        message: `${names.join(", ")} on ${sbcFqdn} has no licence.`,
        remedy:
          "Assign the user a licence with Teams Phone in the Microsoft 365 admin center (Users > Active users > Licenses and apps).",
        detail: { fqdn: sbcFqdn, users: names },
      },
    };
  },
};
