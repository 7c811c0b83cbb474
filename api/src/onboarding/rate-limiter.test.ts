import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate-limiter.js";

describe("the validation rate limiter", () => {
  it("admits up to the limit per key within the window, then says when to retry", () => {
    let t = 0;
    const limiter = createRateLimiter({ limit: 2, windowMs: 10_000, now: () => t });
    expect(limiter.take(["a", "b"])).toEqual({ ok: true });
    t = 4_000;
    expect(limiter.take(["a"])).toEqual({ ok: true });
    expect(limiter.take(["a"])).toEqual({ ok: false, key: "a", retryAfterSeconds: 6 });
    // A refused request is not counted: "b" still has one try left.
    expect(limiter.take(["b"])).toEqual({ ok: true });
    t = 10_001;
    expect(limiter.take(["a"])).toEqual({ ok: true });
  });

  it("counts a recorded request like an admitted one", () => {
    const limiter = createRateLimiter({ limit: 2, now: () => 0 });
    limiter.record("tenant:x");
    expect(limiter.take(["tenant:x"])).toEqual({ ok: true });
    expect(limiter.take(["tenant:x"]).ok).toBe(false);
  });
});
