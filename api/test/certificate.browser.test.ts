/// <reference lib="dom" />
/**
 * Certificate credentials in a real browser (issue 14 Build point 3, UI): Chromium through playwright-core against
 * the real server in sandbox mode. The wizard onboards the `certificate` scenario from two PEM files chosen in the
 * file picker (certificate and key), shows the files' names and the thumbprint the API reports, never the key; the
 * Summary says "Certificate, thumbprint …"; the portal's M365 page shows the credential type, thumbprint and
 * subject, and Replace credential takes the same certificate as a PFX with its password. The invitation page's
 * "I have the values" path refuses a certificate without its key under the field, then passes with the PFX. Axe
 * finds nothing serious on the new states; no page, stored draft or answer holds the key or the password.
 */
import { X509Certificate } from "node:crypto";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { en } from "../../tab/src/i18n/en.js";
import { inviteTexts as t } from "../../tab/src/invite/invite.texts.js";
import { pfxOf } from "../src/m365/emulator/emulator.certificates.js";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { browserSuite, expectNoSeriousAxe, wizardToKnownApp } from "./browser.js";
import { apiCaller } from "./helpers.js";

const scenario = SANDBOX.certificate;
const bundle = scenario?.clientCertificatePem;
if (!scenario || !bundle) throw new Error("no certificate scenario in the sandbox");
const certPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(bundle)?.[0] ?? "";
const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(bundle)?.[0] ?? "";
if (!certPem || !keyPem) throw new Error("the certificate scenario's PEM lacks the certificate or the key");
/** The key's base64 body (what must never be shown or answered), without its armour lines. */
const keyBody = keyPem.split("\n").slice(1, -1).join("");
/** The Entra admin center's Thumbprint: SHA-1 of the DER certificate, hex upper case. */
const thumbprint = new X509Certificate(certPem).fingerprint.replaceAll(":", "");
const PFX_PASSWORD = "Pfx-pass-7391";
const pfx = Buffer.from(pfxOf({ certPem, keyPem, thumbprintSha1Base64: "" }, PFX_PASSWORD), "base64");

const suite = browserSuite({ VALIDATION_RATE_LIMIT: "1000", INVITE_RATE_LIMIT: "1000" });
/** Every API answer's text, searched for the key and the password at the end. */
const answers: string[] = [];
const api = apiCaller(() => suite.app().url, { seen: (text) => answers.push(text) });

async function newPage(): Promise<Page> {
  const page = await suite.newPage();
  page.on("response", async (r) => {
    // The sandbox's demo tenants carry the demo PEM by design (GET /api/sandbox); every other answer is searched.
    if (r.url().includes("/api/") && !r.url().includes("/api/sandbox")) answers.push(await r.text().catch(() => ""));
  });
  return page;
}

/** Neither the page's text nor any visible field's value holds the key or the password (typed, it is masked). */
async function expectNoKeyShown(page: Page, where: string): Promise<void> {
  const shown = await page.evaluate(() =>
    [
      document.body.textContent ?? "",
      ...[...document.querySelectorAll('input:not([type="password"]), textarea')].map(
        (e) => (e as HTMLInputElement).value,
      ),
    ].join("\n"),
  );
  expect(shown.replace(/\s+/g, ""), where).not.toContain(keyBody.slice(0, 64));
  expect(shown, where).not.toContain(PFX_PASSWORD);
}

describe("certificate credentials in the tab", () => {
  it("onboards with a certificate from two PEM files, shows its thumbprint, never its key", async () => {
    const page = await newPage();
    await wizardToKnownApp(page, suite.app().url, "Trey Research", "trey-cert");
    await page.getByLabel(en.wizard.tenantId).fill(scenario.tenantId);
    await page.getByLabel(en.wizard.clientId).fill(scenario.clientId);
    await page.getByRole("radio", { name: en.wizard.credentialCertificate }).check();
    expect(await page.locator('input[name="clientSecret"]').count()).toBe(0);
    // Next without a certificate: the contract's message under the field, no request.
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page
      .getByText("Certificate: paste the PEM text (certificate and private key) or choose the .pfx file.")
      .waitFor();
    await expectNoSeriousAxe(page, "wizard certificate fields, refused");

    // The certificate and its key as two files, chosen together (the key never touches the disk here either).
    await page.getByLabel(en.certificate.file).setInputFiles([
      { name: "trey-cert.pem", mimeType: "application/x-pem-file", buffer: Buffer.from(`${certPem}\n`) },
      { name: "trey-key.pem", mimeType: "application/x-pem-file", buffer: Buffer.from(`${keyPem}\n`) },
    ]);
    const files = page.getByTestId("certificate-files");
    await expect.poll(() => files.textContent()).toContain("trey-cert.pem");
    expect(await files.textContent()).toContain("trey-key.pem");
    // A plain PEM key has no password; the paste box gives way to the files.
    expect(await page.getByLabel(en.certificate.password).count()).toBe(0);
    expect(await page.getByRole("textbox", { name: en.certificate.paste }).count()).toBe(0);
    await expectNoKeyShown(page, "files loaded");

    await page.getByRole("button", { name: en.wizard.next }).click();
    // Everything passes for this scenario, the expiry read from the app's certificate.
    await page.getByText(en.wizard.connectOkTitle, { exact: true }).waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-check="secret_expiry"]').getAttribute("data-status")).toBe("pass");
    await expect.poll(() => page.locator('[data-check="token"]').getAttribute("data-status")).toBe("pass");
    await expect.poll(() => page.getByTestId("certificate-thumbprint").textContent()).toBe(thumbprint);
    await expectNoSeriousAxe(page, "wizard certificate validated");
    await expectNoKeyShown(page, "validated");

    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.getByRole("heading", { name: en.wizard.steps.m365, exact: true }).waitFor();
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.getByRole("heading", { name: en.wizard.steps.directRouting, exact: true }).waitFor();
    await page.getByRole("button", { name: en.wizard.next }).click();
    // Readiness runs with the certificate too; it informs only.
    await page.locator('[data-readiness="teams_admin_role"]').waitFor({ timeout: 20_000 });
    await page.getByRole("button", { name: en.wizard.next }).click();
    await page.getByRole("heading", { name: en.wizard.steps.summary, exact: true }).waitFor();
    const summary = page.getByRole("definition").filter({ hasText: thumbprint });
    expect(await summary.textContent()).toBe(en.certificate.summary(thumbprint));
    expect(await page.getByTestId("masked-secret").count()).toBe(0);
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(JSON.parse(JSON.parse(stored)["dr.wizard.draft"]).credentialType).toBe("certificate");
    expect(stored.replace(/\\n|\s/g, "")).not.toContain(keyBody.slice(0, 64));
    await page.getByRole("button", { name: en.wizard.create }).click();
    await page.getByRole("heading", { name: en.services.title, exact: true }).waitFor({ timeout: 20_000 });

    // The portal: the credential type, thumbprint and subject, the certificate's expiry.
    await page.getByRole("link", { name: "trey-cert" }).click();
    await page.getByRole("tab", { name: en.portal.tabM365 }).click();
    await expect
      .poll(() => page.getByTestId("credential-type").textContent())
      .toBe(en.portal.credentialTypes.certificate);
    expect(await page.getByTestId("certificate-thumbprint").textContent()).toBe(thumbprint);
    await page.getByText(en.portal.certificateExpiry, { exact: true }).waitFor();
    await page.getByText("treyresearch-direct-routing").waitFor();
    await expect.poll(() => page.getByTestId("days-until-expire").textContent()).toMatch(/^(299|300)$/);
    expect(await page.getByTestId("masked-secret").count()).toBe(0);
    await expectNoSeriousAxe(page, "portal M365 with a certificate");

    // Replace credential: the same certificate as a PFX with its password.
    await page.getByRole("button", { name: en.portal.replaceSecret }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("heading", { name: en.portal.replaceTitle }).waitFor();
    await dialog.getByRole("radio", { name: en.wizard.credentialCertificate }).check();
    await dialog
      .getByLabel(en.certificate.file)
      .setInputFiles([{ name: "trey.pfx", mimeType: "application/x-pkcs12", buffer: pfx }]);
    await expect.poll(() => dialog.getByTestId("certificate-files").textContent()).toContain("trey.pfx");
    await dialog.getByLabel(en.certificate.password).fill(PFX_PASSWORD);
    expect(await dialog.getByLabel(en.certificate.password).getAttribute("type")).toBe("password");
    await expectNoSeriousAxe(page, "replace credential dialog with a PFX");
    await dialog.getByRole("button", { name: en.portal.replaceSubmit }).click();
    await dialog.getByText(en.portal.replaceDone).waitFor({ timeout: 20_000 });
    await dialog.getByRole("button", { name: en.app.close, exact: true }).click();
    await expect.poll(() => page.getByTestId("certificate-thumbprint").textContent()).toBe(thumbprint);
    await expectNoKeyShown(page, "portal after the replacement");
  }, 90_000);

  it("the invitation page refuses a certificate without its key under the field, then passes with the PFX", async () => {
    const customer = await api("POST", "/api/customers", { name: "Trey Research (invited)" });
    expect(customer.status, customer.text).toBe(201);
    const created = await api("POST", "/api/invitations", { customerId: (customer.json as { id: string }).id });
    expect(created.status, created.text).toBe(201);
    const path = new URL((created.json as { url: string }).url).pathname;

    const page = await newPage();
    await page.goto(`${suite.app().url}${path}`);
    await page.getByRole("heading", { level: 2, name: t.formTitle }).waitFor();
    await page.getByRole("textbox", { name: en.wizard.tenantId }).fill(scenario.tenantId);
    await page.getByRole("textbox", { name: en.wizard.clientId }).fill(scenario.clientId);
    await page.getByRole("radio", { name: en.wizard.credentialCertificate }).check();
    // Only the certificate pasted (the .cer uploaded to Entra): refused under the field, before any request.
    const paste = page.getByRole("textbox", { name: en.certificate.paste });
    await paste.fill(certPem);
    await paste.blur();
    await page.getByText(/the PEM text has no private key/).waitFor();
    await page.getByRole("button", { name: t.start }).click();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute("name")))
      .toBe("clientCertificateFile");
    await expectNoSeriousAxe(page, "invitation page, certificate refused");

    // The PFX file: the paste box gives way, the password is asked for.
    await page
      .getByLabel(en.certificate.file)
      .setInputFiles([{ name: "trey.p12", mimeType: "application/x-pkcs12", buffer: pfx }]);
    await expect.poll(() => page.getByTestId("certificate-files").textContent()).toContain("trey.p12");
    await page.getByLabel(en.certificate.password).fill(PFX_PASSWORD);
    await expectNoKeyShown(page, "invitation page, PFX loaded");
    await page.getByRole("button", { name: t.start }).click();
    await page.getByRole("heading", { level: 2, name: t.validTitle }).waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator('[data-check="token"]').getAttribute("data-status")).toBe("pass");
    await expectNoKeyShown(page, "invitation page, valid");
    await expectNoSeriousAxe(page, "invitation page, valid with a certificate");
  }, 60_000);

  it("the sandbox banner lists the certificate tenants, naming the cloud of those outside the global one", async () => {
    const page = await newPage();
    await page.goto(`${suite.app().url}/`);
    await page.getByRole("button", { name: en.sandbox.showTenants }).click();
    const list = page.getByRole("list", { name: en.sandbox.tenantsLabel });
    await list.waitFor();
    const item = (name: string) => list.getByRole("listitem").filter({ has: page.getByText(name, { exact: true }) });
    const cloudLines: Record<string, string | undefined> = {
      certificate: undefined,
      "gcc-high-certificate": en.sandbox.cloud(en.wizard.clouds["usgov-gcchigh"]),
      "dod-certificate": en.sandbox.cloud(en.wizard.clouds["usgov-dod"]),
      "china-certificate": en.sandbox.cloud(en.wizard.clouds.china),
    };
    for (const [name, line] of Object.entries(cloudLines)) {
      const text = await item(name).textContent();
      expect(text, name).toContain(SANDBOX[name]?.tenantId);
      // Each offers its PEM (copy and download), never shown as text.
      expect(
        await item(name)
          .getByRole("button", { name: en.sandbox.download(name) })
          .count(),
      ).toBe(1);
      if (line === undefined) expect(text, name).not.toContain(en.sandbox.cloud(""));
      else expect(text, name).toContain(line);
    }
    await expectNoKeyShown(page, "sandbox banner opened");
    await expectNoSeriousAxe(page, "sandbox banner with the demo tenants");
  }, 30_000);

  it("no API answer held the key or the password", () => {
    expect(answers.length).toBeGreaterThan(0);
    for (const text of answers) {
      expect(text.replace(/\\n|\s/g, "")).not.toContain(keyBody.slice(0, 64));
      expect(text).not.toContain(PFX_PASSWORD);
      expect(text).not.toContain(pfx.toString("base64").slice(0, 64));
    }
  });
});
