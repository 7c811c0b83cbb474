/// <reference lib="dom" />
/**
 * The Teams tab in a real browser (Debian's Chromium through playwright-core) against the real server in sandbox
 * mode: the wizard for the valid, missing-consent and expiring tenants and a pasted Secret ID (warned, then sent); the portal's
 * Validate Authentication and Replace secret; keyboard-only use; axe in the three themes; 320 px; the theme
 * following Teams live. Screenshots go to a temporary folder, or to docs/screenshots with UPDATE_SCREENSHOTS=1.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { en } from "../../tab/src/i18n/en.js";
import { readinessEn } from "../../tab/src/wizard/readiness.en.js";
import { SANDBOX, sandboxTenants } from "../src/m365/emulator/emulator.fixtures.js";
import { browserSuite, seriousAxeViolations } from "./browser.js";
import { postJson, ROOT } from "./helpers.js";

const valid = SANDBOX.valid;
const missing = SANDBOX["missing-consent"];
const expiring = SANDBOX.expiring;
if (!valid || !missing || !expiring) throw new Error("sandbox scenarios missing");
const secondSecret = sandboxTenants()
  .find((t) => t.id === valid.tenantId)
  ?.apps[0]?.secrets.find((s) => s.value !== valid.clientSecret)?.value;
if (!secondSecret) throw new Error("no second secret");

const SHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(ROOT, "docs", "screenshots")
  : mkdtempSync(join(tmpdir(), "shots-"));
mkdirSync(SHOTS, { recursive: true });

const suite = browserSuite({ VALIDATION_RATE_LIMIT: "1000", M365_TIMEOUT_MS: "3000" });
const newPage = suite.newPage;

const url = (path: string, theme = "default") =>
  `${suite.app().url}${path}${path.includes("?") ? "&" : "?"}theme=${theme}`;

/**
 * Opens a page of the tab and waits until it stands: the sandbox banner (this server runs in sandbox mode) is in
 * the first frame, so once it shows, nothing above the page content moves any more.
 */
async function open(page: Page, path: string, theme = "default"): Promise<void> {
  await page.goto(url(path, theme));
  await page.getByRole("region", { name: en.sandbox.title }).waitFor();
}

/**
 * The service the portal tests work on. The onboarding test creates it through the wizard; when that test failed,
 * it is created here through the API so that the portal tests still report on the portal.
 */
const ensureContosoService = async (): Promise<void> => {
  const check = (await (await fetch(`${suite.app().url}/api/services/name-check?name=contoso-dr`)).json()) as {
    ok: boolean;
  };
  if (check.ok) await createServiceThroughApi("contoso-dr", "Customer of contoso-dr");
};

/** Creates a customer and a service for the valid tenant through the API; answers the service id. */
const createServiceThroughApi = async (shortName: string, customerName: string): Promise<string> => {
  const customer = await postJson(`${suite.app().url}/api/customers`, { name: customerName });
  const created = await postJson(`${suite.app().url}/api/services`, {
    customerId: (customer.json as { id: string }).id,
    shortName,
    licenseType: "hosted-pro",
    licensedUsers: 120,
    m365: { tenantId: valid.tenantId, clientId: valid.clientId, clientSecret: valid.clientSecret, cloud: "global" },
    directRouting: {},
  });
  expect(created.status).toBe(201);
  return (created.json as { id: string }).id;
};

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Walks the wizard to the credentials step for a new service. */
async function wizardToCredentials(page: Page, shortName: string, customer: "new" | string): Promise<void> {
  await open(page, "/services/new");
  await page.getByRole("heading", { name: en.wizard.title, exact: true }).waitFor();
  if (customer === "new") {
    // With no customers yet the new-customer form shows at once; otherwise it is one click away.
    const newButton = page.getByRole("button", { name: en.wizard.customerNew });
    const nameField = page.getByLabel(en.wizard.customerName);
    await newButton.or(nameField).first().waitFor();
    if (await newButton.isVisible()) await newButton.click();
    await nameField.fill(`Customer of ${shortName}`);
  } else {
    await page.getByRole("combobox", { name: en.wizard.customerPick }).click();
    await page.getByRole("option", { name: customer }).click();
  }
  await page.getByRole("button", { name: en.wizard.next }).click();
  await page.getByLabel(en.wizard.shortName).fill(shortName);
  await page.getByText(en.wizard.nameAvailable, { exact: true }).waitFor();
  await page.getByRole("radio", { name: en.wizard.licensePro }).check();
  await page.getByLabel(en.wizard.licensedUsers).fill("120");
  await page.getByRole("button", { name: en.wizard.next }).click();
  await page.getByRole("checkbox", { name: en.wizard.useKnownApp }).check();
}

async function enterCredentials(page: Page, c: { tenantId: string; clientId: string; clientSecret: string }) {
  await page.getByLabel(en.wizard.tenantId).fill(c.tenantId);
  await page.getByLabel(en.wizard.clientId).fill(c.clientId);
  await page.getByLabel(en.wizard.clientSecret).fill(c.clientSecret);
}

/** From a passed validation to Create, then back on the services page. */
async function finishWizard(page: Page, shortName: string): Promise<void> {
  await page.getByRole("button", { name: en.wizard.next }).click(); // to M365 settings
  await page.getByRole("heading", { name: en.wizard.steps.m365, exact: true }).waitFor();
  await page.getByRole("button", { name: en.wizard.next }).click(); // to Direct Routing
  await page.getByRole("heading", { name: en.wizard.steps.directRouting, exact: true }).waitFor();
  await page.getByRole("button", { name: en.wizard.next }).click(); // to Readiness
  await page.getByRole("heading", { name: readinessEn.step, exact: true }).waitFor();
  await page.getByRole("button", { name: en.wizard.next }).click(); // to Summary
  await page.getByRole("heading", { name: en.wizard.steps.summary, exact: true }).waitFor();
  await page.getByRole("button", { name: en.wizard.create }).click();
  await page.getByRole("heading", { name: en.services.title, exact: true }).waitFor();
  await page.getByRole("link", { name: shortName }).waitFor();
}

describe("the Teams tab in Chromium", () => {
  it("shows the empty services page with a way to the first onboarding", async () => {
    const page = await newPage();
    await open(page, "/");
    await page.getByRole("heading", { name: en.services.title, exact: true }).waitFor();
    await page.getByText(en.services.emptyTitle).waitFor();
    await page.getByText(en.sandbox.title).waitFor();
    await shoot(page, "services-empty-light");
    await page.getByRole("button", { name: en.services.emptyAction }).click();
    await page.getByRole("heading", { name: en.wizard.title, exact: true }).waitFor();
  });

  it("draws the banners in the first frame, so the page content never moves down under the pointer", async () => {
    const page = await newPage();
    // Sample the top of <main> in every frame from the first one on.
    await page.addInitScript(() => {
      const tops: number[] = [];
      (window as unknown as { __mainTops: number[] }).__mainTops = tops;
      const sample = () => {
        const main = document.querySelector("main");
        if (main) tops.push(Math.round(main.getBoundingClientRect().top));
        if (tops.length < 2000) requestAnimationFrame(sample);
      };
      requestAnimationFrame(sample);
    });
    await open(page, "/services/new");
    await page
      .getByLabel(en.wizard.customerName)
      .or(page.getByRole("combobox", { name: en.wizard.customerPick }))
      .first()
      .waitFor();
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(200);
    const tops = await page.evaluate(() => (window as unknown as { __mainTops: number[] }).__mainTops);
    expect(tops.length).toBeGreaterThan(0);
    expect([...new Set(tops)]).toHaveLength(1);
  });

  it("onboards the valid tenant: checks appear one by one, the secret is masked, the service is listed", async () => {
    const page = await newPage();
    await wizardToCredentials(page, "contoso-dr", "new");
    await enterCredentials(page, valid);
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.getByText(en.wizard.connectOkTitle, { exact: true }).waitFor();
    for (const id of ["format", "tenant", "token", "permissions", "graph", "secret_expiry"]) {
      expect(await page.locator(`[data-check="${id}"]`).getAttribute("data-status")).toBe("pass");
    }
    await shoot(page, "wizard-validation-light");
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.getByRole("heading", { name: en.wizard.steps.m365, exact: true }).waitFor();
    // The initial onmicrosoft.com domain is preselected.
    await expect
      .poll(() => page.getByRole("combobox", { name: en.wizard.m365Domain }).textContent())
      .toContain(valid.tenantDomain);
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.getByRole("heading", { name: en.wizard.steps.directRouting, exact: true }).waitFor();
    await expect.poll(() => page.getByTestId("sbc-fqdn").textContent()).toMatch(/^contoso-dr\./);
    await page.getByRole("button", { name: en.wizard.next }).click(); // to Readiness
    await page.getByRole("heading", { name: readinessEn.step, exact: true }).waitFor();
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.getByRole("heading", { name: en.wizard.steps.summary, exact: true }).waitFor();
    await page.getByTestId("masked-secret").waitFor();
    const summary = await page.locator("main").textContent();
    expect(summary).toContain(en.secret.masked(valid.clientSecret.slice(0, 3)));
    expect(summary).toContain(valid.tenantDomain);
    expect(summary).not.toContain(valid.clientSecret);
    await page.getByRole("button", { name: en.wizard.create }).click();
    await page.getByRole("heading", { name: en.services.title, exact: true }).waitFor();
    await page.getByText(en.services.created("contoso-dr")).waitFor();
    const row = page.getByRole("link", { name: "contoso-dr" });
    await row.waitFor();
    await page.getByText(en.status.connected).first().waitFor();
  });

  it("lists the missing permissions for the missing-consent tenant and does not let the operator proceed", async () => {
    const page = await newPage();
    await wizardToCredentials(page, "fabrikam", "new");
    await enterCredentials(page, missing);
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.getByText(en.wizard.connectFailedTitle).waitFor();
    expect(await page.locator('[data-check="permissions"]').getAttribute("data-status")).toBe("fail");
    const text = await page.locator('[data-check="permissions"]').textContent();
    expect(text).toContain("Organization.Read.All");
    expect(text).toContain("Application.Read.All");
    await page.getByRole("button", { name: en.app.retry }).waitFor();
    // No way forward with failed checks: Next is disabled, the step stays.
    expect(await page.getByRole("button", { name: en.wizard.next }).isDisabled()).toBe(true);
    expect(await page.getByRole("heading", { name: en.wizard.steps.m365, exact: true }).count()).toBe(0);
    await shoot(page, "wizard-missing-consent-light");
  });

  it("warns under the field about a GUID-shaped secret, sends it, and shows Entra's answer", async () => {
    const page = await newPage();
    await wizardToCredentials(page, "secretid", "new");
    await enterCredentials(page, { ...valid, clientSecret: "6a3f1c2e-7b8d-4e9f-a0b1-c2d3e4f5a6b7" });
    // Legacy az CLI/PowerShell secrets were GUIDs: a warning once the field is left, not a refusal.
    await page.getByLabel(en.wizard.clientSecret).blur();
    await page.getByText("this looks like the Secret ID, not its Value", { exact: false }).waitFor();
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.locator('[data-check="token"][data-status="fail"]').waitFor();
    expect(await page.locator('[data-check="format"]').getAttribute("data-status")).toBe("warn");
    expect(await page.locator('[data-check="token"]').textContent()).toContain("Secret ID");
  });

  it("warns about the expiring secret, shows the days and lets the operator proceed", async () => {
    const page = await newPage();
    await wizardToCredentials(page, "tailspin", "new");
    await enterCredentials(page, expiring);
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.getByText(en.wizard.connectWarnTitle).waitFor();
    expect(await page.locator('[data-check="secret_expiry"]').getAttribute("data-status")).toBe("warn");
    expect(await page.locator('[data-check="secret_expiry"]').textContent()).toContain("5 days");
    await finishWizard(page, "tailspin");
    await page.getByText(en.status.expiring(5)).waitFor();
  });

  it("says as the operator types that an SBC sub-domain is taken, and keeps them on the step", async () => {
    await ensureContosoService();
    const page = await newPage();
    await wizardToCredentials(page, "contoso-two", "new");
    await enterCredentials(page, valid);
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.getByText(en.wizard.connectOkTitle, { exact: true }).waitFor();
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.getByRole("heading", { name: en.wizard.steps.m365, exact: true }).waitFor();
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.getByRole("heading", { name: en.wizard.steps.directRouting, exact: true }).waitFor();
    const label = page.getByLabel(en.wizard.subdomainLabel);
    await page.getByText(en.wizard.subdomainFree).waitFor();
    await label.fill("contoso-dr");
    // The server's message, shown under the field before any Next.
    await page.getByText(/"contoso-dr" is already used by another service/).waitFor();
    await page.getByRole("button", { name: en.wizard.next }).click();
    expect(await page.getByRole("heading", { name: en.wizard.steps.summary, exact: true }).count()).toBe(0);
    await label.fill("contoso-two-sbc");
    await page.getByText(en.wizard.subdomainFree).waitFor();
    await page.getByRole("button", { name: en.wizard.next }).click(); // to Readiness
    await page.getByRole("heading", { name: readinessEn.step, exact: true }).waitFor();
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.getByRole("heading", { name: en.wizard.steps.summary, exact: true }).waitFor();
  });

  it("runs Validate Authentication and replaces the secret: a wrong one is refused, a right one accepted", async () => {
    await ensureContosoService();
    const page = await newPage();
    await open(page, "/");
    await page.getByRole("link", { name: "contoso-dr" }).click();
    await page.getByRole("tab", { name: en.portal.tabM365 }).click();
    await page.getByRole("button", { name: en.portal.validate }).click();
    await page.getByText(en.portal.validateOk).waitFor();
    await expect.poll(() => page.getByTestId("days-until-expire").textContent()).toContain("300");
    await shoot(page, "portal-m365-validated-light");

    await page.getByRole("button", { name: en.portal.replaceSecret }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel(en.portal.newSecret).fill("WRO8Q~ThisIsNotTheSecretOfThisAppAtAll0000");
    await dialog.getByRole("button", { name: en.portal.replaceSubmit }).click();
    await dialog.getByText(en.portal.replaceRefused).waitFor();
    await dialog.getByRole("button", { name: en.app.cancel }).click();
    await expect
      .poll(() => page.getByTestId("masked-secret").textContent())
      .toContain(en.secret.masked(valid.clientSecret.slice(0, 3)));

    await page.getByRole("button", { name: en.portal.replaceSecret }).click();
    await page.getByRole("dialog").getByLabel(en.portal.newSecret).fill(secondSecret);
    await page.getByRole("dialog").getByRole("button", { name: en.portal.replaceSubmit }).click();
    await page.getByRole("dialog").getByText(en.portal.replaceDone).waitFor();
    await page.getByRole("dialog").getByRole("button", { name: en.app.close, exact: true }).click();
    await expect
      .poll(() => page.getByTestId("masked-secret").textContent())
      .toContain(en.secret.masked(secondSecret.slice(0, 3)));
    await expect.poll(() => page.getByTestId("days-until-expire").textContent()).toContain("20");
    await page.getByRole("tab", { name: en.portal.tabAudit }).click();
    await page.getByText("service.secret_replace").first().waitFor();
    expect(await page.content()).not.toContain(secondSecret);
  });

  it("keeps what was entered when the operator leaves mid-way and comes back, except the secret", async () => {
    const page = await newPage();
    await wizardToCredentials(page, "left-midway", "new");
    await enterCredentials(page, valid);
    await page.getByRole("link", { name: en.app.backToServices }).click();
    await page.getByRole("heading", { name: en.services.title, exact: true }).waitFor();
    await open(page, "/services/new");
    await page.getByText(en.wizard.restored, { exact: false }).waitFor();
    await expect.poll(() => page.getByLabel(en.wizard.tenantId).inputValue()).toBe(valid.tenantId);
    expect(await page.getByLabel(en.wizard.clientId).inputValue()).toBe(valid.clientId);
    expect(await page.getByLabel(en.wizard.clientSecret).inputValue()).toBe("");
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(stored).toContain("left-midway");
    expect(stored).not.toContain(valid.clientSecret);
    await page.getByRole("button", { name: en.wizard.startOver }).first().click();
    await expect
      .poll(() =>
        page
          .getByLabel(en.wizard.customerName)
          .or(page.getByRole("combobox", { name: en.wizard.customerPick }))
          .count(),
      )
      .toBeGreaterThan(0);
  });

  it("works with the keyboard alone: from the services page into the wizard and through a step", async () => {
    const page = await newPage();
    await open(page, "/");
    await page.getByRole("heading", { name: en.services.title, exact: true }).waitFor();
    // Tab from the top of the page until "Add service" has the focus, then open the menu with Enter.
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      const name = await page.evaluate(() => document.activeElement?.textContent ?? "");
      if (name.includes(en.services.addService)) break;
    }
    await page.keyboard.press("Enter");
    await page.getByRole("menuitem", { name: en.services.directRouting }).waitFor();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: en.wizard.title, exact: true }).waitFor();
    // Focus starts on the page; tab to the customer box, pick the first customer with the arrow keys.
    await page.getByRole("combobox", { name: en.wizard.customerPick }).focus();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    for (let i = 0; i < 10; i++) {
      const label = await page.evaluate(() => document.activeElement?.textContent ?? "");
      if (label === en.wizard.next) break;
      await page.keyboard.press("Tab");
    }
    await page.keyboard.press("Enter");
    const shortName = page.getByLabel(en.wizard.shortName);
    await shortName.waitFor();
    // The new step's heading has the focus (as after a page change); Tab leads on to the short name.
    for (let i = 0; i < 10; i++) {
      if (await shortName.evaluate((el) => el === document.activeElement)) break;
      await page.keyboard.press("Tab");
    }
    await page.keyboard.type("kbd-only");
    expect(await shortName.inputValue()).toBe("kbd-only");
    // Exact: the words "not available" elsewhere on the page must not pass for the name check's answer.
    await page.getByText(en.wizard.nameAvailable, { exact: true }).waitFor();
    // Keyboard focus is visible: the focused control is in :focus-visible state, which Fluent marks with
    // data-fui-focus-visible and draws its focus ring for.
    await page.keyboard.press("Tab");
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return { visible: false, marked: false };
      return {
        visible: el.matches(":focus-visible"),
        marked: el.closest("[data-fui-focus-visible]") !== null || el.hasAttribute("data-fui-focus-visible"),
      };
    });
    expect(focus.visible).toBe(true);
    expect(focus.marked).toBe(true);
  });

  it("deletes a service after asking once more, and says so on the services page", async () => {
    const id = await createServiceThroughApi("to-delete", "Short-lived Customer");
    const page = await newPage();
    await open(page, `/services/${id}`);
    await page.getByRole("button", { name: en.portal.deleteButton }).click();
    const question = page.getByText(en.portal.deleteConfirmTitle("to-delete"));
    await question.waitFor();
    // The safe answer has the focus; nothing is hidden from assistive technology.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(en.app.cancel);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole("button", { name: en.app.cancel }).click();
    await question.waitFor({ state: "hidden" });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(en.portal.deleteButton);
    await page.getByRole("button", { name: en.portal.deleteButton }).click();
    await page.getByRole("button", { name: en.portal.deleteConfirm, exact: true }).click();
    await page.getByRole("heading", { name: en.services.title, exact: true }).waitFor();
    await page.getByText(en.services.deleted("to-delete")).waitFor();
    expect(await page.getByRole("link", { name: "to-delete" }).count()).toBe(0);
    const gone = await fetch(`${suite.app().url}/api/services/${id}`);
    expect(gone.status).toBe(404);
  });

  it("says so when a page's code cannot load, and Retry brings the page back", async () => {
    const page = await newPage();
    // The server was updated or the network dropped: the wizard's chunk does not arrive.
    await page.route("**/assets/wizard.page-*.js", (route) => route.abort());
    await open(page, "/");
    await page.getByRole("button", { name: en.services.addService }).click();
    await page.getByRole("menuitem", { name: en.services.directRouting }).click();
    await page.getByText(en.app.pageFailedTitle).waitFor();
    // The shell stays usable: the banners and the way back are there.
    await page.getByRole("region", { name: en.sandbox.title }).waitFor();
    await page.unroute("**/assets/wizard.page-*.js");
    await page.getByRole("button", { name: en.app.retry }).click();
    await page.getByRole("heading", { name: en.wizard.title, exact: true }).waitFor();
  });

  it("has no serious or critical axe violations on any page in the three themes", async () => {
    await ensureContosoService();
    const services = await (await newPage()).context().newPage();
    await open(services, "/");
    await services.getByRole("link", { name: "contoso-dr" }).waitFor();
    const serviceHref = await services.getByRole("link", { name: "contoso-dr" }).getAttribute("href");
    const pages = [
      { name: "services", path: "/", ready: en.services.title },
      { name: "wizard", path: "/services/new", ready: en.wizard.title },
      { name: "portal-general", path: `${serviceHref}?tab=general`, ready: "contoso-dr" },
      { name: "portal-m365", path: `${serviceHref}?tab=m365`, ready: "contoso-dr" },
      { name: "portal-audit", path: `${serviceHref}?tab=audit`, ready: "contoso-dr" },
      { name: "config", path: "/config", ready: en.config.title },
    ];
    const found: string[] = [];
    for (const theme of ["default", "dark", "contrast"]) {
      for (const p of pages) {
        const page = await newPage();
        await open(page, p.path, theme);
        await page.getByRole("heading", { name: p.ready }).first().waitFor();
        await page.waitForLoadState("networkidle");
        for (const v of await seriousAxeViolations(page)) found.push(`${theme} ${p.path}: ${v}`);
        // Every page in light and dark goes to the screenshots.
        if (theme !== "contrast") await shoot(page, `${p.name}-${theme === "default" ? "light" : "dark"}`);
        await page.context().close();
      }
    }
    expect(found).toEqual([]);
  }, 240_000);

  it("fits a 320 px wide screen (Teams mobile) without horizontal scrolling", async () => {
    await ensureContosoService();
    const page = await newPage({ width: 320 });
    for (const path of ["/", "/services/new"]) {
      await open(page, path);
      await page.locator("h1").first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await open(page, "/");
    await page.getByRole("link", { name: "contoso-dr" }).click();
    await page.getByRole("tab", { name: en.portal.tabM365 }).click();
    await page.getByRole("button", { name: en.portal.validate }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await shoot(page, "portal-m365-mobile");
  });

  it("follows the Teams theme live through the TeamsHost, with no white first paint", async () => {
    const page = await newPage();
    await page.addInitScript(() => {
      const listeners: ((t: string) => void)[] = [];
      const w = window as unknown as Record<string, unknown>;
      w.__drTeamsHost = {
        inTeams: true,
        init: async () => ({ inTeams: true, theme: "dark" }),
        onThemeChange: (cb: (t: string) => void) => listeners.push(cb),
        getAuthToken: async () => undefined,
        enableTabConfiguration: async () => true,
      };
      w.__drSetTheme = (t: string) => {
        for (const cb of listeners) cb(t);
      };
      localStorage.setItem("dr.theme", "dark");
    });
    await page.goto(`${suite.app().url}/`);
    const firstPaint = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(firstPaint).not.toBe("rgb(255, 255, 255)");
    await page.getByRole("heading", { name: en.services.title, exact: true }).waitFor();
    expect(await page.getByText(en.app.standaloneTitle).count()).toBe(0);
    const background = () =>
      page.evaluate(() => {
        const provider = document.querySelector(".fui-FluentProvider") as HTMLElement | null;
        return provider ? getComputedStyle(provider).backgroundColor : "";
      });
    const dark = await background();
    await page.evaluate(() => (window as unknown as { __drSetTheme: (t: string) => void }).__drSetTheme("default"));
    await expect.poll(background).not.toBe(dark);
    const light = await background();
    await page.evaluate(() => (window as unknown as { __drSetTheme: (t: string) => void }).__drSetTheme("contrast"));
    await expect.poll(background).not.toBe(light);
  });
});
