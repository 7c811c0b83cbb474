import { describe, expect, it } from "vitest";
import { cannotBeInTeams, hostWait, OPENER_INIT_TIMEOUT_MS, TEAMS_INIT_TIMEOUT_MS } from "./teams-host";

/** A stand-in window: `framed` gives it a distinct parent. */
function fakeWindow(o: { framed?: boolean; opener?: boolean; native?: boolean; waitMs?: unknown } = {}): Window {
  const w: Record<string, unknown> = {};
  w.self = w;
  w.parent = o.framed ? {} : w;
  w.opener = o.opener ? {} : null;
  if (o.native) w.nativeInterface = {};
  if (o.waitMs !== undefined) w.__drTeamsInitWaitMs = o.waitMs;
  return w as unknown as Window;
}

describe("hostWait", () => {
  it("does not wait at all in a plain browser tab", () => {
    expect(cannotBeInTeams(fakeWindow())).toBe(true);
    expect(hostWait(fakeWindow())).toEqual({ kind: "none" });
  });

  it("waits 15 s for Teams in a frame or in Teams mobile's native host", () => {
    expect(TEAMS_INIT_TIMEOUT_MS).toBe(15_000);
    expect(hostWait(fakeWindow({ framed: true }))).toEqual({ kind: "teams", ms: TEAMS_INIT_TIMEOUT_MS });
    expect(hostWait(fakeWindow({ native: true }))).toEqual({ kind: "teams", ms: TEAMS_INIT_TIMEOUT_MS });
    expect(hostWait(fakeWindow({ framed: true, opener: true }))).toMatchObject({ kind: "teams" });
  });

  it("waits briefly, then runs standalone, when the page was only opened by another window", () => {
    expect(hostWait(fakeWindow({ opener: true }))).toEqual({ kind: "opener", ms: OPENER_INIT_TIMEOUT_MS });
  });

  it("takes the test-only __drTeamsInitWaitMs when it is a positive number", () => {
    expect(hostWait(fakeWindow({ framed: true, waitMs: 500 }))).toEqual({ kind: "teams", ms: 500 });
    expect(hostWait(fakeWindow({ framed: true, waitMs: 0 }))).toEqual({ kind: "teams", ms: TEAMS_INIT_TIMEOUT_MS });
    expect(hostWait(fakeWindow({ framed: true, waitMs: "1" }))).toEqual({ kind: "teams", ms: TEAMS_INIT_TIMEOUT_MS });
  });
});
