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

/**
 * What each page of the running test saw (console errors and warnings, page errors, failed requests, 4xx/5xx
 * answers), and a report of it when the test failed. Every browser suite uses one: `watch` each page (or
 * `context.on("page", watcher.watch)`), and call `report` from `afterEach`.
 */
export function createPageWatcher() {
  let logs = new Map<Page, string[]>();
  return {
    watch(page: Page): void {
      const log: string[] = [];
      logs.set(page, log);
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") log.push(`console.${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
      page.on("requestfailed", (r) =>
        log.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ""}`),
      );
      page.on("response", (r) => {
        if (r.status() >= 400) log.push(`answer ${r.status()}: ${r.request().method()} ${r.url()}`);
      });
    },
    /**
     * After each test: forgets the pages; when the test failed, prints what each open page showed and saw. Input
     * values (a secret field's among them) are not part of textContent; invitation tokens in addresses are redacted.
     */
    async report(failed: boolean): Promise<void> {
      const seen = logs;
      logs = new Map();
      if (!failed) return;
      for (const [page, log] of seen) {
        if (page.isClosed()) continue;
        const text = await page
          .locator("body")
          .textContent({ timeout: 2000 })
          .catch((e: unknown) => `(no text: ${String(e)})`);
        const report = `--- ${page.url()}\n${(text ?? "").slice(0, 3000)}\n${log.join("\n") || "(no errors logged)"}`;
        console.error(report.replace(/\/invite\/[A-Za-z0-9_-]+/g, "/invite/[redacted]"));
      }
    },
  };
}
