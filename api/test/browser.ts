/**
 * Test support for the browser tests: Debian's Chromium driven by playwright-core (no browser download), with the
 * flags this closed network needs, and an axe-core check that fails on serious or critical violations.
 */
import { AxeBuilder } from "@axe-core/playwright";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { en } from "../../tab/src/i18n/en.js";
import { startTestApp, type TestApp } from "./helpers.js";

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

/** Fails the test on serious or critical axe violations of the page, naming `where`. */
export async function expectNoSeriousAxe(page: Page, where: string): Promise<void> {
  expect(await seriousAxeViolations(page), where).toEqual([]);
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

/**
 * Opens the onboarding wizard, creates the customer `customer` inline, fills the service step (`shortName`, Hosted
 * Pro, 10 users) and ticks "Use known App registration": the page is then on the credentials step.
 */
export async function wizardToKnownApp(page: Page, baseUrl: string, customer: string, shortName: string) {
  await page.goto(`${baseUrl}/services/new`);
  await page.getByRole("heading", { name: en.wizard.title, exact: true }).waitFor();
  const newButton = page.getByRole("button", { name: en.wizard.customerNew });
  const nameField = page.getByLabel(en.wizard.customerName);
  await newButton.or(nameField).first().waitFor();
  if (await newButton.isVisible()) await newButton.click();
  await nameField.fill(customer);
  await page.getByRole("button", { name: en.wizard.next }).click();
  await page.getByLabel(en.wizard.shortName).fill(shortName);
  await page.getByText(en.wizard.nameAvailable, { exact: true }).waitFor();
  await page.getByRole("radio", { name: en.wizard.licensePro }).check();
  await page.getByLabel(en.wizard.licensedUsers).fill("10");
  await page.getByRole("button", { name: en.wizard.next }).click();
  await page.getByRole("checkbox", { name: en.wizard.useKnownApp }).check();
}

/**
 * A browser suite's life: the real server (startTestApp with `env`) and Chromium started before the tests, each page
 * watched and reported when its test failed, everything closed after. `newPage` opens a page in a fresh context
 * (1280 × 900 unless `width` says otherwise, light unless `dark`, 15 s default timeout).
 */
export function browserSuite(env: Record<string, string>) {
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const watcher = createPageWatcher();
  beforeAll(async () => {
    app = await startTestApp(env);
    browser = await launchBrowser();
  });
  afterEach(async ({ task }) => {
    await watcher.report(task.result?.state === "fail");
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await app?.close();
  });
  return {
    app(): TestApp {
      if (!app) throw new Error("the suite's app is not started");
      return app;
    },
    async newPage(options: { width?: number; dark?: boolean } = {}): Promise<Page> {
      if (!browser) throw new Error("the suite's browser is not started");
      const context = await browser.newContext({
        viewport: { width: options.width ?? 1280, height: 900 },
        colorScheme: options.dark ? "dark" : "light",
      });
      contexts.push(context);
      context.on("page", watcher.watch);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return page;
    },
  };
}
