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
    expect(inputIds(card)).toEqual(["clientSecret"]);
    const index = card.body.findIndex((e) => e.id === "clientSecret");
    expect(card.body[index]).toMatchObject({ style: "password" });
    expect(card.body[index + 1]).toMatchObject({ color: "Attention" });
    expect(card.actions?.[0]).toMatchObject({ verb: "service.replaceSecret", data: { serviceId: "s1" } });
  });
});
