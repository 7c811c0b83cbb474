import { describe, expect, it } from "vitest";
import { browserUrl, hostGateOf, openInTeamsUrl, TEAMS_WEB_URL, teamsAppIdFrom } from "./host-gate.rules";

const ID = "2f1b8a4e-6c3d-4e5f-9a7b-0c1d2e3f4a5b";

describe("teamsAppIdFrom", () => {
  it("reads a GUID from ?teamsAppId=, in lower case", () => {
    expect(teamsAppIdFrom(`?teamsAppId=${ID}`)).toBe(ID);
    expect(teamsAppIdFrom(`?theme=dark&teamsAppId=${ID.toUpperCase()}`)).toBe(ID);
  });

  it("ignores a missing, empty or non-GUID value (nothing foreign reaches the link)", () => {
    expect(teamsAppIdFrom("")).toBeUndefined();
    expect(teamsAppIdFrom("?teamsAppId=")).toBeUndefined();
    expect(teamsAppIdFrom(`?teamsAppId=${"$"}{{TEAMS_APP_ID}}`)).toBeUndefined();
    expect(teamsAppIdFrom("?teamsAppId=https://evil.example/")).toBeUndefined();
    expect(teamsAppIdFrom(`?teamsAppId=${ID}x`)).toBeUndefined();
  });
});

describe("openInTeamsUrl", () => {
  it("links the app when its id is known, else Teams on the web", () => {
    expect(openInTeamsUrl(ID)).toBe(`https://teams.microsoft.com/l/app/${ID}`);
    expect(openInTeamsUrl(undefined)).toBe(TEAMS_WEB_URL);
  });
});

describe("hostGateOf", () => {
  it("says Teams did not answer a framed page, whatever the settings said", () => {
    expect(hostGateOf({ inTeams: false, teamsUnanswered: true }, false)).toBe("teams-unanswered");
    expect(hostGateOf({ inTeams: false, teamsUnanswered: true }, true)).toBe("teams-unanswered");
  });

  it("sends a browser to Teams only when the server asked for a sign-in", () => {
    expect(hostGateOf({ inTeams: false }, true)).toBe("open-in-teams");
    expect(hostGateOf({ inTeams: false }, false)).toBeUndefined();
  });

  it("never gates the app inside Teams", () => {
    expect(hostGateOf({ inTeams: true }, true)).toBeUndefined();
    expect(hostGateOf({ inTeams: true }, false)).toBeUndefined();
  });
});

describe("browserUrl", () => {
  it("is the tab with the app id when it is a GUID, else the bare tab", () => {
    expect(browserUrl("https://dr.example", ID)).toBe(`https://dr.example/?teamsAppId=${ID}`);
    expect(browserUrl("https://dr.example", undefined)).toBe("https://dr.example/");
    expect(browserUrl("https://dr.example", "x&theme=dark")).toBe("https://dr.example/");
  });
});
