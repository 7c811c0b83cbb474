/**
 * Migration 0005 over data written before it: services that already share an SBC sub-domain label (both `acme-dr`
 * and `ACME_DR` derived `acme-dr`) are relabelled so the unique index can be built. On the engines of
 * api/test/engines.ts: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.
 */
import { randomUUID } from "node:crypto";
import {
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  sql,
} from "kysely";
import { describe, expect, it } from "vitest";
import { ENGINES } from "../../test/engines.js";
import type { Database } from "./database.types.js";
import { MIGRATIONS, migrateToLatest } from "./migrations.js";

const BEFORE_0005 = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < "0005"));

async function insertService(db: Kysely<Database>, customerId: string, shortName: string, label: string, at: string) {
  const id = randomUUID();
  await sql`insert into services (id, customer_id, short_name, short_name_norm, license_type, licensed_users,
      created_at, created_by, updated_at, version, m365_cloud, m365_tenant_id, m365_tenant_domains, m365_client_id,
      m365_secret_hint, m365_user_name, dr_subdomain_label)
    values (${id}, ${customerId}, ${shortName}, ${shortName.toLowerCase()}, ${"hosted-pro"}, ${1}, ${at}, ${"op"},
      ${at}, ${1}, ${"global"}, ${randomUUID()}, ${"[]"}, ${randomUUID()}, ${"abc"}, ${"op"}, ${label})`.execute(db);
  return id;
}

describe.each(ENGINES)("migration 0005_subdomain_unique on $name", (engine) => {
  it("relabels later services that share a label, audits it, then enforces one label per service", async () => {
    const database = engine.setup("dr-mig-");
    try {
      const old = await database.open({ migrations: BEFORE_0005 });
      const customerId = randomUUID();
      await sql`insert into customers (id, name, created_at, created_by)
        values (${customerId}, ${"Acme"}, ${"2025-01-01T00:00:00.000Z"}, ${"op"})`.execute(old.db);
      const first = await insertService(old.db, customerId, "acme-dr", "acme-dr", "2025-01-01T00:00:00.000Z");
      const second = await insertService(old.db, customerId, "ACME_DR", "acme-dr", "2025-02-01T00:00:00.000Z");
      const third = await insertService(old.db, customerId, "Acme.DR", "acme-dr", "2025-03-01T00:00:00.000Z");
      const taken = await insertService(old.db, customerId, "acme-dr-2", "acme-dr-2", "2025-01-15T00:00:00.000Z");
      await old.close();

      const handle = await database.open();
      try {
        const rows = await handle.db.selectFrom("services").select(["id", "dr_subdomain_label"]).execute();
        const labelOf = (id: string) => rows.find((r) => r.id === id)?.dr_subdomain_label;
        expect(labelOf(first)).toBe("acme-dr");
        expect(labelOf(taken)).toBe("acme-dr-2");
        expect(labelOf(second)).toBe("acme-dr-3");
        expect(labelOf(third)).toBe("acme-dr-4");
        const audit = await handle.db
          .selectFrom("audit_events")
          .select(["service_id", "action", "detail"])
          .where("action", "=", "service.subdomain_relabel")
          .execute();
        expect(audit.map((a) => a.service_id).sort()).toEqual([second, third].sort());
        await expect(
          insertService(handle.db, customerId, "other", "acme-dr", "2025-04-01T00:00:00.000Z"),
        ).rejects.toThrow();
      } finally {
        await handle.close();
      }
    } finally {
      await database.cleanup();
    }
  });
});

describe.each(ENGINES.filter((e) => e.name === "postgres"))(
  "migrations on $name while a schema is dropped",
  (engine) => {
    /**
     * Kysely's migration setup lists every schema's tables with has_schema_privilege by name; another schema dropped
     * meanwhile makes it fail with 3F000. The fault is injected on the setup's first queries (a plugin throwing the
     * error PostgreSQL sends), since the race itself cannot be timed from a test.
     */
    function schemaGoneOnFirst(times: number): KyselyPlugin & { thrown: number } {
      const plugin = {
        thrown: 0,
        transformQuery: (args: PluginTransformQueryArgs) => args.node,
        transformResult: async (args: PluginTransformResultArgs) => {
          if (plugin.thrown < times) {
            plugin.thrown++;
            throw Object.assign(new Error('schema "t_dropped" does not exist'), { code: "3F000" });
          }
          return args.result;
        },
      };
      return plugin;
    }

    it("tries the setup again and migrates", async () => {
      const database = engine.setup("dr-mig-");
      try {
        const bare = await database.open({ migrations: {} });
        const plugin = schemaGoneOnFirst(2);
        const applied = await migrateToLatest(bare.db.withPlugin(plugin) as Kysely<unknown>, {
          engine: "postgres",
          ...(database.schema ? { schema: database.schema } : {}),
        });
        expect(plugin.thrown).toBe(2);
        expect(applied).toEqual(Object.keys(MIGRATIONS).sort());
        await bare.close();
      } finally {
        await database.cleanup();
      }
    });

    it("gives up after three tries, naming the setup", async () => {
      const database = engine.setup("dr-mig-");
      try {
        const bare = await database.open({ migrations: {} });
        const plugin = schemaGoneOnFirst(3);
        await expect(
          migrateToLatest(bare.db.withPlugin(plugin) as Kysely<unknown>, {
            engine: "postgres",
            ...(database.schema ? { schema: database.schema } : {}),
          }),
        ).rejects.toThrow("database migration (setup) failed");
        expect(plugin.thrown).toBe(3);
        await bare.close();
      } finally {
        await database.cleanup();
      }
    });
  },
);
