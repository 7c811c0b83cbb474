/**
 * The tab's initial JavaScript keeps within its budget (docs/architecture.md, "Tab bundle budget"): sizes of the
 * built files, not timings. `npm test` builds the tab before vitest runs.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";
import { buildBaseline, initialJsGzip, TAB_JS_BUDGET_RATIO, tabInitialJs } from "./tab-bundle.js";

describe("the tab's initial JavaScript", () => {
  let baselineDir = "";
  beforeAll(async () => {
    baselineDir = await buildBaseline();
  }, 120_000);
  afterAll(() => rmSync(baselineDir, { recursive: true, force: true }));

  it(`is at most ${TAB_JS_BUDGET_RATIO} times the React + Fluent baseline page`, () => {
    const tab = tabInitialJs();
    const base = initialJsGzip(baselineDir, "baseline.html");
    expect(base.bytes).toBeGreaterThan(10_000);
    expect(tab.bytes / base.bytes).toBeLessThanOrEqual(TAB_JS_BUDGET_RATIO);
  });

  it("carries neither zod nor the chart package (they load with the pages that use them)", () => {
    const initial = tabInitialJs()
      .files.map((file) => readFileSync(join(ROOT, "tab", "dist", file), "utf8"))
      .join("\n");
    // zod's error class names itself in its code; the chart package's components do the same.
    expect(initial).not.toMatch(/ZodError/);
    expect(initial).not.toMatch(/VerticalStackedBarChart|react-charts/);
    expect(initial.length).toBeGreaterThan(0);
  });
});
