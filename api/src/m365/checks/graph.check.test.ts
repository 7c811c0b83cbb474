/** The `graph` check against the emulator's GET /organization: the company, a refusal, an outage. */
import { beforeAll, describe, expect, it } from "vitest";
import { type CheckHarness, checkHarness, sandbox } from "./check.fixtures.js";
import { graphCheck } from "./graph.check.js";

describe("graph check", () => {
  let h: CheckHarness;
  beforeAll(async () => {
    h = await checkHarness();
  });

  it("reads the organization and its verified domains with the run's correlation id", async () => {
    const seen: Record<string, string>[] = [];
    const watched = await checkHarness({
      wrap: (inner) => (request, signal) => {
        if (request.url.includes("/v1.0/")) seen.push(request.headers);
        return inner(request, signal);
      },
    });
    const c = sandbox("valid");
    const context = watched.context(c, await watched.factsUpToToken(c));
    const outcome = await graphCheck.run(context);
    expect(outcome.result.status).toBe("pass");
    expect(outcome.facts?.organization?.id).toBe(c.tenantId);
    expect(outcome.facts?.organization?.initialDomain).toBe(c.tenantDomain);
    expect(outcome.facts?.organization?.domains).toContain("contoso-sandbox.example");
    expect(outcome.result.detail?.requestId).toBeTruthy();
    expect(watched.requests.at(-1)).toBe("GET /v1.0/organization");
    expect(seen[0]?.["client-request-id"]).toBe(context.correlationId);
  });

  it("fails on Graph's 403 Authorization_RequestDenied", async () => {
    const c = sandbox("graph-denied");
    const outcome = await graphCheck.run(h.context(c, await h.factsUpToToken(c)));
    expect(`${outcome.result.status}:${outcome.result.code}`).toBe("fail:graph_denied");
    expect(outcome.result.detail).toMatchObject({ httpStatus: 403, graphCode: "Authorization_RequestDenied" });
    expect(outcome.facts).toBeUndefined();
  });

  it("fails as missing consent on Graph's 403 AccessDenied (a token with neither roles nor scp)", async () => {
    const c = sandbox("missing-consent");
    const outcome = await graphCheck.run(h.context(c, await h.factsUpToToken(c)));
    expect(`${outcome.result.status}:${outcome.result.code}`).toBe("fail:graph_denied");
    expect(outcome.result.detail).toMatchObject({ httpStatus: 403, graphCode: "AccessDenied", consent: "none" });
    expect(outcome.result.message).toContain("admin consent has not been granted");
    expect(outcome.result.remedy).toContain("adminconsent");
    expect(outcome.result.remedy).toContain(c.clientId);
  });

  it("is unknown on a Graph outage and on a proxy's HTML page", async () => {
    const down = sandbox("graph-unavailable");
    const outage = await graphCheck.run(h.context(down, await h.factsUpToToken(down)));
    expect(`${outage.result.status}:${outage.result.code}`).toBe("unknown:graph_unavailable");
    const html = sandbox("graph-html-502");
    const page = await graphCheck.run(h.context(html, await h.factsUpToToken(html)));
    expect(`${page.result.status}:${page.result.code}`).toBe("unknown:graph_unavailable");
    expect(page.result.detail).toMatchObject({ httpStatus: 502, response: "not_json" });
  });
});
