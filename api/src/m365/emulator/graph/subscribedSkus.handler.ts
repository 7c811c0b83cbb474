/**
 * GET /v1.0/subscribedSkus: the licences the tenant bought, with their units and service plans (docs/entra.md
 * section 16). Graph supports no `$filter` here; the list comes whole.
 */
import { stableGuid } from "../emulator.directory.js";
import { graphError, graphOk } from "../emulator.responses.js";
import type { GraphRoute } from "./graph.route.types.js";

export const subscribedSkusRoute: GraphRoute = {
  name: "subscribedSkus",
  method: "GET",
  path: /^\/subscribedSkus\/?$/i,
  roles: [
    "LicenseAssignment.Read.All",
    "Organization.Read.All",
    "Directory.Read.All",
    "Organization.ReadWrite.All",
    "Directory.ReadWrite.All",
  ],
  scopes: ["LicenseAssignment.Read.All", "Organization.Read.All", "Directory.Read.All"],
  answer({ g, caller, query }) {
    if (query.has("$filter")) {
      return graphError(g, 400, "Request_UnsupportedQuery", "Unsupported Query.");
    }
    const { tenant } = caller;
    const value = (tenant.skus ?? []).map((sku) => ({
      accountName: tenant.displayName,
      accountId: tenant.id,
      appliesTo: "User",
      capabilityStatus: "Enabled",
      consumedUnits: sku.consumedUnits,
      id: `${tenant.id}_${sku.skuId}`,
      skuId: sku.skuId,
      skuPartNumber: sku.skuPartNumber,
      subscriptionIds: [stableGuid("subscription", tenant.id, sku.skuId)],
      prepaidUnits: { enabled: sku.enabled, suspended: 0, warning: 0, lockedOut: 0 },
      servicePlans: sku.servicePlans.map((p) => ({
        servicePlanId: p.servicePlanId,
        servicePlanName: p.servicePlanName,
        provisioningStatus: "Success",
        appliesTo: "User",
      })),
    }));
    return graphOk(g, { "@odata.context": `${g.base}/v1.0/$metadata#subscribedSkus`, value });
  },
};
