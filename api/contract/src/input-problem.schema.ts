/**
 * One problem of a request body, as it appears in problem+json `errors` (docs/api.md). A module of its own so that
 * inputs.schema.ts (which the tab bundles) names the type without bundling the schema, and dto.ts (which the tab
 * never bundles) uses the schema in the Problem document.
 */
import { z } from "zod";

/** One problem of a request body: the field's dotted path, a stable code, a message. */
export const inputProblemSchema = z.object({
  path: z.string().describe("Dotted path of the field, e.g. `m365.tenantId`; empty for the body itself."),
  code: z.string(),
  message: z.string(),
});
