import { describe, expect, it } from "vitest";
import { invitationIdOfSubPage, invitationSubPageId, teamsTabDeepLink } from "./deep-links.js";

const ID = "0b7d6e3c-4d7e-4f8a-9d1c-2a3b4c5d6e7f";

describe("the wizard's invitation deep link", () => {
  it("round-trips an invitation id through the sub-page id", () => {
    expect(invitationIdOfSubPage(invitationSubPageId(ID))).toBe(ID);
    expect(invitationIdOfSubPage(invitationSubPageId(ID.toUpperCase()))).toBe(ID);
  });

  it("ignores any other sub-page id", () => {
    for (const other of [undefined, "", "services", "invitation:", "invitation:not-a-uuid", `x-invitation:${ID}`]) {
      expect(invitationIdOfSubPage(other), String(other)).toBeUndefined();
    }
  });

  it("builds Teams' entity deep link with the sub-page in its context", () => {
    const link = new URL(teamsTabDeepLink("11111111-2222-4333-8444-555555555555", "services", invitationSubPageId(ID)));
    expect(link.origin).toBe("https://teams.microsoft.com");
    expect(link.pathname).toBe("/l/entity/11111111-2222-4333-8444-555555555555/services");
    expect(JSON.parse(link.searchParams.get("context") ?? "{}")).toEqual({ subEntityId: `invitation:${ID}` });
  });
});
