import { describe, expect, it } from "vitest";
import { createBackground } from "./background.js";

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("background work", () => {
  it("answers the work's value when it ends within the budget", async () => {
    const background = createBackground();
    expect(await background.within(after(5, "done"), 500)).toEqual({ done: true, value: "done" });
  });

  it("stops waiting at the budget and leaves the work running", async () => {
    const background = createBackground();
    const started = Date.now();
    const outcome = await background.within(after(300, "late"), 20);
    expect(Date.now() - started).toBeLessThan(250);
    expect(outcome.done).toBe(false);
    if (!outcome.done) expect(await outcome.later).toBe("late");
  });

  it("drains tracked work and logs a failure instead of throwing", async () => {
    const logged: string[] = [];
    const background = createBackground({ error: (_o, m) => logged.push(m ?? "") });
    let finished = false;
    background.track(
      after(30, 1).then(() => {
        finished = true;
      }),
      "update",
    );
    background.track(Promise.reject(new Error("boom")), "late result");
    await background.drain();
    expect(finished).toBe(true);
    expect(logged).toEqual(["late result failed"]);
  });
});
