/// <reference lib="dom" />
/**
 * The customer's invitation page (tab/invite.html, /invite/{token}) in real Chromium against the real server in
 * sandbox mode. Invitations are made as an operator would (POST /api/customers, POST /api/invitations). The page
 * shows who invites whom until when; the fields refuse with the wizard's messages; the admin-consent link appears
 * for valid values; the partial-consent tenant fails with its remedy, then the valid tenant passes; the used,
 * revoked and unknown links all get one identical neutral page; the page's own headers; axe; 320 px; dark
 * preference; no token in any log line; no teams-js in what the page loads.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { clientIdSchema, clientSecretWarnings, fieldMessage, tenantIdSchema } from "@dr/contract";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { en } from "../../tab/src/i18n/en.js";
import { adminConsentUrl } from "../../tab/src/invite/consent-link.js";
import { inviteTexts as t } from "../../tab/src/invite/invite.texts.js";
import { CLOUDS } from "../src/m365/clouds.js";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { browserSuite, seriousAxeViolations } from "./browser.js";
import { apiCaller, ROOT } from "./helpers.js";

const valid = SANDBOX.valid;
const partial = SANDBOX["partial-consent"];
if (!valid || !partial) throw new Error("sandbox scenarios missing");

const PROVIDER = "Fabrikam Voice";
const SUPPORT = "support@fabrikam.example";

const suite = browserSuite({
  VALIDATION_RATE_LIMIT: "1000",
  M365_TIMEOUT_MS: "3000",
  INVITE_RATE_LIMIT: "1000",
  PROVIDER_NAME: PROVIDER,
  PROVIDER_SUPPORT_EMAIL: SUPPORT,
});
const newPage = suite.newPage;
const tokens: string[] = [];
const api = apiCaller(() => suite.app().url);

/** A customer and an invitation for it, made through the API; answers the invitation and its page's path. */
async function invite(customerName: string): Promise<{ id: string; path: string; token: string; expiresAt: string }> {
  const customer = await api("POST", "/api/customers", { name: customerName });
  expect(customer.status, customer.text).toBe(201);
  const created = await api("POST", "/api/invitations", { customerId: (customer.json as { id: string }).id });
  expect(created.status, created.text).toBe(201);
  const body = created.json as { id: string; url: string; expiresAt: string };
  const path = new URL(body.url).pathname;
  const token = decodeURIComponent(path.replace(/^\/invite\//, ""));
  tokens.push(token);
  return { id: body.id, path, token, expiresAt: body.expiresAt };
}

/** Types the three values; leaving each field shows its message. */
async function fill(page: Page, values: { tenantId: string; clientId: string; clientSecret: string }): Promise<void> {
  await page.getByRole("textbox", { name: en.wizard.tenantId }).fill(values.tenantId);
  await page.getByRole("textbox", { name: en.wizard.clientId }).fill(values.clientId);
  // The secret's input is a password field (no textbox role); its reveal button is named "Show secret".
  const secret = page.locator('input[name="clientSecret"]');
  expect(await secret.getAttribute("type")).toBe("password");
  await expect
    .poll(() => secret.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.textContent ?? ""))
    .toContain(en.wizard.clientSecret);
  await secret.fill(values.clientSecret);
  await secret.blur();
}

async function expectNoSeriousAxe(page: Page): Promise<void> {
  expect(await seriousAxeViolations(page)).toEqual([]);
}

/** The neutral page's markup, to compare across the ways a link can stop working. */
async function neutralMarkup(page: Page): Promise<string> {
  await page.getByRole("heading", { level: 1, name: t.goneTitle }).waitFor();
  await page.getByText(t.goneBody).waitFor();
  return page.locator("main").evaluate((main) => main.outerHTML);
}

describe("the customer's invitation page in Chromium", () => {
  it("answers with its own headers: no referrer, never framed, never cached; the tab keeps its Teams framing", async () => {
    const { path } = await invite("Contoso Headers");
    for (const address of [path, "/invite/unknown-token", "/invite.html"]) {
      const response = await fetch(`${suite.app().url}${address}`);
      expect(response.status, address).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/html");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("teams.microsoft.com");
      expect(await response.text()).toContain("/assets/invite-");
    }
    const tab = await fetch(`${suite.app().url}/`);
    expect(tab.headers.get("content-security-policy")).toContain("frame-ancestors 'self' teams.microsoft.com");
    expect(tab.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  });

  it("loads no teams-js: the scripts invite.html names hold none of it", () => {
    const dist = join(ROOT, "tab", "dist");
    const html = readFileSync(join(dist, "invite.html"), "utf8");
    const scripts = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] ?? "");
    expect(scripts.length).toBeGreaterThan(0);
    for (const file of scripts) expect(readFileSync(join(dist, file), "utf8"), file).not.toContain("teams-js");
  });

  it("builds the admin-consent link as the validator does, on each cloud's login host", () => {
    for (const cloud of Object.keys(CLOUDS) as (keyof typeof CLOUDS)[]) {
      expect(adminConsentUrl(cloud, valid.tenantId, valid.clientId), cloud).toBe(
        `${CLOUDS[cloud].loginUrl}/${valid.tenantId}/adminconsent?client_id=${valid.clientId}`,
      );
    }
  });

  it("shows the names and the expiry, the guide, and the wizard's messages for wrong values", async () => {
    const { path, expiresAt } = await invite("Contoso Rules");
    const page = await newPage();
    await page.goto(`${suite.app().url}${path}`);
    await page.getByRole("heading", { level: 1, name: t.title(PROVIDER) }).waitFor();
    await page.getByText("Contoso Rules", { exact: true }).waitFor();
    await expect.poll(() => page.locator("time").getAttribute("datetime")).toBe(expiresAt);
    await page.getByRole("link", { name: SUPPORT }).waitFor();
    // The guide: its steps, each required permission, the secret's Value.
    await page.getByRole("heading", { level: 2, name: t.guideTitle }).waitFor();
    for (const step of Object.values(t.steps))
      await page.getByRole("heading", { level: 3, name: step.title }).waitFor();
    for (const permission of t.steps.permissions.list) {
      await page
        .getByRole("list", { name: t.steps.permissions.title })
        .getByText(permission, { exact: true })
        .waitFor();
    }
    await expectNoSeriousAxe(page);

    // Wrong values: the same messages as the wizard (the contract's field rules), once a field is left. A
    // GUID-shaped secret is accepted (legacy secrets were GUIDs) with the contract's Secret ID warning.
    const wrong = { tenantId: "not a tenant", clientId: "12345", clientSecret: "0f8fad5b-d9cb-469f-a165-70867728950e" };
    await fill(page, wrong);
    for (const message of [
      fieldMessage(tenantIdSchema, wrong.tenantId),
      fieldMessage(clientIdSchema, wrong.clientId),
      clientSecretWarnings(wrong.clientSecret)[0]?.message,
    ]) {
      expect(message).toBeTruthy();
      await page.getByText(message ?? "", { exact: true }).waitFor();
    }
    await expect.poll(() => page.getByRole("link", { name: t.steps.consent.link }).count()).toBe(0);
    // Start authentication with refused values checks nothing and puts the focus on the first refused field.
    await page.getByRole("button", { name: t.start }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("tenantId");
    await expect.poll(() => page.getByRole("heading", { name: t.resultTitle }).count()).toBe(0);

    // A valid Tenant ID and Client ID: the admin-consent link of the invitation's cloud.
    await page.getByRole("textbox", { name: en.wizard.tenantId }).fill(valid.tenantId);
    await page.getByRole("textbox", { name: en.wizard.clientId }).fill(valid.clientId);
    await expect
      .poll(() => page.getByRole("link", { name: t.steps.consent.link }).getAttribute("href"))
      .toBe(adminConsentUrl("global", valid.tenantId, valid.clientId));
    await expectNoSeriousAxe(page);
  });

  it("fails the partial-consent tenant with its remedy, then passes the valid tenant; the used link is neutral", async () => {
    const { path } = await invite("Contoso Check");
    const page = await newPage();
    await page.goto(`${suite.app().url}${path}`);
    await page.getByRole("heading", { level: 1, name: t.title(PROVIDER) }).waitFor();

    await fill(page, partial);
    await page.getByRole("button", { name: t.start }).click();
    const permissions = page.locator('[data-check="permissions"]');
    await expect.poll(() => permissions.getAttribute("data-status"), { timeout: 20_000 }).toBe("fail");
    await page.getByRole("heading", { level: 2, name: t.failedTitle }).waitFor();
    await expect.poll(() => permissions.textContent()).toContain(`${en.checks.remedy}:`);
    await expect.poll(() => permissions.textContent()).toContain("Application.Read.All");
    await page.getByText(t.failedBody).waitFor();
    // Focus went to the outcome; the live region said how it ended.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-labelledby")))
      .toBe("invite-outcome");
    await page.getByText(en.checks.finishedFail).waitFor();
    await expectNoSeriousAxe(page);

    // Try again keeps the fields; the admin enters other values (the secret again) and checks once more.
    await page.getByRole("button", { name: t.tryAgain }).click();
    await expect.poll(() => permissions.getAttribute("data-status"), { timeout: 20_000 }).toBe("fail");
    expect(await page.getByRole("textbox", { name: en.wizard.tenantId }).inputValue()).toBe(partial.tenantId);
    await fill(page, valid);
    await page.getByText(t.changed).waitFor();
    await page.getByRole("button", { name: t.start }).click();
    await page.getByRole("heading", { level: 2, name: t.validTitle }).waitFor({ timeout: 20_000 });
    await page.getByText(t.next(PROVIDER)).waitFor();
    await expect.poll(() => permissions.getAttribute("data-status")).toBe("pass");
    // The form is gone with the link; focus is on the outcome.
    await expect.poll(() => page.getByRole("button", { name: t.start }).count()).toBe(0);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-labelledby")))
      .toBe("invite-outcome");
    await expectNoSeriousAxe(page);

    // The same link again: the neutral page, identical to an unknown link's.
    await page.reload();
    const used = await neutralMarkup(page);
    const unknown = await newPage();
    await unknown.goto(`${suite.app().url}/invite/${"x".repeat(43)}`);
    expect(await neutralMarkup(unknown)).toBe(used);
    await expectNoSeriousAxe(unknown);
  });

  it("shows the same neutral page for a revoked link and for an address without a token", async () => {
    const { id, path } = await invite("Contoso Revoked");
    const page = await newPage();
    await page.goto(`${suite.app().url}/invite/${"y".repeat(43)}`);
    const unknown = await neutralMarkup(page);
    expect((await api("DELETE", `/api/invitations/${id}`)).status).toBe(204);
    await page.goto(`${suite.app().url}${path}`);
    expect(await neutralMarkup(page)).toBe(unknown);
    await page.goto(`${suite.app().url}/invite/`);
    expect(await neutralMarkup(page)).toBe(unknown);
  });

  it("fits 320 px without sideways scrolling, and follows the browser's dark preference", async () => {
    const { path } = await invite("Contoso Narrow");
    const page = await newPage({ width: 320, dark: true });
    await page.goto(`${suite.app().url}${path}`);
    await page.getByRole("heading", { level: 1, name: t.title(PROVIDER) }).waitFor();
    await fill(page, { tenantId: "x", clientId: "y", clientSecret: "" });
    await page.getByRole("button", { name: t.start }).click();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    const background = await page
      .locator(".fui-FluentProvider")
      .first()
      .evaluate((el) => getComputedStyle(el).getPropertyValue("--colorNeutralBackground1").trim());
    expect(background.toLowerCase()).toBe("#292929");
    await expectNoSeriousAxe(page);
  });

  it("writes no invitation token into any log line", () => {
    expect(tokens.length).toBeGreaterThan(0);
    const logs = suite.app().logs.join("\n");
    expect(logs).toContain("/invite/[redacted]");
    for (const token of tokens) expect(logs).not.toContain(token);
  });
});
