/// <reference lib="dom" />
/**
 * Direct Routing readiness in a real browser (Chromium through playwright-core) against the real server in sandbox
 * mode (issue 14 point 4, Done when): the wizard's Readiness step, before Summary, shows the `valid` tenant's
 * readiness for an SBC sub-domain it has not added (sbc_domain failed, with the admin center steps) and does not
 * block Create; the portal's "Direct Routing readiness" section says it was never checked, then Check readiness
 * shows the failing check with its remedy. Axe finds nothing serious on either.
 */
import { describe, expect, it } from "vitest";
import { en } from "../../tab/src/i18n/en.js";
import { readinessEn } from "../../tab/src/wizard/readiness.en.js";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { browserSuite, expectNoSeriousAxe, wizardToKnownApp } from "./browser.js";

const valid = SANDBOX.valid;
if (!valid) throw new Error("no valid scenario");

const suite = browserSuite({ VALIDATION_RATE_LIMIT: "1000" });
const newPage = suite.newPage;

describe("Direct Routing readiness in the tab", () => {
  it("the wizard's Readiness step shows the failing SBC domain check with its remedy, and Create still works", async () => {
    const page = await newPage();
    await wizardToKnownApp(page, suite.app().url, "Readiness customer", "dr-ready");
    await page.getByRole("region", { name: en.sandbox.title }).waitFor();
    await page.getByLabel(en.wizard.tenantId).fill(valid.tenantId);
    await page.getByLabel(en.wizard.clientId).fill(valid.clientId);
    await page.getByLabel(en.wizard.clientSecret).fill(valid.clientSecret);
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.getByText(en.wizard.connectOkTitle, { exact: true }).waitFor();
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.getByRole("heading", { name: en.wizard.steps.m365, exact: true }).waitFor();
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.getByRole("heading", { name: en.wizard.steps.directRouting, exact: true }).waitFor();
    await page.getByRole("button", { name: en.wizard.next }).click();

    // Readiness, before Summary: the label dr-ready is not a domain of the Contoso tenant.
    await page.getByRole("heading", { name: readinessEn.step, exact: true }).waitFor();
    const domain = page.locator('[data-readiness="sbc_domain"]');
    await expect.poll(() => domain.getAttribute("data-status")).toBe("fail");
    const text = await domain.textContent();
    expect(text).toContain("dr-ready.sbc.sandbox.provider.example is not added to the tenant");
    expect(text).toContain(
      `${en.checks.remedy}: In the Microsoft 365 admin center, go to Settings > Domains > Add domain`,
    );
    expect(await page.locator('[data-readiness="teams_admin_role"]').getAttribute("data-status")).toBe("pass");
    await page.getByText(readinessEn.notReady).waitFor();
    expect(await page.locator("main").textContent()).not.toContain(valid.clientSecret);
    await expectNoSeriousAxe(page, "wizard readiness step");

    // It informs only: on to Summary and Create.
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.getByRole("heading", { name: en.wizard.steps.summary, exact: true }).waitFor();
    await page.getByRole("button", { name: en.wizard.create }).click();
    await page.getByRole("heading", { name: en.services.title, exact: true }).waitFor();
    await page.getByRole("link", { name: "dr-ready" }).waitFor();
  });

  it("the portal's Direct Routing readiness section: never checked, then the failing check with its remedy", async () => {
    const page = await newPage();
    await page.goto(`${suite.app().url}/`);
    await page.getByRole("region", { name: en.sandbox.title }).waitFor();
    await page.getByRole("link", { name: "dr-ready" }).click();
    await page.getByRole("tab", { name: en.portal.tabM365 }).click();
    await page.getByRole("heading", { name: readinessEn.title, exact: true }).waitFor();
    await page.getByText(readinessEn.never).waitFor();
    await page.getByRole("button", { name: readinessEn.check }).click();
    const domain = page.locator('[data-readiness="sbc_domain"]');
    await expect.poll(() => domain.getAttribute("data-status")).toBe("fail");
    expect(await domain.textContent()).toContain(`${en.checks.remedy}: In the Microsoft 365 admin center`);
    await page.getByText(readinessEn.notReady).waitFor();
    await expectNoSeriousAxe(page, "portal readiness section");
    // The stored report shows again on a new visit.
    await page.reload();
    await page.getByRole("heading", { name: readinessEn.title, exact: true }).waitFor();
    await expect.poll(() => page.locator('[data-readiness="sbc_domain"]').getAttribute("data-status")).toBe("fail");
  });
});
