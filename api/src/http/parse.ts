/** Parses request parts with a contract schema; a failure becomes an InputError naming each field. */
import { problemsFromZodError } from "@dr/contract";
import type { z } from "zod";
import { InputError } from "../errors.js";

/** Returns the parsed value or throws InputError with one problem per bad field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what = "body"): z.infer<S> {
  if (what === "body" && (value === null || typeof value !== "object" || Array.isArray(value))) {
    throw new InputError("Send a JSON object as the body.", [
      { path: "", code: "invalid_type", message: "The body must be a JSON object." },
    ]);
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const errors = problemsFromZodError(parsed.error);
  const fields = [...new Set(errors.map((e) => e.path).filter(Boolean))];
  throw new InputError(
    fields.length > 0 ? `Fix these fields: ${fields.join(", ")}.` : `The ${what} is invalid.`,
    errors,
  );
}
