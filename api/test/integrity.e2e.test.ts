/**
 * Fail-closed sign-in and the integrity rules of issue 9, over real HTTP on SQLite and (with TEST_DATABASE_URL, as
 * in CI) PostgreSQL. Each test here failed on the code before the fix:
 * - dev sign-in answers only loopback Host names (DNS rebinding gets 421), and refuses to start off loopback;
 * - one SBC sub-domain label per service (409 subdomain_taken), asked live by the wizard;
 * - ETag / If-Match on the service, its M365 settings and the secret replacement (412 precondition_failed);
 * - a validation overtaken by a secret replacement goes to the history only;
 * - the per-tenant rate limit counts the parsed tenant, not the raw text;
 * - audit rows and log lines carry only parsed values, never a secret pasted into the wrong field;
 * - endpoints without a body accept an empty body sent with a JSON content type.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditEvent, Customer, M365Settings, Problem, Service, ValidationReport } from "@dr/contract";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX, sandboxTenants } from "../src/m365/emulator/emulator.fixtures.js";
import { DEFAULT_SQLITE_FILE } from "../src/storage/database.js";
import { ENGINES, type EngineDatabase } from "./engines.js";
import { apiCaller, spawnServer, startTestApp, type TestApp } from "./helpers.js";

const valid = SANDBOX.valid;
if (!valid) throw new Error("sandbox scenario valid missing");
/** The valid tenant's app also holds an older secret (ends in 20 days): a replacement that validates. */
const secondSecret = sandboxTenants()
  .find((t) => t.id === valid.tenantId)
  ?.apps[0]?.secrets.find((s) => s.value !== valid.clientSecret)?.value;
if (!secondSecret) throw new Error("no second secret on the valid tenant");

/** A raw HTTP request with a Host header of our choosing (fetch does not let a caller set Host). */
function requestWithHost(url: string, host: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "GET", headers: { host } }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => {
        body += c.toString();
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), body }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("dev sign-in stays on this machine", () => {
  it("refuses to start with AUTH_MODE=dev (the default) on every interface, naming AUTH_MODE and HOST", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dr-failclosed-"));
    try {
      await expect(spawnServer({ HOST: "0.0.0.0", DATA_DIR: dir })).rejects.toThrow(
        /AUTH_MODE=dev is accepted only when HOST is a loopback address/,
      );
      // And the bot: an empty MicrosoftAppId would accept unsigned activities from the network.
      await expect(
        spawnServer({
          HOST: "0.0.0.0",
          DATA_DIR: dir,
          AUTH_MODE: "entra",
          AUTH_TENANT_ID: randomUUID(),
          AUTH_CLIENT_ID: randomUUID(),
        }),
      ).rejects.toThrow(/MicrosoftAppId is empty/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("answers a request addressed to another host with 421 problem+json (DNS rebinding)", async () => {
    const app = await startTestApp();
    try {
      const port = new URL(app.url).port;
      const rebound = await requestWithHost(`${app.url}/api/settings`, `rebind.attacker.example:${port}`);
      expect(rebound.status).toBe(421);
      expect(rebound.type).toContain("application/problem+json");
      expect(JSON.parse(rebound.body)).toMatchObject({ status: 421, code: "misdirected_request" });
      const health = await requestWithHost(`${app.url}/api/health`, "rebind.attacker.example");
      expect(health.status).toBe(421);
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, "localhost"]) {
        expect((await requestWithHost(`${app.url}/api/settings`, host)).status, host).toBe(200);
      }
    } finally {
      await app.close();
    }
  });
});

describe.each(ENGINES)("integrity on $name", (engine) => {
  let app: TestApp;
  let database: EngineDatabase;
  let customer: Customer;
  let other: Customer;

  const call = apiCaller(() => app.url);

  /** Every audit row, read from the database itself. */
  async function auditRows(): Promise<{ action: string; detail: string | null }[]> {
    const { schema, databaseUrl, dataDir } = database;
    if (schema && databaseUrl) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        return (await client.query(`select action, detail from ${schema}.audit_events`)).rows;
      } finally {
        await client.end();
      }
    }
    const db = new Sqlite(join(dataDir, DEFAULT_SQLITE_FILE), { readonly: true });
    try {
      return db.prepare("select action, detail from audit_events").all() as { action: string; detail: string }[];
    } finally {
      db.close();
    }
  }

  const serviceBody = (customerId: string, shortName: string, extra: Record<string, unknown> = {}) => ({
    customerId,
    shortName,
    licenseType: "hosted-pro",
    licensedUsers: 10,
    m365: { tenantId: valid.tenantId, clientId: valid.clientId, clientSecret: valid.clientSecret },
    ...extra,
  });

  beforeAll(async () => {
    database = engine.setup(`dr-int-${engine.name}-`);
    app = await startTestApp(
      { ...database.env, VALIDATION_RATE_LIMIT: "1000", M365_TIMEOUT_MS: "8000" },
      database.appOptions,
    );
    customer = (await call("POST", "/api/customers", { name: "Acme Telecom" })).json as Customer;
    other = (await call("POST", "/api/customers", { name: "Another Acme" })).json as Customer;
  });

  afterAll(async () => {
    await app?.close();
    await database?.cleanup();
  });

  it("gives each service its own SBC sub-domain: derived and explicit labels collide with 409 subdomain_taken", async () => {
    const first = await call("POST", "/api/services", serviceBody(customer.id, "acme-dr"));
    expect(first.status).toBe(201);
    expect((first.json as Service).directRouting?.subdomainLabel).toBe("acme-dr");
    // A different short name whose derived label is the same: before, this got the same SBC FQDN.
    const derived = await call("POST", "/api/services", serviceBody(other.id, "ACME_DR"));
    expect(derived.status).toBe(409);
    const problem = derived.json as Problem;
    expect(problem.code).toBe("subdomain_taken");
    expect(problem.errors?.[0]).toMatchObject({ path: "directRouting.subdomainLabel", code: "subdomain_taken" });
    const explicit = await call(
      "POST",
      "/api/services",
      serviceBody(other.id, "another-acme", { directRouting: { subdomainLabel: "acme-dr" } }),
    );
    expect(explicit.status).toBe(409);
    expect((explicit.json as Problem).code).toBe("subdomain_taken");
    // Nothing was written by the refusals.
    const list = (await call("GET", "/api/services")).json as { items: Service[] };
    expect(list.items.map((s) => s.shortName)).toEqual(["acme-dr"]);
    // The wizard asks as the operator types.
    const taken = await call("GET", "/api/services/subdomain-check?label=acme-dr");
    expect(taken.status).toBe(200);
    expect(taken.json).toMatchObject({ label: "acme-dr", ok: false, problems: [{ code: "subdomain_taken" }] });
    expect((taken.json as { fqdn: string }).fqdn).toMatch(/^acme-dr\./);
    const free = await call("GET", "/api/services/subdomain-check?label=acme-dr-2");
    expect(free.json).toMatchObject({ ok: true, problems: [] });
    const bad = await call("GET", "/api/services/subdomain-check?label=-bad-");
    expect(bad.json).toMatchObject({ ok: false, problems: [{ code: "invalid_subdomain" }] });
  });

  it("sends an ETag and honours If-Match on PATCH, DELETE and the secret replacement (412 precondition_failed)", async () => {
    const created = (await call("POST", "/api/services", serviceBody(customer.id, "etag-dr"))).json as Service;
    const read = await call("GET", `/api/services/${created.id}`);
    const etag = read.headers.get("etag");
    expect(etag).toMatch(/^"\d+"$/);
    const m365 = await call("GET", `/api/services/${created.id}/m365`);
    expect(m365.headers.get("etag")).toBe(etag);

    const stale = '"9999"';
    const patchStale = await call("PATCH", `/api/services/${created.id}`, { licensedUsers: 11 }, { "if-match": stale });
    expect(patchStale.status).toBe(412);
    expect((patchStale.json as Problem).code).toBe("precondition_failed");
    const weak = await call("PATCH", `/api/services/${created.id}`, { licensedUsers: 11 }, { "if-match": `W/${etag}` });
    expect(weak.status).toBe(412);
    const secretStale = await call(
      "PUT",
      `/api/services/${created.id}/m365/secret`,
      { clientSecret: secondSecret },
      { "if-match": stale },
    );
    expect(secretStale.status).toBe(412);
    const deleteStale = await call("DELETE", `/api/services/${created.id}`, undefined, { "if-match": stale });
    expect(deleteStale.status).toBe(412);
    // Nothing changed.
    expect(((await call("GET", `/api/services/${created.id}`)).json as Service).licensedUsers).toBe(10);

    const patched = await call(
      "PATCH",
      `/api/services/${created.id}`,
      { licensedUsers: 12 },
      { "if-match": `${etag}` },
    );
    expect(patched.status).toBe(200);
    const next = patched.headers.get("etag");
    expect(next).not.toBe(etag);
    // The old ETag is now stale; the new one (in a list, or *) deletes.
    expect((await call("DELETE", `/api/services/${created.id}`, undefined, { "if-match": `${etag}` })).status).toBe(
      412,
    );
    expect(
      (await call("DELETE", `/api/services/${created.id}`, undefined, { "if-match": `"1", ${next}` })).status,
    ).toBe(204);
  });

  it("accepts an empty body with a JSON content type on the endpoints that take none", async () => {
    const created = (await call("POST", "/api/services", serviceBody(customer.id, "empty-body-dr"))).json as Service;
    const validate = await call("POST", `/api/services/${created.id}/m365/validate`, "");
    expect(validate.status).toBe(200);
    expect((validate.json as ValidationReport).ok).toBe(true);
    // A body-taking endpoint still names what is missing.
    const noBody = await call("POST", "/api/customers", "");
    expect(noBody.status).toBe(400);
    expect((noBody.json as Problem).errors?.[0]?.message).toMatch(/JSON object/);
    const removed = await call("DELETE", `/api/services/${created.id}`, "");
    expect(removed.status).toBe(204);
  });

  it("keeps a validation overtaken by a secret replacement out of the service (history only)", async () => {
    const create = await call("POST", "/api/services", serviceBody(customer.id, "race-dr"));
    expect(create.status, create.text).toBe(201);
    const created = create.json as Service;
    const emulator = app.sandbox?.emulator;
    const tenant = emulator?.tenants.find((t) => t.id === valid.tenantId);
    if (!emulator || !tenant) throw new Error("sandbox emulator missing");
    // Graph answers the old secret's run slowly; the replacement runs while it waits.
    tenant.faults = { organization: { kind: "latency", ms: 2500 }, applications: { kind: "latency", ms: 2500 } };
    const before = emulator.requestCount;
    const slow = call("POST", `/api/services/${created.id}/m365/validate`);
    try {
      const deadline = Date.now() + 5000;
      while (emulator.requestCount < before + 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(emulator.requestCount).toBeGreaterThanOrEqual(before + 4);
    } finally {
      tenant.faults = undefined;
    }
    const replaced = await call("PUT", `/api/services/${created.id}/m365/secret`, { clientSecret: secondSecret });
    expect(replaced.status, replaced.text).toBe(200);
    const afterReplace = ((await call("GET", `/api/services/${created.id}/m365`)).json as M365Settings).secretExpiresAt;
    expect((await slow).status).toBe(200);

    const settings = (await call("GET", `/api/services/${created.id}/m365`)).json as M365Settings;
    // The new secret's hint and expiry stay; the old secret's 300-day expiry did not overwrite them.
    expect(settings.secretHint).toBe(secondSecret.slice(0, 3));
    expect(settings.secretExpiresAt).toBe(afterReplace);
    expect(settings.daysUntilExpire).toBeLessThan(30);
    expect(settings.history.map((h) => h.trigger)).toContain("superseded");
    const audit = (await call("GET", `/api/services/${created.id}/audit`)).json as { items: AuditEvent[] };
    expect(audit.items.find((e) => e.action === "service.validate")?.detail).toMatchObject({ superseded: true });
  });

  it("audits and logs only parsed values: a secret pasted into the Tenant ID field is written as (invalid)", async () => {
    const pasted = valid.clientSecret;
    const report = await call("POST", "/api/validation", {
      tenantId: pasted,
      clientId: `${pasted}x`,
      clientSecret: "not-the-secret-value",
    });
    expect(report.status).toBe(200);
    const details = (await auditRows()).filter((r) => r.action === "credentials.validate").map((r) => r.detail);
    expect(details.map((d) => JSON.parse(d ?? "{}"))).toContainEqual(
      expect.objectContaining({ tenantId: "(invalid)", clientId: "(invalid)" }),
    );
    expect(details.join("\n")).not.toContain(pasted);
    expect(app.logs.join("\n")).not.toContain(pasted);
  });
});

describe("per-tenant rate limit", () => {
  it("counts the parsed tenant: text around one GUID shares one budget", async () => {
    const app = await startTestApp({ VALIDATION_RATE_LIMIT: "3" });
    try {
      const statuses: number[] = [];
      for (let i = 1; i <= 4; i++) {
        const r = await fetch(`${app.url}/api/validation`, {
          method: "POST",
          // A new operator each time, so only the tenant's budget can run out.
          headers: { "content-type": "application/json", "x-dev-user": `operator${i}@provider.example` },
          body: JSON.stringify({
            tenantId: `see ${i}: ${valid.tenantId.toUpperCase()}`,
            clientId: valid.clientId,
            clientSecret: valid.clientSecret,
          }),
        });
        statuses.push(r.status);
        await r.text();
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await app.close();
    }
  });
});
