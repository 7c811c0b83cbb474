import type { Invitation } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import { markdownProblems, teamsCardProblems } from "./card-rules.js";
import { FROM_INVITATION_VERB, invitationCompletedCard, invitationDroppedCard } from "./invitation-completed.card.js";
import { invitationLinkCard, LINK_BLOCK_ID } from "./invitation-link.card.js";

const HOSTILE = "[Click](https://evil.example) **x**";
const invitation: Invitation = {
  id: "inv-1",
  customerId: "c1",
  customerName: HOSTILE,
  email: "admin@contoso.example",
  cloud: "global",
  status: "completed",
  createdAt: "2030-01-01T00:00:00.000Z",
  createdBy: "op@provider.example",
  expiresAt: "2030-01-08T00:00:00.000Z",
  emailSent: true,
  completedAt: "2030-01-02T10:30:00.000Z",
  tenant: { id: "11111111-1111-4111-8111-111111111111", displayName: "Contoso Ltd" },
};
const CANARY = "canary~Secret~0123456789abcdefghij";

type Node = Record<string, unknown>;
const actions = (card: { actions?: unknown[] }) => (card.actions ?? []) as Node[];

describe("invitationCompletedCard", () => {
  it("names the customer and the validated tenant, and starts the dialog with the invitation", () => {
    const card = invitationCompletedCard({ invitation });
    expect(teamsCardProblems(card, [CANARY])).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(markdownProblems(card, [HOSTILE])).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain("Contoso Ltd \\\\(11111111-1111-4111-8111-111111111111\\\\)");
    expect(actions(card)).toHaveLength(1);
    expect(actions(card)[0]).toMatchObject({
      type: "Action.Execute",
      title: "Continue onboarding",
      verb: FROM_INVITATION_VERB,
      data: { invitationId: "inv-1" },
    });
  });
  it("opens the tab's wizard when its deep link is known, and offers the chat too", () => {
    const tabUrl = "https://teams.microsoft.com/l/entity/app/services?context=x";
    const card = invitationCompletedCard({ invitation, tabUrl });
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(actions(card)[0]).toEqual({ type: "Action.OpenUrl", title: "Continue onboarding", url: tabUrl });
    expect(actions(card)[1]).toMatchObject({ verb: FROM_INVITATION_VERB, data: { invitationId: "inv-1" } });
  });
  it("says when an invitation was dropped", () => {
    const card = invitationDroppedCard({ invitation: { ...invitation, status: "expired" }, reason: "it expired" });
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(markdownProblems(card, [HOSTILE])).toEqual([]);
    expect(JSON.stringify(card)).toContain("it expired");
  });
});

describe("invitationLinkCard", () => {
  const url = "https://onboarding.provider.example/invite/Ab_cD-ef_123";
  const linkOf = (card: { body: Node[] }) => card.body.find((b) => b.id === LINK_BLOCK_ID);
  it("shows the link once in a monospace block (escaped, so Teams shows it as it is) and that it was mailed", () => {
    const card = invitationLinkCard({ ...invitation, url });
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    const block = linkOf(card);
    expect(block).toMatchObject({ type: "TextBlock", fontType: "Monospace" });
    expect(String(block?.text).replace(/\\(.)/g, "$1")).toBe(url);
    expect(JSON.stringify(card)).toContain("Mailed to admin@contoso.example");
    // No button opens the link: opening it would count as the admin's visit.
    expect(card.actions ?? []).toEqual([]);
  });
  it("says why the mail was not sent, and what to do without an address", () => {
    const failed = invitationLinkCard({ ...invitation, url, emailSent: false, emailError: "SMTP refused" });
    expect(JSON.stringify(failed)).toMatch(/Not mailed to admin@contoso\.example: SMTP refused/);
    const { email: _e, ...noAddress } = invitation;
    const copy = invitationLinkCard({ ...noAddress, emailSent: false, url });
    expect(JSON.stringify(copy)).toContain("send the link to the customer's admin yourself");
    expect(teamsCardProblems(copy)).toEqual([]);
  });
});
