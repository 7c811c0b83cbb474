/**
 * Direct Routing readiness (docs/product.md section 10, issue 14 point 4): a second report on a service, with the
 * same check shape as validation. Ids in the order they run and are shown, the codes per check, the report, and
 * the body of the wizard's POST /api/readiness.
 */
import { z } from "zod";
import type { NETWORK_CODES, SKIPPED_CODE } from "./checks.js";
import { credentialsShape } from "./inputs.schema.js";
import { subdomainLabelSchema } from "./onboarding.schema.js";

/** Readiness check ids in the order they are shown. */
export const READINESS_CHECK_IDS = [
  "teams_admin_role",
  "teams_admin_api",
  "sbc_domain",
  "phone_licences",
  "activation_user",
] as const;
/** One readiness check id. */
export type ReadinessCheckId = (typeof READINESS_CHECK_IDS)[number];

/** Codes a readiness check may end with, by check (see docs/validation.md, "Direct Routing readiness"). */
export const READINESS_CHECK_CODES = {
  teams_admin_role: ["teams_admin_role_missing"],
  teams_admin_api: ["teams_api_not_in_tenant", "teams_token_rejected"],
  sbc_domain: ["sbc_fqdn_missing", "domain_not_added", "domain_not_verified"],
  phone_licences: ["no_phone_licence", "no_free_phone_licence"],
  activation_user: ["no_activation_user", "activation_user_unlicensed"],
} as const satisfies Record<ReadinessCheckId, readonly string[]>;

/**
 * Codes any readiness check may carry: the credentials gave no token (validate them first), an optional Graph
 * permission is missing (`unknown`, naming it), Graph answered something unexpected, or Microsoft could not be
 * reached; and the skip code.
 */
export const READINESS_SHARED_CODES = ["credentials_failed", "permission_missing", "graph_unavailable"] as const;

/** Every code a readiness check can carry. */
export type ReadinessCode =
  | (typeof READINESS_CHECK_CODES)[ReadinessCheckId][number]
  | (typeof READINESS_SHARED_CODES)[number]
  | (typeof NETWORK_CODES)[number]
  | typeof SKIPPED_CODE;

/**
 * Body of POST /api/readiness (the wizard, before the service exists): the credentials with the same input rules as
 * POST /api/validation, and the SBC sub-domain label the service will get.
 */
export const readinessRequestSchema = z.strictObject({
  ...credentialsShape,
  subdomainLabel: subdomainLabelSchema,
});
/** Body of POST /api/readiness after parsing. */
export type ReadinessRequest = z.infer<typeof readinessRequestSchema>;
/** Body of POST /api/readiness as a client sends it (`cloud` may be left out). */
export type ReadinessRequestBody = z.input<typeof readinessRequestSchema>;

// The report (ReadinessCheck, ReadinessReport) is a zod schema in answers.schema.ts.
