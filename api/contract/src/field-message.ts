/**
 * The one message a field shows for a refused value, from the same zod schemas the API parses with: the tab puts it
 * under the field, the bot under the card's input. Every distinct message of the value's issues, in the schema's
 * order, joined by a space (a short name can be too short and hold a space at once: both are said).
 */

/** The part of a `safeParse` result read here (structural, so callers need no zod import). */
export type ParseResult = { success: true } | { success: false; error: { issues: readonly { message: string }[] } };

/** The part of a zod schema used here. */
export interface SafeParser {
  safeParse(value: unknown): ParseResult;
}

/** The field message of a `safeParse` result; undefined when it passed. For callers that also need the parsed data. */
export function fieldMessageOf(result: ParseResult): string | undefined {
  if (result.success) return undefined;
  return [...new Set(result.error.issues.map((issue) => issue.message))].join(" ");
}

/** The field message of `value` against `schema`; undefined when the value is accepted. */
export function fieldMessage(schema: SafeParser, value: unknown): string | undefined {
  return fieldMessageOf(schema.safeParse(value));
}
