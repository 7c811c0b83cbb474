import type { Service, ServiceStatus } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import type { AdaptiveCard } from "./card.types.js";
import { ACTIVITY_ENVELOPE_BYTES, CARD_LIMIT_BYTES, cardBytes, messageBytes } from "./card-budget.js";
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
    m365: {
      cloud: "global",
      tenantId: "t",
      clientId: "c",
      credentialType: "secret",
      secretHint: "abc",
      userName: "a",
      daysUntilExpire: 12,
    },
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
  it("says so when there is none, and caps a long list at MAX_LISTED_SERVICES and the byte budget", () => {
    expect(JSON.stringify(servicesListCard([]))).toContain("No services yet");
    const many = Array.from({ length: MAX_LISTED_SERVICES + 5 }, (_, i) => service(`s${i}`, "connected", i));
    const card = servicesListCard(many);
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(messageBytes(card)).toBeLessThanOrEqual(CARD_LIMIT_BYTES);
    const shown = listed(card);
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThanOrEqual(MAX_LISTED_SERVICES);
    expect(JSON.stringify(card)).toContain(`…and ${many.length - shown} more services`);
    const few = servicesListCard(many.slice(0, 3));
    expect(listed(few)).toBe(3);
    expect(JSON.stringify(few)).not.toContain("more services");
  });
  it("keeps 500 services with 200-character non-ASCII names under 24 KB and says how many more", () => {
    const name = (i: number) => `${i} ${"Ünïcødé サービス名 数据 [*_] ".repeat(20)}`.slice(0, 200);
    const many = Array.from({ length: 500 }, (_, i) => ({ ...service(name(i), "expiring", i), customerName: name(i) }));
    const card = servicesListCard(many);
    const bytes = new TextEncoder().encode(JSON.stringify(card)).length;
    expect(bytes).toBe(cardBytes(card));
    expect(bytes + ACTIVITY_ENVELOPE_BYTES).toBeLessThanOrEqual(24 * 1024);
    const shown = listed(card);
    expect(shown).toBeGreaterThan(0);
    expect(JSON.stringify(card)).toContain(`…and ${500 - shown} more services; open the tab for the full list.`);
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
  });
  it("links the tab when its deep link is known", () => {
    const many = Array.from({ length: MAX_LISTED_SERVICES + 1 }, (_, i) => service(`s${i}`, "connected", i));
    const tabUrl = "https://teams.microsoft.com/l/entity/app-id/services";
    const card = servicesListCard(many, { tabUrl });
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain(
      JSON.stringify({ type: "Action.OpenUrl", title: "Open the tab", url: tabUrl }),
    );
  });
});

/** How many services a list card shows (one Container each). */
function listed(card: AdaptiveCard): number {
  return card.body.filter((e) => e.type === "Container").length;
}
