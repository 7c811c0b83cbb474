/**
 * The Repository over Kysely, one implementation for SQLite and PostgreSQL. Rows map to records in rows.ts and only
 * there, and unique violations become `UniqueViolationError`, so the domain never reads a row or a driver error.
 */

import { normaliseShortName } from "@dr/contract";
import type { CompiledQuery, Insertable, Kysely } from "kysely";
import type { SealedSecret } from "../secrets/secret-store.types.js";
import type { AuditEventsTable, Database, ValidationsTable } from "./database.types.js";
import type { IdempotencyRecord, Repository, ServiceSecretRecord } from "./repository.types.js";
import { fromService, toAudit, toCustomer, toInt, toService, toValidation, write } from "./rows.js";

/** Options of {@link createKyselyRepository}. */
export interface KyselyRepositoryOptions {
  /**
   * Most tenant aliases kept; beyond it the oldest learnt are forgotten (and learnt again at their next use).
   * Default 10 000.
   */
  tenantAliasesKept?: number;
}

/** Default of {@link KyselyRepositoryOptions.tenantAliasesKept}. */
export const TENANT_ALIASES_KEPT = 10_000;

/**
 * The hottest reads (a service and its secret: twice each per validation), built and compiled once per engine and
 * shape with one placeholder parameter; each call runs the compiled SQL with its own value. Building the 32-column
 * select anew cost more CPU than SQLite spent running it (the fleet probe, docs/operations.md "Benchmarks"). The SQL
 * depends only on the dialect, so every repository (a transaction's too) shares them.
 */
const compiledReads = new Map<string, CompiledQuery<unknown>>();
const PLACEHOLDER = "\u0000";

function compiledOnce<R>(key: string, build: () => CompiledQuery<R>): CompiledQuery<R> {
  let compiled = compiledReads.get(key) as CompiledQuery<R> | undefined;
  if (compiled === undefined) {
    compiled = build();
    if (compiled.parameters.length !== 1 || compiled.parameters[0] !== PLACEHOLDER) {
      throw new Error(`compiled read ${key} must take exactly its one parameter`);
    }
    compiledReads.set(key, compiled);
  }
  return compiled;
}

/** The compiled read with its placeholder replaced by `value`. */
function withParameter<R>(compiled: CompiledQuery<R>, value: unknown): CompiledQuery<R> {
  return { ...compiled, parameters: [value] };
}

/**
 * A repository over `db` (a Kysely instance or a transaction). `engine` is kept for engine-specific behaviour and is
 * handed on to transaction-bound repositories, with the options.
 */
export function createKyselyRepository(
  db: Kysely<Database>,
  engine: "sqlite" | "postgres",
  options: KyselyRepositoryOptions = {},
): Repository {
  const tenantAliasesKept = options.tenantAliasesKept ?? TENANT_ALIASES_KEPT;
  const serviceColumns = [
    "services.id",
    "services.customer_id",
    "services.short_name",
    "services.short_name_norm",
    "services.full_name",
    "services.license_type",
    "services.licensed_users",
    "services.created_at",
    "services.created_by",
    "services.updated_at",
    "services.version",
    "services.m365_cloud",
    "services.m365_tenant_id",
    "services.m365_tenant_name",
    "services.m365_tenant_domains",
    "services.m365_client_id",
    "services.m365_secret_hint",
    "services.m365_secret_key_id",
    "services.m365_secret_expires_at",
    "services.m365_secret_checked_at",
    "services.m365_credential_type",
    "services.m365_certificate_thumbprint",
    "services.m365_certificate_subject",
    "services.m365_user_name",
    "services.m365_last_validated_at",
    "services.m365_last_validation_ok",
    "services.m365_last_validated_by",
    "services.m365_permissions",
    "services.dr_m365_domain",
    "services.dr_sbc_region",
    "services.dr_subdomain_label",
  ] as const;

  const selectServices = () =>
    db
      .selectFrom("services")
      .innerJoin("customers", "customers.id", "services.customer_id")
      .select(serviceColumns)
      .select("customers.name as customer_name");

  let fingerprintQuery:
    | CompiledQuery<{ n: number | string | bigint; v: number | string | bigint | null; u: string | null }>
    | undefined;

  const repo: Repository = {
    async transaction<T>(fn: (tx: Repository) => Promise<T>): Promise<T> {
      // Already inside one: nest by joining it, so a domain helper can open a transaction whoever calls it.
      if (db.isTransaction) return fn(repo);
      return db.transaction().execute((trx) => fn(createKyselyRepository(trx, engine, options)));
    },

    async listCustomers() {
      const rows = await db.selectFrom("customers").selectAll().orderBy("name").orderBy("id").execute();
      return rows.map(toCustomer);
    },

    async getCustomer(id) {
      const row = await db.selectFrom("customers").selectAll().where("id", "=", id).executeTakeFirst();
      return row && toCustomer(row);
    },

    async insertCustomer(c) {
      await write(
        db
          .insertInto("customers")
          .values({
            id: c.id,
            name: c.name,
            contact_email: c.contactEmail,
            note: c.note,
            created_at: c.createdAt,
            created_by: c.createdBy,
          })
          .execute(),
      );
    },

    async listServices(filter = {}) {
      let query = selectServices().orderBy("services.created_at", "desc").orderBy("services.id");
      if (filter.customerId !== undefined) query = query.where("services.customer_id", "=", filter.customerId);
      return (await query.execute()).map(toService);
    },

    async getService(id, options = {}) {
      // PostgreSQL: hold the service row until the transaction ends, so read-check-write sequences (If-Match, "is
      // this still the secret that was validated?") cannot interleave. SQLite runs one write transaction at a time.
      const forUpdate = options.forUpdate === true && engine === "postgres";
      const build = () => {
        const query = selectServices().where("services.id", "=", PLACEHOLDER);
        return (forUpdate ? query.forUpdate("services") : query).compile();
      };
      const compiled = compiledOnce(`${engine}:getService:${forUpdate}`, build);
      const row = (await db.executeQuery(withParameter(compiled, id))).rows[0];
      return row && toService(row);
    },

    async servicesFingerprint() {
      // Asked on every services list request: built and compiled once.
      fingerprintQuery ??= db
        .selectFrom("services")
        .select((eb) => [
          eb.fn.countAll<number | string | bigint>().as("n"),
          eb.fn.sum<number | string | bigint | null>("version").as("v"),
          eb.fn.max("updated_at").as("u"),
        ])
        .compile();
      const row = (await db.executeQuery(fingerprintQuery)).rows[0];
      if (!row) throw new Error("the services fingerprint query returned no row");
      return `${row.n}:${row.v ?? 0}:${row.u ?? ""}`;
    },

    async shortNameTaken(shortName) {
      const row = await db
        .selectFrom("services")
        .select("id")
        .where("short_name_norm", "=", normaliseShortName(shortName))
        .executeTakeFirst();
      return row !== undefined;
    },

    async subdomainLabelTaken(label) {
      const row = await db
        .selectFrom("services")
        .select("id")
        .where("dr_subdomain_label", "=", label.toLowerCase())
        .executeTakeFirst();
      return row !== undefined;
    },

    async insertService(s) {
      await write(db.insertInto("services").values(fromService(s)).execute());
    },

    async updateService(s) {
      const { id, customer_id, short_name, short_name_norm, created_at, created_by, ...mutable } = fromService(s);
      await write(db.updateTable("services").set(mutable).where("id", "=", id).execute());
    },

    async deleteService(id) {
      // Secret and validations go by ON DELETE CASCADE; audit_events has no foreign key and stays.
      const result = await db.deleteFrom("services").where("id", "=", id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async getServiceWithSecret(id, options = {}) {
      const forUpdate = options.forUpdate === true && engine === "postgres";
      const build = () => {
        const query = selectServices()
          .leftJoin("service_secrets", "service_secrets.service_id", "services.id")
          .select([
            "service_secrets.envelope as secret_envelope",
            "service_secrets.sealed_at_version as secret_sealed_at_version",
          ])
          .where("services.id", "=", PLACEHOLDER);
        // Only the service row is locked (the secret's is on the nullable side of the join).
        return (forUpdate ? query.forUpdate("services") : query).compile();
      };
      const compiled = compiledOnce(`${engine}:getServiceWithSecret:${forUpdate}`, build);
      const row = (await db.executeQuery(withParameter(compiled, id))).rows[0];
      if (!row) return undefined;
      const { secret_envelope, secret_sealed_at_version, ...service } = row;
      return {
        service: toService(service),
        ...(secret_envelope !== null && secret_sealed_at_version !== null
          ? {
              secret: {
                serviceId: id,
                sealed: JSON.parse(secret_envelope) as SealedSecret,
                sealedAtVersion: secret_sealed_at_version,
              },
            }
          : {}),
      };
    },

    async getServiceSecret(serviceId) {
      const build = () => db.selectFrom("service_secrets").selectAll().where("service_id", "=", PLACEHOLDER).compile();
      const compiled = compiledOnce(`${engine}:getServiceSecret`, build);
      const row = (await db.executeQuery(withParameter(compiled, serviceId))).rows[0];
      if (!row) return undefined;
      return {
        serviceId: row.service_id,
        sealed: JSON.parse(row.envelope) as SealedSecret,
        sealedAtVersion: row.sealed_at_version,
      };
    },

    async putServiceSecret(secret: ServiceSecretRecord) {
      const values = {
        service_id: secret.serviceId,
        kek_id: secret.sealed.kekId,
        envelope: JSON.stringify(secret.sealed),
        sealed_at_version: secret.sealedAtVersion,
        updated_at: new Date().toISOString(),
      };
      await write(
        db
          .insertInto("service_secrets")
          .values(values)
          .onConflict((oc) =>
            oc.column("service_id").doUpdateSet({
              kek_id: values.kek_id,
              envelope: values.envelope,
              sealed_at_version: values.sealed_at_version,
              updated_at: values.updated_at,
            }),
          )
          .execute(),
      );
    },

    async insertValidation(v) {
      const row: Insertable<ValidationsTable> = {
        id: v.id,
        service_id: v.serviceId,
        at: v.at,
        actor: v.actor,
        trigger: v.trigger,
        ok: toInt(v.ok),
        checks: JSON.stringify(v.checks),
        duration_ms: v.durationMs,
      };
      await write(db.insertInto("validations").values(row).execute());
    },

    async listValidations(serviceId, limit) {
      const rows = await db
        .selectFrom("validations")
        .selectAll()
        .where("service_id", "=", serviceId)
        .orderBy("at", "desc")
        .orderBy("id", "desc")
        .limit(limit)
        .execute();
      return rows.map(toValidation);
    },

    async insertAudit(e) {
      const row: Insertable<AuditEventsTable> = {
        id: e.id,
        at: e.at,
        actor: e.actor,
        action: e.action,
        service_id: e.serviceId,
        outcome: e.outcome,
        detail: e.detail === null ? null : JSON.stringify(e.detail),
      };
      await write(db.insertInto("audit_events").values(row).execute());
    },

    async listAudit(serviceId, limit) {
      let query = db.selectFrom("audit_events").selectAll().orderBy("at", "desc").orderBy("id", "desc").limit(limit);
      if (serviceId !== undefined) query = query.where("service_id", "=", serviceId);
      return (await query.execute()).map(toAudit);
    },

    async getIdempotency(actor, key) {
      const row = await db
        .selectFrom("idempotency_keys")
        .selectAll()
        .where("actor", "=", actor)
        .where("key", "=", key)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        actor: row.actor,
        key: row.key,
        scope: row.scope,
        requestHash: row.request_hash,
        status: row.status,
        body: JSON.parse(row.body) as unknown,
        createdAt: row.created_at,
      };
    },

    async insertIdempotency(r: IdempotencyRecord) {
      await write(
        db
          .insertInto("idempotency_keys")
          .values({
            actor: r.actor,
            key: r.key,
            scope: r.scope,
            request_hash: r.requestHash,
            status: r.status,
            // `undefined` has no JSON text; store null so the column stays NOT NULL and the read gives null back.
            body: JSON.stringify(r.body ?? null),
            created_at: r.createdAt,
          })
          .execute(),
      );
    },

    async resolveTenantAlias(name) {
      const row = await db.selectFrom("tenant_aliases").select("tenant_id").where("name", "=", name).executeTakeFirst();
      return row?.tenant_id;
    },

    async learnTenantAlias(alias) {
      // ON CONFLICT DO NOTHING on the primary key (both engines): of several copies learning one name, the first
      // row stays and the others insert nothing.
      const result = await db
        .insertInto("tenant_aliases")
        .values({ name: alias.name, tenant_id: alias.tenantId, learnt_at: alias.learntAt })
        .onConflict((oc) => oc.column("name").doNothing())
        .executeTakeFirst();
      const learnt = Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
      if (learnt) {
        // Bounded like the per-process map it replaces: the newest `tenantAliasesKept` stay (ties at the cut go).
        const cut = await db
          .selectFrom("tenant_aliases")
          .select("learnt_at")
          .orderBy("learnt_at", "desc")
          .limit(1)
          .offset(tenantAliasesKept)
          .executeTakeFirst();
        if (cut) await db.deleteFrom("tenant_aliases").where("learnt_at", "<=", cut.learnt_at).execute();
      }
      return learnt;
    },

    async close() {
      // A transaction-bound repository does not own the connection; its creator closes the database.
      if (!db.isTransaction) await db.destroy();
    },
  };
  return repo;
}
