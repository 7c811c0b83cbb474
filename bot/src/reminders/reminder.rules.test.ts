import type { ValidationReport } from "@dr/contract";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { currentSlot, expiryThreshold, failedForExpiry, outcomeOf } from "./reminder.rules.js";

const report = (ok: boolean, statuses: string[], code?: string): ValidationReport => ({
  ok,
  cloud: "global",
  startedAt: "2025-01-01T00:00:00.000Z",
  durationMs: 1,
  checks: statuses.map((status) => ({
    id: "token",
    status: status as "pass",
    message: "m",
    durationMs: 0,
    ...(code ? { code: code as "secret_expired" } : {}),
  })),
});

describe("reminder rules", () => {
  it("puts days into the 30/14/7/1/expired buckets", () => {
    expect([31, 30, 15, 14, 8, 7, 2, 1, 0, -5].map(expiryThreshold)).toEqual([
      undefined,
      "30",
      "30",
      "14",
      "14",
      "7",
      "7",
      "1",
      "expired",
      "expired",
    ]);
  });
  it("tells failed from unknown (throttled, unreachable)", () => {
    expect(outcomeOf(report(true, ["pass", "warn"]))).toBe("ok");
    expect(outcomeOf(report(false, ["pass", "fail", "skipped"]))).toBe("failed");
    expect(outcomeOf(report(false, ["pass", "unknown", "skipped"]))).toBe("unknown");
    expect(failedForExpiry(report(false, ["fail"], "secret_expired"))).toBe(true);
  });
  it("gives every service one slot per interval, at most one interval old", () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fc.integer({ min: 1, max: 10 ** 9 }),
        (id, t, interval) => {
          const slot = currentSlot(id, new Date(t), interval);
          expect(slot).toBeLessThanOrEqual(t);
          expect(t - slot).toBeLessThan(interval);
          expect(currentSlot(id, new Date(slot + interval), interval)).toBe(slot + interval);
        },
      ),
    );
  });
});
