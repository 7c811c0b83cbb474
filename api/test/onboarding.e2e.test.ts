/**
 * Every onboarding endpoint of docs/api.md over real HTTP, on SQLite and (when TEST_DATABASE_URL is set, as in
 * CI) on PostgreSQL: customers, services, M365 settings, Validate Authentication, secret replacement, audit,
 * idempotency, the 50-way name race, rate limits, and no secret anywhere (responses, logs, database).
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditEvent, Customer, M365Settings, Problem, Service, ValidationReport } from "@dr/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX, sandboxTenants } from "../src/m365/emulator/emulator.fixtures.js";
import { ENGINES, type EngineDatabase, enginesNamed } from "./engines.js";
import { apiCaller, startTestApp, type TestApp } from "./helpers.js";
import { dumpDatabase } from "./invitations.support.js";

const valid = SANDBOX.valid;
const expiring = SANDBOX.expiring;
const missing = SANDBOX["missing-consent"];
if (!valid || !expiring || !missing) throw new Error("sandbox scenarios missing");
/** The valid tenant's app has a second, older secret ending in 20 days: the "right" replacement secret. */
const secondSecret = sandboxTenants()
  .find((t) => t.id === valid.tenantId)
  ?.apps[0]?.secrets.find((s) => s.value !== valid.clientSecret)?.value;
if (!secondSecret) throw new Error("no second secret on the valid tenant");

describe.each(ENGINES)("onboarding API on $name", (engine) => {
  let app: TestApp;
  let database: EngineDatabase;
  const responses: string[] = [];
  const sentSecrets = new Set<string>([valid.clientSecret, expiring.clientSecret, missing.clientSecret, secondSecret]);
  let customer: Customer;

  const call = apiCaller(() => app.url, { seen: (text) => responses.push(text) });

  const serviceBody = (shortName: string, creds = valid, extra: Record<string, unknown> = {}) => ({
    customerId: customer.id,
    shortName,
    licenseType: "hosted-pro",
    licensedUsers: 120,
    m365: { tenantId: creds.tenantDomain, clientId: creds.clientId, clientSecret: creds.clientSecret },
    ...extra,
  });

  beforeAll(async () => {
    database = engine.setup(`dr-onb-${engine.name}-`);
    app = await startTestApp(
      { ...database.env, VALIDATION_RATE_LIMIT: "1000", M365_TIMEOUT_MS: "3000" },
      database.appOptions,
    );
    const created = await call("POST", "/api/customers", { name: "Contoso Ltd", contactEmail: "it@contoso.example" });
    expect(created.status).toBe(201);
    customer = created.json as Customer;
  });

  afterAll(async () => {
    await app?.close();
    await database?.cleanup();
  });

  describe("customers", () => {
    it("lists and creates customers, refusing bad fields by name", async () => {
      const list = await call("GET", "/api/customers");
      expect(list.status).toBe(200);
      expect((list.json as { items: Customer[] }).items.map((c) => c.name)).toContain("Contoso Ltd");
      const noName = await call("POST", "/api/customers", { contactEmail: "x@y.example" });
      expect(noName.status).toBe(400);
      expect((noName.json as Problem).errors?.[0]?.path).toBe("name");
      const badMail = await call("POST", "/api/customers", { name: "X", contactEmail: "not-an-address" });
      expect(badMail.status).toBe(400);
      expect((badMail.json as Problem).errors?.[0]?.path).toBe("contactEmail");
      const extra = await call("POST", "/api/customers", { name: "X", admin: true });
      expect(extra.status).toBe(400);
    });
  });

  describe("services", () => {
    let service: Service;

    it("checks names live: rules, then uniqueness", async () => {
      const free = await call("GET", "/api/services/name-check?name=contoso-dr");
      expect(free.json).toEqual({ name: "contoso-dr", ok: true, problems: [] });
      const bad = await call("GET", `/api/services/name-check?name=${encodeURIComponent("a/b")}`);
      expect((bad.json as { ok: boolean; problems: { code: string }[] }).problems.map((p) => p.code)).toContain(
        "forbidden_character",
      );
      const reserved = await call("GET", "/api/services/name-check?name=AUDIT");
      expect((reserved.json as { problems: { code: string }[] }).problems[0]?.code).toBe("reserved_word");
    });

    it("creates a service after validating on the server, with defaults for Direct Routing", async () => {
      const created = await call("POST", "/api/services", serviceBody("contoso-dr", valid, { fullName: "Contoso DR" }));
      expect(created.status).toBe(201);
      service = created.json as Service;
      expect(service).toMatchObject({
        type: "direct-routing",
        customerId: customer.id,
        customerName: "Contoso Ltd",
        shortName: "contoso-dr",
        fullName: "Contoso DR",
        licenseType: "hosted-pro",
        licensedUsers: 120,
        status: "connected",
        createdBy: "alice@provider.example",
        m365: {
          cloud: "global",
          tenantId: valid.tenantId,
          tenantName: "Contoso",
          clientId: valid.clientId,
          secretHint: valid.clientSecret.slice(0, 3),
          daysUntilExpire: 300,
          userName: "alice@provider.example",
          lastValidationOk: true,
        },
        directRouting: { m365Domain: valid.tenantDomain, subdomainLabel: "contoso-dr" },
      });
      expect(service.directRouting?.sbcFqdn).toMatch(/^contoso-dr\./);
      const taken = await call("GET", "/api/services/name-check?name=CONTOSO-DR");
      expect((taken.json as { problems: { code: string }[] }).problems[0]?.code).toBe("name_taken");
    });

    it("refuses a taken name in any case with 409 name_taken", async () => {
      const again = await call("POST", "/api/services", serviceBody("Contoso-DR"));
      expect(again.status).toBe(409);
      expect((again.json as Problem).code).toBe("name_taken");
      expect((again.json as Problem).errors?.[0]?.path).toBe("shortName");
    });

    it("refuses credentials that do not validate with 422 and the report, writing nothing", async () => {
      const before = ((await call("GET", "/api/services")).json as { items: Service[] }).items.length;
      const refused = await call("POST", "/api/services", serviceBody("fabrikam", missing));
      expect(refused.status).toBe(422);
      const problem = refused.json as Problem;
      expect(problem.code).toBe("credentials_invalid");
      expect(problem.report?.permissions?.missing).toEqual(["Organization.Read.All", "Application.Read.All"]);
      const after = ((await call("GET", "/api/services")).json as { items: Service[] }).items.length;
      expect(after).toBe(before);
      expect(((await call("GET", "/api/services/name-check?name=fabrikam")).json as { ok: boolean }).ok).toBe(true);
    });

    it("refuses bad fields by path: too many users, an unknown customer, region or domain", async () => {
      // A GUID-shaped secret passes the field rules (legacy secrets were GUIDs) and goes to Entra: a Secret ID is
      // then refused by validation (422), the report warning secret_id_not_value and the token invalid_secret.
      const secretId = await call("POST", "/api/services", {
        ...serviceBody("xx1"),
        m365: { tenantId: valid.tenantId, clientId: valid.clientId, clientSecret: randomUUID() },
      });
      expect(secretId.status).toBe(422);
      const secretProblem = secretId.json as Problem;
      expect(secretProblem.code).toBe("credentials_invalid");
      expect(secretProblem.report?.checks.find((c) => c.id === "format")).toMatchObject({
        status: "warn",
        code: "secret_id_not_value",
      });
      expect(secretProblem.report?.checks.find((c) => c.id === "token")).toMatchObject({
        status: "fail",
        code: "invalid_secret",
      });
      const users = await call("POST", "/api/services", { ...serviceBody("xx2"), licensedUsers: 501 });
      expect((users.json as Problem).errors?.[0]?.path).toBe("licensedUsers");
      const noCustomer = await call("POST", "/api/services", { ...serviceBody("xx3"), customerId: randomUUID() });
      expect(noCustomer.status).toBe(400);
      expect((noCustomer.json as Problem).errors?.[0]?.path).toBe("customerId");
      const region = await call("POST", "/api/services", {
        ...serviceBody("xx4"),
        directRouting: { sbcRegion: "mars" },
      });
      expect((region.json as Problem).errors?.[0]?.path).toBe("directRouting.sbcRegion");
      const domain = await call("POST", "/api/services", {
        ...serviceBody("xx5"),
        directRouting: { m365Domain: "not-theirs.example" },
      });
      expect(domain.status).toBe(400);
      expect((domain.json as Problem).errors?.[0]?.path).toBe("directRouting.m365Domain");
      const label = await call("POST", "/api/services", {
        ...serviceBody("xx6"),
        directRouting: { subdomainLabel: "-x" },
      });
      expect((label.json as Problem).errors?.[0]?.path).toBe("directRouting.subdomainLabel");
    });

    it("answers a retried create with the first answer (Idempotency-Key)", async () => {
      const key = randomUUID();
      const body = serviceBody("tailspin", expiring);
      const first = await call("POST", "/api/services", body, { "idempotency-key": key });
      const second = await call("POST", "/api/services", body, { "idempotency-key": key });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.json).toEqual(first.json);
      const other = await call("POST", "/api/services", { ...body, licensedUsers: 5 }, { "idempotency-key": key });
      expect(other.status).toBe(400);
      expect((other.json as Problem).errors?.[0]?.code).toBe("idempotency_key_reused");
      expect((first.json as Service).status).toBe("expiring");
    });

    it("lists services with those needing attention first, and filters by status", async () => {
      const list = (await call("GET", "/api/services")).json as { items: Service[] };
      expect(list.items.map((s) => s.shortName)).toEqual(["tailspin", "contoso-dr"]);
      const onlyExpiring = (await call("GET", "/api/services?status=expiring")).json as { items: Service[] };
      expect(onlyExpiring.items.map((s) => s.shortName)).toEqual(["tailspin"]);
      expect((await call("GET", "/api/services?status=broken")).status).toBe(400);
    });

    it("reads, updates and validates a service; bad ids are 4xx", async () => {
      const got = await call("GET", `/api/services/${service.id}`);
      expect((got.json as Service).shortName).toBe("contoso-dr");
      expect((await call("GET", "/api/services/not-a-uuid")).status).toBe(400);
      expect((await call("GET", `/api/services/${randomUUID()}`)).status).toBe(404);
      const patched = await call("PATCH", `/api/services/${service.id}`, { licensedUsers: 300, fullName: "Contoso" });
      expect(patched.status).toBe(200);
      expect(patched.json).toMatchObject({ licensedUsers: 300, fullName: "Contoso" });
      expect((await call("PATCH", `/api/services/${service.id}`, { licensedUsers: 0 })).status).toBe(400);
      expect((await call("PATCH", `/api/services/${service.id}`, {})).status).toBe(400);
      expect((await call("PATCH", `/api/services/${service.id}`, { shortName: "x" })).status).toBe(400);
    });

    it("shows the M365 Configuration with permissions and history; Validate Authentication re-runs", async () => {
      const validated = await call("POST", `/api/services/${service.id}/m365/validate`, undefined, {
        "x-dev-user": "bob@provider.example",
      });
      expect(validated.status).toBe(200);
      expect((validated.json as ValidationReport).ok).toBe(true);
      const m365 = (await call("GET", `/api/services/${service.id}/m365`)).json as M365Settings;
      expect(m365).toMatchObject({
        userName: "alice@provider.example",
        lastValidatedBy: "bob@provider.example",
        lastValidationOk: true,
        daysUntilExpire: 300,
        tenantName: "Contoso",
      });
      expect(m365.tenantDomains).toContain("contoso-sandbox.example");
      expect(m365.permissions.granted).toEqual(
        expect.arrayContaining(["Organization.Read.All", "Application.Read.All"]),
      );
      expect(m365.permissions.directoryRoles).toContain("Teams Administrator");
      expect(m365.history.map((h) => h.trigger)).toEqual(["manual", "create"]);
      expect(m365.secretExpiresAt).toBeTruthy();
    });

    it("streams Validate Authentication as events", async () => {
      const response = await fetch(`${app.url}/api/services/${service.id}/m365/validate`, {
        method: "POST",
        headers: { accept: "text/event-stream" },
      });
      const text = await response.text();
      responses.push(text);
      expect(text.match(/^event: check$/gm)).toHaveLength(6);
      expect(text).toMatch(/^event: report$/m);
    });

    it("keeps the old secret when the new one does not validate, and replaces it when it does", async () => {
      const wrong = "WRO8Q~ThisIsNotTheSecretOfThisAppAtAll0000";
      sentSecrets.add(wrong);
      const refused = await call("PUT", `/api/services/${service.id}/m365/secret`, { clientSecret: wrong });
      expect(refused.status).toBe(422);
      expect((refused.json as Problem).code).toBe("credentials_invalid");
      const still = await call("POST", `/api/services/${service.id}/m365/validate`);
      expect((still.json as ValidationReport).ok).toBe(true);
      expect(((await call("GET", `/api/services/${service.id}`)).json as Service).m365.secretHint).toBe(
        valid.clientSecret.slice(0, 3),
      );

      const replaced = await call(
        "PUT",
        `/api/services/${service.id}/m365/secret`,
        { clientSecret: secondSecret },
        { "x-dev-user": "carol@provider.example" },
      );
      expect(replaced.status).toBe(200);
      expect((replaced.json as ValidationReport).ok).toBe(true);
      const after = (await call("GET", `/api/services/${service.id}`)).json as Service;
      expect(after.m365.secretHint).toBe(secondSecret.slice(0, 3));
      expect(after.m365.daysUntilExpire).toBe(20);
      expect(after.m365.userName).toBe("carol@provider.example");
      expect(after.status).toBe("expiring");
      // The stored (new) secret is what Validate Authentication now uses.
      expect(((await call("POST", `/api/services/${service.id}/m365/validate`)).json as ValidationReport).ok).toBe(
        true,
      );
    });

    it("marks a service auth_failed when its app is disabled in the tenant", async () => {
      const tenant = app.sandbox?.emulator.tenants.find((t) => t.id === valid.tenantId);
      const tenantApp = tenant?.apps[0];
      if (!tenantApp) throw new Error("no fixture app");
      tenantApp.enabled = false;
      try {
        const report = (await call("POST", `/api/services/${service.id}/m365/validate`)).json as ValidationReport;
        expect(report.checks.find((c) => c.id === "token")?.code).toBe("app_disabled");
        const list = (await call("GET", "/api/services")).json as { items: Service[] };
        expect(list.items[0]?.shortName).toBe("contoso-dr");
        expect(list.items[0]?.status).toBe("auth_failed");
      } finally {
        tenantApp.enabled = true;
      }
    });

    it("audits every create, update, validation and secret replacement, with actor and outcome", async () => {
      const events = ((await call("GET", `/api/services/${service.id}/audit`)).json as { items: AuditEvent[] }).items;
      const seen = events.map((e) => `${e.action}:${e.outcome}:${e.actor}`);
      expect(seen).toEqual(
        expect.arrayContaining([
          "service.create:success:alice@provider.example",
          "service.update:success:alice@provider.example",
          "service.validate:success:bob@provider.example",
          "service.secret_replace:failure:alice@provider.example",
          "service.secret_replace:success:carol@provider.example",
          "service.validate:failure:alice@provider.example",
        ]),
      );
      expect(events[0]?.at && events.at(-1)?.at && events[0].at >= (events.at(-1)?.at ?? "")).toBe(true);
    });

    it("deletes a service (204) and keeps its audit trail", async () => {
      const tailspin = ((await call("GET", "/api/services?status=expiring")).json as { items: Service[] }).items.find(
        (s) => s.shortName === "tailspin",
      );
      if (!tailspin) throw new Error("no tailspin");
      expect((await call("DELETE", `/api/services/${tailspin.id}`)).status).toBe(204);
      expect((await call("GET", `/api/services/${tailspin.id}`)).status).toBe(404);
      expect((await call("DELETE", `/api/services/${tailspin.id}`)).status).toBe(404);
      const audit = (await call("GET", `/api/services/${tailspin.id}/audit`)).json as { items: AuditEvent[] };
      expect(audit.items.map((e) => e.action)).toEqual(["service.delete", "service.create"]);
    });
  });

  it("50 concurrent creates of one name: exactly one 201, the rest 409 name_taken", async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call("POST", "/api/services", serviceBody(i % 2 === 0 ? "race-name" : "RACE-NAME"), {
          "x-dev-user": `op${i}@provider.example`,
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    for (const r of results.filter((x) => x.status === 409)) expect((r.json as Problem).code).toBe("name_taken");
  });

  it("never stores, logs or answers a client secret (responses, log lines, database, audit)", async () => {
    const canary = "CaN8Q~wizard-next-canary-never-stored-000";
    sentSecrets.add(canary);
    const wizardNext = await call("POST", "/api/validation", {
      tenantId: valid.tenantId,
      clientId: valid.clientId,
      clientSecret: canary,
    });
    expect((wizardNext.json as ValidationReport).checks.find((c) => c.id === "token")?.code).toBe("invalid_secret");
    await new Promise((r) => setTimeout(r, 100));
    const logs = app.logs.join("\n");
    const answered = responses.join("\n");
    const stored = await dumpDatabase(database);
    expect(stored).toContain("credentials.validate");
    expect(stored).toContain("service.secret_replace");
    expect(logs.length).toBeGreaterThan(100);
    for (const secret of sentSecrets) {
      expect(answered.includes(secret), "a response").toBe(false);
      expect(logs.includes(secret), "a log line").toBe(false);
      expect(stored.includes(secret), "the database").toBe(false);
      expect(stored.includes(Buffer.from(secret).toString("base64")), "the database, base64").toBe(false);
    }
  });
});

describe("validation rate limit", () => {
  let app: TestApp;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "dr-rate-"));
    app = await startTestApp({ DATA_DIR: dataDir, VALIDATION_RATE_LIMIT: "3" });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (user: string, tenantId: string) =>
    fetch(`${app.url}/api/validation`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-dev-user": user },
      body: JSON.stringify({
        tenantId,
        clientId: valid.clientId,
        clientSecret: "bad8Q~guess-guess-guess-guess-guess-gues",
      }),
    });

  it("answers 429 rate_limited with Retry-After past the limit per operator, and per target tenant", async () => {
    for (let i = 0; i < 3; i++) expect((await post("mallory@provider.example", valid.tenantId)).status).toBe(200);
    const limited = await post("mallory@provider.example", missing.tenantId);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    const problem = (await limited.json()) as Problem;
    expect(problem.code).toBe("rate_limited");
    // Another operator against the same tenant is limited too: the tenant has had its three tries.
    expect((await post("trent@provider.example", valid.tenantId)).status).toBe(429);
    // ...but may still validate another tenant.
    expect((await post("trent@provider.example", expiring.tenantId)).status).toBe(200);
  });

  it("counts a tenant once whether it is named by its ID or by its domain", async () => {
    const domain = missing.tenantDomain;
    if (!domain) throw new Error("missing-consent has no domain");
    // The first run by domain teaches the limiter that this domain is that tenant, and counts for both names.
    expect((await post("op1@provider.example", domain)).status).toBe(200);
    expect((await post("op2@provider.example", domain.toUpperCase())).status).toBe(200);
    expect((await post("op3@provider.example", missing.tenantId)).status).toBe(200);
    // Three runs against the tenant: a fourth is refused under either name, whoever asks.
    expect((await post("op4@provider.example", missing.tenantId)).status).toBe(429);
    expect((await post("op5@provider.example", domain)).status).toBe(429);
  });
});

// Two server copies on one PostgreSQL schema share the tenant aliases as they share the hits: a domain that copy A
// learnt is keyed by its tenant's ID on copy B, which has never validated it. (Registered on PostgreSQL only: two
// copies in one process on one SQLite file would wait on each other's synchronous connections.)
for (const engine of enginesNamed("postgres")) {
  describe(`validation rate limit across two server copies on ${engine.name}`, () => {
    let database: EngineDatabase;
    let a: TestApp;
    let b: TestApp;

    beforeAll(async () => {
      database = engine.setup("dr-rate-copies-");
      const env = { ...database.env, VALIDATION_RATE_LIMIT: "3" };
      a = await startTestApp(env, database.appOptions);
      b = await startTestApp(env, database.appOptions);
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await database?.cleanup();
    });

    const post = (app: TestApp, user: string, tenantId: string) =>
      fetch(`${app.url}/api/validation`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-dev-user": user },
        body: JSON.stringify({
          tenantId,
          clientId: valid.clientId,
          clientSecret: "bad8Q~guess-guess-guess-guess-guess-gues",
        }),
      });

    it("counts a domain learnt by copy A for its tenant's ID on copy B", async () => {
      const domain = valid.tenantDomain;
      // A resolves the domain: it learns the alias, and the run counts for the tenant's ID too.
      expect((await post(a, "op1@provider.example", domain)).status).toBe(200);
      expect((await post(b, "op2@provider.example", valid.tenantId)).status).toBe(200);
      expect((await post(b, "op3@provider.example", valid.tenantId)).status).toBe(200);
      // Three runs against the tenant: B refuses the domain too, though B itself never resolved it.
      const refused = await post(b, "op4@provider.example", domain.toUpperCase());
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as Problem).code).toBe("rate_limited");
    });
  });
}
