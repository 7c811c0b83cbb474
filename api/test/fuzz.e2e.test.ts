/**
 * Thousands of generated bodies thrown at every write endpoint over real HTTP: malformed JSON, wrong types,
 * unknown fields, huge values, near-valid bodies. Every answer is a 2xx or a problem+json 4xx, never a 5xx, and no
 * half-written service remains (every service keeps its sealed secret).
 */
import { randomUUID } from "node:crypto";
import type { Customer, Problem, Service } from "@dr/contract";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { startTestApp, type TestApp } from "./helpers.js";

const RUNS = 1000;
const valid = SANDBOX.valid;
if (!valid) throw new Error("no valid scenario");

let app: TestApp;
let customer: Customer;
let service: Service;

async function send(method: string, path: string, body: string | undefined) {
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", text };
}

/** Values that are sometimes right, often wrong in type, size or content. */
const fieldValue = (right: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 3, arbitrary: right },
    { weight: 1, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ minLength: 1000, maxLength: 5000 }) },
    { weight: 1, arbitrary: fc.constantFrom("", " ", "\u0000", "\ud800", "../../etc/passwd", "<script>", "AUDIT") },
  );

/** A body: a record of (mostly) the endpoint's keys plus stray ones, any JSON, or text that is not JSON. */
function bodies(shape: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<string> {
  const record = fc
    .record(
      Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, fieldValue(v)])) as Record<
        string,
        fc.Arbitrary<unknown>
      >,
      { requiredKeys: [] },
    )
    .chain((r) =>
      fc
        .option(fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }), {
          freq: 4,
        })
        .map((extra) => ({ ...(extra ?? {}), ...r })),
    );
  return fc.oneof(
    { weight: 6, arbitrary: record.map((r) => JSON.stringify(r)) },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.constantFrom("{", "[1,", '{"a":', "nul", '"\\ud800"', "{}".repeat(20_000)) },
  );
}

const m365 = fc.record(
  {
    tenantId: fieldValue(fc.constantFrom(valid.tenantId, valid.tenantDomain, "common", randomUUID())),
    clientId: fieldValue(fc.constantFrom(valid.clientId, randomUUID())),
    clientSecret: fieldValue(fc.constantFrom(valid.clientSecret, randomUUID(), " padded ", "x".repeat(1025))),
    cloud: fieldValue(fc.constantFrom("global", "china", "usgov-dod")),
  },
  { requiredKeys: [] },
);

async function expectNo5xx(method: string, path: fc.Arbitrary<string>, body: fc.Arbitrary<string | undefined>) {
  await fc.assert(
    fc.asyncProperty(path, body, async (p, b) => {
      const { status, contentType, text } = await send(method, p, b);
      expect(status, `${method} ${p} ${String(b).slice(0, 200)}`).toBeLessThan(500);
      if (status >= 400) {
        expect(contentType).toContain("application/problem+json");
        const problem = JSON.parse(text) as Problem;
        expect(problem.status).toBe(status);
        expect(typeof problem.code).toBe("string");
      }
    }),
    { numRuns: RUNS },
  );
}

beforeAll(async () => {
  app = await startTestApp({ VALIDATION_RATE_LIMIT: "200", LOG_LEVEL: "warn" });
  customer = (await (
    await fetch(`${app.url}/api/customers`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Fuzz Customer" }),
    })
  ).json()) as Customer;
  service = (await (
    await fetch(`${app.url}/api/services`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        customerId: customer.id,
        shortName: "fuzz-target",
        licenseType: "hosted-pro",
        licensedUsers: 10,
        m365: { tenantId: valid.tenantId, clientId: valid.clientId, clientSecret: valid.clientSecret },
      }),
    })
  ).json()) as Service;
  expect(service.id).toBeTruthy();
});

afterAll(async () => {
  await app?.close();
});

describe(`generated bodies (${RUNS} per endpoint) never cause a 5xx`, () => {
  const servicePath = () =>
    fc.constantFrom(`/api/services/${service.id}`, `/api/services/${randomUUID()}`, "/api/services/x");

  it("POST /api/customers", async () => {
    await expectNo5xx(
      "POST",
      fc.constant("/api/customers"),
      bodies({ name: fc.string({ minLength: 1, maxLength: 50 }), contactEmail: fc.emailAddress(), note: fc.string() }),
    );
  });

  it("POST /api/validation", async () => {
    await expectNo5xx(
      "POST",
      fc.constant("/api/validation"),
      bodies({
        tenantId: fc.constantFrom(valid.tenantId, "common"),
        clientId: fc.constant(valid.clientId),
        clientSecret: fc.constantFrom(valid.clientSecret, randomUUID()),
        cloud: fc.constantFrom("global", "china"),
      }),
    );
  });

  it("POST /api/services", async () => {
    await expectNo5xx(
      "POST",
      fc.constant("/api/services"),
      bodies({
        customerId: fc.constantFrom(customer.id, randomUUID()),
        shortName: fc.stringMatching(/^[a-z0-9-]{3,15}$/),
        fullName: fc.string({ maxLength: 70 }),
        licenseType: fc.constantFrom("hosted-pro", "hosted-essentials-plus"),
        licensedUsers: fc.integer({ min: -5, max: 600 }),
        m365,
        directRouting: fc.record(
          {
            m365Domain: fc.constantFrom(valid.tenantDomain, "x.example"),
            sbcRegion: fc.constantFrom("eu-west", "mars"),
            subdomainLabel: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
          },
          { requiredKeys: [] },
        ),
      }),
    );
  });

  it("PATCH /api/services/{id}", async () => {
    await expectNo5xx(
      "PATCH",
      servicePath(),
      bodies({
        fullName: fc.string({ maxLength: 70 }),
        licenseType: fc.constantFrom("hosted-pro", "hosted-essentials-plus"),
        licensedUsers: fc.integer({ min: -5, max: 600 }),
      }),
    );
  });

  it("PUT /api/services/{id}/m365/secret", async () => {
    await expectNo5xx(
      "PUT",
      servicePath().map((p) => `${p}/m365/secret`),
      bodies({ clientSecret: fc.constantFrom(valid.clientSecret, randomUUID(), "abc8Q~wrong") }),
    );
  });

  it("POST /api/services/{id}/m365/validate and DELETE with stray bodies and ids", async () => {
    await expectNo5xx(
      "POST",
      servicePath().map((p) => `${p}/m365/validate`),
      fc.option(
        fc.jsonValue().map((v) => JSON.stringify(v)),
        { nil: undefined },
      ),
    );
    await expectNo5xx(
      "DELETE",
      fc.constantFrom(`/api/services/${randomUUID()}`, "/api/services/%00"),
      fc.constant(undefined),
    );
  });

  it("left no half-written service: each has its secret and validates", async () => {
    const list = (await (await fetch(`${app.url}/api/services`)).json()) as { items: Service[] };
    expect(list.items.length).toBeGreaterThan(0);
    for (const s of list.items) {
      const m365 = await fetch(`${app.url}/api/services/${s.id}/m365`);
      expect(m365.status).toBe(200);
    }
    const target = list.items.find((s) => s.id === service.id);
    expect(target?.shortName).toBe("fuzz-target");
  });
});
