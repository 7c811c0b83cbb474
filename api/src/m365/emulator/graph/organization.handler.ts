/** GET /v1.0/organization: the tenant's company name and verified domains (docs/entra.md section 9). */
import { graphDenied, graphOk } from "../emulator.responses.js";
import { type GraphRoute, select } from "./graph.route.types.js";

export const organizationRoute: GraphRoute = {
  name: "organization",
  method: "GET",
  path: /^\/organization\/?$/i,
  roles: ["Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  // Any signed-in user may read the organization's basic properties.
  scopes: ["User.Read", "Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All"],
  answer({ g, caller, query }) {
    // A restricted tenant can refuse even with the role (the graph-denied scenario).
    if (caller.kind === "app" && caller.app.organizationDenied === true) return graphDenied(g);
    const { tenant } = caller;
    const org = {
      id: tenant.id,
      displayName: tenant.displayName,
      tenantType: "AAD",
      verifiedDomains: tenant.domains
        .filter((d) => d.isVerified !== false)
        .map((d) => ({
          capabilities: "Email, OfficeCommunicationsOnline",
          isDefault: d.isDefault,
          isInitial: d.isInitial,
          name: d.name,
          type: "Managed",
        })),
    };
    return graphOk(g, { "@odata.context": `${g.base}/v1.0/$metadata#organization`, value: [select(org, query)] });
  },
};
