import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import { inputIds, teamsCardProblems } from "./card-rules.js";
import { credentialsCard, KNOWN_APP } from "./credentials.card.js";

type Node = Record<string, unknown>;
const dialog = { dialogId: "d", step: "credentials", rev: 2 };
const byId = (card: { body: Node[] }, id: string) => card.body.find((b) => b.id === id);

describe("credentialsCard with pending invitations", () => {
  it("offers the customer's completed invitations first; the fields are then optional client-side", () => {
    const card = credentialsCard({
      dialog,
      invitations: [{ id: "inv-1", title: "Contoso (t1) · admin@contoso.example" }],
      invitationId: "inv-1",
    });
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(inputIds(card)[0]).toBe("invitationId");
    const choice = byId(card, "invitationId");
    expect(choice).toMatchObject({ type: "Input.ChoiceSet", label: "Pending invitation", value: "inv-1" });
    expect(((choice?.choices ?? []) as Node[]).map((c) => c.value)).toEqual([KNOWN_APP, "inv-1"]);
    for (const id of ["tenantId", "clientId", "clientSecret"]) expect(byId(card, id)?.isRequired).toBe(false);
  });
  it("without invitations it is the card it was: no choice, every field required", () => {
    const card = credentialsCard({ dialog, invitationId: "gone" });
    expect(inputIds(card)).not.toContain("invitationId");
    for (const id of ["tenantId", "clientId"]) expect(byId(card, id)?.isRequired).toBe(true);
    // The secret or a certificate in its place: the bot asks for one of the two.
    expect(byId(card, "clientSecret")?.isRequired).toBe(false);
  });
  it("a preselected invitation that is not offered selects the fields", () => {
    const card = credentialsCard({ dialog, invitations: [{ id: "a", title: "A" }], invitationId: "other" });
    expect(byId(card, "invitationId")?.value).toBe(KNOWN_APP);
  });
});
