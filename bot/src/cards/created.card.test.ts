import type { Service } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { adaptiveCardsProblems } from "./adaptive-parse.test-helper.js";
import { teamsCardProblems } from "./card-rules.js";
import { createdCard } from "./created.card.js";

/** A service as the API answers it, with a secret. */
const service: Service = {
  id: "s1",
  type: "direct-routing",
  customerId: "c",
  customerName: "Contoso",
  shortName: "contoso1",
  licenseType: "hosted-essentials-plus",
  licensedUsers: 5,
  status: "connected",
  createdAt: "2025-01-01T00:00:00.000Z",
  createdBy: "a",
  m365: {
    cloud: "global",
    tenantId: "t",
    clientId: "c",
    credentialType: "secret",
    secretHint: "gQQ",
    userName: "a",
    daysUntilExpire: 300,
  },
  directRouting: { m365Domain: "contoso.onmicrosoft.com", sbcFqdn: "contoso1.sbc.example" },
};

describe("createdCard", () => {
  it("confirms the service and offers Validate now", () => {
    const card = createdCard(service);
    expect(teamsCardProblems(card)).toEqual([]);
    expect(adaptiveCardsProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain("gQQ••••••••");
    expect(card.actions?.[0]).toMatchObject({ verb: "service.validate", data: { serviceId: "s1" } });
  });

  it("names a certificate by its thumbprint", () => {
    const thumbprint = "55526C45F7E4C7F60C3BC99C2736B12DCDA1F486";
    const card = createdCard({
      ...service,
      m365: { ...service.m365, credentialType: "certificate", secretHint: "", certificateThumbprint: thumbprint },
    });
    expect(teamsCardProblems(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain(`thumbprint ${thumbprint}`);
    expect(json).toContain("Certificate expires in");
    expect(json).not.toContain("Client secret");
  });
});
