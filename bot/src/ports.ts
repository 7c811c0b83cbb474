/**
 * The ports the bot declares: what it needs from the shared API layer, from storage and from the secret store.
 * The server implements them (api/src/bot/); the bot never imports api internals, and no rule is written here
 * twice: the onboarding rules stay in the OnboardingService behind `OnboardingPort`.
 */
import type {
  ClientCertificateBody,
  Cloud,
  CreateCustomerInput,
  CreateServiceInput,
  Customer,
  InputProblem,
  Invitation,
  InvitationStatus,
  InvitationWithUrl,
  M365Settings,
  NameCheck,
  OperatorPermission,
  ReadinessReport,
  RotationReport,
  RotationWarning,
  Service,
  ValidationReport,
  ValidationRequest,
} from "@dr/contract";
import type { ConversationRef } from "./turn.types.js";

/** Why the API refused a request, as the bot needs to tell it (the API's closed error taxonomy, flattened). */
export interface PortFailure {
  ok: false;
  kind:
    | "invalid"
    | "name_taken"
    | "credentials_invalid"
    | "rate_limited"
    | "not_found"
    | "rotation_not_permitted"
    | "rotation_in_progress"
    | "rotation_failed";
  message: string;
  problems: InputProblem[];
  report?: ValidationReport;
  retryAfterSeconds?: number;
  /** What to do about it (the rotation refusals). */
  remedy?: string;
}

/** A value, or the API's refusal. */
export type PortResult<T> = { ok: true; value: T } | PortFailure;

/** A service as a validation's recording left it (OnboardingPort.validateService, `onRecorded`). */
export interface RecordedService {
  service: Service;
  /** The stored secret's key id, when known; else reminders key the secret by its hint. */
  secretKeyId?: string;
}

/** The OnboardingService, as the bot uses it. `actor` is the operator (or "scheduler"). */
export interface OnboardingPort {
  listCustomers(): Promise<Customer[]>;
  createCustomer(input: CreateCustomerInput, actor: string): Promise<PortResult<Customer>>;
  nameCheck(name: string): Promise<NameCheck>;
  listServices(): Promise<readonly Service[]>;
  /**
   * One page of the services' validation times, in id order after `after` (at most `limit`): what the scheduler's
   * due selection needs, read page by page so a pass never holds the whole fleet in memory.
   */
  listValidationTimes(page: { after?: string; limit: number }): Promise<readonly ServiceValidationTime[]>;
  getService(id: string): Promise<Service | undefined>;
  getM365Settings(id: string): Promise<M365Settings | undefined>;
  validateCredentials(input: ValidationRequest, actor: string): Promise<PortResult<ValidationReport>>;
  createService(input: CreateServiceInput, actor: string, idempotencyKey: string): Promise<PortResult<Service>>;
  /**
   * Validates the stored credential. `scheduled` (the fleet runner's steps): not counted against the operator's
   * validation rate limit, since the runner paces each tenant itself (docs/api.md, "Fleet re-validation").
   * `onRecorded`: told the service as the transaction that recorded the outcome left it, so the caller need not read
   * it (or its settings, for the secret's key id) again.
   */
  validateService(
    id: string,
    actor: string,
    options?: { scheduled?: boolean; onRecorded?: (recorded: RecordedService) => void },
  ): Promise<PortResult<ValidationReport>>;
  /** Replaces the service's credential: a new client secret, or a certificate in its place (docs/api.md, "Credentials"). */
  replaceSecret(
    id: string,
    credential: { clientSecret: string } | { clientCertificate: ClientCertificateBody },
    actor: string,
  ): Promise<PortResult<ValidationReport>>;
  /**
   * Zero-touch rotation of the service's secret (docs/api.md, "Secret rotation"), when the server has the feature:
   * the new secret's report and what the rotation did; or `rotation_not_permitted`, `rotation_in_progress` (also:
   * the secret is no longer `expectSecret`, rotated or replaced meanwhile) or `rotation_failed` (the old secret kept).
   */
  rotateSecret?(id: string, actor: string, options?: RotateSecretOptions): Promise<PortResult<RotationReport>>;
  /**
   * Direct Routing readiness of the service with its stored secret (docs/product.md section 10), when the server has
   * the feature: the scheduler runs it after a scheduled validation passes (not counted against the rate limit
   * again). A report, never a reminder.
   */
  checkReadiness?(id: string, actor: string): Promise<PortResult<ReadinessReport>>;
  /**
   * The invitations of the customer's admin (docs/product.md section 8), when the server has the feature; absent:
   * the bot answers `invite` with "not available here" and offers no pending invitation in the wizard.
   */
  invitations?: InvitationsPort;
}

/** A service's id and when it was last validated (absent: never), as the scheduler's due selection reads them. */
export interface ServiceValidationTime {
  id: string;
  lastValidatedAt?: string;
}

/** Options of {@link OnboardingPort.rotateSecret}. */
export interface RotateSecretOptions {
  /** `scheduled` for the scheduler's rotations; default `manual` (an operator's button). */
  trigger?: "manual" | "scheduled";
  /** Rotate only while the stored secret is still this one (hint and expiry as the caller saw them). */
  expectSecret?: { hint: string; expiresAt?: string };
}

/**
 * A finished rotation, as the server tells it (after every rotation, scheduled or by hand, success or failure): the
 * bot puts a card in the service's conversations through the reminder outbox. Hints and keyIds only.
 */
export interface RotationNotice {
  serviceId: string;
  rotationId: string;
  trigger: "manual" | "scheduled";
  /** The operator (or "scheduler") who rotated. */
  actor: string;
  outcome: "rotated" | "failed";
  /**
   * The reminder key's secret id of the secret stored after the outcome (the new one after a rotation, the kept one
   * after a failure): its keyId, else `hint:<hint>`, as the reminders name secrets.
   */
  secretId: string;
  oldSecretHint: string;
  oldKeyId?: string;
  newSecretHint?: string;
  newKeyId?: string;
  newSecretExpiresAt?: string;
  oldSecretRemoved?: boolean;
  code?: string;
  message?: string;
  remedy?: string;
  warnings?: RotationWarning[];
}

/** Who sends an invitation from the bot: named as the API names them, and told in Teams when it is completed. */
export interface InvitingOperator {
  /** The API's name for them (audit actor, createdBy). */
  actor: string;
  /** Entra object id and tenant (lower case), so the notifier finds their personal chat. */
  objectId: string;
  tenantId: string;
}

/** What the bot asks to invite: the customer, the admin's address (optional: the link is shown to copy). */
export interface InvitationRequest {
  customerId: string;
  email?: string;
  expiresInDays?: number;
  note?: string;
  cloud?: Cloud;
}

/** A service made from a completed invitation: `invitationId` in place of the credentials (m365: at most `cloud`). */
export interface ServiceFromInvitation {
  customerId: string;
  shortName: string;
  fullName?: string;
  licenseType: CreateServiceInput["licenseType"];
  licensedUsers: number;
  directRouting?: { m365Domain?: string; sbcRegion?: string; subdomainLabel?: string };
  invitationId: string;
  m365?: { cloud?: Cloud };
}

/** The invitations service as the bot uses it (docs/api.md, "Invitations"). */
export interface InvitationsPort {
  list(status?: InvitationStatus): Promise<Invitation[]>;
  get(id: string): Promise<Invitation | undefined>;
  /** Creates the invitation; the answer carries the link, shown once. */
  create(input: InvitationRequest, operator: InvitingOperator): Promise<PortResult<InvitationWithUrl>>;
  /** POST /api/services with `invitationId`: the sealed credentials are validated again and used. */
  createService(input: ServiceFromInvitation, actor: string, idempotencyKey: string): Promise<PortResult<Service>>;
}

/** What the invitations feature tells the bot (api/src/invitations/invitation-notifier.ts has the same shape). */
export interface InvitationNotice {
  invitation: Invitation;
  /** The sending operator; absent: nobody to tell. */
  operator?: { objectId: string; tenantId: string };
  /** Why an invitation was dropped (expired, or completed and not used in time), when the feature says. */
  reason?: string;
}

/** Encrypts a secret for the dialog state; the sealed form is opaque JSON to the bot. */
export interface SecretSealer {
  seal(plaintext: string, associatedData: string): unknown;
  /** Throws when the sealed value was altered or belongs to other associated data. */
  open(sealed: unknown, associatedData: string): string;
}

/** Key of one wizard dialog: the Teams tenant, the operator's Entra object id and the dialog id. */
export interface DialogKey {
  tenantId: string;
  userId: string;
  dialogId: string;
}

/** A stored dialog: its step, a revision bumped by every accepted click, and the step data (JSON). */
export interface DialogRecord<T> {
  key: DialogKey;
  step: string;
  rev: number;
  data: T;
  updatedAt: string;
}

/**
 * The key of one reminder to one recipient: claimed once (the outbox row's primary key), so sent at most once.
 */
export interface ReminderKey {
  serviceId: string;
  /** The secret's Graph keyId, else `hint:<hint>`. */
  secretId: string;
  /** "30" | "14" | "7" | "1" | "expired" | "failed@<episode>" | "rotated@<new keyId>" | "rotation_failed@<…>". */
  threshold: string;
  /**
   * A channel's (or group chat's) conversation id, or `operator:<Entra object id, lower case>` for the personal chat
   * of the operator who onboarded the service (whose conversation may not be known yet).
   */
  recipient: string;
}

/**
 * Where a reminder delivery stands: waiting (first try or retry), sent, given up, dropped (gone), cancelled, or
 * resolved (it was sent, its cause went away, and its message was replaced by the resolved card).
 */
export type ReminderState = "pending" | "sent" | "failed" | "dropped" | "cancelled" | "resolved";

/** A reminder to deliver, as the scheduler claims it (the outbox row, inserted once before any send). */
export interface NewReminderDelivery {
  key: ReminderKey;
  /** The recipient's tenant (lower case). */
  tenantId: string;
  /** Personal chat: the operator's Entra object id (lower case); null for a channel. */
  operatorId: string | null;
  /** The conversation, when known (a channel); null for a personal chat (found or opened at send time). */
  conversationId: string | null;
  /** JSON of the reason (no secret): the card is rebuilt from the service when it is sent. */
  reason: string;
  at: string;
}

/** A row of the reminder outbox. */
export interface ReminderDelivery extends Omit<NewReminderDelivery, "at"> {
  state: ReminderState;
  /** Attempts so far (each lease taken counts one). */
  attempts: number;
  /** When a pending row is due. */
  nextAt: string;
  createdAt: string;
  /** Until when a server copy holds the row (it is sending it). */
  leaseUntil?: string;
  sentAt?: string;
  /** The activity id Teams answered (for a later update of the card). */
  activityId?: string;
  lastCode?: string;
  lastStatus?: number;
}

/** A lease on an outbox row: which copy holds it, and until when. */
export interface ReminderLease {
  owner: string;
  at: string;
  until: string;
}

/** How an attempt ended: sent, retry at `nextAt`, or given up / dropped / cancelled. */
export interface ReminderSettlement {
  state: ReminderState;
  at: string;
  /** pending: when to try again. */
  nextAt?: string;
  conversationId?: string;
  activityId?: string;
  code?: string;
  status?: number;
}

/** Who onboarded a service through the bot, to remind them personally. */
export interface ServiceOperatorLink {
  serviceId: string;
  tenantId: string;
  aadObjectId: string;
  /**
   * Teams user id (MRI), for the reminder card's refresh. Unknown for a service onboarded in the tab until the
   * operator's first turn with the bot, which fills it in.
   */
  userId?: string;
}

/** What an operator may do: read; operate (onboard, validate, replace secrets); admin (also edit, delete). */
export type { OperatorPermission };

/**
 * The operator's app roles, as the server last saw them in a verified sign-in to the tab ("unknown" when it has not
 * seen them recently). Absent in dev mode, where every operator may do everything, as in the API.
 */
export interface OperatorAccess {
  permissionsOf(tenantId: string, aadObjectId: string): Promise<OperatorPermission[] | "unknown">;
  /**
   * The name the API knows this operator by (the token's upn, else preferred_username, email or object id), as the
   * server last saw it in a verified sign-in to the tab; undefined when it has never seen them. The bot writes it to
   * the audit trail, as createdBy, and keys the rate limit and idempotency on it, exactly as the tab's requests do.
   */
  nameOf(tenantId: string, aadObjectId: string): Promise<string | undefined>;
}

/** The bot's own storage (tables of migrations 0002_bot_state, 0006_bot_tenant_boundary, 0008_reminder_deliveries). */
export interface BotStateStore {
  createDialog<T>(record: DialogRecord<T>): Promise<void>;
  getDialog<T>(key: DialogKey): Promise<DialogRecord<T> | undefined>;
  /** Compare-and-set: writes only when the stored revision is `expectedRev`; false when another click won. */
  updateDialog<T>(
    key: DialogKey,
    expectedRev: number,
    next: { step: string; data: T; updatedAt: string },
  ): Promise<boolean>;
  deleteDialog(key: DialogKey): Promise<void>;
  /** Deletes every dialog (and the sealed secret in it) last changed before `at`; returns how many. */
  deleteDialogsUpdatedBefore(at: string): Promise<number>;

  putConversation(ref: ConversationRef, at: string): Promise<void>;
  deleteConversation(conversationId: string): Promise<void>;
  listConversations(): Promise<ConversationRef[]>;
  /** Deletes the references of every tenant but `tenantId` (lower case); returns how many. */
  deleteConversationsOutsideTenant(tenantId: string): Promise<number>;

  linkServiceOperator(link: ServiceOperatorLink, at: string): Promise<void>;
  getServiceOperator(serviceId: string): Promise<ServiceOperatorLink | undefined>;
  /** Fills in the Teams user id of the links of this Entra user that lack it (learnt from their turn). */
  learnOperatorUserId(tenantId: string, aadObjectId: string, userId: string): Promise<void>;

  /** The stored reference of one conversation. */
  getConversation(conversationId: string): Promise<ConversationRef | undefined>;
  /**
   * The most recently stored reference of a tenant (lower case); with `personalWith` (an Entra object id), the most
   * recent personal chat with that user.
   */
  latestConversation(tenantId: string, personalWith?: string): Promise<ConversationRef | undefined>;

  /**
   * Claims a reminder: inserts its outbox row (pending, due at `at`) unless the key exists. True for exactly one
   * caller across every server copy.
   */
  enqueueReminder(delivery: NewReminderDelivery): Promise<boolean>;
  /** Pending rows due at `at` that no live lease holds, earliest first. */
  listDueReminders(at: string, limit: number): Promise<ReminderDelivery[]>;
  /**
   * Takes a due row for one attempt: compare-and-set on its attempt count (it becomes `expectedAttempts + 1`), only
   * while it is pending, due and not held by a live lease. False when another copy took it first.
   */
  leaseReminder(key: ReminderKey, expectedAttempts: number, lease: ReminderLease): Promise<boolean>;
  /** Records how the attempt ended and frees the lease; false (nothing written) when `owner` no longer holds it. */
  settleReminder(key: ReminderKey, owner: string, settlement: ReminderSettlement): Promise<boolean>;
  /**
   * Marks a sent reminder resolved (compare-and-set from `sent`): true for exactly one caller, which then replaces
   * the reminder's message with the resolved card.
   */
  resolveReminder(key: ReminderKey, at: string): Promise<boolean>;
  /** Every outbox row (of one service), for operators and tests. */
  listReminderDeliveries(serviceId?: string): Promise<ReminderDelivery[]>;

  /** When the scheduler last saw the service validate (a failure "episode" starts after it). */
  getLastOk(serviceId: string): Promise<string | undefined>;
  putLastOk(serviceId: string, at: string): Promise<void>;
}
