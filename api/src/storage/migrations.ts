/**
 * Versioned schema migrations, defined in code (no migration folder to ship or to find at run time) and applied at
 * start-up with Kysely's Migrator. To add one, append an entry to `MIGRATIONS` with the next number: names sort as
 * text, so keep the four-digit prefix. Never edit an applied migration; write a new one.
 *
 * Several server copies may start at once. On PostgreSQL the migrator serialises them with an advisory lock and
 * runs each batch in one transaction; its bookkeeping tables live in the chosen schema (`migrationTableSchema`), so
 * a test schema never sees another schema's history. On SQLite the migrator takes no lock, so we hold the database
 * write lock (BEGIN IMMEDIATE) around the whole run: a second process waits (busy_timeout), then finds nothing to do.
 */
import { randomUUID } from "node:crypto";
import { type Kysely, type Migration, type MigrationProvider, type MigrationResult, Migrator, sql } from "kysely";
import { m0003_operator_roles } from "../auth/operator-directory.js";
import { m0004_rate_hits } from "../onboarding/rate-limiter.js";
import { m0002_bot_state, m0006_bot_tenant_boundary } from "./bot-state.migration.js";

/** Names of the constraints the repository maps to domain errors; the same name on both engines. */
export const CONSTRAINTS = {
  /** Unique index on services.short_name_norm. */
  serviceShortName: "services_short_name_norm_uq",
  /** Unique index on services.dr_subdomain_label (migration 0005): one SBC FQDN per service. */
  serviceSubdomainLabel: "services_subdomain_label_uq",
  /** Primary key of idempotency_keys (actor, key). */
  idempotencyKey: "idempotency_keys_pk",
} as const;

/**
 * Migrations see the schema as it was when they were written, not today's `Database` type, hence `Kysely<unknown>`:
 * the schema builder needs no table types.
 */
const m0001_initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("customers")
      .addColumn("id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("contact_email", "text")
      .addColumn("note", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("customers_pk", ["id"])
      .execute();

    await db.schema
      .createTable("services")
      .addColumn("id", "text", (c) => c.notNull())
      .addColumn("customer_id", "text", (c) => c.notNull())
      .addColumn("short_name", "text", (c) => c.notNull())
      .addColumn("short_name_norm", "text", (c) => c.notNull())
      .addColumn("full_name", "text")
      .addColumn("license_type", "text", (c) => c.notNull())
      .addColumn("licensed_users", "integer", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("m365_cloud", "text", (c) => c.notNull())
      .addColumn("m365_tenant_id", "text", (c) => c.notNull())
      .addColumn("m365_tenant_name", "text")
      .addColumn("m365_tenant_domains", "text", (c) => c.notNull())
      .addColumn("m365_client_id", "text", (c) => c.notNull())
      .addColumn("m365_secret_hint", "text", (c) => c.notNull())
      .addColumn("m365_secret_key_id", "text")
      .addColumn("m365_secret_expires_at", "text")
      .addColumn("m365_secret_checked_at", "text")
      .addColumn("m365_user_name", "text", (c) => c.notNull())
      .addColumn("m365_last_validated_at", "text")
      .addColumn("m365_last_validation_ok", "integer", (c) => c.check(sql`m365_last_validation_ok in (0, 1)`))
      .addColumn("m365_last_validated_by", "text")
      .addColumn("m365_permissions", "text")
      .addColumn("dr_m365_domain", "text")
      .addColumn("dr_sbc_region", "text")
      .addColumn("dr_subdomain_label", "text")
      .addPrimaryKeyConstraint("services_pk", ["id"])
      .addForeignKeyConstraint("services_customer_fk", ["customer_id"], "customers", ["id"])
      .execute();
    // The only thing that makes short names unique: the domain's earlier check only gives a friendlier message and
    // loses the race between two concurrent creates.
    await db.schema
      .createIndex(CONSTRAINTS.serviceShortName)
      .on("services")
      .column("short_name_norm")
      .unique()
      .execute();
    await db.schema.createIndex("services_customer_idx").on("services").column("customer_id").execute();

    await db.schema
      .createTable("service_secrets")
      .addColumn("service_id", "text", (c) => c.notNull())
      .addColumn("kek_id", "text", (c) => c.notNull())
      .addColumn("envelope", "text", (c) => c.notNull())
      .addColumn("sealed_at_version", "integer", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("service_secrets_pk", ["service_id"])
      .addForeignKeyConstraint("service_secrets_service_fk", ["service_id"], "services", ["id"], (fk) =>
        fk.onDelete("cascade"),
      )
      .execute();

    await db.schema
      .createTable("validations")
      .addColumn("id", "text", (c) => c.notNull())
      .addColumn("service_id", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("trigger", "text", (c) => c.notNull())
      .addColumn("ok", "integer", (c) => c.notNull().check(sql`ok in (0, 1)`))
      .addColumn("checks", "text", (c) => c.notNull())
      .addColumn("duration_ms", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("validations_pk", ["id"])
      .addForeignKeyConstraint("validations_service_fk", ["service_id"], "services", ["id"], (fk) =>
        fk.onDelete("cascade"),
      )
      .execute();
    await db.schema.createIndex("validations_service_at_idx").on("validations").columns(["service_id", "at"]).execute();

    // No foreign key on service_id: the audit trail must outlive the service it describes.
    await db.schema
      .createTable("audit_events")
      .addColumn("id", "text", (c) => c.notNull())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("service_id", "text")
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("detail", "text")
      .addPrimaryKeyConstraint("audit_events_pk", ["id"])
      .execute();
    await db.schema
      .createIndex("audit_events_service_at_idx")
      .on("audit_events")
      .columns(["service_id", "at"])
      .execute();
    await db.schema.createIndex("audit_events_at_idx").on("audit_events").column("at").execute();

    await db.schema
      .createTable("idempotency_keys")
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("key", "text", (c) => c.notNull())
      .addColumn("scope", "text", (c) => c.notNull())
      .addColumn("request_hash", "text", (c) => c.notNull())
      .addColumn("status", "integer", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint(CONSTRAINTS.idempotencyKey, ["actor", "key"])
      .execute();
  },
};

/**
 * One SBC FQDN per service. Labels are lower case (the contract's DNS-label rule and the derived default), and every
 * service of a deployment shares SBC_BASE_DOMAIN, so a unique label is a unique FQDN. Rows written before this
 * index could already share a label (`acme-dr` and `ACME_DR` both derived `acme-dr`): the older service keeps it and
 * each later one gets the first free `-2`, `-3`... suffix, so the index can be built; the audit trail records it.
 */
const m0005_subdomain_unique: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const rows = await sql<{ id: string; label: string; created_at: string }>`
      select id, dr_subdomain_label as label, created_at from services
      where dr_subdomain_label is not null order by created_at, id`.execute(db);
    // Every label in use stays reserved for its oldest holder, so a new suffix never takes a later service's label.
    const used = new Set(rows.rows.map((r) => r.label));
    const kept = new Set<string>();
    const renames: { id: string; from: string; to: string }[] = [];
    for (const row of rows.rows) {
      if (!kept.has(row.label)) {
        kept.add(row.label);
        continue;
      }
      let n = 2;
      let next = "";
      do {
        const suffix = `-${n++}`;
        next = `${row.label.slice(0, 63 - suffix.length).replace(/-+$/, "")}${suffix}`;
      } while (used.has(next));
      used.add(next);
      renames.push({ id: row.id, from: row.label, to: next });
    }
    const at = new Date().toISOString();
    for (const r of renames) {
      await sql`update services set dr_subdomain_label = ${r.to} where id = ${r.id}`.execute(db);
      const detail = JSON.stringify({ from: r.from, to: r.to, reason: "subdomain label shared with an older service" });
      await sql`insert into audit_events (id, at, actor, action, service_id, outcome, detail)
        values (${randomUUID()}, ${at}, ${"migration"}, ${"service.subdomain_relabel"}, ${r.id}, ${"success"}, ${detail})`.execute(
        db,
      );
    }
    await db.schema
      .createIndex(CONSTRAINTS.serviceSubdomainLabel)
      .on("services")
      .column("dr_subdomain_label")
      .unique()
      .execute();
  },
};

/** Every migration, by sortable name. Append new ones here (e.g. `0002_bot_state`). */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  "0001_initial": m0001_initial,
  "0002_bot_state": m0002_bot_state,
  "0003_operator_roles": m0003_operator_roles,
  "0004_rate_hits": m0004_rate_hits,
  "0005_subdomain_unique": m0005_subdomain_unique,
  "0006_bot_tenant_boundary": m0006_bot_tenant_boundary,
};

/** A provider over `MIGRATIONS` (or another set, for tests), so no file system lookup happens at start-up. */
export function codeMigrationProvider(migrations: Readonly<Record<string, Migration>> = MIGRATIONS): MigrationProvider {
  return { getMigrations: async () => ({ ...migrations }) };
}

/** Options of `migrateToLatest`. */
export interface MigrateOptions {
  engine: "sqlite" | "postgres";
  /** PostgreSQL schema holding the tables and the migrator's bookkeeping; ignored on SQLite. */
  schema?: string;
  logger?: { info(o: object, m?: string): void };
  /** Replaces `MIGRATIONS` (tests). */
  migrations?: Readonly<Record<string, Migration>>;
}

/**
 * Brings the schema up to date and returns the names of the migrations it applied (empty when there was nothing
 * to do). Throws when a migration fails; on PostgreSQL that batch is rolled back, on SQLite the whole run is.
 */
export async function migrateToLatest(db: Kysely<unknown>, options: MigrateOptions): Promise<string[]> {
  const provider = codeMigrationProvider(options.migrations);
  if (options.engine === "postgres") {
    const migrator = new Migrator({ db, provider, migrationTableSchema: options.schema ?? "public" });
    return report(await migrator.migrateToLatest(), options.logger);
  }
  return db.connection().execute(async (conn) => {
    // IMMEDIATE takes the write lock now, so two processes cannot both decide a migration is pending.
    await sql`begin immediate`.execute(conn);
    try {
      const applied = report(await new Migrator({ db: conn, provider }).migrateToLatest(), options.logger);
      await sql`commit`.execute(conn);
      return applied;
    } catch (error) {
      await sql`rollback`.execute(conn);
      throw error;
    }
  });
}

/** Logs what was applied and turns the migrator's `{ error }` result into a throw. */
function report(result: { error?: unknown; results?: MigrationResult[] }, logger: MigrateOptions["logger"]): string[] {
  const applied = (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  if (applied.length > 0) logger?.info({ migrations: applied }, "database migrations applied");
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(`database migration ${failed ?? "(setup)"} failed`, { cause: result.error });
  }
  return applied;
}
