import type { Check, ValidationReport } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { throttledFor } from "./reminder.scheduler.js";

const check = (status: Check["status"], code?: string, detail?: Record<string, unknown>): Check =>
  ({
    id: "token",
    status,
    message: "m",
    durationMs: 0,
    ...(code ? { code } : {}),
    ...(detail ? { detail } : {}),
  }) as Check;

const report = (...checks: Check[]): ValidationReport => ({
  ok: false,
  cloud: "global",
  startedAt: "2025-01-01T00:00:00.000Z",
  durationMs: 1,
  checks,
});

describe("throttledFor (the Retry-After the fleet runner waits for)", () => {
  it("answers the longest Retry-After among the unanswered checks", () => {
    expect(
      throttledFor(
        report(
          check("unknown", "throttled", { httpStatus: 429, retryAfterSeconds: 2 }),
          check("unknown", "graph_unavailable", { httpStatus: 503, retryAfterSeconds: 7 }),
          check("skipped"),
        ),
      ),
    ).toBe(7);
  });

  it("answers nothing when no unanswered check asked to wait, or for a verdict", () => {
    expect(throttledFor(report(check("unknown", "throttled", { httpStatus: 429 })))).toBeUndefined();
    expect(throttledFor(report(check("unknown", "network", { cause: "reset" })))).toBeUndefined();
    expect(throttledFor(report(check("fail", "invalid_secret", { retryAfterSeconds: 3 })))).toBeUndefined();
    expect(throttledFor(report(check("unknown", "throttled", { retryAfterSeconds: "soon" })))).toBeUndefined();
    expect(throttledFor(report(check("unknown", "throttled", { retryAfterSeconds: -1 })))).toBeUndefined();
  });
});
