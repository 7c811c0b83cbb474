/**
 * The repository on both engines with one suite (api/test/engines.ts): SQLite always (a fresh directory per suite),
 * PostgreSQL when TEST_DATABASE_URL is set (a fresh schema per suite, dropped afterwards). Uniqueness is tested
 * under real concurrency because the unique index, not the domain's friendly pre-check, is what keeps short names
 * unique.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { statSync } from "node:fs";
import path from "node:path";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, type EngineDatabase, randomSchema } from "../../test/engines.js";
import type { SealedSecret } from "../secrets/secret-store.types.js";
import { type DatabaseHandle, DEFAULT_SQLITE_FILE, openDatabase } from "./database.js";
import { createKyselyRepository } from "./kysely.repository.js";
import { migrateToLatest } from "./migrations.js";
import { createOperatorRolesRepository } from "./operator-roles.repository.js";
import {
  type AuditRecord,
  type CustomerRecord,
  type Repository,
  type ServiceRecord,
  UniqueViolationError,
  type ValidationRecord,
} from "./repository.types.js";

const ACTOR = "op@example.test";

function customer(overrides: Partial<CustomerRecord> = {}): CustomerRecord {
  return {
    id: randomUUID(),
    name: "Contoso",
    contactEmail: null,
    note: null,
    createdAt: "2025-01-01T00:00:00.000Z",
    createdBy: ACTOR,
    ...overrides,
  };
}

function service(customerId: string, overrides: Partial<ServiceRecord> = {}): ServiceRecord {
  return {
    id: randomUUID(),
    customerId,
    customerName: "",
    shortName: `svc${randomBytes(4).toString("hex")}`,
    fullName: null,
    licenseType: "hosted-pro",
    licensedUsers: 25,
    createdAt: "2025-01-02T00:00:00.000Z",
    createdBy: ACTOR,
    updatedAt: "2025-01-02T00:00:00.000Z",
    version: 1,
    m365: {
      cloud: "global",
      tenantId: "11111111-1111-1111-1111-111111111111",
      tenantName: null,
      tenantDomains: [],
      clientId: "22222222-2222-2222-2222-222222222222",
      secretHint: "abc",
      credentialType: "secret",
      certificateThumbprint: null,
      certificateSubject: null,
      secretKeyId: null,
      secretExpiresAt: null,
      secretCheckedAt: null,
      userName: ACTOR,
      lastValidatedAt: null,
      lastValidationOk: null,
      lastValidatedBy: null,
      permissions: null,
    },
    directRouting: { m365Domain: null, sbcRegion: null, subdomainLabel: null },
    ...overrides,
  };
}

const sealed: SealedSecret = {
  v: 1,
  kekId: "local-1",
  wrappedKey: "d3JhcHBlZA==",
  wrapIv: "aXY=",
  wrapTag: "dGFn",
  ciphertext: "Y2lwaGVy",
  iv: "aXYy",
  tag: "dGFnMg==",
};

function validation(serviceId: string, at: string, ok = true): ValidationRecord {
  return {
    id: randomUUID(),
    serviceId,
    at,
    actor: ACTOR,
    trigger: "manual",
    ok,
    checks: [
      { id: "token", status: "pass" },
      { id: "permissions", status: "fail", code: "permission_missing" },
    ],
    durationMs: 123,
  };
}

function audit(serviceId: string | null, at: string, detail: Record<string, unknown> | null = null): AuditRecord {
  return { id: randomUUID(), at, actor: ACTOR, action: "service.update", serviceId, outcome: "success", detail };
}

/** Runs `n` inserts of the same short name in different case mixes at once; returns [successes, violations]. */
async function raceShortName(repos: Repository[], customerId: string, n: number): Promise<[number, unknown[]]> {
  const base = `race${randomBytes(3).toString("hex")}`;
  const mixes = Array.from({ length: n }, (_, i) =>
    [...base].map((ch, j) => ((i >> (j % 8)) & 1 ? ch.toUpperCase() : ch)).join(""),
  );
  const results = await Promise.allSettled(
    mixes.map((shortName, i) =>
      (repos[i % repos.length] as Repository).insertService(service(customerId, { shortName })),
    ),
  );
  const ok = results.filter((r) => r.status === "fulfilled").length;
  const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  return [ok, errors];
}

describe.each(ENGINES)("storage on $name", (engine) => {
  let env: EngineDatabase;
  let handle: DatabaseHandle;
  let repo: Repository;
  let cust: CustomerRecord;

  beforeAll(async () => {
    env = engine.setup("dr-storage-");
    handle = await env.open();
    repo = createKyselyRepository(handle.db, handle.engine);
    cust = customer({ name: "Fabrikam" });
    await repo.insertCustomer(cust);
  });

  afterAll(async () => {
    await repo?.close();
    await env?.cleanup();
  });

  it("opens the selected engine", () => {
    expect(handle.engine).toBe(engine.name);
  });

  it("treats a second migration run as a no-op", async () => {
    const applied = await migrateToLatest(handle.db as Kysely<unknown>, {
      engine: handle.engine,
      ...(env.schema !== undefined && { schema: env.schema }),
    });
    expect(applied).toEqual([]);
    // Opening again logs "database open" but applies nothing.
    const logs: string[] = [];
    const again = await env.open({ logger: { info: (_o, m) => logs.push(m ?? "") } });
    await again.close();
    expect(logs).toEqual(["database open"]);
  });

  if (engine.name === "sqlite")
    it("creates the SQLite file in WAL mode, readable by its owner only", async () => {
      const rows = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(handle.db);
      expect(rows.rows[0]?.journal_mode).toBe("wal");
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(handle.db);
      expect(fk.rows[0]?.foreign_keys).toBe(1);
      expect(statSync(env.dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(env.dataDir, DEFAULT_SQLITE_FILE)).mode & 0o777).toBe(0o600);
    });

  if (engine.name === "postgres")
    it("migrates concurrently started copies on a fresh schema", async () => {
      const url = env.databaseUrl as string;
      const schema = randomSchema();
      const opens = await Promise.allSettled(
        [0, 1, 2].map(() => openDatabase({ databaseUrl: url, dataDir: "", schema })),
      );
      try {
        expect(opens.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
        const first = (opens[0] as PromiseFulfilledResult<DatabaseHandle>).value;
        // The migrator's bookkeeping lives in the test schema, not in public.
        const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = ${schema} order by table_name`.execute(
          first.db,
        );
        expect(tables.rows.map((r) => r.table_name)).toEqual([
          "audit_events",
          "bot_conversations",
          "bot_dialogs",
          "bot_reminder_deliveries",
          "bot_service_operators",
          "bot_service_watch",
          "customers",
          "fleet_run_items",
          "fleet_run_tenants",
          "fleet_runs",
          "idempotency_keys",
          "invitations",
          "kysely_migration",
          "kysely_migration_lock",
          "operator_roles",
          "provisioning_runs",
          "rate_hits",
          "readiness_reports",
          "secret_rotations",
          "service_secrets",
          "services",
          "tenant_aliases",
          "validations",
        ]);
        const migrated = await sql<{ name: string }>`select name from kysely_migration`.execute(first.db);
        expect(migrated.rows.map((r) => r.name)).toEqual([
          "0001_initial",
          "0002_bot_state",
          "0003_operator_roles",
          "0004_rate_hits",
          "0005_subdomain_unique",
          "0006_bot_tenant_boundary",
          "0007_tenant_aliases",
          "0008_reminder_deliveries",
          "0009_invitations",
          "0010_provisioning_runs",
          "0011_secret_rotations",
          "0012_readiness_reports",
          "0013_certificate_credentials",
          "0014_fleet_runs",
          "0015_fleet_run_filling",
        ]);
        await sql`drop schema ${sql.id(schema)} cascade`.execute(first.db);
      } finally {
        for (const o of opens) if (o.status === "fulfilled") await o.value.close();
      }
    });

  it("inserts, lists and gets customers", async () => {
    const a = customer({ name: "Alpha", contactEmail: "a@alpha.test", note: "first" });
    await repo.insertCustomer(a);
    expect(await repo.getCustomer(a.id)).toEqual(a);
    expect(await repo.getCustomer(randomUUID())).toBeUndefined();
    const list = await repo.listCustomers();
    expect(list).toContainEqual(a);
    expect(list).toContainEqual(cust);
  });

  it("inserts, gets and lists services with the customer name", async () => {
    const other = customer({ name: "Other" });
    await repo.insertCustomer(other);
    const s = service(cust.id, { fullName: "Fabrikam Voice", createdAt: "2025-02-01T00:00:00.000Z" });
    const t = service(other.id, { createdAt: "2025-02-02T00:00:00.000Z" });
    await repo.insertService(s);
    await repo.insertService(t);
    expect(await repo.getService(s.id)).toEqual({ ...s, customerName: "Fabrikam" });
    expect(await repo.getService(randomUUID())).toBeUndefined();
    const mine = await repo.listServices({ customerId: other.id });
    expect(mine).toEqual([{ ...t, customerName: "Other" }]);
    const all = await repo.listServices();
    expect(all.map((x) => x.id)).toEqual(expect.arrayContaining([s.id, t.id]));
    expect(all.findIndex((x) => x.id === t.id)).toBeLessThan(all.findIndex((x) => x.id === s.id));
  });

  it("refuses a short name taken in another case", async () => {
    await repo.insertService(service(cust.id, { shortName: "MixedCase" }));
    expect(await repo.shortNameTaken("mixedcase")).toBe(true);
    expect(await repo.shortNameTaken("mixedcase2")).toBe(false);
    const error = await repo.insertService(service(cust.id, { shortName: "MIXEDCASE" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect((error as UniqueViolationError).constraint).toBe("service_short_name");
  });

  it("lets exactly one of 50 concurrent inserts of one short name win", async () => {
    const [ok, errors] = await raceShortName([repo], cust.id, 50);
    expect(ok).toBe(1);
    expect(errors).toHaveLength(49);
    for (const e of errors) expect((e as UniqueViolationError).constraint).toBe("service_short_name");
    for (const e of errors) expect(e).toBeInstanceOf(UniqueViolationError);
  });

  it("lets exactly one win across two separate database handles", async () => {
    const second = await env.open();
    try {
      const [ok, errors] = await raceShortName([repo, createKyselyRepository(second.db, second.engine)], cust.id, 50);
      expect(ok).toBe(1);
      expect(errors.filter((e) => e instanceof UniqueViolationError)).toHaveLength(49);
    } finally {
      await second.close();
    }
  });

  it("rolls back a transaction that throws, and joins an enclosing one", async () => {
    const s = service(cust.id);
    const boom = new Error("boom");
    const caught = await repo
      .transaction(async (tx) => {
        await tx.insertService(s);
        await tx.putServiceSecret({ serviceId: s.id, sealed, sealedAtVersion: 1 });
        // A nested call runs in the same transaction, so its writes roll back too.
        await tx.transaction((inner) => inner.insertAudit(audit(s.id, "2025-03-01T00:00:00.000Z")));
        expect(await tx.getService(s.id)).toBeDefined();
        throw boom;
      })
      .catch((e: unknown) => e);
    expect(caught).toBe(boom);
    expect(await repo.getService(s.id)).toBeUndefined();
    expect(await repo.getServiceSecret(s.id)).toBeUndefined();
    expect(await repo.listAudit(s.id, 10)).toEqual([]);

    const committed = await repo.transaction(async (tx) => {
      await tx.insertService(s);
      await tx.putServiceSecret({ serviceId: s.id, sealed, sealedAtVersion: 1 });
      return "done";
    });
    expect(committed).toBe("done");
    expect(await repo.getServiceSecret(s.id)).toEqual({ serviceId: s.id, sealed, sealedAtVersion: 1 });
  });

  it("reads a service with its secret in one call, as getService and getServiceSecret answer them", async () => {
    const s = service(cust.id);
    await repo.insertService(s);
    const service0 = await repo.getService(s.id);
    // No secret yet: the service alone.
    expect(await repo.getServiceWithSecret?.(s.id)).toEqual({ service: service0 });
    await repo.putServiceSecret({ serviceId: s.id, sealed, sealedAtVersion: 3 });
    const secret = await repo.getServiceSecret(s.id);
    expect(secret).toEqual({ serviceId: s.id, sealed, sealedAtVersion: 3 });
    expect(await repo.getServiceWithSecret?.(s.id)).toEqual({ service: service0, secret });
    const locked = await repo.transaction(async (tx) => tx.getServiceWithSecret?.(s.id, { forUpdate: true }));
    expect(locked).toEqual({ service: service0, secret });
    expect(await repo.getServiceWithSecret?.("no-such-service")).toBeUndefined();
  });

  it("updates the mutable columns and leaves the identity alone", async () => {
    const s = service(cust.id, { shortName: "Upd8" });
    await repo.insertService(s);
    const updated: ServiceRecord = {
      ...s,
      shortName: "ignored",
      createdBy: "someone-else",
      fullName: "Now with a name",
      licenseType: "hosted-essentials-plus",
      licensedUsers: 300,
      updatedAt: "2025-04-01T00:00:00.000Z",
      version: 2,
      m365: {
        ...s.m365,
        tenantName: "Fabrikam Ltd",
        tenantDomains: ["fabrikam.example", "fabrikam.onmicrosoft.com"],
        secretKeyId: "33333333-3333-3333-3333-333333333333",
        secretExpiresAt: "2026-01-01T00:00:00.000Z",
        secretCheckedAt: "2025-04-01T00:00:00.000Z",
        lastValidatedAt: "2025-04-01T00:00:00.000Z",
        lastValidationOk: false,
        lastValidatedBy: ACTOR,
        permissions: { granted: ["Organization.Read.All"], missing: ["Application.Read.All"], directoryRoles: [] },
      },
      directRouting: { m365Domain: "voice.fabrikam.example", sbcRegion: "emea", subdomainLabel: "fab" },
    };
    await repo.updateService(updated);
    expect(await repo.getService(s.id)).toEqual({
      ...updated,
      shortName: "Upd8",
      createdBy: ACTOR,
      customerName: "Fabrikam",
    });
    await repo.updateService({ ...updated, m365: { ...updated.m365, lastValidationOk: true, permissions: null } });
    const again = await repo.getService(s.id);
    expect(again?.m365.lastValidationOk).toBe(true);
    expect(again?.m365.permissions).toBeNull();
  });

  it("deletes a service with its secret and validations but keeps its audit events", async () => {
    const s = service(cust.id);
    await repo.insertService(s);
    await repo.putServiceSecret({ serviceId: s.id, sealed, sealedAtVersion: 1 });
    await repo.putServiceSecret({ serviceId: s.id, sealed: { ...sealed, kekId: "local-2" }, sealedAtVersion: 2 });
    expect((await repo.getServiceSecret(s.id))?.sealed.kekId).toBe("local-2");
    await repo.insertValidation(validation(s.id, "2025-05-01T00:00:00.000Z"));
    const event = audit(s.id, "2025-05-01T00:00:01.000Z", { reason: "test" });
    await repo.insertAudit(event);
    expect(await repo.deleteService(s.id)).toBe(true);
    expect(await repo.deleteService(s.id)).toBe(false);
    expect(await repo.getService(s.id)).toBeUndefined();
    expect(await repo.getServiceSecret(s.id)).toBeUndefined();
    expect(await repo.listValidations(s.id, 10)).toEqual([]);
    expect(await repo.listAudit(s.id, 10)).toEqual([event]);
    // The short name is free again.
    expect(await repo.shortNameTaken(s.shortName)).toBe(false);
  });

  it("lists validations newest first, up to the limit", async () => {
    const s = service(cust.id);
    await repo.insertService(s);
    const runs = [
      validation(s.id, "2025-06-01T10:00:00.000Z", true),
      validation(s.id, "2025-06-03T10:00:00.000Z", false),
      validation(s.id, "2025-06-02T10:00:00.000Z", true),
    ];
    for (const v of runs) await repo.insertValidation(v);
    expect(await repo.listValidations(s.id, 2)).toEqual([runs[1], runs[2]]);
    expect(await repo.listValidations(s.id, 10)).toEqual([runs[1], runs[2], runs[0]]);
  });

  it("lists audit events per service and all, newest first, with JSON detail", async () => {
    const s = service(cust.id);
    await repo.insertService(s);
    const detail = { changed: ["licensedUsers"], from: { licensedUsers: 25 }, to: { licensedUsers: 30 }, note: "é ✓" };
    const e1 = audit(s.id, "2099-01-01T00:00:00.000Z", detail);
    const e2 = audit(null, "2099-01-02T00:00:00.000Z");
    const e3 = audit(s.id, "2099-01-03T00:00:00.000Z");
    for (const e of [e1, e2, e3]) await repo.insertAudit(e);
    expect(await repo.listAudit(s.id, 10)).toEqual([e3, e1]);
    expect(await repo.listAudit(undefined, 3)).toEqual([e3, e2, e1]);
  });

  it("keeps one operator_roles entry per tenant and object id, whatever their case, replaced on put", async () => {
    // The directory's rules over this store are tested in auth/operator-directory.test.ts.
    const roles = createOperatorRolesRepository(handle.db);
    const tenantId = randomUUID();
    const objectId = randomUUID();
    expect(await roles.get(tenantId, objectId)).toBeUndefined();
    const entry = {
      tenantId,
      objectId,
      name: "pat",
      permissions: ["read", "operate"],
      seenAt: "2026-01-01T00:00:00.000Z",
    };
    await roles.put({ ...entry, objectId: objectId.toUpperCase() });
    expect(await roles.get(tenantId.toUpperCase(), objectId)).toEqual(entry);
    await roles.put({ ...entry, name: "pat2", permissions: [], seenAt: "2026-01-02T00:00:00.000Z" });
    expect(await roles.get(tenantId, objectId)).toEqual({
      ...entry,
      name: "pat2",
      permissions: [],
      seenAt: "2026-01-02T00:00:00.000Z",
    });
  });

  it("shares tenant aliases between handles: the first learnt wins, the oldest go beyond the maximum", async () => {
    const tenantA = randomUUID();
    const tenantB = randomUUID();
    const name = `contoso-${randomBytes(4).toString("hex")}.example`;
    const second = await env.open();
    try {
      const other = createKyselyRepository(second.db, second.engine);
      expect(await repo.resolveTenantAlias(name)).toBeUndefined();
      expect(await repo.learnTenantAlias({ name, tenantId: tenantA, learntAt: "2025-08-01T00:00:00.000Z" })).toBe(true);
      // Another server copy sees it, and learning the name again (even for another tenant) changes nothing.
      expect(await other.resolveTenantAlias(name)).toBe(tenantA);
      expect(await other.learnTenantAlias({ name, tenantId: tenantB, learntAt: "2025-08-01T00:00:01.000Z" })).toBe(
        false,
      );
      expect(await repo.resolveTenantAlias(name)).toBe(tenantA);

      const trimmed = createKyselyRepository(second.db, second.engine, { tenantAliasesKept: 2 });
      const names = [1, 2, 3].map((i) => `n${i}-${name}`);
      for (const [i, n] of names.entries())
        await trimmed.learnTenantAlias({ name: n, tenantId: tenantB, learntAt: `2099-01-0${i + 1}T00:00:00.000Z` });
      expect(await Promise.all(names.map((n) => repo.resolveTenantAlias(n)))).toEqual([undefined, tenantB, tenantB]);
      expect(await repo.resolveTenantAlias(name)).toBeUndefined();
    } finally {
      await second.close();
    }
  });

  it("remembers an idempotency key once", async () => {
    const record = {
      actor: ACTOR,
      key: randomUUID(),
      scope: "POST /api/services",
      requestHash: "a".repeat(64),
      status: 201,
      body: { id: "x", nested: { list: [1, "two", null, true] } },
      createdAt: "2025-07-01T00:00:00.000Z",
    };
    expect(await repo.getIdempotency(ACTOR, record.key)).toBeUndefined();
    await repo.insertIdempotency(record);
    expect(await repo.getIdempotency(ACTOR, record.key)).toEqual(record);
    expect(await repo.getIdempotency("someone-else", record.key)).toBeUndefined();
    const error = await repo.insertIdempotency({ ...record, status: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect((error as UniqueViolationError).constraint).toBe("idempotency_key");
    // The same key from another operator is a different record.
    await repo.insertIdempotency({ ...record, actor: "someone-else" });
  });
});
