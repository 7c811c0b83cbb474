/** Shared contract of the API, the tab and the bot: input schemas, check ids and codes, DTO types. */
export type * from "./answers.schema.js";
export * from "./checks.js";
export * from "./clouds.js";
export * from "./deep-links.js";
export type * from "./dto.js";
export * from "./field-message.js";
export * from "./fleet.schema.js";
export * from "./inputs.schema.js";
export * from "./invitations.schema.js";
export * from "./onboarding.schema.js";
export * from "./provisioning.schema.js";
export * from "./readiness.schema.js";
export * from "./settings.js";
