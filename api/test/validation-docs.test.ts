/**
 * docs/validation.md gives, for every code a validation or readiness check can end with, what Microsoft answers, the
 * Microsoft source and the tests that produce it (issue 14, Build point 5). This keeps the page from falling behind
 * the contract's codes and the tests: every exported code has a row under its check, no row names a code the
 * contract lacks, and every test a row names exists and shows the code.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import {
  CHECK_CODES,
  CHECK_STATUSES,
  NETWORK_CODES,
  READINESS_CHECK_CODES,
  READINESS_SHARED_CODES,
  SKIPPED_CODE,
} from "@dr/contract";
import { describe, expect, it } from "vitest";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { ROOT } from "./helpers.js";
import { EXPECTED } from "./scenarios.js";

const doc = readFileSync(join(ROOT, "docs/validation.md"), "utf8");

/** One row of a codes table: check cell, codes, status, source cell, and the tests named (file, part of a name). */
interface Row {
  line: string;
  checks: string;
  codes: string[];
  status: string;
  source: string;
  tests: { file: string; names: string[] }[];
}

function parseRow(line: string): Row {
  const cells = line
    .split("|")
    .slice(1, -1)
    .map((c) => c.trim());
  const [checks = "", code = "", status = "", , source = "", tests = ""] = cells;
  return {
    line,
    checks,
    codes: [...code.matchAll(/`([a-z0-9_]+)`/g)].map((m) => m[1] as string),
    status,
    source,
    tests: [...tests.matchAll(/`([\w.-]+\.test\.ts)`((?:\s*,?\s*"[^"]+")*)/g)].map((m) => ({
      file: m[1] as string,
      names: [...(m[2] ?? "").matchAll(/"([^"]+)"/g)].map((n) => n[1] as string),
    })),
  };
}

/** The table rows of the section `## <heading>` (header and separator lines left out). */
function rowsOf(heading: string): Row[] {
  const start = doc.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/validation.md has no section "${heading}"`);
  const next = doc.indexOf("\n## ", start + 1);
  return doc
    .slice(start, next < 0 ? undefined : next)
    .split("\n")
    .filter((l) => l.startsWith("|") && !/^\|\s*-/.test(l) && !/^\|\s*Check\s*\|/.test(l))
    .map(parseRow);
}

/** Every test file of the workspaces, by file name. */
function testFiles(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".test.ts")) found.set(entry.name, [...(found.get(entry.name) ?? []), path]);
    }
  };
  for (const workspace of ["api", "bot", "tab", "scripts"]) walk(join(ROOT, workspace));
  return found;
}

/** The names given to it(), test() and describe() in a test file (template names as written). */
function testNames(source: string): string[] {
  // it("…"), describe.each(x)("…"), and it.each([…table…])("…") whose table ends the line before the name.
  const name = /(?:\b(?:it|test|describe)(?:\.each\([^)]*\))?|\]\s*\))\(\s*(["'`])((?:\\.|(?!\1)[^\\])*)\1/g;
  return [...source.matchAll(name)].map((m) => m[2] as string);
}

const validation = rowsOf("Statuses and codes");
const readiness = rowsOf("Direct Routing readiness");
const files = testFiles();

describe("docs/validation.md", () => {
  it("has a row for every validation code the contract exports, under the check that gives it", () => {
    for (const [check, codes] of Object.entries(CHECK_CODES)) {
      for (const code of codes) {
        const row = validation.find((r) => r.codes.includes(code) && r.checks.includes(`\`${check}\``));
        expect(row, `no row for ${check} ${code} in "Statuses and codes"`).toBeDefined();
      }
    }
    for (const code of [...NETWORK_CODES, SKIPPED_CODE]) {
      expect(
        validation.some((r) => r.codes.includes(code)),
        `no row for ${code} in "Statuses and codes"`,
      ).toBe(true);
    }
  });

  it("has a row for every readiness code the contract exports, under the check that gives it", () => {
    for (const [check, codes] of Object.entries(READINESS_CHECK_CODES)) {
      for (const code of codes) {
        const row = readiness.find((r) => r.codes.includes(code) && r.checks.includes(`\`${check}\``));
        expect(row, `no row for ${check} ${code} in "Direct Routing readiness"`).toBeDefined();
      }
    }
    for (const code of [...READINESS_SHARED_CODES, ...NETWORK_CODES, SKIPPED_CODE]) {
      expect(
        readiness.some((r) => r.codes.includes(code)),
        `no row for ${code} in "Direct Routing readiness"`,
      ).toBe(true);
    }
  });

  it("lists only exported codes, each with a status a check can have and a Microsoft source or the product rule", () => {
    const validationCodes = new Set<string>([...Object.values(CHECK_CODES).flat(), ...NETWORK_CODES, SKIPPED_CODE]);
    const readinessCodes = new Set<string>([
      ...Object.values(READINESS_CHECK_CODES).flat(),
      ...READINESS_SHARED_CODES,
      ...NETWORK_CODES,
      SKIPPED_CODE,
    ]);
    for (const [rows, known] of [
      [validation, validationCodes],
      [readiness, readinessCodes],
    ] as const) {
      for (const row of rows) {
        expect(row.codes.length, row.line).toBeGreaterThan(0);
        for (const code of row.codes)
          expect(known.has(code), `${code} is not an exported code: ${row.line}`).toBe(true);
        expect(CHECK_STATUSES as readonly string[], row.line).toContain(row.status);
        expect(row.source, row.line).toMatch(/https:\/\/(learn\.microsoft\.com|github\.com)\/|product rule/);
      }
    }
  });

  it("names for every row tests that exist, one of them showing the code, and scenarios that show it", () => {
    for (const row of [...validation, ...readiness]) {
      expect(row.tests.length, `no test named: ${row.line}`).toBeGreaterThan(0);
      // A test may show only Microsoft's side (e.g. the emulator's answer); one of the row's tests shows the code.
      let shown = false;
      for (const { file, names } of row.tests) {
        const paths = files.get(file) ?? [];
        expect(
          paths.map((p) => relative(ROOT, p)),
          `${file} must name one test file: ${row.line}`,
        ).toHaveLength(1);
        const source = readFileSync(paths[0] as string, "utf8");
        const declared = testNames(source);
        expect(names.length, `no test name given for ${file}: ${row.line}`).toBeGreaterThan(0);
        for (const name of names) {
          const scenario = /^scenario ([\w-]+)$/.exec(name)?.[1];
          if (scenario === undefined) {
            expect(
              declared.some((d) => d.includes(name)),
              `${file} has no test named "${name}"`,
            ).toBe(true);
            shown ||= row.codes.some((code) => source.includes(code));
            continue;
          }
          // A sandbox scenario's test, made from a template: the scenario exists and its expectation shows the code.
          expect(SANDBOX[scenario], `no sandbox scenario ${scenario}`).toBeDefined();
          expect(
            declared.some((d) => d.startsWith("scenario ${")),
            `${file} runs no scenarios`,
          ).toBe(true);
          const shared = source.includes("EXPECTED") ? EXPECTED[scenario] : undefined;
          if (shared) {
            const outcomes = Object.values(shared.checks);
            expect(
              row.codes.some((code) => outcomes.some((o) => o.endsWith(`:${code}`))),
              `scenario ${scenario} (api/test/scenarios.ts) does not expect ${row.codes.join("/")}`,
            ).toBe(true);
            shown = true;
          } else {
            // Its entry in the file's table of expectations: on one line, or up to the entry's closing line.
            const expectation = new RegExp(
              `"${scenario}": \\{[^\\n]*\\},?\\n|"${scenario}": \\{\\n[\\s\\S]*?\\n  \\},?\\n`,
            );
            const block = expectation.exec(source)?.[0] ?? "";
            expect(
              row.codes.some((code) => block.includes(code)),
              `${file}'s expectation for scenario ${scenario} does not show ${row.codes.join("/")}`,
            ).toBe(true);
            shown = true;
          }
        }
      }
      expect(shown, `no test named shows ${row.codes.join("/")}: ${row.line}`).toBe(true);
    }
  });
});

describe("the page's tables as parsed", () => {
  it("reads a row's codes, status and the tests named, with several names per file", () => {
    const row = parseRow(
      '| `graph` | `graph_denied` | fail | 403 | https://learn.microsoft.com/x | `a.test.ts` "one", "two"; `b.test.ts` "three" |',
    );
    expect(row).toMatchObject({ checks: "`graph`", codes: ["graph_denied"], status: "fail" });
    expect(row.tests).toEqual([
      { file: "a.test.ts", names: ["one", "two"] },
      { file: "b.test.ts", names: ["three"] },
    ]);
  });

  it("finds test names in both quote styles and in templates", () => {
    const names = testNames(
      `it("a 'quoted' name", () => {});\ndescribe('other', () => {});\nit(\`scenario \${x}\`, async () => {});`,
    );
    expect(names).toEqual(["a 'quoted' name", "other", `scenario \${x}`]);
    expect(testNames('it.each([\n  ["a", 1],\n])("refuses %s across clouds", () => {});')).toEqual([
      "refuses %s across clouds",
    ]);
  });
});
