/// <reference lib="dom" />
/**
 * The tab in and out of Teams, in Chromium against the real server:
 * - a framed page whose Teams never answers `app.initialize()` (the real teams-js, in an iframe of a page that never
 *   answers) waits, then says Teams did not answer and offers Reload, instead of running standalone without SSO;
 * - outside Teams, a server in AUTH_MODE=entra (where /api/settings answers 401 without a Teams token) gets a page
 *   that says to open the app in Teams, with the link, and no form;
 * - outside Teams, a sandbox server (dev sign-in) still gets the whole app, with the browser banner.
 * The wait for Teams is shortened with the test-only `window.__drTeamsInitWaitMs` (teams-host.ts), so the test does
 * not wait the real 15 s.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { en } from "../../tab/src/i18n/en.js";
import { launchBrowser, seriousAxeViolations } from "./browser.js";
import { type EntraSetup, startEntraSetup } from "./entra.js";
import { startTestApp, type TestApp } from "./helpers.js";

/** The test's wait for Teams instead of 15 s; above main.tsx's 1 s before the waiting spinner shows. */
const WAIT_MS = 1500;
const TEAMS_APP_ID = "2f1b8a4e-6c3d-4e5f-9a7b-0c1d2e3f4a5b";

let entra: EntraSetup;
let sandbox: TestApp;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [entra, sandbox, browser] = await Promise.all([
    startEntraSetup(),
    startTestApp({ M365_TIMEOUT_MS: "3000" }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await entra?.close();
  await sandbox?.close();
});

/** A page in a fresh context; `apiCalls` collects the /api/ requests of every frame. */
async function newPage(): Promise<{ page: Page; apiCalls: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  // teams-js fetches its list of valid origins from this CDN; this network has none (it falls back to its own list).
  await context.route("https://res.cdn.office.net/**", (route) => route.abort());
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const apiCalls: string[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith("/api/")) apiCalls.push(`${r.method()} ${url.pathname}`);
  });
  return { page, apiCalls };
}

/**
 * Serves, at the app's origin (the CSP lets 'self' frame the tab), a page that frames the tab as Teams would, but
 * never answers teams-js: the host Teams is when it is slow or stuck.
 */
async function frameInSilentHost(page: Page, origin: string): Promise<void> {
  await page.route(`${origin}/silent-host`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="en"><head><title>Silent host</title></head><body style="margin:0">
        <iframe title="Direct Routing onboarding" src="/?inTeams=true" style="border:0;width:100%;height:800px"></iframe>
      </body></html>`,
    }),
  );
  await page.addInitScript((ms: number) => {
    (window as unknown as { __drTeamsInitWaitMs: number }).__drTeamsInitWaitMs = ms;
  }, WAIT_MS);
  await page.goto(`${origin}/silent-host`);
}

describe("the tab in and out of Teams", () => {
  it("in a frame whose Teams never answers: waits, says so, offers Reload, and calls no API", async () => {
    const { page, apiCalls } = await newPage();
    const started = Date.now();
    await frameInSilentHost(page, entra.app.url);
    const tab = page.frameLocator("iframe");
    // While waiting: a spinner, not the app and not an error.
    await tab.getByText(en.host.waiting).waitFor();
    await tab.getByRole("heading", { name: en.host.unansweredTitle }).waitFor();
    expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_MS);
    await tab.getByText(en.host.unansweredBody).waitFor();
    expect(await tab.getByText(en.app.standaloneTitle).count()).toBe(0);
    expect(await tab.getByRole("heading", { name: en.services.title }).count()).toBe(0);
    expect(apiCalls).toEqual([]);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Reload loads the tab again, which waits for Teams again.
    const reloaded = page.waitForRequest((r) => new URL(r.url()).search === "?inTeams=true");
    await tab.getByRole("button", { name: en.host.reload }).click();
    await reloaded;
    await tab.getByRole("heading", { name: en.host.unansweredTitle }).waitFor();
    expect(apiCalls).toEqual([]);
  });

  it("in a plain browser on an entra server: says to open the app in Teams, links it, and offers no form", async () => {
    const { page, apiCalls } = await newPage();
    const started = Date.now();
    // The manifest's websiteUrl carries the Teams app id (appPackage/manifest.json, staticTabs).
    await page.goto(`${entra.app.url}/?teamsAppId=${TEAMS_APP_ID}`);
    await page.getByRole("heading", { name: en.host.openInTeamsTitle }).waitFor();
    // An unframed page does not wait for Teams.
    expect(Date.now() - started).toBeLessThan(10_000);
    await page.getByText(en.host.openInTeamsBody).waitFor();
    const link = page.getByRole("link", { name: en.host.openInTeamsLink });
    expect(await link.getAttribute("href")).toBe(`https://teams.microsoft.com/l/app/${TEAMS_APP_ID}`);
    expect(await page.locator("form, input, textarea, select, button").count()).toBe(0);
    expect(await page.getByText(en.app.standaloneTitle).count()).toBe(0);
    expect(await page.getByRole("heading", { name: en.services.title }).count()).toBe(0);
    // Only the one question that told it sign-in is through Teams.
    expect(apiCalls).toEqual(["GET /api/settings"]);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it("in a plain browser on an entra server without the app id: links Teams, on any page of the app", async () => {
    const { page, apiCalls } = await newPage();
    await page.goto(`${entra.app.url}/services/new?teamsAppId=not-a-guid`);
    await page.getByRole("heading", { name: en.host.openInTeamsTitle }).waitFor();
    const link = page.getByRole("link", { name: en.host.openTeamsLink });
    expect(await link.getAttribute("href")).toBe("https://teams.microsoft.com");
    await page.getByText(en.host.openInTeamsHelp).waitFor();
    expect(await page.locator("form, input, textarea, select, button").count()).toBe(0);
    expect(await page.getByRole("heading", { name: en.wizard.title }).count()).toBe(0);
    expect(apiCalls).toEqual(["GET /api/settings"]);
  });

  it("in a plain browser on a sandbox server: the whole app as before, with the browser banner", async () => {
    const { page } = await newPage();
    await page.goto(`${sandbox.url}/`);
    await page.getByRole("heading", { name: en.services.title, exact: true }).waitFor();
    await page.getByText(en.app.standaloneTitle).waitFor();
    await page.getByText(en.app.standaloneBody).waitFor();
    expect(await page.getByRole("heading", { name: en.host.openInTeamsTitle }).count()).toBe(0);
    await page.getByRole("button", { name: en.services.addService }).waitFor();
  });
});
