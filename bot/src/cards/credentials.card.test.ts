import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import { inputIds, teamsCardProblems } from "./card-rules.js";
import { credentialsCard } from "./credentials.card.js";

const CANARY = "CANARY8Q~s3cr3t-value-never-shown";
const dialog = { dialogId: "d1", step: "credentials", rev: 2 };

describe("credentialsCard", () => {
  it("follows the Teams card rules, with the secret as a password input", () => {
    const card = credentialsCard({ dialog, values: { tenantId: "contoso.onmicrosoft.com" } });
    expect(teamsCardProblems(card, [CANARY])).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(inputIds(card)).toEqual([
      "tenantId",
      "clientId",
      "clientSecret",
      "clientCertificatePem",
      "clientCertificatePassword",
      "cloud",
    ]);
    // A certificate may stand in for the secret: the bot, not the client, asks for one of the two.
    expect(card.body.find((e) => e.id === "clientSecret")).toMatchObject({ style: "password", isRequired: false });
    expect(card.body.find((e) => e.id === "clientSecret")).not.toHaveProperty("value");
  });

  it("takes a certificate as PEM in a multiline input with its key's password, and sends a .pfx to the tab", () => {
    const card = credentialsCard({ dialog, errors: { clientCertificatePem: "Certificate: the PEM text has no key." } });
    expect(teamsCardProblems(card, [CANARY])).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(card.body.find((e) => e.id === "clientCertificatePem")).toMatchObject({
      isMultiline: true,
      maxLength: 65536,
    });
    expect(card.body.find((e) => e.id === "clientCertificatePem")).not.toHaveProperty("value");
    expect(card.body.find((e) => e.id === "clientCertificatePassword")).toMatchObject({ style: "password" });
    expect(JSON.stringify(card)).toContain("for a .pfx file, use the tab");
    const index = card.body.findIndex((e) => e.id === "clientCertificatePem");
    expect(card.body[index + 1]).toMatchObject({ color: "Attention", text: "Certificate: the PEM text has no key." });
    // A certificate entered before is kept by name, never shown.
    expect(JSON.stringify(credentialsCard({ dialog, storedSecretHint: "" }))).toContain("certificate entered before");
  });
  it("never shows a stored secret, only its hint, and lets the field stay empty", () => {
    const card = credentialsCard({
      dialog,
      storedSecretHint: CANARY.slice(0, 3),
      errors: { tenantId: "Tenant ID: enter a GUID." },
    });
    expect(teamsCardProblems(card, [CANARY])).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(card.body.find((e) => e.id === "clientSecret")).toMatchObject({ isRequired: false });
    const index = card.body.findIndex((e) => e.id === "tenantId");
    expect(card.body[index + 1]).toMatchObject({ color: "Attention", text: "Tenant ID: enter a GUID." });
  });
});
