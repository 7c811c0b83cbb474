import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import { execute } from "./card.elements.js";
import { teamsCardProblems } from "./card-rules.js";
import { workingCard } from "./working.card.js";

describe("workingCard", () => {
  it("names the work, escapes the subject and keeps Cancel", () => {
    const card = workingCard({
      kind: "validating",
      subject: "[x](https://evil.example)",
      facts: [["Tenant", "contoso.onmicrosoft.com"]],
      actions: [execute("Cancel", "onboard.cancel", { dialogId: "d", step: "validating", rev: 2 })],
    });
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain("Validating the credentials");
    expect(json).toContain("\\\\[x\\\\]");
    expect(card.actions?.map((a) => a.verb)).toEqual(["onboard.cancel"]);
  });

  it("has a headline for each kind of work and no actions unless given", () => {
    expect(JSON.stringify(workingCard({ kind: "creating" }))).toContain("Creating the service");
    expect(JSON.stringify(workingCard({ kind: "replacing" }))).toContain("Replacing the secret");
    expect(workingCard({ kind: "creating" }).actions).toBeUndefined();
  });
});
