/**
 * GET /api/docs in the real browser (docs/api.md, "OpenAPI description"): Swagger UI, served by the server itself,
 * loads the generated document and lists the operations, under the page's own Content-Security-Policy, with no
 * request to any host but the server's own loopback address, no console error (a CSP refusal is one), and no serious
 * axe violation (docs.css raises Swagger UI's badge contrast; no deep links, which nest a link in a button).
 */
import { expect, it } from "vitest";
import { browserSuite, expectNoSeriousAxe } from "./browser.js";

const suite = browserSuite({});

it("shows the operations of the generated document, loading nothing from elsewhere", async () => {
  const page = await suite.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));

  const answer = await page.goto(`${suite.app().url}/api/docs`);
  expect(answer?.status()).toBe(200);
  const csp = answer?.headers()["content-security-policy"] ?? "";
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");

  await page.getByRole("heading", { name: /Direct Routing onboarding API/ }).waitFor();
  // Swagger UI shows what it does not understand of a document as a warning on the page.
  expect(await page.getByText("Warning", { exact: true }).count()).toBe(0);
  // Operations of several tags, by path and summary, as Swagger UI lists them.
  for (const summary of [
    "Onboard a service",
    "Validate App registration credentials",
    "Re-validate every service (one run at a time)",
  ]) {
    await page.getByText(summary, { exact: true }).first().waitFor();
  }
  await page.getByText("/api/services/{id}/m365/secret", { exact: true }).first().waitFor();
  const operations = await page.locator(".opblock").count();
  expect(operations).toBeGreaterThan(40);

  await expectNoSeriousAxe(page, "/api/docs, the operations listed");

  // Opening an operation shows its answers, the problem codes among them.
  await page.getByText("Onboard a service", { exact: true }).first().click();
  await page
    .getByText(/Problem: name_taken, subdomain_taken/)
    .first()
    .waitFor();
  await expectNoSeriousAxe(page, "/api/docs, an operation open");

  const origin = new URL(suite.app().url).origin;
  const elsewhere = requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith("data:"));
  expect(elsewhere).toEqual([]);
  expect(requests).toContain(`${origin}/api/openapi.json`);
  expect(errors).toEqual([]);
}, 120_000);
