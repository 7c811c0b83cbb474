/**
 * The scheduler's due selection over Kysely (docs/api.md, "Fleet re-validation"): the services' ids and last
 * validation times, one page at a time in id order (keyset: `id > after`, on the primary key), so a scheduled pass
 * reads two columns per service and never holds the whole fleet. The bot reads it through OnboardingPort
 * (api/src/bot/bot.wiring.ts).
 */
import type { Kysely } from "kysely";
import type { Database } from "./database.types.js";

/** A service's id and its last validation time (absent: never validated). */
export interface ValidationTimeRow {
  id: string;
  lastValidatedAt?: string;
}

/** Reads one page: at most `limit` services after `after` (none: from the first), in id order. */
export type ValidationTimesReader = (page: { after?: string; limit: number }) => Promise<ValidationTimeRow[]>;

/** Creates the reader over `db`. */
export function createValidationTimesReader(db: Kysely<Database>): ValidationTimesReader {
  return async ({ after, limit }) => {
    let query = db
      .selectFrom("services")
      .select(["id", "m365_last_validated_at"])
      .orderBy("id")
      .limit(Math.max(1, Math.floor(limit)));
    if (after !== undefined) query = query.where("id", ">", after);
    const rows = await query.execute();
    return rows.map((r) => ({
      id: r.id,
      ...(r.m365_last_validated_at ? { lastValidatedAt: r.m365_last_validated_at } : {}),
    }));
  };
}
