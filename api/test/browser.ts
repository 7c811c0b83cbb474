/**
 * Test support for the browser tests: Debian's Chromium driven by playwright-core (no browser download), with the
 * flags this closed network needs, and an axe-core check that fails on serious or critical violations.
 */
import { AxeBuilder } from "@axe-core/playwright";
import { type Browser, chromium, type Page } from "playwright-core";

/** Where Debian puts Chromium; CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Starts headless Chromium. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

/** Serious and critical axe violations of the page, as readable lines (empty when none). */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  // Fluent's focus manager (tabster) puts hidden focus sentinels inside TabList and other focus groups; they hand
  // focus on and are never focused by users. Fluent and tabster treat this as by design (fluentui#27517,
  // tabster#288), so they are left out of the scan; everything else is checked.
  const results = await new AxeBuilder({ page }).exclude("[data-tabster-dummy]").analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}
