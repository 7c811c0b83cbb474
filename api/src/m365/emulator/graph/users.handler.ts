/**
 * GET /v1.0/users, with the one advanced query the readiness report makes:
 * `$filter=endswith(userPrincipalName,'@<domain>')&$count=true` (docs/entra.md section 16). `endswith` is an advanced
 * query: without the `ConsistencyLevel: eventual` header Graph refuses it with 400.
 */
import { graphError, graphOk } from "../emulator.responses.js";
import type { UserFixture } from "../emulator.types.js";
import { type GraphRoute, select } from "./graph.route.types.js";

const ENDSWITH_UPN = /^\s*endswith\(\s*userPrincipalName\s*,\s*'((?:[^']|'')*)'\s*\)\s*$/i;

function userEntity(user: UserFixture): Record<string, unknown> {
  return {
    id: user.id,
    accountEnabled: true,
    displayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
    assignedLicenses: (user.assignedLicenses ?? []).map((skuId) => ({ disabledPlans: [], skuId })),
  };
}

export const usersRoute: GraphRoute = {
  name: "users",
  method: "GET",
  path: /^\/users\/?$/i,
  roles: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  scopes: ["User.ReadBasic.All", "User.Read.All", "Directory.Read.All"],
  answer({ g, caller, query, headers }) {
    let users = caller.tenant.users ?? [];
    const filter = query.get("$filter");
    if (filter !== null) {
      const match = ENDSWITH_UPN.exec(filter);
      if (match === null) return graphError(g, 400, "Request_UnsupportedQuery", "Unsupported Query.");
      if ((headers.consistencylevel ?? "").toLowerCase() !== "eventual") {
        return graphError(
          g,
          400,
          "Request_UnsupportedQuery",
          "Operator 'endsWith' is not supported because the 'ConsistencyLevel:eventual' header is missing.",
        );
      }
      const suffix = (match[1] ?? "").replace(/''/g, "'").toLowerCase();
      users = users.filter((u) => u.userPrincipalName.toLowerCase().endsWith(suffix));
    }
    const count = (query.get("$count") ?? "").toLowerCase() === "true";
    return graphOk(g, {
      "@odata.context": `${g.base}/v1.0/$metadata#users`,
      ...(count ? { "@odata.count": users.length } : {}),
      value: users.map((u) => select(userEntity(u), query)),
    });
  },
};
