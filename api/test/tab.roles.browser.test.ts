/// <reference lib="dom" />
/**
 * The tab offers each operator only what their app role allows (AUTH_MODE=entra, real RS256 tokens from the
 * emulator, handed to the tab by a stand-in TeamsHost as Teams' getAuthToken would): a Reader sees services
 * read-only, an Operator onboards and validates, only an Admin edits and deletes. The server enforces the same
 * (auth.e2e.test.ts); this is about not offering buttons that can only answer 403.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { en } from "../../tab/src/i18n/en.js";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { launchBrowser } from "./browser.js";
import { type EntraSetup, startEntraSetup } from "./entra.js";

const valid = SANDBOX.valid;
if (!valid) throw new Error("no valid scenario");

let setup: EntraSetup;
let browser: Browser;
let serviceId: string;

async function api(method: string, path: string, token: string, body?: unknown) {
  const r = await fetch(`${setup.app.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, json: (await r.json()) as { id: string } };
}

/** A page inside a stand-in Teams host whose getAuthToken answers a token with `roles`. */
async function pageAs(roles: string[]): Promise<Page> {
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
  return page;
}

beforeAll(async () => {
  setup = await startEntraSetup();
  const admin = await setup.ssoToken({ roles: ["Onboarding.Admin"] });
  const customer = await api("POST", "/api/customers", admin, { name: "Roles Customer" });
  const created = await api("POST", "/api/services", admin, {
    customerId: customer.json.id,
    shortName: "roles-dr",
    licenseType: "hosted-pro",
    licensedUsers: 10,
    m365: { tenantId: valid.tenantId, clientId: valid.clientId, clientSecret: valid.clientSecret },
  });
  expect(created.status).toBe(201);
  serviceId = created.json.id;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await setup?.close();
});

describe("the tab with Teams SSO roles", () => {
  it("shows a Reader the services read-only: no Add service, no edit, no validate, no delete", async () => {
    const page = await pageAs(["Onboarding.Reader"]);
    await page.goto(`${setup.app.url}/`);
    await page.getByText(en.app.readOnlyTitle).waitFor();
    await page.getByRole("link", { name: "roles-dr" }).waitFor();
    expect(await page.getByRole("button", { name: en.services.addService }).count()).toBe(0);

    await page.goto(`${setup.app.url}/services/${serviceId}`);
    await page.getByText(en.portal.editNeedsAdmin).waitFor();
    expect(await page.getByRole("button", { name: en.app.save }).count()).toBe(0);
    expect(await page.getByRole("button", { name: en.portal.deleteButton }).count()).toBe(0);
    expect(await page.getByLabel(en.portal.fullName).getAttribute("readonly")).not.toBeNull();

    await page.goto(`${setup.app.url}/services/${serviceId}?tab=m365`);
    await page.getByText(en.portal.validateNeedsOperator).waitFor();
    expect(await page.getByRole("button", { name: en.portal.validate }).count()).toBe(0);
    expect(await page.getByRole("button", { name: en.portal.replaceSecret }).count()).toBe(0);

    await page.goto(`${setup.app.url}/services/new`);
    await page.getByText(en.wizard.notAllowed).waitFor();
    expect(await page.getByRole("button", { name: en.wizard.next }).count()).toBe(0);
    await page.context().close();
  });

  it("lets an Operator onboard and validate, but not edit or delete", async () => {
    const page = await pageAs(["Onboarding.Operator"]);
    await page.goto(`${setup.app.url}/`);
    await page.getByRole("button", { name: en.services.addService }).waitFor();
    expect(await page.getByText(en.app.readOnlyTitle).count()).toBe(0);
    await page.goto(`${setup.app.url}/services/${serviceId}?tab=m365`);
    await page.getByRole("button", { name: en.portal.validate }).click();
    await page.getByText(en.portal.validateOk).waitFor();
    await page.getByRole("button", { name: en.portal.replaceSecret }).waitFor();
    await page.goto(`${setup.app.url}/services/${serviceId}`);
    await page.getByText(en.portal.editNeedsAdmin).waitFor();
    expect(await page.getByRole("button", { name: en.portal.deleteButton }).count()).toBe(0);
    await page.context().close();
  });

  it("lets an Admin edit and offers Delete service", async () => {
    const page = await pageAs(["Onboarding.Admin"]);
    await page.goto(`${setup.app.url}/services/${serviceId}`);
    await page.getByRole("button", { name: en.portal.deleteButton }).waitFor();
    await page.getByRole("button", { name: en.app.save }).waitFor();
    expect(await page.getByText(en.portal.editNeedsAdmin).count()).toBe(0);
    await page.context().close();
  });
});
