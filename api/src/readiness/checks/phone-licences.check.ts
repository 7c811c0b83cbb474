/**
 * `phone_licences`: a SKU with a Teams Phone service plan (a name starting `MCOEV`) has a free unit for the
 * activation user, read from `GET /subscribedSkus` (docs/entra.md section 16). A user on the SBC domain who already
 * holds such a SKU needs no free unit.
 */
import {
  graphTrouble,
  listOf,
  noGraphToken,
  permissionMissing,
  type ReadinessCheckDefinition,
  type ReadinessOutcome,
} from "./readiness.types.js";

/** The SKUs (by id) whose plans include Teams Phone, with their free units. */
export function teamsPhoneSkus(json: unknown): { skuId: string; skuPartNumber: string; free: number }[] {
  return listOf(json)
    .filter((sku) => String(sku.capabilityStatus ?? "Enabled") === "Enabled")
    .filter((sku) =>
      (Array.isArray(sku.servicePlans) ? sku.servicePlans : []).some((p: unknown) =>
        String((p as { servicePlanName?: unknown })?.servicePlanName ?? "")
          .toUpperCase()
          .startsWith("MCOEV"),
      ),
    )
    .map((sku) => {
      const enabled = Number((sku.prepaidUnits as { enabled?: unknown } | undefined)?.enabled ?? 0);
      const consumed = Number(sku.consumedUnits ?? 0);
      return {
        skuId: String(sku.skuId ?? "").toLowerCase(),
        skuPartNumber: String(sku.skuPartNumber ?? ""),
        free: Number.isFinite(enabled - consumed) ? enabled - consumed : 0,
      };
    });
}

export const phoneLicencesCheck: ReadinessCheckDefinition = {
  id: "phone_licences",
  after: [],
  skipCause: "no Teams Phone licence is free",
  async run({ reads, sbcFqdn }): Promise<ReadinessOutcome> {
    if (reads === undefined) return noGraphToken();
    const answer = await reads.skus();
    if ("failure" in answer) return { result: graphTrouble(answer, "the tenant's licences") };
    const { response } = answer;
    if (response.status === 403) {
      return {
        result: permissionMissing(
          "LicenseAssignment.Read.All (or Organization.Read.All)",
          "the tenant's licences",
          response,
        ),
      };
    }
    if (response.status !== 200) return { result: graphTrouble(answer, "the tenant's licences") };
    const skus = teamsPhoneSkus(response.json);
    if (skus.length === 0) {
      return {
        result: {
          status: "fail",
          code: "no_phone_licence",
          message: "The tenant has no licence that includes Teams Phone (service plan MCOEV).",
          remedy:
            "Buy Microsoft Teams Phone Standard (or a plan that includes it, such as Microsoft 365 E5) in the Microsoft " +
            "365 admin center under Billing > Purchase services, and assign it to the activation user.",
        },
      };
    }
    const free = skus.reduce((sum, s) => sum + Math.max(0, s.free), 0);
    const detail = { skus: skus.map((s) => ({ skuPartNumber: s.skuPartNumber, free: s.free })), free };
    if (free > 0) {
      return { result: { status: "pass", message: `${free} Teams Phone licence(s) are free.`, detail } };
    }
    // The activation user may hold one already: then none needs to be free.
    if (sbcFqdn !== undefined) {
      const users = await reads.users();
      if ("response" in users && users.response.status === 200) {
        const ids = new Set(skus.map((s) => s.skuId));
        const holder = listOf(users.response.json).find((u) =>
          (Array.isArray(u.assignedLicenses) ? u.assignedLicenses : []).some((l: unknown) =>
            ids.has(String((l as { skuId?: unknown })?.skuId ?? "").toLowerCase()),
          ),
        );
        if (holder) {
          return {
            result: {
              status: "pass",
              message: `No Teams Phone licence is free, but ${String(holder.userPrincipalName)} on the SBC domain holds one.`,
              detail,
            },
          };
        }
      }
    }
    return {
      result: {
        status: "fail",
        code: "no_free_phone_licence",
        message: "Every Teams Phone licence of the tenant is in use; none is free for the activation user.",
        remedy:
          "Buy one more Teams Phone Standard licence (Microsoft 365 admin center > Billing > Your products) or free one " +
          "up, and assign it to the activation user.",
        detail,
      },
    };
  },
};
