/**
 * What GET /api/settings and GET /api/sandbox answer, and the permission words every surface uses: the API grants
 * them from app roles, the bot asks for them before a command, and the tab offers only the actions they allow.
 */
import type { z } from "zod";
import type {
  operatorSettingsSchema,
  sandboxCredentialsSchema,
  sandboxTenantSchema,
  sandboxTenantsSchema,
  tabSettingsSchema,
} from "./answers.schema.js";

/**
 * What an operator may do, in increasing order: read everything; onboard, validate and replace secrets; also edit
 * and delete services.
 */
export const PERMISSIONS = ["read", "operate", "admin"] as const;
/** One permission word: `read`, `operate` or `admin`. */
export type OperatorPermission = (typeof PERMISSIONS)[number];

/** The server-wide part of GET /api/settings: what the tab needs to render. */
export type TabSettings = z.infer<typeof tabSettingsSchema>;

/** Answer of GET /api/settings: the settings plus the signed-in operator and what their app roles allow. */
export type OperatorSettings = z.infer<typeof operatorSettingsSchema>;

/** What one sandbox scenario's (fictitious) credentials are: enough to try it in the tab or the bot. */
export type SandboxCredentials = z.infer<typeof sandboxCredentialsSchema>;

/** One demo tenant of sandbox mode, as the banner lists it. */
export type SandboxTenant = z.infer<typeof sandboxTenantSchema>;

/** Answer of GET /api/sandbox (sandbox mode only; 404 otherwise). */
export type SandboxTenants = z.infer<typeof sandboxTenantsSchema>;
