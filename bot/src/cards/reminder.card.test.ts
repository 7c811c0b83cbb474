import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import { teamsCardProblems } from "./card-rules.js";
import { reminderCard, reminderResolved } from "./reminder.card.js";

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
  it("names a certificate by its thumbprint, never as a client secret", () => {
    const thumbprint = "55526C45F7E4C7F60C3BC99C2736B12DCDA1F486";
    const certificate = { ...service, secretHint: "", certificateThumbprint: thumbprint };
    const card = reminderCard({ service: certificate, reason: { kind: "expiring", threshold: 7 } });
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain("The certificate of acme expires in 7 day(s)");
    expect(json).toContain(`thumbprint ${thumbprint}`);
    expect(json).not.toContain("Client secret");
    expect(json).toContain("Certificate expiring");
    expect(json).not.toContain("Secret expiring");
    expect(JSON.stringify(reminderCard({ service: certificate, reason: { kind: "expired" } }))).toContain(
      "The certificate of acme has expired",
    );
  });
  it("offers Rotate secret now for a certificate the app may roll itself, in a certificate's words", () => {
    const thumbprint = "55526C45F7E4C7F60C3BC99C2736B12DCDA1F486";
    const certificate = { ...service, secretHint: "", certificateThumbprint: thumbprint, selfRotation: true };
    const card = reminderCard({ service: certificate, reason: { kind: "expiring", threshold: 7 } });
    expect(teamsCardProblems(card)).toEqual([]);
    expect(card.actions?.map((a) => a.verb)).toEqual([
      "service.validate",
      "service.rotateSecret",
      "service.replaceSecret.open",
    ]);
    const json = JSON.stringify(card);
    expect(json).toContain("The app may rotate its own certificate");
    expect(json).toContain("ask the customer's admin for a new certificate");
    expect(json).not.toContain("client secret");
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

  it("is drawn as resolved once the secret was replaced and validates, keeping its refresh", () => {
    const reminded = { hint: "abc", expiresAt: "2030-01-08T00:00:00.000Z" };
    const reason = { kind: "expiring", threshold: 7 } as const;
    const replaced = {
      ...service,
      status: "connected",
      secretHint: "xyz",
      secretExpiresAt: "2031-01-01T00:00:00.000Z",
      daysUntilExpire: 300,
    };
    expect(reminderResolved(reason, reminded, service)).toBe(false);
    expect(reminderResolved(reason, reminded, replaced)).toBe(true);
    expect(reminderResolved(reason, reminded, { ...replaced, status: "auth_failed" })).toBe(false);
    expect(reminderResolved({ kind: "failed" }, reminded, { ...service, status: "auth_failed" })).toBe(false);
    expect(reminderResolved({ kind: "failed" }, reminded, { ...service, status: "connected" })).toBe(true);
    const card = reminderCard({ service: replaced, reason, reminded, resolved: true, operatorUserId: "29:op" });
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain("Resolved: the client secret of acme was replaced");
    expect(card.actions?.map((a) => a.verb)).toEqual(["service.validate"]);
    expect(card.refresh?.action.data).toMatchObject({ remindedHint: "abc", remindedExpiresAt: reminded.expiresAt });
  });
});
