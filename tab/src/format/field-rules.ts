/**
 * Glue between the shared zod schemas and Fluent fields: one message per field, from the same schemas the API uses.
 * Typed structurally so the tab needs no direct zod import (it depends on @dr/contract only).
 */

/** The part of a zod schema used here. */
export interface SafeParser {
  safeParse(value: unknown): { success: true } | { success: false; error: { issues: { message: string }[] } };
}

/** All messages of one value against one schema, joined; undefined when it passes. */
export function schemaMessage(schema: SafeParser, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  if (result.success) return undefined;
  return [...new Set(result.error.issues.map((i) => i.message))].join(" ");
}

/** Reads a whole-number text as a number (NaN when it is not a whole number as typed). */
export function parseUsers(raw: string): number {
  return /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
}
