import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import { inputIds, teamsCardProblems } from "./card-rules.js";
import { NEW_CUSTOMER, serviceDetailsCard } from "./service-details.card.js";

const dialog = { dialogId: "d1", step: "details", rev: 0 };

describe("serviceDetailsCard", () => {
  it("follows the Teams card rules and has the wizard's inputs", () => {
    const card = serviceDetailsCard({ dialog, customers: [{ id: "c1", name: "Contoso" }] });
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(inputIds(card)).toEqual(["customerId", "newCustomerName", "shortName", "licenseType", "licensedUsers"]);
    const users = card.body.find((e) => e.id === "licensedUsers");
    expect(users).toMatchObject({ type: "Input.Number", min: 1, max: 500 });
    expect(card.body.find((e) => e.id === "customerId")).toMatchObject({ value: "c1" });
    expect(card.actions?.[0]).toMatchObject({ verb: "onboard.details", data: { ...dialog, verb: "onboard.details" } });
  });
  it("puts the server's message right under the refused input", () => {
    const card = serviceDetailsCard({
      dialog,
      customers: [],
      values: { shortName: "a.b", licensedUsers: "900" },
      errors: { shortName: "Short name: remove the dot (.)." },
    });
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    const index = card.body.findIndex((e) => e.id === "shortName");
    expect(card.body[index]).toMatchObject({ value: "a.b" });
    expect(card.body[index + 1]).toMatchObject({
      type: "TextBlock",
      color: "Attention",
      // Escaped for Markdown (the message may quote input); Teams shows "Short name: remove the dot (.)."
      text: "Short name: remove the dot \\(.\\).",
    });
    expect(card.body.find((e) => e.id === "customerId")).toMatchObject({ value: NEW_CUSTOMER });
  });
});
