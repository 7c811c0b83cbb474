import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import { inputIds, teamsCardProblems } from "./card-rules.js";
import { replaceSecretCard } from "./replace-secret.card.js";

const CANARY = "CANARY8Q~s3cr3t-value-never-shown";

describe("replaceSecretCard", () => {
  it("asks for the new secret in a password input and never shows the current one", () => {
    const card = replaceSecretCard({
      serviceId: "s1",
      shortName: "acme",
      currentHint: CANARY.slice(0, 3),
      errors: { clientSecret: "Client secret: this is the Secret ID." },
    });
    expect(teamsCardProblems(card, [CANARY])).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(inputIds(card)).toEqual(["clientSecret", "clientCertificatePem", "clientCertificatePassword"]);
    const index = card.body.findIndex((e) => e.id === "clientSecret");
    expect(card.body[index]).toMatchObject({ style: "password" });
    expect(card.body[index + 1]).toMatchObject({ color: "Attention" });
    expect(card.actions?.[0]).toMatchObject({ verb: "service.replaceSecret", data: { serviceId: "s1" } });
  });

  it("offers a certificate as PEM in place of the secret, and names a certificate in use by its thumbprint", () => {
    const card = replaceSecretCard({
      serviceId: "s1",
      shortName: "acme",
      currentHint: "",
      currentThumbprint: "55526C45F7E4C7F60C3BC99C2736B12DCDA1F486",
      errors: { clientCertificatePem: "Certificate: the PEM text has no private key." },
    });
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain("thumbprint 55526C45F7E4C7F60C3BC99C2736B12DCDA1F486");
    expect(card.body.find((e) => e.id === "clientSecret")).toMatchObject({ isRequired: false });
    expect(card.body.find((e) => e.id === "clientCertificatePem")).toMatchObject({ isMultiline: true });
    const index = card.body.findIndex((e) => e.id === "clientCertificatePem");
    expect(card.body[index + 1]).toMatchObject({ color: "Attention" });
  });
});
