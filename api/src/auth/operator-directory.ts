/**
 * What each signed-in operator may do, remembered from their last verified Teams SSO token, for the one surface
 * that has no token of its own: the bot. Bot Framework tells the bot who writes (Entra object id) but not their app
 * roles, so the bot asks here. An operator the server has not seen sign in to the tab within `maxAgeMs` is
 * "unknown" and gets nothing that needs a role; a demoted operator's next tab request rewrites the entry.
 * It also remembers the name the API knows each operator by (upn, else preferred_username, email or object id:
 * operator-auth.ts), so what the operator does through the bot is audited, owned, rate-limited and made idempotent
 * under the same name as their tab requests, never under a Teams display name (not unique). That name already had
 * its column (`name`) in 0003, so no migration was needed for it.
 * Table of migration 0003_operator_roles; dev mode records nothing (its operators have no Entra identity).
 */
import type { Kysely } from "kysely";
import type { Database } from "../storage/database.types.js";
import { type Operator, type Permission, permissionsOf } from "./operator-auth.js";

/** How long a remembered entry counts: an operator who has not opened the tab for this long is "unknown". */
export const OPERATOR_ROLES_MAX_AGE_MS = 12 * 3_600_000;
/** An unchanged entry is rewritten (its time refreshed) at most this often per operator and server copy. */
const REWRITE_AFTER_MS = 5 * 60_000;

/** The remembered permissions of operators. */
export interface OperatorDirectory {
  /** Remembers the operator's permissions as of `at` (cheap to call on every request). */
  record(operator: Operator, at: Date): Promise<void>;
  /** The operator's permissions, or "unknown" when not seen signed in within the maximum age. */
  permissionsOf(tenantId: string, objectId: string, at: Date): Promise<Permission[] | "unknown">;
  /**
   * The API's name for the operator (their token's upn, ...) as last seen, or undefined when never seen. No age
   * limit: the bot asks only after `permissionsOf` found a recent sign-in, and a name outlives a role.
   */
  nameOf(tenantId: string, objectId: string): Promise<string | undefined>;
}

/** Creates the directory over the server's database. */
export function createOperatorDirectory(
  database: Kysely<Database>,
  options: { maxAgeMs?: number } = {},
): OperatorDirectory {
  const db = database;
  const maxAgeMs = options.maxAgeMs ?? OPERATOR_ROLES_MAX_AGE_MS;
  const written = new Map<string, { permissions: string; name: string; at: number }>();
  const keyOf = (tenantId: string, objectId: string) => `${tenantId.toLowerCase()}/${objectId.toLowerCase()}`;

  return {
    async record(operator, at) {
      if (!operator.tenantId || !operator.objectId) return;
      const key = keyOf(operator.tenantId, operator.objectId);
      const permissions = permissionsOf(operator.roles).join(",");
      const name = operator.name.slice(0, 256);
      const last = written.get(key);
      // A changed name (a renamed upn) is written at once, like changed permissions.
      if (last && last.permissions === permissions && last.name === name && at.getTime() - last.at < REWRITE_AFTER_MS)
        return;
      const row = {
        tenant_id: operator.tenantId.toLowerCase(),
        object_id: operator.objectId.toLowerCase(),
        name,
        permissions,
        seen_at: at.toISOString(),
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
      written.set(key, { permissions, name, at: at.getTime() });
      if (written.size > 10_000) written.delete(written.keys().next().value ?? "");
    },

    async permissionsOf(tenantId, objectId, at) {
      const row = await db
        .selectFrom("operator_roles")
        .select(["permissions", "seen_at"])
        .where("tenant_id", "=", tenantId.toLowerCase())
        .where("object_id", "=", objectId.toLowerCase())
        .executeTakeFirst();
      if (!row || at.getTime() - Date.parse(row.seen_at) > maxAgeMs) return "unknown";
      return row.permissions ? (row.permissions.split(",") as Permission[]) : [];
    },

    async nameOf(tenantId, objectId) {
      const row = await db
        .selectFrom("operator_roles")
        .select("name")
        .where("tenant_id", "=", tenantId.toLowerCase())
        .where("object_id", "=", objectId.toLowerCase())
        .executeTakeFirst();
      return row?.name ? row.name : undefined;
    },
  };
}
