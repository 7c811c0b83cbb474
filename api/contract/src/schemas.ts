/**
 * The answer schemas as values, for the API (its OpenAPI description, docs/api.md "OpenAPI"): `@dr/contract/schemas`.
 * The package's main entry (index.ts) re-exports these modules' types only, so the tab never bundles them.
 */
export * from "./answers.schema.js";
export * from "./dto.js";
export * from "./input-problem.schema.js";
