import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import { teamsCardProblems } from "./card-rules.js";
import { reminderCard } from "./reminder.card.js";

const service = {
  id: "s1",
  shortName: "acme",
  customerName: "Acme",
  status: "expiring",
  secretHint: "abc",
  secretExpiresAt: "2030-01-08T00:00:00.000Z",
  daysUntilExpire: 7,
};

describe("reminderCard", () => {
  it("refreshes for the onboarding operator and offers Validate now and Replace secret", () => {
    const card = reminderCard({ service, reason: { kind: "expiring", threshold: 7 }, operatorUserId: "29:op" });
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(card.refresh).toMatchObject({
      action: { type: "Action.Execute", verb: "reminder.refresh", data: { serviceId: "s1", threshold: 7 } },
      userIds: ["29:op"],
    });
    expect(card.actions?.map((a) => a.verb)).toEqual(["service.validate", "service.replaceSecret.open"]);
    expect(JSON.stringify(card)).toContain("expires in 7 day(s)");
  });
  it("has no refresh without a known operator, and words expired and failed", () => {
    expect(reminderCard({ service, reason: { kind: "expired" } }).refresh).toBeUndefined();
    const failed = reminderCard({
      service: { ...service, failures: ["The secret is wrong."] },
      reason: { kind: "failed" },
    });
    expect(teamsCardProblems(failed)).toEqual([]);
    expect(adaptiveCardsProblems(failed)).toEqual([]);
    expect(JSON.stringify(failed)).toContain("Validate Authentication failed");
  });
});
