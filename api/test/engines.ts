/**
 * Test support: the database engines a suite runs on, for every suite that runs on both. SQLite always; PostgreSQL
 * when TEST_DATABASE_URL is set (CI sets it; locally `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test`).
 * Without it PostgreSQL is not run, and every suite importing this file says so on the console (a warning, not a
 * silent pass). Each `setup()` gives a fresh database: a new directory for SQLite, a new random schema on the
 * PostgreSQL server; `cleanup()` removes the directory or drops the schema.
 *
 * Engine-specific tests are registered for their engine only (`if (db.engine === "postgres") it(...)`, or a suite
 * over `enginesNamed("postgres")`), never skipped on the other: a skipped test would look like a missing engine.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Migration } from "kysely";
import pg from "pg";
import { type DatabaseHandle, openDatabase } from "../src/storage/database.js";

/** The engine names, as `DatabaseHandle.engine`. */
export type EngineName = "sqlite" | "postgres";

/** The PostgreSQL server of the tests, or undefined when TEST_DATABASE_URL is unset. */
export const TEST_DATABASE_URL: string | undefined = process.env.TEST_DATABASE_URL || undefined;

/** What `EngineDatabase.open` accepts beyond the database itself. */
export interface OpenOptions {
  logger?: { info(o: object, m?: string): void };
  /** Replaces the migration set (tests of a migration over data written by the earlier ones). */
  migrations?: Readonly<Record<string, Migration>>;
}

/** One fresh database on one engine. */
export interface EngineDatabase {
  engine: EngineName;
  /** The server's data directory: the SQLite file lives there; on PostgreSQL it only holds what a server writes. */
  dataDir: string;
  /** PostgreSQL: the server URL. */
  databaseUrl?: string;
  /** PostgreSQL: the random schema of this database. */
  schema?: string;
  /** Opens (and migrates) another handle on this database. */
  open(options?: OpenOptions): Promise<DatabaseHandle>;
  /**
   * The environment of a server on this database (startTestApp): DATA_DIR, and on PostgreSQL DATABASE_URL
   * (startTestApp then gives every copy the shared TEST_SECRET_KEY unless the suite sets SECRET_KEY).
   */
  env: Record<string, string>;
  /** The start options of a server on this database (startTestApp): the schema on PostgreSQL. */
  appOptions: { databaseSchema?: string };
  /** Removes the directory, and on PostgreSQL drops the schema with everything in it. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** An engine a suite runs on. */
export interface TestEngine {
  name: EngineName;
  /** A fresh database on this engine; `prefix` names its temporary directory. */
  setup(prefix?: string): EngineDatabase;
}

/** A random schema name: a plain identifier, so it needs no quoting in a connection option or in DDL. */
export function randomSchema(): string {
  return `t_${randomBytes(6).toString("hex")}`;
}

/** Drops `schema` on the test server (if it exists). */
export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

const sqlite: TestEngine = {
  name: "sqlite",
  setup(prefix = "dr-test-") {
    const dataDir = mkdtempSync(join(tmpdir(), prefix));
    return {
      engine: "sqlite",
      dataDir,
      open: (options = {}) => openDatabase({ dataDir, ...options }),
      env: { DATA_DIR: dataDir },
      appOptions: {},
      cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  },
};

function postgres(databaseUrl: string): TestEngine {
  return {
    name: "postgres",
    setup(prefix = "dr-test-") {
      const dataDir = mkdtempSync(join(tmpdir(), prefix));
      const schema = randomSchema();
      return {
        engine: "postgres",
        dataDir,
        databaseUrl,
        schema,
        open: (options = {}) => openDatabase({ databaseUrl, dataDir, schema, ...options }),
        env: { DATA_DIR: dataDir, DATABASE_URL: databaseUrl },
        appOptions: { databaseSchema: schema },
        cleanup: async () => {
          await dropSchema(databaseUrl, schema);
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  };
}

/** The engines of this run: SQLite, then PostgreSQL when TEST_DATABASE_URL is set. */
export const ENGINES: readonly TestEngine[] = TEST_DATABASE_URL ? [sqlite, postgres(TEST_DATABASE_URL)] : [sqlite];

/** The engines of this run with that name: none or one, for a suite that applies to one engine only. */
export function enginesNamed(name: EngineName): TestEngine[] {
  return ENGINES.filter((e) => e.name === name);
}

if (!TEST_DATABASE_URL) {
  console.warn(
    "\n*** PostgreSQL tests NOT run: TEST_DATABASE_URL is unset. Set it to run them too, e.g. " +
      "TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ***\n",
  );
}
