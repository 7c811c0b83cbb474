/// <reference lib="dom" />
/**
 * The fleet page in a real browser (issue 15, Done when): the real server in sandbox mode with three services from
 * the sandbox scenarios (`valid`: connected; `expiring`: expires in 5 days; `self-rotation` with its app then
 * disabled in the emulator: authentication failed). The page shows the counts, each a link to the filtered list,
 * the expiry chart (an SVG with the bars) in light and dark with the theme's colours, its table alternative, and
 * the services needing attention, the worst first; it is axe-clean in both themes. The chart's chunk is loaded by
 * the fleet page and not by the services page. "Validate all" runs to the end over the event stream, progress
 * reaching 3 of 3 with the disabled app failed; a run already going is followed by a page opened during it (without
 * Validate all), attached to by Validate all, and cancelled. With Teams SSO
 * roles, a Reader sees the fleet without "Validate all", and a run going on as progress only (no Cancel). With UPDATE_SCREENSHOTS=1 the light page goes to
 * docs/images/fleet.png (the README's).
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { en } from "../../tab/src/i18n/en.js";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { openDatabase } from "../src/storage/database.js";
import { createFleetRunsRepository } from "../src/storage/fleet-runs.repository.js";
import { browserSuite, expectNoSeriousAxe, launchBrowser } from "./browser.js";
import { type EntraSetup, startEntraSetup } from "./entra.js";
import { apiCaller, onboardThroughApi, ROOT } from "./helpers.js";

const SHOTS = process.env.UPDATE_SCREENSHOTS ? join(ROOT, "docs", "images") : undefined;

// No scheduled passes or rotations: the counts stay as seeded until "Validate all".
const suite = browserSuite({ VALIDATION_RATE_LIMIT: "1000", REVALIDATION_INTERVAL_MS: "0", ROTATE_BEFORE_DAYS: "0" });

const SCENARIOS = [
  { scenario: "valid", shortName: "fleet-ok", customer: "Fleet Contoso" },
  { scenario: "expiring", shortName: "fleet-soon", customer: "Fleet Fabrikam" },
  { scenario: "self-rotation", shortName: "fleet-broken", customer: "Fleet Northwind" },
] as const;

beforeAll(async () => {
  const url = suite.app().url;
  const call = apiCaller(() => url);
  const ids: Record<string, string> = {};
  for (const s of SCENARIOS) {
    const c = SANDBOX[s.scenario];
    if (!c) throw new Error(`no sandbox scenario ${s.scenario}`);
    const created = await onboardThroughApi(url, {
      customerName: s.customer,
      shortName: s.shortName,
      credentials: { tenantId: c.tenantId, clientId: c.clientId, clientSecret: c.clientSecret },
    });
    ids[s.shortName] = created.id;
  }
  // The Northwind app is disabled in its tenant: validated again, the service has failed authentication.
  const broken = SANDBOX["self-rotation"];
  const tenant = suite.app().sandbox?.emulator.tenants.find((t) => t.id === broken?.tenantId);
  const app = tenant?.apps.find((a) => a.appId === broken?.clientId);
  if (!app) throw new Error("no self-rotation app in the emulator");
  app.enabled = false;
  const validated = await call("POST", `/api/services/${ids["fleet-broken"]}/m365/validate`);
  expect(validated.status, validated.text).toBe(200);
  // The fleet's answer lists services, never a credential.
  const fleet = await call("GET", "/api/fleet");
  expect(fleet.status).toBe(200);
  for (const s of SCENARIOS) expect(fleet.text).not.toContain(SANDBOX[s.scenario]?.clientSecret);
});

/** The chart's bars: the SVG rects with a fill, inside the chart. */
const bars = (page: Page) => page.locator('[data-chart="expiries"] svg rect[fill]');

async function openFleet(page: Page, query = ""): Promise<void> {
  await page.goto(`${suite.app().url}/fleet${query}`);
  await page.getByRole("heading", { name: en.fleet.title, exact: true, level: 1 }).waitFor();
  await bars(page).first().waitFor();
}

/** The fill of the expiring part of the first week's bar. */
async function expiringFill(page: Page): Promise<string | null> {
  const week = page.locator('[data-chart="expiries"] svg rect[fill][height]:not([height="0"])');
  await week.first().waitFor();
  const fills = await week.evaluateAll((rects) => rects.map((r) => r.getAttribute("fill")));
  return fills.find((f) => f !== null && f !== "transparent") ?? null;
}

describe("the fleet page", () => {
  it("loads the chart's code on the fleet page only, not on the services page", async () => {
    const page = await suite.newPage();
    const scripts: string[] = [];
    page.on("request", (r) => {
      if (r.resourceType() === "script") scripts.push(new URL(r.url()).pathname);
    });
    await page.goto(`${suite.app().url}/`);
    await page.getByRole("link", { name: "fleet-ok" }).waitFor();
    await page.waitForLoadState("networkidle");
    expect(scripts.some((s) => s.includes("/assets/services.page-"))).toBe(true);
    expect(scripts.filter((s) => s.includes("expiry-chart"))).toEqual([]);
    expect(scripts.filter((s) => s.includes("fleet.page"))).toEqual([]);

    await page.getByRole("link", { name: en.fleet.link }).click();
    await page.getByRole("heading", { name: en.fleet.title, exact: true, level: 1 }).waitFor();
    await bars(page).first().waitFor();
    expect(scripts.filter((s) => s.includes("expiry-chart"))).toHaveLength(1);
  });

  it("shows the counts as filter links, the chart and the services needing attention, axe-clean (light)", async () => {
    const page = await suite.newPage();
    await openFleet(page);
    const counts = page.getByRole("list", { name: en.fleet.countsLabel });
    const count = async (status: string) =>
      (await counts.locator(`[data-count="${status}"] a`).textContent())?.replace(/\D*$/, "");
    expect(await count("connected")).toMatch(/^1/);
    expect(await count("expiring")).toMatch(/^1/);
    expect(await count("auth_failed")).toMatch(/^1/);
    expect(await count("not_validated")).toMatch(/^0/);
    // Each count is a link to the services list filtered by that status.
    const failedLink = page.getByRole("link", { name: en.fleet.countLink(1, en.status.auth_failed) });
    expect(await failedLink.getAttribute("href")).toBe("/?status=auth_failed");

    // The chart: an SVG with the bars, its title, and the weeks' labels.
    expect(await bars(page).count()).toBeGreaterThan(0);
    expect(await page.locator('[data-chart="expiries"]').textContent()).toContain(en.status.expiring(undefined));

    // Needing attention: the failed service first, then the expiring one; the connected one is not listed.
    const attention = page.getByRole("list", { name: en.fleet.attentionLabel });
    const names = await attention
      .locator("li")
      .evaluateAll((items) => items.map((i) => i.getAttribute("data-service")));
    expect(names).toEqual(["fleet-broken", "fleet-soon"]);
    expect(await attention.locator('[data-status="auth_failed"]').count()).toBe(1);

    await expectNoSeriousAxe(page, "fleet page, light");
    if (SHOTS) await page.screenshot({ path: join(SHOTS, "fleet.png"), fullPage: true });

    // The filter link leads to the filtered services list.
    await failedLink.click();
    await page.getByRole("heading", { name: en.services.title, exact: true }).waitFor();
    await page.getByRole("link", { name: "fleet-broken" }).waitFor();
    expect(await page.getByRole("link", { name: "fleet-ok" }).count()).toBe(0);
  });

  it("offers the same numbers as a table", async () => {
    const page = await suite.newPage();
    await openFleet(page);
    const toggle = page.getByRole("button", { name: en.fleet.showTable });
    expect(await toggle.getAttribute("aria-pressed")).toBe("false");
    await toggle.click();
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    const table = page.getByRole("table", { name: en.fleet.tableCaption });
    await table.waitFor();
    const rows = await table
      .locator("tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
    expect(rows).toHaveLength(13);
    const headers = await table.locator("th").allTextContents();
    const column = (label: string) => headers.indexOf(label);
    // The expiring secret (5 days) is in the first or second week; the failed one (20 days) in the third or fourth.
    const sum = (label: string) => rows.reduce((n, r) => n + Number(r[column(label)]), 0);
    expect(sum(en.status.expiring(undefined))).toBe(1);
    expect(sum(en.status.auth_failed)).toBe(1);
    expect(sum(en.status.connected)).toBe(0);
    expect(sum(en.fleet.tableTotal)).toBe(2);
    expect(rows.slice(0, 2).some((r) => r[column(en.status.expiring(undefined))] === "1")).toBe(true);
    await expectNoSeriousAxe(page, "fleet page, table");
  });

  it("shows the table with a warning when the chart's code cannot load", async () => {
    const page = await suite.newPage();
    await page.route(/expiry-chart-[^/]*\.js$/, (route) => route.abort());
    await page.goto(`${suite.app().url}/fleet`);
    await page.getByText(en.fleet.chartLoadError).waitFor();
    const table = page.getByRole("table", { name: en.fleet.tableCaption });
    expect(await table.locator("tbody tr").count()).toBe(13);
    expect(await page.getByRole("list", { name: en.fleet.attentionLabel }).locator("li").count()).toBe(2);
  });

  it("follows the dark and contrast themes: the bars take the theme's colours, axe-clean", async () => {
    const light = await suite.newPage();
    await openFleet(light, "?theme=default");
    const dark = await suite.newPage({ dark: true });
    await openFleet(dark, "?theme=dark");
    const lightFill = await expiringFill(light);
    const darkFill = await expiringFill(dark);
    expect(lightFill).toBeTruthy();
    expect(darkFill).toBeTruthy();
    expect(darkFill).not.toBe(lightFill);
    await expectNoSeriousAxe(dark, "fleet page, dark");
    // Teams' high-contrast theme: the chart still draws its bars, and axe is clean.
    const contrast = await suite.newPage({ dark: true });
    await openFleet(contrast, "?theme=contrast");
    expect(await expiringFill(contrast)).toBeTruthy();
    await expectNoSeriousAxe(contrast, "fleet page, contrast");
  });

  it("follows a run already going (another operator's) on opening, attaches on Validate all, and cancels it", async () => {
    // Microsoft answers slowly (6 s a validation): the run is still going while the page attaches and cancels.
    const tenants = suite.app().sandbox?.emulator.tenants ?? [];
    const slowed = tenants.filter((t) => SCENARIOS.some((s) => SANDBOX[s.scenario]?.tenantId === t.id));
    const slow = { kind: "latency", ms: 2000 } as const;
    for (const t of slowed) t.faults = { ...t.faults, openid: slow, token: slow, organization: slow };
    try {
      const page = await suite.newPage();
      await openFleet(page);
      const started = await apiCaller(() => suite.app().url, { operator: "bob@provider.example" })(
        "POST",
        "/api/fleet/revalidation",
      );
      expect(started.status, started.text).toBe(202);
      const { runId } = started.json as { runId: string };
      // A page opened now follows the run at once (GET /api/fleet's `run`), without Validate all.
      const fresh = await suite.newPage();
      const stream = fresh.waitForRequest((r) => r.url().endsWith(`/api/fleet/revalidation/${runId}`));
      await openFleet(fresh);
      await stream;
      const freshNumbers = fresh.locator("[data-run]");
      await expect.poll(() => freshNumbers.getAttribute("data-run")).toBe("running");
      expect(await fresh.locator("[data-progress]").getAttribute("data-progress")).toMatch(/^[0-3]\/3$/);
      expect(await fresh.getByRole("button", { name: en.fleet.validateAll }).isDisabled()).toBe(true);
      expect(await fresh.getByRole("button", { name: en.fleet.cancel }).count()).toBe(1);
      // The page opened before the run attaches on Validate all: the POST answers the running run's id.
      const answer = page.waitForResponse((r) => r.url().endsWith("/api/fleet/revalidation"));
      await page.getByRole("button", { name: en.fleet.validateAll }).click();
      expect(((await (await answer).json()) as { runId: string }).runId).toBe(runId);
      const numbers = page.locator("[data-run]");
      await expect.poll(() => numbers.getAttribute("data-run")).toBe("running");
      await fresh.getByRole("button", { name: en.fleet.cancel }).click();
      await expect.poll(() => freshNumbers.getAttribute("data-run"), { timeout: 30_000 }).toBe("cancelled");
      await expect.poll(() => numbers.getAttribute("data-run"), { timeout: 30_000 }).toBe("cancelled");
      expect(await numbers.textContent()).toContain(en.fleet.runStatus.cancelled);
      expect(await page.getByRole("button", { name: en.fleet.cancel }).count()).toBe(0);
      expect(await fresh.getByRole("button", { name: en.fleet.cancel }).count()).toBe(0);
    } finally {
      for (const t of slowed) {
        const { openid: _o, token: _t, organization: _g, ...rest } = t.faults ?? {};
        t.faults = rest;
      }
    }
  });

  it("runs Validate all to the end with live progress, then shows the new counts", async () => {
    const page = await suite.newPage();
    await openFleet(page);
    await page.getByRole("button", { name: en.fleet.validateAll }).click();
    const numbers = page.locator("[data-run]");
    await expect.poll(() => numbers.getAttribute("data-run"), { timeout: 30_000 }).toBe("completed");
    expect(await numbers.getAttribute("aria-live")).toBe("polite");
    expect(await page.locator("[data-progress]").getAttribute("data-progress")).toBe("3/3");
    expect(await numbers.textContent()).toBe(en.fleet.runEnded(en.fleet.runStatus.completed, 3, 3, 1, 0));
    const bar = page.getByRole("progressbar", { name: en.fleet.progressLabel });
    expect(await bar.getAttribute("aria-valuenow")).toBe("1");
    // The summary was read again: still one failed (the app stays disabled), one expiring, one connected.
    expect(await page.getByRole("button", { name: en.fleet.validateAll }).isEnabled()).toBe(true);
    await expectNoSeriousAxe(page, "fleet page after Validate all");
  });
});

describe("the fleet page with Teams SSO roles", () => {
  let setup: EntraSetup;
  let browser: Browser;
  const dataDir = mkdtempSync(join(tmpdir(), "dr-fleet-roles-"));
  beforeAll(async () => {
    setup = await startEntraSetup({ REVALIDATION_INTERVAL_MS: "0", ROTATE_BEFORE_DAYS: "0", DATA_DIR: dataDir });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await setup?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The fleet page inside a stand-in Teams host whose getAuthToken answers a token with `roles`. */
  async function fleetAs(roles: string[]): Promise<Page> {
    const token = await setup.ssoToken({ roles });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.addInitScript((t: string) => {
      (window as unknown as Record<string, unknown>).__drTeamsHost = {
        inTeams: true,
        init: async () => ({ inTeams: true, theme: "default" }),
        onThemeChange: () => undefined,
        getAuthToken: async () => t,
        enableTabConfiguration: async () => true,
      };
    }, token);
    await page.goto(`${setup.app.url}/fleet`);
    await page.getByRole("list", { name: en.fleet.countsLabel }).waitFor();
    return page;
  }

  it("answers GET /api/fleet to any signed-in operator, 401 without a token", async () => {
    const reader = await setup.ssoToken({ roles: ["Onboarding.Reader"] });
    const read = await fetch(`${setup.app.url}/api/fleet`, { headers: { authorization: `Bearer ${reader}` } });
    expect(read.status).toBe(200);
    const anonymous = await fetch(`${setup.app.url}/api/fleet`);
    expect(anonymous.status).toBe(401);
  });

  it("shows a Reader the fleet without Validate all, and an Operator with it", async () => {
    const reader = await fleetAs(["Onboarding.Reader"]);
    await reader.getByRole("heading", { name: en.fleet.attentionTitle }).waitFor();
    expect(await reader.getByRole("button", { name: en.fleet.validateAll }).count()).toBe(0);
    await reader.context().close();
    const operator = await fleetAs(["Onboarding.Operator"]);
    await operator.getByRole("button", { name: en.fleet.validateAll }).waitFor();
    await operator.context().close();
  });

  it("shows a Reader a run going on as progress only, with no Cancel", async () => {
    // A run another copy is still filling (its lease far ahead): running until cancelled.
    const runId = randomUUID();
    const handle = await openDatabase({ dataDir });
    try {
      const created = await createFleetRunsRepository(handle.db, handle.engine).create(
        { id: runId, trigger: "scheduled", actor: "scheduler", startedAt: new Date().toISOString() },
        [],
        { fillingUntil: new Date(Date.now() + 3_600_000).toISOString() },
      );
      expect(created.created).toBe(true);
    } finally {
      await handle.close();
    }
    try {
      const reader = await fleetAs(["Onboarding.Reader"]);
      const numbers = reader.locator("[data-run]");
      await expect.poll(() => numbers.getAttribute("data-run")).toBe("running");
      expect(await reader.locator("[data-progress]").getAttribute("data-progress")).toBe("0/0");
      expect(await reader.getByRole("progressbar", { name: en.fleet.progressLabel }).count()).toBe(1);
      expect(await reader.getByRole("button", { name: en.fleet.validateAll }).count()).toBe(0);
      expect(await reader.getByRole("button", { name: en.fleet.cancel }).count()).toBe(0);
      await expectNoSeriousAxe(reader, "fleet page, a Reader during a run");
      await reader.context().close();
    } finally {
      expect((await setup.app.fleetRunner.cancel(runId, "test"))?.status).toBe("cancelled");
    }
  });
});
