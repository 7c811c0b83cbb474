/**
 * What GET /api/settings and GET /api/sandbox answer, and the permission words every surface uses: the API grants
 * them from app roles, the bot asks for them before a command, and the tab offers only the actions they allow.
 */

/**
 * What an operator may do, in increasing order: read everything; onboard, validate and replace secrets; also edit
 * and delete services.
 */
export const PERMISSIONS = ["read", "operate", "admin"] as const;
/** One permission word: `read`, `operate` or `admin`. */
export type OperatorPermission = (typeof PERMISSIONS)[number];

// The answers (TabSettings, OperatorSettings, SandboxCredentials, SandboxTenant, SandboxTenants) are zod schemas in
// answers.schema.ts.
