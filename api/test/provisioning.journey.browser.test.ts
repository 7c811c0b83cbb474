/// <reference lib="dom" />
/**
 * Automatic App registration of issue 13's "Done when", end to end in real Chromium against the real server in
 * sandbox mode, where the sandbox's labelled "Sandbox sign-in" stands for the admin signing in at the verification
 * page (the emulator polls the device code every second here):
 *
 * (a) The tab: the operator opens "Create the App registration for the customer" from the Add service menu, starts a
 *     run for a customer, signs in as the sandbox admin `provision`, watches the nine steps pass, continues to the
 *     wizard with the run chosen and creates the service: it is `connected` on the page and in the API. No credential
 *     is typed anywhere. The portal then says self-rotation is on, and "Rotate secret now" rotates the secret.
 * (b) The customer's invitation page: "Create it for me", the same sign-in, the steps pass, "Application Registration
 *     is valid", and the invitation is `completed` in the API.
 * (c) A failing run (`provision-app-admin`: the app is made, consent is refused) shows the remedy, and "Remove what
 *     was created" removes it.
 *
 * axe finds no serious violation in any state visited (the run page also in the dark and high-contrast themes).
 * SQLite; PostgreSQL too with TEST_DATABASE_URL. Needs the built tab (`npm run build -w tab`).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Invitation, ProvisioningRun, Service } from "@dr/contract";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { en } from "../../tab/src/i18n/en.js";
import { inviteTexts as inv } from "../../tab/src/invite/invite.texts.js";
import { provisioningEn as t } from "../../tab/src/provisioning/provisioning.en.js";
import { readinessEn } from "../../tab/src/wizard/readiness.en.js";
import { createPageWatcher, launchBrowser, seriousAxeViolations } from "./browser.js";
import { ENGINES, type EngineDatabase } from "./engines.js";
import { apiCaller, ROOT, startTestApp, type TestApp } from "./helpers.js";

/** With UPDATE_SCREENSHOTS=1, the finished run goes to the README's screenshots (first engine only). */
const SHOTS = process.env.UPDATE_SCREENSHOTS ? join(ROOT, "docs", "screenshots") : undefined;
const PROVIDER = "Fabrikam Voice";
/** How long a run may take from sign-in to done (the `provision` tenant's replication delay is 1.5 s). */
const RUN_TIMEOUT_MS = 30_000;
/** Each journey's ceiling (the brief: under a minute each). */
const TEST_TIMEOUT_MS = 60_000;

let browser: Browser;
const contexts: BrowserContext[] = [];
/** What each page of the running test saw, for failure reports. */
const watcher = createPageWatcher();

beforeAll(async () => {
  browser = await launchBrowser();
});

afterEach(async ({ task }) => {
  await watcher.report(task.result?.state === "fail");
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
  contexts.push(context);
  context.on("page", watcher.watch);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

async function expectNoSeriousAxe(page: Page, state: string): Promise<void> {
  expect(await seriousAxeViolations(page), state).toEqual([]);
}

/** The run's status as the run view shows it. */
const runStatus = (page: Page) => page.locator("[data-run-status]").getAttribute("data-run-status");

/** Answers the run's code as the sandbox admin of `scenario` would (the labelled sandbox section's button). */
async function sandboxSignIn(page: Page, scenario: string): Promise<void> {
  const section = page.getByTestId("sandbox-sign-in");
  await section.getByRole("heading", { name: t.sandboxTitle }).waitFor();
  await section.locator(`[data-scenario="${scenario}"]`).getByRole("button").click();
}

/** Waits for the sign-in panel: the code, the verification page, the countdown and Cancel. */
async function expectSignInPanel(page: Page): Promise<string> {
  await page.getByRole("heading", { level: 2, name: t.runTitle.waiting_for_sign_in }).waitFor();
  const code = (await page.getByTestId("user-code").textContent())?.trim() ?? "";
  expect(code).toMatch(/^[A-Z0-9-]{6,}$/);
  await page.getByRole("list", { name: t.signInSteps }).getByRole("link").waitFor();
  await expect.poll(() => page.getByTestId("code-countdown").textContent()).toMatch(/The code expires in \d+:\d\d\./);
  await page.getByRole("button", { name: t.cancel }).waitFor();
  return code;
}

describe.each(ENGINES)("automatic App registration on $name", (engine) => {
  let app: TestApp;
  let database: EngineDatabase;
  const api = apiCaller(() => app.url);
  const tag = randomBytes(3).toString("hex");
  const url = (path: string, theme = "default") => `${app.url}${path}${path.includes("?") ? "&" : "?"}theme=${theme}`;

  /** Opens a page of the tab and waits until it stands (the sandbox banner is in its first frame). */
  async function open(page: Page, path: string, theme = "default"): Promise<void> {
    await page.goto(url(path, theme));
    await page.getByRole("region", { name: en.sandbox.title }).waitFor();
  }

  async function customer(name: string): Promise<string> {
    const created = await api("POST", "/api/customers", { name });
    expect(created.status, created.text).toBe(201);
    return (created.json as { id: string }).id;
  }

  beforeAll(async () => {
    database = engine.setup("dr-provisioning-");
    app = await startTestApp(
      {
        ...database.env,
        VALIDATION_RATE_LIMIT: "1000",
        INVITE_RATE_LIMIT: "1000",
        PROVIDER_NAME: PROVIDER,
      },
      { ...database.appOptions, sandboxEmulator: { deviceCodeIntervalSeconds: 1 } },
    );
  });

  afterAll(async () => {
    await app?.close();
    await database?.cleanup();
  });

  it(
    "(a) the operator's run in the tab makes a connected service, with no value typed",
    async () => {
      const customerName = `Lamna ${tag}`;
      const customerId = await customer(customerName);
      const shortName = `lamna${tag}`;
      const page = await newPage();

      // The Add service menu's third way.
      await open(page, "/");
      await page.getByRole("button", { name: en.services.addService }).click();
      await page.getByRole("menuitem", { name: en.services.createAppRegistration }).click();
      await page.getByRole("heading", { level: 1, name: t.title }).waitFor();
      await expectNoSeriousAxe(page, "form");

      // Start with nothing chosen: the contract's messages, the focus on the first refused field.
      await page.getByRole("button", { name: t.start }).click();
      await page.getByText(t.customerRequired).waitFor();
      await page.getByText("App name: enter a name for the App registration, e.g. Contoso Direct Routing.").waitFor();
      expect(page.url()).toContain("/provisioning/new");

      // The form: the customer names the app; the defaults are on.
      await page.getByRole("combobox", { name: t.customer }).click();
      await page.getByRole("option", { name: customerName }).click();
      await expect
        .poll(() => page.getByRole("textbox", { name: t.appName }).inputValue())
        .toBe(`${customerName} Direct Routing`);
      expect(await page.getByRole("checkbox", { name: t.assignRole }).isChecked()).toBe(true);
      expect(await page.getByRole("checkbox", { name: t.selfRotation }).isChecked()).toBe(true);
      expect(await page.getByRole("spinbutton", { name: t.lifetime }).inputValue()).toBe("180");
      await page.getByRole("button", { name: t.start }).click();

      // Waiting for the sign-in: the code, the link, the countdown, the sandbox's labelled sign-in; axe in 3 themes.
      await page.waitForURL(/\/provisioning\/[0-9a-f-]{36}/);
      await expectSignInPanel(page);
      await page.getByTestId("sandbox-sign-in").waitFor();
      await expectNoSeriousAxe(page, "waiting");
      const runPath = new URL(page.url()).pathname;
      const runId = runPath.split("/").pop() ?? "";
      for (const theme of ["dark", "contrast"]) {
        const themed = await newPage();
        await open(themed, runPath, theme);
        await expectSignInPanel(themed);
        await expectNoSeriousAxe(themed, `waiting, ${theme}`);
        await themed.close();
      }

      // The admin signs in; the steps pass live; what was made is listed.
      await sandboxSignIn(page, "provision");
      await expect.poll(() => runStatus(page), { timeout: RUN_TIMEOUT_MS }).toBe("done");
      await page.getByRole("heading", { level: 2, name: t.runTitle.done }).waitFor();
      for (const id of [
        "sign_in",
        "create_app",
        "create_service_principal",
        "grant_consent",
        "add_secret",
        "validate",
      ]) {
        expect(await page.locator(`[data-step="${id}"]`).getAttribute("data-status"), id).toBe("pass");
      }
      expect(await page.locator('[data-step][data-status="fail"]').count()).toBe(0);
      await page.getByRole("table", { name: t.createdLabel }).locator('[data-kind="application"]').waitFor();
      await page.getByText(t.announce.done).waitFor();
      // Focus went to the outcome's heading.
      await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe("H2");
      await expectNoSeriousAxe(page, "done");
      if (SHOTS && engine === ENGINES[0]) {
        mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: join(SHOTS, "provisioning-run-light.png"), fullPage: true });
      }

      // Continue: the wizard with the run chosen, on the service step.
      await page.getByRole("button", { name: t.continueToService }).click();
      await page.getByRole("heading", { name: en.wizard.steps.service, exact: true }).waitFor();
      await page.getByLabel(en.wizard.shortName).fill(shortName);
      await page.getByText(en.wizard.nameAvailable, { exact: true }).waitFor();
      await page.getByRole("radio", { name: en.wizard.licensePro }).check();
      await page.getByLabel(en.wizard.licensedUsers).fill("50");
      await page.getByRole("button", { name: en.wizard.next }).click();

      // The credentials step shows what the run made instead of the three fields.
      await page.getByRole("heading", { name: en.wizard.steps.credentials, exact: true }).waitFor();
      expect(await page.getByRole("checkbox", { name: t.fromProvisioning }).isChecked()).toBe(true);
      const facts = page.getByRole("definition").filter({ hasText: "Lamna Healthcare" });
      await facts.first().waitFor();
      await page.getByText(t.provisioningChosen).waitFor();
      expect(await page.getByRole("textbox", { name: en.wizard.tenantId }).count()).toBe(0);
      expect(await page.locator('input[name="clientSecret"]').count()).toBe(0);
      await expectNoSeriousAxe(page, "wizard credentials");
      await page.getByRole("button", { name: en.wizard.next }).click();
      await page.getByRole("heading", { name: en.wizard.steps.m365, exact: true }).waitFor();
      await page.getByRole("button", { name: en.wizard.next }).click();
      await page.getByRole("heading", { name: en.wizard.steps.directRouting, exact: true }).waitFor();
      await page.getByRole("button", { name: en.wizard.next }).click(); // to Readiness
      await page.getByRole("heading", { name: readinessEn.step, exact: true }).waitFor();
      await page.getByRole("button", { name: en.wizard.next }).click();
      await page.getByRole("heading", { name: en.wizard.steps.summary, exact: true }).waitFor();
      await page.getByText(t.fromRun).waitFor();
      await page.getByRole("button", { name: en.wizard.create }).click();

      // The new service's page: connected.
      await page.getByRole("heading", { level: 1, name: shortName }).waitFor({ timeout: 30_000 });
      await page.getByText(en.services.created(shortName)).waitFor();
      await expect.poll(() => page.locator("[data-status]").first().getAttribute("data-status")).toBe("connected");
      await expectNoSeriousAxe(page, "portal");

      const services = await api("GET", "/api/services");
      const service = (services.json as { items: Service[] }).items.find((s) => s.shortName === shortName);
      expect(service?.status).toBe("connected");
      expect(service?.customerId).toBe(customerId);
      const run = await api("GET", `/api/provisioning/${runId}`);
      const body = run.json as ProvisioningRun;
      expect(body.status).toBe("done");
      expect(service?.m365.clientId).toBe(body.result?.clientId);

      // Self-rotation is on for it: the portal says so.
      await page.getByRole("tab", { name: en.portal.tabM365 }).click();
      await expect.poll(() => page.getByTestId("self-rotation").textContent()).toBe(t.selfRotationOn);
      await expectNoSeriousAxe(page, "portal m365");

      // Rotate secret now: asked once more, then the new secret's checks live; the service stays connected.
      await page.getByRole("button", { name: t.rotate }).click();
      const confirm = page.getByRole("alertdialog", { name: t.rotateConfirmTitle });
      await confirm.waitFor();
      await expectNoSeriousAxe(page, "rotate, confirmation");
      await confirm.getByRole("button", { name: t.rotateConfirm }).click();
      await page.getByText(t.rotateDone).waitFor({ timeout: RUN_TIMEOUT_MS });
      await expectNoSeriousAxe(page, "rotated");
      const m365 = (await api("GET", `/api/services/${service?.id}/m365`)).json as { secretHint: string };
      expect(m365.secretHint).not.toBe(body.result?.secretHint);
      expect(((await api("GET", `/api/services/${service?.id}`)).json as Service).status).toBe("connected");
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "(b) the customer's admin creates it from the invitation page, which completes the invitation",
    async () => {
      const customerId = await customer(`Contoso ${tag}`);
      const created = await api("POST", "/api/invitations", { customerId });
      expect(created.status, created.text).toBe(201);
      const invitation = created.json as Invitation & { url: string };
      const page = await newPage();
      await page.goto(`${app.url}${new URL(invitation.url).pathname}`);
      await page.getByRole("heading", { level: 1, name: inv.title(PROVIDER) }).waitFor();
      await expectNoSeriousAxe(page, "invite, choice");

      // "Create it for me": who must sign in, the app name, self-rotation.
      await page.getByRole("radio", { name: inv.createForMe }).check();
      await page.getByRole("heading", { level: 2, name: inv.createTitle }).waitFor();
      for (const line of inv.roles) await page.getByText(line).waitFor();
      expect(await page.getByRole("textbox", { name: inv.appName }).inputValue()).toBe(`${PROVIDER} Direct Routing`);
      expect(await page.getByRole("checkbox", { name: inv.selfRotation }).isChecked()).toBe(true);
      await expectNoSeriousAxe(page, "invite, create it for me");
      await page.getByRole("button", { name: inv.startCreate }).click();

      await expectSignInPanel(page);
      await expectNoSeriousAxe(page, "invite, waiting");
      await sandboxSignIn(page, "provision");
      await expect.poll(() => runStatus(page), { timeout: RUN_TIMEOUT_MS }).toBe("done");
      await page.getByRole("heading", { level: 2, name: inv.validTitle }).waitFor();
      await page.getByText(inv.next(PROVIDER)).waitFor();
      // The choice and the guide are gone with the link's use.
      expect(await page.getByRole("radio", { name: inv.createForMe }).count()).toBe(0);
      await expectNoSeriousAxe(page, "invite, valid");

      const read = await api("GET", `/api/invitations/${invitation.id}`);
      expect((read.json as Invitation).status).toBe("completed");
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "(c) a failing run shows the remedy, and Remove what was created removes it",
    async () => {
      const customerId = await customer(`Bellows ${tag}`);
      const started = await api("POST", "/api/provisioning", { customerId, appName: `Bellows ${tag} Direct Routing` });
      expect(started.status, started.text).toBe(201);
      const runId = (started.json as ProvisioningRun).id;
      const page = await newPage();
      await open(page, `/provisioning/${runId}`);
      await expectSignInPanel(page);
      await sandboxSignIn(page, "provision-app-admin");

      await expect.poll(() => runStatus(page), { timeout: RUN_TIMEOUT_MS }).toBe("failed");
      await page.getByRole("heading", { level: 2, name: t.runTitle.failed }).waitFor();
      const failed = page.locator('[data-step][data-status="fail"]');
      await expect.poll(() => failed.count()).toBe(1);
      await expect.poll(() => failed.textContent()).toContain(`${t.remedy}:`);
      expect(await page.locator('[data-step="create_app"]').getAttribute("data-status")).toBe("pass");
      const table = page.getByRole("table", { name: t.createdLabel });
      await table.locator('[data-kind="application"]').waitFor();
      await expectNoSeriousAxe(page, "failed");

      await page.getByRole("button", { name: t.cleanup }).click();
      await page.getByText(t.cleanedUp).waitFor();
      await expect.poll(() => table.locator('tr[data-removed="false"]').count()).toBe(0);
      expect(await table.locator('tr[data-removed="true"]').count()).toBeGreaterThan(0);
      await expectNoSeriousAxe(page, "cleaned up");

      const run = (await api("GET", `/api/provisioning/${runId}`)).json as ProvisioningRun;
      expect(run.status).toBe("failed");
      expect(run.created.length).toBeGreaterThan(0);
      expect(run.created.every((o) => o.removed === true)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );
});
