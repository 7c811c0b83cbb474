import { describe, expect, it } from "vitest";
import { givenUp, RETRY_POLICY, retryDelayMs, TIMED_OUT, withTimeout } from "./delivery.policy.js";

describe("reminder retry policy", () => {
  it("backs off exponentially with full jitter: 5 s, 10 s, 20 s ... capped at 15 min", () => {
    const ceilings = Array.from({ length: 12 }, (_, i) => retryDelayMs(i + 1, undefined, () => 0.999_999));
    expect(ceilings.map((ms) => Math.round(ms / 1000))).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 900, 900, 900, 900]);
    // Full jitter: anywhere from the floor (1 s) up to the ceiling.
    expect(retryDelayMs(6, undefined, () => 0)).toBe(RETRY_POLICY.floorMs);
    expect(retryDelayMs(6, undefined, () => 0.5)).toBe(80_000);
  });

  it("waits at least the connector's Retry-After", () => {
    expect(retryDelayMs(1, 30_000, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(9, 30_000, () => 0.5)).toBe(450_000);
  });

  it("gives up after 12 attempts or 24 hours", () => {
    const created = "2026-01-01T00:00:00.000Z";
    expect(givenUp(11, created, new Date("2026-01-01T23:59:59.999Z"))).toBe(false);
    expect(givenUp(12, created, new Date("2026-01-01T01:00:00.000Z"))).toBe(true);
    expect(givenUp(2, created, new Date("2026-01-02T00:00:00.000Z"))).toBe(true);
  });

  it("turns a call that hangs into a retryable timeout, and one that throws into a network failure", async () => {
    const network = { ...TIMED_OUT, code: "network" };
    expect(await withTimeout(() => new Promise<never>(() => undefined), 20, TIMED_OUT, network)).toEqual(TIMED_OUT);
    expect(await withTimeout(() => Promise.reject(new Error("reset")), 1_000, TIMED_OUT, network)).toEqual(network);
    expect(TIMED_OUT).toMatchObject({ retryable: true, gone: false });
    expect(await withTimeout(async () => "ok", 1_000, "late", "threw")).toBe("ok");
  });
});
