/** The README is for a new user: its commands and sandbox credentials must stay true to the code. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CHECK_CODES, CHECK_IDS, NETWORK_CODES } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { ROOT } from "./helpers.js";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const validationDoc = readFileSync(join(ROOT, "docs/validation.md"), "utf8");
const ciRun = readFileSync(join(ROOT, ".ci/run"), "utf8");

describe("README", () => {
  it("gives the two commands, and .ci/run runs the test one", () => {
    expect(readme).toContain("npm ci && npm start");
    expect(readme).toContain("npm ci && npm test");
    expect(ciRun).toMatch(/^npm ci && npm test$/m);
  });

  it("lists every sandbox tenant with the credentials the emulator accepts", () => {
    for (const [scenario, c] of Object.entries(SANDBOX)) {
      const row = readme.split("\n").find((line) => new RegExp(`^\\|\\s*\`${scenario}\`\\s*\\|`).test(line));
      expect(row, scenario).toBeDefined();
      expect(row).toContain(c.tenantId);
      expect(row).toContain(c.tenantDomain);
      expect(row).toContain(c.clientId);
      expect(row).toContain(c.clientSecret);
    }
  });

  it("docs/validation.md explains every check and code", () => {
    for (const id of CHECK_IDS) expect(validationDoc).toContain(`\`${id}\``);
    for (const code of [...Object.values(CHECK_CODES).flat(), ...NETWORK_CODES]) {
      expect(validationDoc, code).toContain(`\`${code}\``);
    }
  });
});
