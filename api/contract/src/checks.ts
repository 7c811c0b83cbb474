/**
 * The credential validation checks of docs/product.md section 3: ids in run order, statuses, and the stable codes.
 */

/** Check ids in the order they run and are shown. */
export const CHECK_IDS = ["format", "tenant", "token", "permissions", "graph", "secret_expiry"] as const;
/** One check id. */
export type CheckId = (typeof CHECK_IDS)[number];

/** How one check ended. `unknown`: the service could not be asked (network, throttling); retry later. */
export const CHECK_STATUSES = ["pass", "warn", "fail", "skipped", "unknown"] as const;
/** How one check ended. */
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** Codes a check may end with, by check. Network codes can end any check that calls out. */
export const CHECK_CODES = {
  format: [
    "invalid_tenant_format",
    "invalid_client_id",
    "secret_id_not_value",
    "secret_whitespace",
    "secret_missing",
    "secret_too_long",
    "secret_unusual",
  ],
  tenant: ["tenant_not_found", "wrong_cloud"],
  token: [
    "app_not_found",
    "invalid_secret",
    "secret_expired",
    "app_disabled",
    "service_principal_missing",
    "blocked_by_policy",
    "throttled",
    "token_rejected",
  ],
  permissions: ["permissions_missing", "token_mismatch"],
  graph: ["graph_denied", "graph_unavailable"],
  secret_expiry: ["secret_expiring", "secret_not_found", "expiry_unreadable"],
} as const satisfies Record<CheckId, readonly string[]>;

/** Codes for trouble reaching Microsoft, on any check that calls out (status `unknown`). */
export const NETWORK_CODES = ["entra_unreachable", "entra_timeout", "throttled"] as const;
/** Code of a check skipped because an earlier one failed. */
export const SKIPPED_CODE = "prerequisite_failed";

/** Every code a check can carry. */
export type CheckCode = (typeof CHECK_CODES)[CheckId][number] | (typeof NETWORK_CODES)[number] | typeof SKIPPED_CODE;

/** Days before expiry at or under which a secret is reported as expiring. */
export const EXPIRY_WARNING_DAYS = 30;

/** Microsoft Graph application permissions required by default (configurable on the server). */
export const DEFAULT_REQUIRED_PERMISSIONS = ["Organization.Read.All", "Application.Read.All"] as const;
