/**
 * The operators' remembered permissions and names over table operator_roles (migration 0003_operator_roles): the
 * store behind auth/operator-directory.ts, which holds the rules (which roles give which permissions, how long an
 * entry counts, how often it is rewritten). Tenant and object ids are stored and looked up in lower case.
 */
import type { Kysely } from "kysely";
import type { Database } from "./database.types.js";

/** One operator's entry. */
export interface OperatorRolesRecord {
  tenantId: string;
  objectId: string;
  /** The API's name for the operator (upn, ...). */
  name: string;
  /** Permissions as last seen, e.g. ["read", "operate"]; empty when none. */
  permissions: string[];
  /** When they were seen, ISO 8601 UTC. */
  seenAt: string;
}

/** Reads and writes the entries (the shape of auth's `OperatorRolesStore`). */
export interface OperatorRolesRepository {
  /** Inserts the entry or replaces the one of the same tenant and object id. */
  put(entry: OperatorRolesRecord): Promise<void>;
  /** The entry, or undefined when none. */
  get(tenantId: string, objectId: string): Promise<OperatorRolesRecord | undefined>;
}

/** Creates the repository over the server's database. */
export function createOperatorRolesRepository(db: Kysely<Database>): OperatorRolesRepository {
  return {
    async put(entry) {
      const row = {
        tenant_id: entry.tenantId.toLowerCase(),
        object_id: entry.objectId.toLowerCase(),
        name: entry.name,
        permissions: entry.permissions.join(","),
        seen_at: entry.seenAt,
      };
      await db
        .insertInto("operator_roles")
        .values(row)
        .onConflict((oc) =>
          oc.columns(["tenant_id", "object_id"]).doUpdateSet({
            name: row.name,
            permissions: row.permissions,
            seen_at: row.seen_at,
          }),
        )
        .execute();
    },

    async get(tenantId, objectId) {
      const row = await db
        .selectFrom("operator_roles")
        .selectAll()
        .where("tenant_id", "=", tenantId.toLowerCase())
        .where("object_id", "=", objectId.toLowerCase())
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        tenantId: row.tenant_id,
        objectId: row.object_id,
        name: row.name,
        permissions: row.permissions ? row.permissions.split(",") : [],
        seenAt: row.seen_at,
      };
    },
  };
}
