import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import { inputIds, teamsCardProblems } from "./card-rules.js";
import { m365SettingsCard } from "./m365-settings.card.js";

describe("m365SettingsCard", () => {
  it("offers the verified domains with the initial one preselected", () => {
    const card = m365SettingsCard({
      dialog: { dialogId: "d", step: "settings", rev: 4 },
      domains: ["contoso.example", "contoso.onmicrosoft.com"],
      initialDomain: "contoso.onmicrosoft.com",
    });
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(inputIds(card)).toEqual(["m365Domain"]);
    const choice = card.body.find((e) => e.id === "m365Domain");
    expect(choice).toMatchObject({ type: "Input.ChoiceSet", value: "contoso.onmicrosoft.com" });
    expect(JSON.stringify(choice)).toContain("contoso.example");
  });
  it("has no empty choice set and no Next when the tenant reported no domain", () => {
    const card = m365SettingsCard({ dialog: { dialogId: "d", step: "settings", rev: 4 }, domains: [] });
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(inputIds(card)).toEqual([]);
    expect(card.actions?.map((a) => a.verb)).toEqual(["onboard.back", "onboard.cancel"]);
    expect(JSON.stringify(card)).toContain("no verified domain");
  });
});
