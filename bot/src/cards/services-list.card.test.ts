import type { Service, ServiceStatus } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import { teamsCardProblems } from "./card-rules.js";
import { MAX_LISTED_SERVICES, servicesListCard } from "./services-list.card.js";

function service(shortName: string, status: ServiceStatus, i: number): Service {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    type: "direct-routing",
    customerId: "c",
    customerName: "Contoso",
    shortName,
    licenseType: "hosted-pro",
    licensedUsers: 5,
    status,
    createdAt: "2025-01-01T00:00:00.000Z",
    createdBy: "a",
    m365: { cloud: "global", tenantId: "t", clientId: "c", secretHint: "abc", userName: "a", daysUntilExpire: 12 },
  };
}

describe("servicesListCard", () => {
  it("lists services with their status, attention first, and follows the Teams card rules", () => {
    const card = servicesListCard([service("fine", "connected", 1), service("broken", "auth_failed", 2)]);
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json.indexOf("broken")).toBeLessThan(json.indexOf("fine"));
    expect(json).toContain("Authentication failed");
    expect(json).toContain("secret expires in 12 days");
  });
  it("says so when there is none, and caps a long list", () => {
    expect(JSON.stringify(servicesListCard([]))).toContain("No services yet");
    const many = Array.from({ length: MAX_LISTED_SERVICES + 5 }, (_, i) => service(`s${i}`, "connected", i));
    const card = servicesListCard(many);
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain("and 5 more");
  });
});
