/** Test support for the invitation suites: a dump of every stored byte, and the event-stream reader. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import type { EngineDatabase } from "./engines.js";

/** Everything the database holds, as text: the SQLite files (with WAL), or every row of every table on PostgreSQL. */
export async function dumpDatabase(database: EngineDatabase): Promise<string> {
  let stored = "";
  for (const file of readdirSync(database.dataDir)) {
    try {
      stored += readFileSync(join(database.dataDir, file)).toString("latin1");
    } catch {
      // a folder
    }
  }
  if (database.engine === "postgres" && database.databaseUrl && database.schema) {
    const client = new pg.Client({ connectionString: database.databaseUrl });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = $1",
        [database.schema],
      );
      for (const { table_name } of tables.rows) {
        const rows = await client.query<{ j: string }>(
          `select row_to_json(t)::text as j from ${database.schema}."${table_name}" t`,
        );
        stored += rows.rows.map((r) => r.j).join("\n");
      }
    } finally {
      await client.end();
    }
  }
  return stored;
}

/** The events of an event-stream answer. */
export function parseEvents(text: string): { event: string | undefined; data: unknown }[] {
  return text
    .trim()
    .split("\n\n")
    .filter(Boolean)
    .map((block) => ({
      event: /^event: (.+)$/m.exec(block)?.[1],
      data: JSON.parse(/^data: (.+)$/m.exec(block)?.[1] ?? "null") as unknown,
    }));
}

/** The token of an invitation link. */
export const tokenOf = (url: string): string => url.slice(url.lastIndexOf("/") + 1);
