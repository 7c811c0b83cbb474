import { describe, expect, it } from "vitest";
import {
  createSendPacer,
  IN_FLIGHT_MAX_MS,
  type PaceKeys,
  type PacerClock,
  type PaceWindow,
  type SendPacer,
  TENANT_WINDOWS,
  THREAD_WINDOWS,
} from "./send-pacer.js";

/** A fake clock: `sleep` advances it (after letting other callers run), so waits cost no real time. */
function fakeClock(start = 1_000_000): PacerClock & { t: number; slept: number[] } {
  const clock = {
    t: start,
    slept: [] as number[],
    now: () => clock.t,
    async sleep(ms: number) {
      clock.slept.push(ms);
      await Promise.resolve();
      clock.t += ms;
    },
  };
  return clock;
}

/** The largest number of `times` inside any window of `windowMs` (a time t counts in [t, t + windowMs)). */
function busiest(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] as number) - (sorted[first] as number) >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/**
 * A send that answers at once: acquired, then finished; answers the time it "arrived" (between the two, the same
 * synchronous step here), or false when refused.
 */
async function send(pacer: SendPacer, keys: PaceKeys, maxWaitMs?: number, clock?: PacerClock): Promise<number | false> {
  const slot = await pacer.acquire(keys, maxWaitMs);
  if (!slot) return false;
  const arrived = clock?.now() ?? 0;
  slot.done();
  return arrived;
}

const holds = (times: readonly number[], windows: readonly PaceWindow[]) => {
  for (const w of windows)
    expect(busiest(times, w.windowMs), `${w.limit}/${w.windowMs} ms`).toBeLessThanOrEqual(w.limit);
};

describe("send pacer (docs/teams.md section 9)", () => {
  it("defaults to Teams' per-thread limits and 40 of the 50 per tenant", () => {
    expect(THREAD_WINDOWS).toEqual([
      { limit: 7, windowMs: 1_000 },
      { limit: 8, windowMs: 2_000 },
      { limit: 60, windowMs: 30_000 },
      { limit: 1_800, windowMs: 3_600_000 },
    ]);
    expect(TENANT_WINDOWS).toEqual([{ limit: 40, windowMs: 1_000 }]);
  });

  it("lets 7 go at once into one thread, then waits for the 1 s and 2 s windows", async () => {
    const clock = fakeClock();
    const pacer = createSendPacer({ clock, marginMs: 0 });
    const keys = { thread: "19:channel", tenant: "t" };
    const at: number[] = [];
    for (let i = 0; i < 10; i++) {
      await send(pacer, keys);
      at.push(clock.t - 1_000_000);
    }
    // 7 at 0; the 8th when the first leaves the 1 s window; then 8 per 2 s holds the 9th and 10th until 2 s.
    expect(at).toEqual([0, 0, 0, 0, 0, 0, 0, 1_000, 2_000, 2_000]);
    expect(pacer.waitFor({ thread: "19:other", tenant: "t" })).toBe(0);
  });

  it("keeps every window of a thread and the tenant over many concurrent sends", async () => {
    const clock = fakeClock();
    const pacer = createSendPacer({ clock });
    const byThread = new Map<string, number[]>();
    const all: number[] = [];
    await Promise.all(
      Array.from({ length: 150 }, async (_, i) => {
        const thread = `19:thread-${i % 3}`;
        const arrived = (await send(pacer, { thread, tenant: "t" }, undefined, clock)) as number;
        byThread.set(thread, [...(byThread.get(thread) ?? []), arrived]);
        all.push(arrived);
      }),
    );
    for (const times of byThread.values()) {
      expect(times).toHaveLength(50);
      holds(times, THREAD_WINDOWS);
    }
    holds(all, TENANT_WINDOWS);
  });

  it("holds the tenant limit across threads", async () => {
    const clock = fakeClock();
    const pacer = createSendPacer({ clock, tenant: [{ limit: 3, windowMs: 1_000 }], marginMs: 0 });
    const at: number[] = [];
    for (let i = 0; i < 5; i++) {
      await send(pacer, { thread: `19:t${i}`, tenant: "t" });
      at.push(clock.t - 1_000_000);
    }
    expect(at).toEqual([0, 0, 0, 1_000, 1_000]);
    // Another tenant is not held back.
    expect(pacer.waitFor({ thread: "19:x", tenant: "other" })).toBe(0);
  });

  it("waits the margin past a window's end", async () => {
    const clock = fakeClock();
    const pacer = createSendPacer({ clock, thread: [{ limit: 1, windowMs: 1_000 }], marginMs: 100 });
    const keys = { thread: "19:a", tenant: "t" };
    await send(pacer, keys);
    expect(pacer.waitFor(keys)).toBe(1_100);
  });

  it("refuses without counting when the wait would exceed the caller's maximum", async () => {
    const clock = fakeClock();
    const pacer = createSendPacer({ clock, thread: [{ limit: 1, windowMs: 30_000 }], marginMs: 0 });
    const keys = { thread: "19:a", tenant: "t" };
    expect(await send(pacer, keys, 1_000)).not.toBe(false);
    expect(await send(pacer, keys, 1_000)).toBe(false);
    expect(clock.slept).toEqual([]);
    clock.t += 30_000;
    expect(await send(pacer, keys, 1_000)).not.toBe(false);
  });

  it("forgets sends older than the longest window", async () => {
    const clock = fakeClock();
    const pacer = createSendPacer({ clock, marginMs: 0 });
    const keys = { thread: "19:a", tenant: "t" };
    for (let i = 0; i < 60; i++) await send(pacer, keys);
    expect(pacer.waitFor(keys)).toBeGreaterThan(0);
    clock.t += 3_600_000;
    expect(pacer.waitFor(keys)).toBe(0);
  });

  it("counts a send from when its answer came, and holds its place while it is in flight", async () => {
    const clock = fakeClock();
    const pacer = createSendPacer({ clock, thread: [{ limit: 1, windowMs: 1_000 }], marginMs: 0 });
    const keys = { thread: "19:a", tenant: "t" };
    const slot = await pacer.acquire(keys);
    if (!slot) throw new Error("no slot");
    // In flight for 400 ms (it may reach Teams only now): the next waits a whole window from now.
    clock.t += 400;
    expect(pacer.waitFor(keys)).toBe(1_000);
    slot.done();
    expect(pacer.waitFor(keys)).toBe(1_000);
    clock.t += 600;
    expect(pacer.waitFor(keys)).toBe(400);
    // A slot never finished holds its place only for IN_FLIGHT_MAX_MS, then counts from its start.
    const lost = await pacer.acquire({ thread: "19:b", tenant: "t" });
    expect(lost).not.toBe(false);
    clock.t += IN_FLIGHT_MAX_MS;
    expect(pacer.waitFor({ thread: "19:b", tenant: "t" })).toBe(0);
  });
});
