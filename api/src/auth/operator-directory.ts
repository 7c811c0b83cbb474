/**
 * What each signed-in operator may do, remembered from their last verified Teams SSO token, for the one surface
 * that has no token of its own: the bot. Bot Framework tells the bot who writes (Entra object id) but not their app
 * roles, so the bot asks here. An operator the server has not seen sign in to the tab within `maxAgeMs` is
 * "unknown" and gets nothing that needs a role; a demoted operator's next tab request rewrites the entry.
 * It also remembers the name the API knows each operator by (upn, else preferred_username, email or object id:
 * operator-auth.ts), so what the operator does through the bot is audited, owned, rate-limited and made idempotent
 * under the same name as their tab requests, never under a Teams display name (not unique). That name already had
 * its column (`name`) in 0003, so no migration was needed for it.
 * The rules live here; the entries are kept by an `OperatorRolesStore` (storage/operator-roles.repository.ts, table
 * operator_roles of migration 0003). Dev mode records nothing (its operators have no Entra identity).
 */
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

/** One operator's remembered entry, as the directory's store keeps it. */
export interface OperatorRolesEntry {
  tenantId: string;
  objectId: string;
  /** The API's name for the operator (at most 256 characters). */
  name: string;
  /** Permission names; the store keeps what it is given. */
  permissions: string[];
  /** ISO 8601 UTC. */
  seenAt: string;
}

/** Where the directory keeps its entries (storage/operator-roles.repository.ts), ids compared case-insensitively. */
export interface OperatorRolesStore {
  /** Inserts the entry or replaces the one of the same tenant and object id. */
  put(entry: OperatorRolesEntry): Promise<void>;
  get(tenantId: string, objectId: string): Promise<OperatorRolesEntry | undefined>;
}

/** Creates the directory over its store. `maxAgeMs`: default {@link OPERATOR_ROLES_MAX_AGE_MS}. */
export function createOperatorDirectory(
  store: OperatorRolesStore,
  options: { maxAgeMs?: number } = {},
): OperatorDirectory {
  const maxAgeMs = options.maxAgeMs ?? OPERATOR_ROLES_MAX_AGE_MS;
  const written = new Map<string, { permissions: string; name: string; at: number }>();
  const keyOf = (tenantId: string, objectId: string) => `${tenantId.toLowerCase()}/${objectId.toLowerCase()}`;

  return {
    async record(operator, at) {
      if (!operator.tenantId || !operator.objectId) return;
      const key = keyOf(operator.tenantId, operator.objectId);
      const granted = permissionsOf(operator.roles);
      const permissions = granted.join(",");
      const name = operator.name.slice(0, 256);
      const last = written.get(key);
      // A changed name (a renamed upn) is written at once, like changed permissions.
      if (last && last.permissions === permissions && last.name === name && at.getTime() - last.at < REWRITE_AFTER_MS)
        return;
      await store.put({
        tenantId: operator.tenantId.toLowerCase(),
        objectId: operator.objectId.toLowerCase(),
        name,
        permissions: granted,
        seenAt: at.toISOString(),
      });
      written.set(key, { permissions, name, at: at.getTime() });
      if (written.size > 10_000) written.delete(written.keys().next().value ?? "");
    },

    async permissionsOf(tenantId, objectId, at) {
      const entry = await store.get(tenantId, objectId);
      if (!entry || at.getTime() - Date.parse(entry.seenAt) > maxAgeMs) return "unknown";
      return entry.permissions as Permission[];
    },

    async nameOf(tenantId, objectId) {
      const entry = await store.get(tenantId, objectId);
      return entry?.name ? entry.name : undefined;
    },
  };
}
