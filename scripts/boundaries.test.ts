/**
 * The import rules of .dependency-cruiser.cjs (docs/architecture.md, "Allowed imports") catch what they are meant
 * to catch: for each rule a probe file with one forbidden import is written where the rule applies, and the real
 * dependency-cruiser, run as `npm run deps` runs it, must fail and name that import. (`npm run lint` runs the same
 * rules over the whole tree, where they must hold.)
 */
import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "node_modules/.bin/depcruise");
const run = promisify(execFile);

/** Each rule, with a probe that breaks it: where the probe lives and what it imports. */
const PROBES: { rule: string; file: string; imports: string }[] = [
  { rule: "features-do-not-import-http", file: "api/src/onboarding", imports: "../http/problem.js" },
  { rule: "features-do-not-import-http", file: "api/src/m365", imports: "../http/sse.js" },
  { rule: "storage-imports-no-feature", file: "api/src/storage", imports: "../onboarding/status.js" },
  { rule: "contract-imports-nothing-of-ours", file: "api/contract/src", imports: "../../src/errors.js" },
  { rule: "only-api-bot-imports-the-bot", file: "api/src/onboarding", imports: "@dr/bot" },
  {
    rule: "only-the-composition-root-imports-the-emulator",
    file: "api/src/http",
    imports: "../m365/emulator/emulator.core.js",
  },
  { rule: "botbuilder-only-in-its-adapter", file: "bot/src/app", imports: "botbuilder" },
  { rule: "tab-and-bot-use-the-contract-only", file: "tab/src", imports: "../../api/src/errors.js" },
  { rule: "invite-page-stays-outside-teams", file: "tab/src/invite", imports: "@microsoft/teams-js" },
  { rule: "invite-page-stays-outside-teams", file: "tab/src/invite", imports: "../teams/teams-host.js" },
];

/** Where each probe is written (one per rule and folder, so one cruise checks them all). */
const probeFile = (folder: string, index: number) => `${folder}/zz-boundary-probe-${process.pid}-${index}.ts`;

const written: string[] = [];
const write = (relative: string, text: string) => {
  const absolute = join(ROOT, relative);
  written.push(absolute);
  writeFileSync(absolute, text);
};
afterAll(() => {
  for (const file of written.splice(0)) rmSync(file, { force: true });
});

/** Runs dependency-cruiser on some files with the project's rules; answers the exit code and the report. */
async function cruise(files: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(
      BIN,
      [...files, "--config", ".dependency-cruiser.cjs", "--output-type", "err", "--max-depth", "1"],
      { cwd: ROOT, timeout: 60_000 },
    );
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

describe("import rules", () => {
  let report: { code: number; out: string };
  beforeAll(async () => {
    PROBES.forEach((probe, i) => {
      write(probeFile(probe.file, i), `import "${probe.imports}";\n`);
    });
    report = await cruise(PROBES.map((probe, i) => probeFile(probe.file, i)));
  }, 90_000);

  PROBES.forEach((probe, i) => {
    it(`${probe.rule}: refuses ${probe.file} importing ${probe.imports}`, () => {
      expect(report.code, report.out).not.toBe(0);
      expect(report.out).toContain(`error ${probe.rule}: ${probeFile(probe.file, i)}`);
    });
  });

  it("passes a file whose imports keep the rules", async () => {
    const relative = probeFile("api/src/onboarding", 99);
    write(relative, 'import "../errors.js";\nimport "@dr/contract";\n');
    const result = await cruise([relative]);
    expect(result.code, result.out).toBe(0);
  });
});
