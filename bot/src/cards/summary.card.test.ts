import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import { teamsCardProblems } from "./card-rules.js";
import { summaryCard } from "./summary.card.js";

const CANARY = "CANARY8Q~s3cr3t-value-never-shown";

describe("summaryCard", () => {
  it("shows everything with the secret masked as hint and dots", () => {
    const card = summaryCard({
      dialog: { dialogId: "d", step: "summary", rev: 5 },
      summary: {
        customerName: "Contoso",
        newCustomer: true,
        shortName: "contoso1",
        licenseType: "hosted-pro",
        licensedUsers: 20,
        cloud: "global",
        tenantId: "1d32fcbd-b1f0-4f2c-bc76-1743f2280450",
        tenantName: "Contoso",
        clientId: "0e31a3f6-6014-4fc5-af6e-955d20a996ef",
        secretHint: CANARY.slice(0, 3),
        m365Domain: "contoso.onmicrosoft.com",
      },
    });
    expect(teamsCardProblems(card, [CANARY])).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain("CAN••••••••");
    expect(card.actions?.map((a) => a.verb)).toEqual(["onboard.create", "onboard.back", "onboard.cancel"]);
  });
});
