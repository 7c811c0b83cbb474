/**
 * Mounts the bot into the server: implements the ports the bot declares (OnboardingPort over the OnboardingService,
 * mapping the API's closed error taxonomy to port failures; SecretSealer over the SecretStore; the bot-state
 * repository) and builds the bot. app.ts calls `createBotModule`; server.ts routes POST /api/messages to `handle`.
 * The bot's boundaries come from the configuration: the Bot Connector hosts of BOT_CLOUD (loopback only for the
 * anonymous local bot), the provider's tenant (AUTH_TENANT_ID) and the dialogs' time to live (BOT_DIALOG_TTL_HOURS).
 */
import {
  type Bot,
  type BotDeps,
  type BotStateStore,
  createBot,
  type InvitationsPort,
  type OnboardingPort,
  type PortFailure,
  type RevalidationRunPort,
  type SecretSealer,
} from "@dr/bot";
import { INVITATION_DEFAULT_DAYS, invitationSubPageId, teamsTabDeepLink } from "@dr/contract";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { OperatorDirectory } from "../auth/operator-directory.js";
import type { Config } from "../config.js";
import {
  ConflictError,
  CredentialsInvalidError,
  DomainError,
  InputError,
  NotFoundError,
  RateLimitedError,
  RotationError,
} from "../errors.js";
import type { InvitationDroppedNotice, InvitationNotifier } from "../invitations/invitation-notifier.js";
import type { InvitationsService } from "../invitations/invitations.service.js";
import type { OnboardingService } from "../onboarding/onboarding.service.js";
import type { ReadinessService } from "../readiness/readiness.service.js";
import type { RotationNotifier, SecretRotation } from "../rotation/secret-rotation.js";
import { botDialogAad } from "../secrets/associated-data.js";
import type { SealedSecret, SecretStore } from "../secrets/secret-store.types.js";
import { createBotStateRepository } from "../storage/bot-state.repository.js";
import type { Database } from "../storage/database.types.js";
import { createValidationTimesReader, type ValidationTimesReader } from "../storage/validation-times.repository.js";

/** The shape of a sealed secret as stored in dialog state (checked before opening). */
const sealedSchema = z.strictObject({
  v: z.literal(1),
  kekId: z.string(),
  wrappedKey: z.string(),
  wrapIv: z.string(),
  wrapTag: z.string(),
  ciphertext: z.string(),
  iv: z.string(),
  tag: z.string(),
});

/** The API's refusals as the bot's port failures; anything else is a real error and is thrown on. */
export function toPortFailure(error: unknown): PortFailure {
  if (error instanceof CredentialsInvalidError) {
    return { ok: false, kind: "credentials_invalid", message: error.message, problems: [], report: error.report };
  }
  if (error instanceof RateLimitedError) {
    return {
      ok: false,
      kind: "rate_limited",
      message: error.message,
      problems: [],
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  if (error instanceof ConflictError)
    return { ok: false, kind: "name_taken", message: error.message, problems: error.errors };
  if (error instanceof InputError)
    return { ok: false, kind: "invalid", message: error.message, problems: error.errors };
  if (error instanceof NotFoundError) return { ok: false, kind: "not_found", message: error.message, problems: [] };
  if (error instanceof RotationError) {
    return {
      ok: false,
      kind: error.code,
      message: error.message,
      problems: [],
      remedy: error.remedy,
      ...(error.extra.report ? { report: error.extra.report } : {}),
    };
  }
  throw error;
}

async function attempt<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | PortFailure> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (error instanceof DomainError) return toPortFailure(error);
    throw error;
  }
}

async function orUndefined<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/**
 * The OnboardingService (and the secret rotation, when the server has it) as the bot's OnboardingPort; the
 * scheduler's due selection reads the services' validation times page by page from storage (`validationTimes`).
 */
export function onboardingPort(
  onboarding: OnboardingService,
  validationTimes: ValidationTimesReader,
  rotation?: SecretRotation,
  readiness?: ReadinessService,
): OnboardingPort {
  return {
    listCustomers: () => onboarding.listCustomers(),
    createCustomer: (input, actor) => attempt(() => onboarding.createCustomer(input, actor)),
    nameCheck: (name) => onboarding.nameCheck(name),
    listServices: () => onboarding.listServices(),
    listValidationTimes: (page) => validationTimes(page),
    getService: (id) => orUndefined(() => onboarding.getService(id)),
    getM365Settings: (id) => orUndefined(() => onboarding.getM365Settings(id)),
    validateCredentials: (input, actor) => attempt(() => onboarding.validateCredentials(input, actor)),
    createService: (input, actor, key) =>
      attempt(async () => (await onboarding.createService(input, actor, key)).service),
    validateService: (id, actor, options) =>
      attempt(() =>
        onboarding.validateService(id, actor, {
          ...(options?.scheduled ? { scheduled: true } : {}),
          ...(options?.onRecorded ? { onRecorded: options.onRecorded } : {}),
        }),
      ),
    replaceSecret: (id, credential, actor) => attempt(() => onboarding.replaceSecret(id, credential, actor)),
    ...(rotation
      ? {
          rotateSecret: (id: string, actor: string, options: Parameters<SecretRotation["rotate"]>[2] = {}) =>
            attempt(() => rotation.rotate(id, actor, options)),
        }
      : {}),
    ...(readiness
      ? {
          // Only the scheduler asks, right after its own validation of the service (already counted).
          checkReadiness: (id: string, actor: string) =>
            attempt(() => readiness.checkService(id, actor, { scheduled: true })),
        }
      : {}),
  };
}

/** The invitations service as the bot's port: create (named as the API names the operator), list, get, and Create. */
export function invitationsPort(invitations: InvitationsService, onboarding: OnboardingService): InvitationsPort {
  return {
    list: (status) => invitations.list(status),
    get: (id) => orUndefined(() => invitations.get(id)),
    create: (input, operator) =>
      attempt(() =>
        invitations.create(
          {
            customerId: input.customerId,
            ...(input.email ? { email: input.email } : {}),
            ...(input.cloud ? { cloud: input.cloud } : {}),
            expiresInDays: input.expiresInDays ?? INVITATION_DEFAULT_DAYS,
            ...(input.note ? { note: input.note } : {}),
          },
          { name: operator.actor, objectId: operator.objectId, tenantId: operator.tenantId },
        ),
      ),
    // POST /api/services with invitationId: the OnboardingService validates the sealed credentials again.
    createService: (input, actor, key) =>
      attempt(async () => (await onboarding.createService(input, actor, key)).service),
  };
}

/** Our words for why an invitation was dropped (the bot's card shows them). */
const DROPPED_REASON: Record<InvitationDroppedNotice["reason"], string> = {
  expired: "the link expired before the admin completed it",
  expired_unused: "it was completed but no service was created from it before it expired",
};

/** The SecretStore as the bot's sealer; the associated data binds a sealed secret to its dialog. */
export function secretSealer(secrets: SecretStore): SecretSealer {
  return {
    seal: (plaintext, dialogId) => secrets.seal(plaintext, botDialogAad(dialogId)),
    open: (sealed, dialogId) => secrets.open(sealedSchema.parse(sealed) as SealedSecret, botDialogAad(dialogId)),
  };
}

/** Dependencies of the bot module. */
export interface BotModuleDeps {
  config: Config;
  onboarding: OnboardingService;
  /** Invitations of customers' admins: the bot's `invite` command and the dialog's Pending invitation. */
  invitations?: InvitationsService;
  /** Zero-touch secret rotation: the scheduler's rotations and the Rotate secret now button. */
  rotation?: SecretRotation;
  /** Direct Routing readiness: the scheduler runs it after a scheduled validation passes. */
  readiness?: ReadinessService;
  secrets: SecretStore;
  db: Kysely<Database>;
  /** Entra mode: the operators' app roles and names as last seen in the tab, for the bot's own checks. */
  directory?: OperatorDirectory;
  now?: () => Date;
  /** How long a turn that asks Microsoft waits before answering with a working card, ms (bot default 800). */
  answerBudgetMs?: number;
  /** The fleet runner the scheduled passes run through (docs/api.md, "Fleet re-validation"). */
  fleet?: RevalidationRunPort;
  /** Told of each scheduler pass and each delivery step outside a pass (metrics). */
  reminderObserver?: BotDeps["reminders"]["observer"];
  log: { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void };
}

/** The bot inside the server. */
export interface BotModule extends Bot {
  store: BotStateStore;
  /**
   * Tells the operator who sent an invitation that it was completed (a card with Continue onboarding in their
   * personal chat, opened where needed; paced, under a timeout, failures logged by the bot). The invitations feature
   * calls it when present.
   */
  invitationNotifier?: InvitationNotifier;
  /** Tells the service's conversations how each rotation ended (the rotation feature calls it). */
  rotationNotifier: RotationNotifier;
}

/** Builds the bot from the server's parts. */
export function createBotModule(deps: BotModuleDeps): BotModule {
  // Typed as the bot's port: storage declares its own shapes, and this is where the compiler checks that they fit.
  const store: BotStateStore = createBotStateRepository(deps.db);
  const { directory } = deps;
  const now = deps.now ?? (() => new Date());
  const { bot } = deps.config;
  const built = createBot({
    onboarding: {
      ...onboardingPort(deps.onboarding, createValidationTimesReader(deps.db), deps.rotation, deps.readiness),
      ...(deps.invitations ? { invitations: invitationsPort(deps.invitations, deps.onboarding) } : {}),
    },
    store,
    sealer: secretSealer(deps.secrets),
    settings: {
      ...(bot.appId ? { appId: bot.appId } : {}),
      ...(bot.appPassword ? { appPassword: bot.appPassword } : {}),
      ...(bot.appTenantId ? { appTenantId: bot.appTenantId } : {}),
      ...(bot.appType ? { appType: bot.appType } : {}),
    },
    // Replies and proactive sends go only to this cloud's Teams connector hosts; loopback only when the bot runs
    // without Bot Framework authentication (config allows that on a loopback HOST outside production only).
    connector: { cloud: bot.cloud, allowLoopback: bot.anonymous },
    dialogTtlMs: bot.dialogTtlMs,
    // With the Teams app id known, Continue onboarding opens the tab's wizard on the invitation (a deep link whose
    // sub-page the tab reads at start); the static tab's entity id is the manifest's "services".
    ...(bot.teamsAppId
      ? {
          tabWizardUrl: (invitationId: string) =>
            teamsTabDeepLink(bot.teamsAppId as string, "services", invitationSubPageId(invitationId)),
        }
      : {}),
    ...(deps.answerBudgetMs !== undefined ? { answerBudgetMs: deps.answerBudgetMs } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.config.auth.tenantId ? { allowedTenantId: deps.config.auth.tenantId } : {}),
    ...(directory
      ? {
          access: {
            permissionsOf: (tenantId: string, oid: string) => directory.permissionsOf(tenantId, oid, now()),
            nameOf: (tenantId: string, oid: string) => directory.nameOf(tenantId, oid),
          },
        }
      : {}),
    reminders: {
      intervalMs: bot.revalidationIntervalMs,
      concurrency: bot.revalidationConcurrency,
      retryMs: bot.revalidationRetryMs,
      rotateBeforeDays: deps.config.rotateBeforeDays,
      ...(deps.fleet ? { fleet: deps.fleet } : {}),
      ...(deps.reminderObserver ? { observer: deps.reminderObserver } : {}),
    },
    log: deps.log,
  });
  // The notifier the invitations feature calls: the bot never throws from it (it logs), so a failed notice never
  // undoes a completion. invitationDropped is there for the feature's expiry clean-up ("the operator is told").
  const invitationNotifier: InvitationNotifier = {
    async invitationCompleted(notice) {
      await built.notifyInvitationCompleted(notice);
    },
    async invitationDropped(notice) {
      await built.notifyInvitationDropped({ ...notice, reason: DROPPED_REASON[notice.reason] ?? notice.reason });
    },
  };
  // The rotation's notices: the reminders name a secret by its keyId, else `hint:<hint>`.
  const rotationNotifier: RotationNotifier = {
    async rotationFinished(notice) {
      const { current, ...rest } = notice;
      await built.notifyRotation({ ...rest, secretId: current.keyId ?? `hint:${current.hint}` });
    },
  };
  return { ...built, store, invitationNotifier, rotationNotifier };
}
