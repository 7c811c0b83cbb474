/**
 * Glue between the operator's typing and the shared zod schemas: the field messages themselves come from the
 * contract's `fieldMessage`, the same text the bot shows; this holds what only a text box needs.
 */

/** Reads a whole-number text as a number (NaN when it is not a whole number as typed). */
export function parseUsers(raw: string): number {
  return /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
}
