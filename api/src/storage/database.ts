/**
 * Opens the one database of the server: PostgreSQL when a URL is given, else an embedded SQLite file in the data
 * directory. Either way the schema is migrated before the handle is returned, so callers never see an old schema.
 */
import { chmodSync, mkdirSync } from "node:fs";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import {
  Kysely,
  type SqliteDatabase as KyselySqliteDatabase,
  type Migration,
  PostgresDialect,
  SqliteDialect,
} from "kysely";
import pg from "pg";
import type { Database } from "./database.types.js";
import { migrateToLatest } from "./migrations.js";

/** Options of `openDatabase`. */
export interface OpenDatabaseOptions {
  /** `postgres://...` selects PostgreSQL; absent selects SQLite. */
  databaseUrl?: string;
  /** Where the SQLite file lives; created with mode 0700 when absent. */
  dataDir: string;
  /** SQLite file name inside `dataDir`. */
  sqliteFile?: string;
  /** PostgreSQL schema (created when absent); tests use a random one each to stay isolated. */
  schema?: string;
  logger?: { info(o: object, m?: string): void };
  /** Replaces the migration set (tests of a migration over data written by the earlier ones). */
  migrations?: Readonly<Record<string, Migration>>;
  /**
   * Most PostgreSQL connections of this server, default 10. The server asks for its fleet re-validation concurrency
   * plus a few for the API: each tenant worked on at once holds a connection for its statements, and a pool smaller
   * than that made API reads wait past the connection timeout during a run (the fleet bench).
   */
  poolMax?: number;
}

/** Default of {@link OpenDatabaseOptions.poolMax}. */
export const DEFAULT_POOL_MAX = 10;

/** An open, migrated database. */
export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: "sqlite" | "postgres";
  /** Closes the pool or the file. */
  close(): Promise<void>;
}

/** Default SQLite file name inside the data directory. */
export const DEFAULT_SQLITE_FILE = "dr-onboarding.sqlite";

// The schema name goes into a connection option and into DDL; a plain identifier needs no quoting anywhere.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Opens and migrates the database selected by `options` (see the module comment). */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const { db, engine, schema } = options.databaseUrl ? openPostgres(options.databaseUrl, options) : openSqlite(options);
  try {
    await migrateToLatest(db as Kysely<unknown>, {
      engine,
      ...(schema !== undefined && { schema }),
      ...(options.logger !== undefined && { logger: options.logger }),
      ...(options.migrations !== undefined && { migrations: options.migrations }),
    });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  options.logger?.info({ engine, ...(schema !== undefined && { schema }) }, "database open");
  return { db, engine, close: () => db.destroy() };
}

function openSqlite(options: OpenDatabaseOptions): { db: Kysely<Database>; engine: "sqlite"; schema?: undefined } {
  // 0700: the file holds sealed secrets and the audit trail; only the server's user should read it.
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(options.dataDir, options.sqliteFile ?? DEFAULT_SQLITE_FILE);
  const database = new SqliteDatabase(file);
  try {
    chmodSync(file, 0o600);
    // WAL lets readers proceed during a write; NORMAL is durable enough under WAL (a power cut may lose the last
    // commits, never corrupt); busy_timeout makes a second connection or process wait instead of failing at once.
    database.pragma("journal_mode = WAL");
    database.pragma("synchronous = NORMAL");
    database.pragma("foreign_keys = ON");
    database.pragma("busy_timeout = 5000");
  } catch (error) {
    database.close();
    throw error;
  }
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) }),
    engine: "sqlite",
  };
}

/** Most prepared statements kept by {@link withStatementCache}; the product has a few dozen distinct queries. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs more than running the small queries of this
 * product (a sixth of the CPU of a busy services list). Statements are kept by their SQL text, least recently used
 * dropped first. Reuse is safe because the driver runs a statement to completion before it returns (the product
 * never streams), and SQLite re-prepares a kept statement by itself when a migration changes the schema.
 */
export function withStatementCache(
  database: SqliteDatabase.Database,
  size = STATEMENT_CACHE_SIZE,
): KyselySqliteDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement) statements.delete(sql);
      else statement = database.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > size) {
        const oldest = statements.keys().next().value;
        if (oldest !== undefined) statements.delete(oldest);
      }
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}

function openPostgres(
  databaseUrl: string,
  options: OpenDatabaseOptions,
): { db: Kysely<Database>; engine: "postgres"; schema: string } {
  const schema = options.schema ?? "public";
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolMax ?? DEFAULT_POOL_MAX,
    connectionTimeoutMillis: 5000,
    // Set at connection start-up, so every pooled connection sees the schema and the timeout before its first
    // query (a SET issued on 'connect' would race the first query). The migrator creates the schema when absent;
    // PostgreSQL resolves search_path at each lookup, so connections opened before that still find it.
    options: `-c search_path=${schema} -c statement_timeout=10000`,
  });
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), engine: "postgres", schema };
}
