import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import { teamsCardProblems } from "./card-rules.js";
import { helpCard } from "./help.card.js";

describe("helpCard", () => {
  it("follows the Teams card rules and lists every command", () => {
    const card = helpCard("I did not understand that.");
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    const json = JSON.stringify(card);
    for (const command of ["onboard", "services", "validate <short name>", "help"]) expect(json).toContain(command);
    expect(card.actions?.map((a) => a.verb)).toEqual(["onboard.start", "services.list"]);
  });
});
