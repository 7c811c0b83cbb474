/**
 * Names of the constraints the migrations create and the repositories map to domain errors; the same name on both
 * engines. Apart from the migration runner, so a migration file and a repository can both import them (no cycle).
 */
export const CONSTRAINTS = {
  /** Unique index on services.short_name_norm. */
  serviceShortName: "services_short_name_norm_uq",
  /** Unique index on services.dr_subdomain_label (migration 0005): one SBC FQDN per service. */
  serviceSubdomainLabel: "services_subdomain_label_uq",
  /** Primary key of idempotency_keys (actor, key). */
  idempotencyKey: "idempotency_keys_pk",
} as const;
