/**
 * Versioned schema migrations, defined in code (one module each under `migrations/`, imported here, so there is no
 * folder to find at run time) and applied at start-up with Kysely's Migrator. To add one, write
 * `migrations/NNNN_name.ts` and append it to `MIGRATIONS` with the next number: names sort as text, so keep the
 * four-digit prefix. Never edit an applied migration (its name and DDL are what databases have run); write a new one.
 *
 * Several server copies may start at once. On PostgreSQL the migrator serialises them with an advisory lock and
 * runs each batch in one transaction; its bookkeeping tables live in the chosen schema (`migrationTableSchema`), so
 * a test schema never sees another schema's history. On SQLite the migrator takes no lock, so we hold the database
 * write lock (BEGIN IMMEDIATE) around the whole run: a second process waits (busy_timeout), then finds nothing to do.
 */
import { type Kysely, type Migration, type MigrationProvider, type MigrationResult, Migrator, sql } from "kysely";
import { m0001_initial } from "./migrations/0001_initial.js";
import { m0002_bot_state } from "./migrations/0002_bot_state.js";
import { m0003_operator_roles } from "./migrations/0003_operator_roles.js";
import { m0004_rate_hits } from "./migrations/0004_rate_hits.js";
import { m0005_subdomain_unique } from "./migrations/0005_subdomain_unique.js";
import { m0006_bot_tenant_boundary } from "./migrations/0006_bot_tenant_boundary.js";
import { m0007_tenant_aliases } from "./migrations/0007_tenant_aliases.js";
import { m0008_reminder_deliveries } from "./migrations/0008_reminder_deliveries.js";
import { m0009_invitations } from "./migrations/0009_invitations.js";
import { m0010_provisioning_runs } from "./migrations/0010_provisioning_runs.js";
import { m0011_secret_rotations } from "./migrations/0011_secret_rotations.js";
import { m0012_readiness_reports } from "./migrations/0012_readiness_reports.js";
import { m0013_certificate_credentials } from "./migrations/0013_certificate_credentials.js";
import { m0014_fleet_runs } from "./migrations/0014_fleet_runs.js";
import { m0015_fleet_run_filling } from "./migrations/0015_fleet_run_filling.js";

/** Every migration, by sortable name. Append a new one at the end, with the next number. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  "0001_initial": m0001_initial,
  "0002_bot_state": m0002_bot_state,
  "0003_operator_roles": m0003_operator_roles,
  "0004_rate_hits": m0004_rate_hits,
  "0005_subdomain_unique": m0005_subdomain_unique,
  "0006_bot_tenant_boundary": m0006_bot_tenant_boundary,
  "0007_tenant_aliases": m0007_tenant_aliases,
  "0008_reminder_deliveries": m0008_reminder_deliveries,
  "0009_invitations": m0009_invitations,
  "0010_provisioning_runs": m0010_provisioning_runs,
  "0011_secret_rotations": m0011_secret_rotations,
  "0012_readiness_reports": m0012_readiness_reports,
  "0013_certificate_credentials": m0013_certificate_credentials,
  "0014_fleet_runs": m0014_fleet_runs,
  "0015_fleet_run_filling": m0015_fleet_run_filling,
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
    // Kysely's setup lists the tables of every schema the role may use (has_schema_privilege by name), so a schema
    // dropped meanwhile by someone else makes that listing fail with 3F000 before anything was changed. That
    // listing is read-only: try it again (twice at most) rather than refuse to start.
    for (let attempt = 1; ; attempt++) {
      const result = await migrator.migrateToLatest();
      if (attempt < 3 && (result.results ?? []).length === 0 && isSchemaGone(result.error)) continue;
      return report(result, options.logger);
    }
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

/** PostgreSQL's invalid_schema_name (3F000): a schema named in the query does not exist (any more). */
function isSchemaGone(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "3F000";
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
