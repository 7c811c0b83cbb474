/**
 * The check runner over hand-written checks: skips from `after` with the root cause, checks that wait on nothing
 * in common running side by side, `alongside` dropping a result without waiting for it, reporting in list order,
 * redaction, and a list that cannot run refused at once.
 */
import { describe, expect, it } from "vitest";
import { type CheckDefinition, type CheckResult, createCheckRunner } from "./check-runner.js";

type Id = "a" | "b" | "c" | "d";
interface Facts {
  fromA: string;
  fromB: string;
}
interface Context {
  log: string[];
}
type TestCheck = CheckDefinition<Id, string, Context, Facts>;

const pass: CheckResult = { status: "pass", message: "fine" };
const fail: CheckResult = { status: "fail", code: "bad", message: "not fine" };
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A check that logs its start and end, waits `ms` and ends with `result`. */
function check(
  id: Id,
  after: Id[],
  result: CheckResult,
  opts: { ms?: number; alongside?: Id[]; facts?: Partial<Facts> } = {},
): TestCheck {
  return {
    id,
    after,
    ...(opts.alongside ? { alongside: opts.alongside } : {}),
    skipCause: `${id} did not pass`,
    async run({ log }) {
      log.push(`start ${id}`);
      await tick(opts.ms ?? 0);
      log.push(`end ${id}`);
      return { result, ...(opts.facts ? { facts: opts.facts } : {}) };
    },
  };
}

async function run(checks: TestCheck[], secrets: string[] = []) {
  const log: string[] = [];
  const emitted: string[] = [];
  const out = await createCheckRunner(checks, "prerequisite_failed").run(
    { log },
    { secrets, onCheck: (c) => emitted.push(`${c.id}:${c.status}`) },
  );
  return { ...out, log, emitted };
}

describe("check runner", () => {
  it("runs every check in list order when all pass, and merges their facts", async () => {
    const { checks, facts, emitted } = await run([
      check("a", [], pass, { facts: { fromA: "1" } }),
      check("b", ["a"], pass, { facts: { fromB: "2" } }),
    ]);
    expect(checks.map((c) => `${c.id}:${c.status}`)).toEqual(["a:pass", "b:pass"]);
    expect(emitted).toEqual(["a:pass", "b:pass"]);
    expect(facts).toEqual({ fromA: "1", fromB: "2" });
  });

  it("skips what comes after a failure with the root cause, also through a skipped check", async () => {
    const { checks, log } = await run([
      check("a", [], fail),
      check("b", ["a"], pass),
      check("c", ["b"], pass),
      check("d", [], pass),
    ]);
    expect(checks.map((c) => `${c.id}:${c.status}:${c.code ?? ""}`)).toEqual([
      "a:fail:bad",
      "b:skipped:prerequisite_failed",
      "c:skipped:prerequisite_failed",
      "d:pass:",
    ]);
    expect(checks[1]?.message).toBe("Not run: a did not pass.");
    expect(checks[2]?.message).toBe("Not run: a did not pass.");
    expect(checks[1]?.durationMs).toBe(0);
    expect(log).not.toContain("start b");
  });

  it("names the first prerequisite in `after` order that did not pass", async () => {
    const { checks } = await run([check("a", [], pass), check("b", ["a"], fail), check("c", ["a", "b"], pass)]);
    expect(checks[2]?.message).toBe("Not run: b did not pass.");
  });

  it("counts warn as passed and unknown as not", async () => {
    const { checks } = await run([
      check("a", [], { status: "warn", message: "odd" }),
      check("b", ["a"], { status: "unknown", message: "no answer" }),
      check("c", ["b"], pass),
    ]);
    expect(checks.map((c) => c.status)).toEqual(["warn", "unknown", "skipped"]);
  });

  it("runs checks that wait on nothing in common side by side", async () => {
    const { log } = await run([
      check("a", [], pass),
      check("b", ["a"], pass, { ms: 30 }),
      check("c", ["a"], pass, { ms: 30 }),
    ]);
    expect(log.slice(2, 4).sort()).toEqual(["start b", "start c"]);
  });

  it("starts an `alongside` check beside its prerequisite and keeps its result when that passes", async () => {
    const { checks, log, facts } = await run([
      check("a", [], pass, { ms: 30 }),
      check("b", ["a"], pass, { alongside: ["a"], facts: { fromB: "kept" } }),
    ]);
    expect(log.slice(0, 2).sort()).toEqual(["start a", "start b"]);
    expect(checks[1]?.status).toBe("pass");
    expect(facts.fromB).toBe("kept");
  });

  it("drops an `alongside` check when its prerequisite fails, without waiting for it or keeping its facts", async () => {
    const started = performance.now();
    const { checks, facts } = await run([
      check("a", [], fail, { ms: 10 }),
      check("b", ["a"], pass, { ms: 400, alongside: ["a"], facts: { fromB: "dropped" } }),
    ]);
    expect(performance.now() - started).toBeLessThan(300);
    expect(checks[1]?.status).toBe("skipped");
    expect(checks[1]?.message).toBe("Not run: a did not pass.");
    expect(facts.fromB).toBeUndefined();
  });

  it("keeps a definite failure of an `alongside` check when its prerequisite is only unknown", async () => {
    const unknown: CheckResult = { status: "unknown", code: "unreachable", message: "could not ask" };
    const { checks, facts } = await run([
      check("a", [], unknown, { ms: 10 }),
      check("b", ["a"], { status: "fail", code: "wrong_secret", message: "refused" }, { ms: 40, alongside: ["a"] }),
      check("c", ["b"], pass),
    ]);
    expect(checks.map((c) => `${c.id}:${c.status}:${c.code ?? ""}`)).toEqual([
      "a:unknown:unreachable",
      "b:fail:wrong_secret",
      "c:skipped:prerequisite_failed",
    ]);
    expect(checks[2]?.message).toBe("Not run: b did not pass.");
    expect(facts.fromB).toBeUndefined();
    // Anything short of a failure says nothing definite without the prerequisite: dropped as before.
    for (const result of [pass, unknown]) {
      const dropped = await run([
        check("a", [], unknown),
        check("b", ["a"], result, { ms: 20, alongside: ["a"], facts: { fromB: "dropped" } }),
      ]);
      expect(dropped.checks[1]?.status).toBe("skipped");
      expect(dropped.checks[1]?.message).toBe("Not run: a did not pass.");
      expect(dropped.facts.fromB).toBeUndefined();
    }
  });

  it("reports in list order even when a later check finishes first", async () => {
    const { emitted, log } = await run([check("a", [], pass, { ms: 40 }), check("b", [], pass)]);
    expect(log.indexOf("end b")).toBeLessThan(log.indexOf("end a"));
    expect(emitted).toEqual(["a:pass", "b:pass"]);
  });

  it("reports a check that throws as unknown, without the error's text", async () => {
    const throwing: TestCheck = {
      id: "a",
      after: [],
      skipCause: "a did not pass",
      run() {
        throw new Error("boom s3cr3t-value");
      },
    };
    const { checks } = await run([throwing, check("b", ["a"], pass)]);
    expect(checks[0]?.status).toBe("unknown");
    expect(JSON.stringify(checks)).not.toContain("boom");
    expect(checks[1]?.status).toBe("skipped");
  });

  it("removes the secrets from every result it hands on", async () => {
    const { checks } = await run(
      [check("a", [], { status: "fail", message: "got s3cr3t-value back", detail: { echo: "x s3cr3t-value" } })],
      ["s3cr3t-value"],
    );
    expect(JSON.stringify(checks)).not.toContain("s3cr3t-value");
    expect(checks[0]?.message).toBe("got [redacted] back");
  });

  it("refuses a list that cannot run", () => {
    expect(() => createCheckRunner([check("a", ["b"], pass), check("b", [], pass)], "skipped")).toThrow(
      /not listed before it/,
    );
    expect(() => createCheckRunner([check("a", [], pass), check("a", [], pass)], "skipped")).toThrow(/twice/);
    expect(() =>
      createCheckRunner([check("a", [], pass), check("b", [], pass, { alongside: ["a"] })], "skipped"),
    ).toThrow(/alongside/);
  });
});
