import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import { teamsCardProblems } from "./card-rules.js";
import { reminderCard } from "./reminder.card.js";
import { rotationCard } from "./rotation.card.js";

const service = {
  id: "s1",
  shortName: "acme_[x]",
  customerName: "Acme",
  status: "connected",
  secretHint: "New",
  secretExpiresAt: "2030-07-01T00:00:00.000Z",
  daysUntilExpire: 180,
  selfRotation: true,
};

describe("rotationCard", () => {
  it("tells a rotation: the new secret's hint and expiry, the old one removed, by the schedule", () => {
    const card = rotationCard({
      service,
      rotation: {
        outcome: "rotated",
        trigger: "scheduled",
        actor: "scheduler",
        oldSecretHint: "Old",
        oldKeyId: "k-old",
        newSecretHint: "New",
        newKeyId: "k-new",
        newSecretExpiresAt: "2030-07-01T00:00:00.000Z",
        oldSecretRemoved: true,
        warnings: [],
      },
    });
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain("was rotated");
    expect(json).toContain("acme\\\\_\\\\[x\\\\]");
    expect(json).toContain("2030-07-01");
    expect(json).toContain("removed");
    expect(json).toContain("the schedule");
    expect(card.actions?.map((a) => a.verb)).toEqual(["service.validate"]);
  });

  it("names a rotated or kept certificate by its thumbprint and key id, never as a secret", () => {
    const certificate = {
      ...service,
      secretHint: "",
      certificateThumbprint: "55526C45F7E4C7F60C3BC99C2736B12DCDA1F486",
    };
    const rotation = {
      trigger: "manual" as const,
      actor: "alice@provider.example",
      oldSecretHint: "",
      oldKeyId: "k-old",
      newSecretHint: "",
      newKeyId: "k-new",
      newSecretExpiresAt: "2030-07-01T00:00:00.000Z",
    };
    const rotated = rotationCard({
      service: certificate,
      rotation: { ...rotation, outcome: "rotated", oldSecretRemoved: true, warnings: [] },
    });
    expect(teamsCardProblems(rotated)).toEqual([]);
    expect(adaptiveCardsProblems(rotated)).toEqual([]);
    const json = JSON.stringify(rotated);
    expect(json).toContain("The certificate of acme");
    expect(json).toContain("thumbprint 55526C45F7E4C7F60C3BC99C2736B12DCDA1F486");
    expect(json).toContain("key ID k-old removed");
    expect(json).toContain("The new certificate was validated");
    expect(json).not.toMatch(/secret/i);
    const failed = JSON.stringify(
      rotationCard({ service: certificate, rotation: { ...rotation, outcome: "failed", code: "rotation_failed" } }),
    );
    expect(failed).toContain("Rotating the certificate of acme");
    expect(failed).toContain("thumbprint 55526C45F7E4C7F60C3BC99C2736B12DCDA1F486 kept, still works");
  });

  it("says when the old secret stayed on the app, with the remedy naming its Secret ID", () => {
    const card = rotationCard({
      service,
      rotation: {
        outcome: "rotated",
        trigger: "manual",
        actor: "alice@provider.example",
        oldSecretHint: "Old",
        newSecretHint: "New",
        oldSecretRemoved: false,
        warnings: [
          {
            code: "rotation_old_secret_kept",
            message: "The old secret (Secret ID k-old) could not be removed.",
            remedy: "Remove the old secret in the Entra admin center: Secret ID k-old.",
          },
        ],
      },
    });
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain("still on the app");
    expect(JSON.stringify(card)).toContain("Entra admin center");
  });

  it("tells a failure with its remedy and the old secret kept; offers to try again unless not permitted", () => {
    const failed = rotationCard({
      service: { ...service, secretHint: "Old", status: "expiring" },
      rotation: {
        outcome: "failed",
        trigger: "scheduled",
        actor: "scheduler",
        oldSecretHint: "Old",
        code: "rotation_failed",
        message: "Entra ID did not accept the new secret within 300 s.",
        remedy: "Try again later.",
      },
    });
    expect(teamsCardProblems(failed)).toEqual([]);
    expect(adaptiveCardsProblems(failed)).toEqual([]);
    expect(JSON.stringify(failed)).toContain("kept, still works");
    expect(failed.actions?.map((a) => a.verb)).toEqual([
      "service.validate",
      "service.rotateSecret",
      "service.replaceSecret.open",
    ]);
    const refused = rotationCard({
      service,
      rotation: {
        outcome: "failed",
        trigger: "manual",
        actor: "bob",
        oldSecretHint: "Old",
        code: "rotation_not_permitted",
      },
    });
    expect(refused.actions?.map((a) => a.verb)).toEqual(["service.validate", "service.replaceSecret.open"]);
  });
});

describe("reminderCard of a self-rotating secret", () => {
  it("offers Rotate secret now on an expiring reminder only", () => {
    const expiring = reminderCard({
      service: { ...service, daysUntilExpire: 29 },
      reason: { kind: "expiring", threshold: 30 },
    });
    expect(teamsCardProblems(expiring)).toEqual([]);
    expect(adaptiveCardsProblems(expiring)).toEqual([]);
    expect(expiring.actions?.map((a) => a.verb)).toEqual([
      "service.validate",
      "service.rotateSecret",
      "service.replaceSecret.open",
    ]);
    const rotate = expiring.actions?.find((a) => a.verb === "service.rotateSecret");
    expect(rotate).toMatchObject({ type: "Action.Execute", data: { serviceId: "s1", verb: "service.rotateSecret" } });
    expect(reminderCard({ service, reason: { kind: "expired" } }).actions?.map((a) => a.verb)).not.toContain(
      "service.rotateSecret",
    );
    const { selfRotation: _no, ...plain } = service;
    expect(
      reminderCard({ service: plain, reason: { kind: "expiring", threshold: 30 } }).actions?.map((a) => a.verb),
    ).not.toContain("service.rotateSecret");
  });
});
