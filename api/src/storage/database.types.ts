/**
 * Row shapes of the tables as Kysely sees them, identical on SQLite and PostgreSQL. Times are ISO 8601 UTC text on
 * both engines so text ordering is time ordering; booleans are integers 0/1 on both so one mapping serves both; JSON
 * is text, parsed by the repository, because SQLite has no JSON column type and jsonb would make the engines differ.
 * Only storage/ imports this file.
 */

/** A 0/1 integer that stands for a boolean (see the module comment). */
export type IntBool = 0 | 1;

/** `customers`. */
export interface CustomersTable {
  id: string;
  name: string;
  contact_email: string | null;
  note: string | null;
  created_at: string;
  created_by: string;
}

/** `services`: a service with its Microsoft 365 connection flattened into `m365_*` columns. */
export interface ServicesTable {
  id: string;
  customer_id: string;
  short_name: string;
  /** Lower-cased short name; its unique index is what enforces uniqueness. */
  short_name_norm: string;
  full_name: string | null;
  license_type: string;
  licensed_users: number;
  created_at: string;
  created_by: string;
  updated_at: string;
  version: number;
  m365_cloud: string;
  m365_tenant_id: string;
  m365_tenant_name: string | null;
  /** JSON array of strings. */
  m365_tenant_domains: string;
  m365_client_id: string;
  m365_secret_hint: string;
  m365_secret_key_id: string | null;
  m365_secret_expires_at: string | null;
  m365_secret_checked_at: string | null;
  /** `secret` or `certificate` (migration 0013): what the sealed service_secrets text is. */
  m365_credential_type: string;
  /** A certificate's SHA-1 thumbprint (hex, upper case) and subject; null for a secret. */
  m365_certificate_thumbprint: string | null;
  m365_certificate_subject: string | null;
  m365_user_name: string;
  m365_last_validated_at: string | null;
  m365_last_validation_ok: IntBool | null;
  m365_last_validated_by: string | null;
  /** JSON of PermissionsRecord. */
  m365_permissions: string | null;
  dr_m365_domain: string | null;
  dr_sbc_region: string | null;
  dr_subdomain_label: string | null;
}

/** `service_secrets`: one sealed secret per service. */
export interface ServiceSecretsTable {
  service_id: string;
  kek_id: string;
  /** JSON of SealedSecret. */
  envelope: string;
  sealed_at_version: number;
  updated_at: string;
}

/** `validations`. */
export interface ValidationsTable {
  id: string;
  service_id: string;
  at: string;
  actor: string;
  trigger: string;
  ok: IntBool;
  /** JSON array of `{ id, status, code? }`. */
  checks: string;
  duration_ms: number;
}

/** `audit_events`; `service_id` has no foreign key on purpose: the trail outlives a deleted service. */
export interface AuditEventsTable {
  id: string;
  at: string;
  actor: string;
  action: string;
  service_id: string | null;
  outcome: string;
  /** JSON object or null. */
  detail: string | null;
}

/** `idempotency_keys`, primary key (actor, key). */
export interface IdempotencyKeysTable {
  actor: string;
  key: string;
  scope: string;
  request_hash: string;
  status: number;
  /** JSON of the remembered answer body. */
  body: string;
  created_at: string;
}

/** `operator_roles` (0003), primary key (tenant_id, object_id), both lower case. */
export interface OperatorRolesTable {
  tenant_id: string;
  object_id: string;
  /** The API's name for the operator (upn, else preferred_username, email or object id). */
  name: string;
  /** Comma-separated permissions, e.g. "read,operate". */
  permissions: string;
  seen_at: string;
}

/** `rate_hits` (0004): one row per counted request; no primary key. */
export interface RateHitsTable {
  key: string;
  /** Epoch milliseconds (bigint: pg returns it as text, SQLite as a number). */
  at: number | string | bigint;
}

/** `bot_dialogs` (0002), primary key (tenant_id, user_id, dialog_id). */
export interface BotDialogsTable {
  tenant_id: string;
  user_id: string;
  dialog_id: string;
  step: string;
  rev: number;
  /** JSON of the dialog's data (the client secret only sealed). */
  data: string;
  updated_at: string;
}

/** `bot_conversations` (0002): conversation references in our own shape. */
export interface BotConversationsTable {
  conversation_id: string;
  kind: string;
  service_url: string;
  tenant_id: string;
  aad_object_id: string | null;
  bot_id: string;
  channel_id: string;
  updated_at: string;
}

/** `bot_service_operators` (0002): who onboarded which service; `user_id` "" while not known. */
export interface BotServiceOperatorsTable {
  service_id: string;
  tenant_id: string;
  aad_object_id: string;
  user_id: string;
  created_at: string;
}

/**
 * `bot_reminder_deliveries` (0008, replacing 0002's `bot_reminders`): the reminder outbox. The primary key (service,
 * secret, threshold, recipient) is the claim that makes a reminder go out once; the other columns are its delivery.
 */
export interface BotReminderDeliveriesTable {
  service_id: string;
  secret_id: string;
  threshold: string;
  /** A channel's (or group chat's) conversation id, or `operator:<Entra object id>` for a personal chat. */
  recipient: string;
  /** The recipient's tenant (lower case). */
  tenant_id: string;
  /** Personal chat: the operator's Entra object id (lower case); null for a channel. */
  operator_id: string | null;
  /** The conversation it goes (went) to; null for a personal chat not known yet. */
  conversation_id: string | null;
  /** JSON of the reminder's reason (kind, threshold, failed checks' messages); never a secret. */
  reason: string;
  /** pending | sent | failed | dropped | cancelled. */
  state: string;
  attempts: number;
  /** When a pending row is due. */
  next_at: string;
  /** The server copy sending it now (a random id), and until when; null when nobody holds it. */
  lease_owner: string | null;
  lease_until: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  /** The activity id Teams answered, for a later update of the card. */
  activity_id: string | null;
  last_code: string | null;
  last_status: number | null;
}

/** `bot_service_watch` (0002): the scheduler's last successful validation per service. */
export interface BotServiceWatchTable {
  service_id: string;
  last_ok_at: string;
}

/** `tenant_aliases` (0007): a tenant name (a domain, lower case) and the tenant ID it was found to stand for. */
export interface TenantAliasesTable {
  name: string;
  /** Lower-case GUID. */
  tenant_id: string;
  learnt_at: string;
}

/** The whole schema, as the type parameter of `Kysely<Database>`. */
/** `invitations` (migration 0009): the link token only as its SHA-256; the secret only sealed, until used. */
export interface InvitationsTable {
  id: string;
  customer_id: string;
  email: string | null;
  cloud: string;
  note: string | null;
  /** sent, opened, completed, expired, revoked, used. */
  status: string;
  /** Hex SHA-256 of the link token. */
  token_hash: string;
  created_at: string;
  created_by: string;
  created_by_oid: string | null;
  created_by_tenant: string | null;
  expires_at: string;
  updated_at: string;
  email_sent: IntBool;
  email_error: string | null;
  opened_at: string | null;
  completed_at: string | null;
  tenant_id: string | null;
  tenant_name: string | null;
  client_id: string | null;
  secret_hint: string | null;
  /** `secret` or `certificate` (migration 0013): what the sealed envelope holds. */
  credential_type: string;
  kek_id: string | null;
  /** JSON of SealedSecret, associated data `invitation:<id>`; null before completion and after expiry or use. */
  envelope: string | null;
  service_id: string | null;
  used_at: string | null;
}

/**
 * `provisioning_runs` (migration 0010): automatic App registration runs. JSON columns are text; the client secret
 * only sealed (`sealed`), until used, cleaned up or failed; never the admin's token.
 */
export interface ProvisioningRunsTable {
  id: string;
  /** operator, invitation. */
  origin: string;
  customer_id: string;
  invitation_id: string | null;
  cloud: string;
  app_name: string;
  /** JSON: { assignTeamsAdministrator, allowSelfRotation, secretLifetimeDays, reuseExistingApp }. */
  options: string;
  /** waiting_for_sign_in, running, done, failed, expired, declined, cancelled. */
  status: string;
  user_code: string | null;
  verification_uri: string | null;
  sign_in_message: string | null;
  expires_at: string;
  tenant_id: string | null;
  signed_in_as: string | null;
  /** JSON of ProvisioningStep[]. */
  steps: string;
  /** JSON of ProvisionedObject[]. */
  created: string;
  /** JSON of ProvisioningResult (no secret), once done. */
  result: string | null;
  /** JSON of Problem, when the run did not end done. */
  problem: string | null;
  kek_id: string | null;
  /** JSON of SealedSecret, associated data `provisioning:<id>`; null until added and after use, cleanup or failure. */
  sealed: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  used_by_service_id: string | null;
  used_at: string | null;
}

/**
 * `secret_rotations` (migration 0011): the rotation journal. `state` active (a copy rotates until `lease_until`) or
 * done; at most one active row per service (unique partial index). KeyIds and hints only, never a secret.
 */
export interface SecretRotationsTable {
  id: string;
  service_id: string;
  /** active, done. */
  state: string;
  lease_until: string;
  /** manual, scheduled. */
  trigger: string;
  actor: string;
  old_key_id: string | null;
  old_secret_hint: string;
  new_key_id: string | null;
  /** When the stored secret was switched to the new one (same transaction); null before. */
  switched_at: string | null;
  /** A password this row left on the app that the next rotation removes. */
  orphan_key_id: string | null;
  started_at: string;
  finished_at: string | null;
  /** success, failed, not_permitted, skipped, abandoned. */
  outcome: string | null;
  code: string | null;
}

/**
 * `readiness_reports` (migration 0012): the last Direct Routing readiness report of each service (JSON), replaced by
 * each run; deleted with the service.
 */
export interface ReadinessReportsTable {
  service_id: string;
  checked_at: string;
  /** The operator, or "scheduler". */
  checked_by: string;
  /** 0 or 1. */
  ok: number;
  /** The ReadinessReport as JSON. */
  report: string;
}

/**
 * `fleet_runs` (migration 0014): one re-validation run of the fleet with its counters; at most one `running` row
 * (unique partial index).
 */
export interface FleetRunsTable {
  id: string;
  /** running, completed, cancelled, failed. */
  status: string;
  /** manual, scheduled. */
  trigger: string;
  actor: string;
  total: number;
  done: number;
  failed: number;
  unknown: number;
  started_at: string;
  finished_at: string | null;
  cancelled_by: string | null;
  /** While a copy adds a scheduled run's services page by page: its lease (migration 0015); else null. */
  filling_until: string | null;
}

/** `fleet_run_tenants` (migration 0014): a run's tenants, the unit a server copy claims (a lease). */
export interface FleetRunTenantsTable {
  run_id: string;
  /** The service's tenant, lower-cased. */
  tenant_id: string;
  /** open, done. */
  state: string;
  claimed_by: string | null;
  lease_until: string | null;
  /** Throttled: not claimed again before this time (Retry-After). */
  not_before: string | null;
}

/** `fleet_run_items` (migration 0014): a run's services, pending, started (before the validation) or done. */
export interface FleetRunItemsTable {
  run_id: string;
  service_id: string;
  tenant_id: string;
  /** pending, started, done. */
  state: string;
  attempts: number;
  started_at: string | null;
  /** ok, failed, unknown, skipped. */
  outcome: string | null;
}

export interface Database {
  customers: CustomersTable;
  services: ServicesTable;
  service_secrets: ServiceSecretsTable;
  validations: ValidationsTable;
  audit_events: AuditEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  operator_roles: OperatorRolesTable;
  rate_hits: RateHitsTable;
  bot_dialogs: BotDialogsTable;
  bot_conversations: BotConversationsTable;
  bot_service_operators: BotServiceOperatorsTable;
  bot_reminder_deliveries: BotReminderDeliveriesTable;
  bot_service_watch: BotServiceWatchTable;
  tenant_aliases: TenantAliasesTable;
  invitations: InvitationsTable;
  secret_rotations: SecretRotationsTable;
  provisioning_runs: ProvisioningRunsTable;
  readiness_reports: ReadinessReportsTable;
  fleet_runs: FleetRunsTable;
  fleet_run_tenants: FleetRunTenantsTable;
  fleet_run_items: FleetRunItemsTable;
}
