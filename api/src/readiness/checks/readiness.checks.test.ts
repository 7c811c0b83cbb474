/**
 * The readiness checks on answers no sandbox tenant gives (docs/validation.md, "Direct Routing readiness"): no Teams
 * Phone SKU at all, a user with no licence, no SBC FQDN, another refusal of the Teams token, a Graph outage.
 */
import { describe, expect, it } from "vitest";
import type { GraphAnswer } from "../../m365/graph/graph.client.js";
import type { TransportResponse } from "../../m365/http/transport.js";
import type { ReadinessToken } from "../readiness.token.js";
import { activationUserCheck } from "./activation-user.check.js";
import { phoneLicencesCheck } from "./phone-licences.check.js";
import type { ReadinessContext, ReadinessReads } from "./readiness.types.js";
import { sbcDomainCheck } from "./sbc-domain.check.js";
import { teamsAdminApiCheck } from "./teams-admin-api.check.js";

const response = (status: number, json: unknown): GraphAnswer => ({
  response: { status, json, headers: {}, attempts: 1 } as unknown as TransportResponse,
});
const token: ReadinessToken = { ok: true, accessToken: "t", claims: {} };

function context(reads: Partial<ReadinessReads>, extra: Partial<ReadinessContext> = {}) {
  const never = async (): Promise<GraphAnswer> => {
    throw new Error("not read");
  };
  return {
    graphToken: token,
    teamsToken: token,
    sbcFqdn: "x.sbc.example",
    reads: { domain: never, verificationRecords: never, skus: never, users: never, ...reads },
    facts: {},
    ...extra,
  };
}

describe("readiness checks", () => {
  it("no_phone_licence: no SKU has a plan starting MCOEV", async () => {
    const skus = async () =>
      response(200, {
        value: [
          {
            skuId: "a",
            skuPartNumber: "SPE_E3",
            consumedUnits: 1,
            prepaidUnits: { enabled: 5 },
            servicePlans: [{ servicePlanName: "TEAMS1" }],
          },
        ],
      });
    const outcome = await phoneLicencesCheck.run(context({ skus }));
    expect(outcome.result).toMatchObject({ status: "fail", code: "no_phone_licence" });
    expect(outcome.result.remedy).toContain("Teams Phone");
  });

  it("counts MCOEV_* plans, and passes when the activation user already holds the only unit", async () => {
    const skus = async () =>
      response(200, {
        value: [
          {
            skuId: "E5",
            skuPartNumber: "SPE_E5",
            consumedUnits: 1,
            prepaidUnits: { enabled: 1 },
            servicePlans: [{ servicePlanName: "MCOEV_VIRTUALUSER" }],
          },
        ],
      });
    const users = async () =>
      response(200, { value: [{ userPrincipalName: "a@x.sbc.example", assignedLicenses: [{ skuId: "e5" }] }] });
    expect((await phoneLicencesCheck.run(context({ skus, users }))).result.status).toBe("pass");
  });

  it("activation_user_unlicensed: users on the domain, none with a licence", async () => {
    const users = async () =>
      response(200, { value: [{ userPrincipalName: "a@x.sbc.example", assignedLicenses: [] }] });
    expect((await activationUserCheck.run(context({ users }))).result).toMatchObject({
      status: "fail",
      code: "activation_user_unlicensed",
    });
  });

  it("sbc_fqdn_missing without a label; graph_unavailable on a 503; permission_missing on a 403", async () => {
    const { sbcFqdn: _drop, ...noFqdn } = context({});
    expect((await sbcDomainCheck.run(noFqdn)).result).toMatchObject({ status: "fail", code: "sbc_fqdn_missing" });
    const down = async () => response(503, { error: { code: "serviceNotAvailable" } });
    expect((await sbcDomainCheck.run(context({ domain: down }))).result).toMatchObject({
      status: "unknown",
      code: "graph_unavailable",
    });
    const denied = async () => response(403, { error: { code: "Authorization_RequestDenied" } });
    const result = (await phoneLicencesCheck.run(context({ skus: denied }))).result;
    expect(result).toMatchObject({ status: "unknown", code: "permission_missing" });
    expect(result.message).toContain("LicenseAssignment.Read.All");
  });

  it("teams_token_rejected: the Teams token refused while the Graph token came", async () => {
    const teamsToken: ReadinessToken = { ok: false, error: "invalid_grant", aadsts: 53003, httpStatus: 400 };
    expect((await teamsAdminApiCheck.run(context({}, { teamsToken }))).result).toMatchObject({
      status: "fail",
      code: "teams_token_rejected",
    });
  });
});
