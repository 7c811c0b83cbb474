/**
 * Validate Authentication on demand and secret replacement, for `validate <short name>` and for the buttons of the
 * report, services and reminder cards. The rules run in the OnboardingService; this only picks the card.
 */
import { CERTIFICATE_PROBLEM_TEXTS, type Service, type ValidationReport } from "@dr/contract";
import { md } from "../cards/card.elements.js";
import type { AdaptiveCard, FieldErrors } from "../cards/card.types.js";
import {
  type RemindedSecret,
  type ReminderReason,
  type ReminderService,
  reminderCard,
  reminderResolved,
} from "../cards/reminder.card.js";
import { replaceSecretCard } from "../cards/replace-secret.card.js";
import { rotationCard } from "../cards/rotation.card.js";
import { servicesListCard } from "../cards/services-list.card.js";
import { validationReportCard } from "../cards/validation-report.card.js";
import { type WorkKind, workingCard } from "../cards/working.card.js";
import { readCredentialInput } from "../dialog/credential-input.js";
import type { BotStateStore, OnboardingPort } from "../ports.js";
import type { CardAnswer } from "./bot-app.js";
import type { TurnOperator } from "./operator.js";

/** Dependencies of the service handlers. */
export interface ServiceHandlerDeps {
  onboarding: OnboardingPort;
  store: BotStateStore;
}

/** The service handlers. */
export interface ServiceHandlers {
  /** Finds a service by short name (case-insensitive, as short names are unique). */
  findByShortName(shortName: string): Promise<Service | undefined>;
  /** Runs Validate Authentication as the operator and answers with the report card. */
  validate(serviceId: string, operator: TurnOperator): Promise<CardAnswer>;
  openReplaceSecret(serviceId: string): Promise<CardAnswer>;
  /** The answer to a Replace secret whose input is refused (or whose service is gone); undefined when it may run. */
  refuseReplaceSecret(serviceId: string, data: Record<string, unknown>): Promise<CardAnswer | undefined>;
  /** The working card of a service while Microsoft is asked about it. */
  working(serviceId: string, kind: WorkKind): Promise<AdaptiveCard>;
  replaceSecret(serviceId: string, data: Record<string, unknown>, operator: TurnOperator): Promise<CardAnswer>;
  /**
   * Rotate secret now (the reminder card's button): the server rotates the secret (docs/api.md, "Secret rotation")
   * and the answer is the rotation card, rotated or failed with its remedy.
   */
  rotate(serviceId: string, operator: TurnOperator): Promise<CardAnswer>;
  /** The service alone in a list card (after Cancel on Replace secret). */
  show(serviceId: string): Promise<CardAnswer>;
  /** A reminder card redrawn from the current state (refresh: fast and idempotent, no validation). */
  refreshReminder(serviceId: string, data: Record<string, unknown>): Promise<CardAnswer>;
}

const NOT_FOUND = "That service no longer exists. Send **services** to list the current ones.";

/** The answer where the server has no secret rotation. */
export const ROTATION_UNAVAILABLE = "Secret rotation is not available on this server. Use **Replace secret**.";

/** What a reminder card shows of a service. */
/** The replace-secret card's view of a service: its name and the credential in use (hint or thumbprint). */
function replaceCardOf(service: Service) {
  return {
    serviceId: service.id,
    shortName: service.shortName,
    currentHint: service.m365.secretHint,
    ...(service.m365.certificateThumbprint ? { currentThumbprint: service.m365.certificateThumbprint } : {}),
  };
}

/** The new credential of a replace-secret card: a secret or a certificate's PEM, or the field errors. */
function replacementOf(data: Record<string, unknown>): {
  credential?: { clientSecret: string } | { clientCertificate: { pem: string; password?: string } };
  errors: FieldErrors;
} {
  const { input, errors } = readCredentialInput(data);
  if (input === undefined) return { errors };
  if (input.kind === "none") return { errors: { clientSecret: CERTIFICATE_PROBLEM_TEXTS.credential_missing.message } };
  return {
    credential: input.kind === "secret" ? { clientSecret: input.secret } : { clientCertificate: input.certificate },
    errors: {},
  };
}

export function reminderServiceOf(service: Service, report?: ValidationReport): ReminderService {
  const failures = report?.checks.filter((c) => c.status === "fail").map((c) => c.message);
  return {
    id: service.id,
    shortName: service.shortName,
    customerName: service.customerName,
    status: service.status,
    secretHint: service.m365.secretHint,
    ...(service.m365.certificateThumbprint ? { certificateThumbprint: service.m365.certificateThumbprint } : {}),
    ...(service.m365.secretExpiresAt ? { secretExpiresAt: service.m365.secretExpiresAt } : {}),
    ...(service.m365.daysUntilExpire !== undefined ? { daysUntilExpire: service.m365.daysUntilExpire } : {}),
    ...(failures && failures.length > 0 ? { failures } : {}),
    ...(service.m365.selfRotation ? { selfRotation: true } : {}),
  };
}

/** Creates the handlers. */
export function createServiceHandlers(deps: ServiceHandlerDeps): ServiceHandlers {
  const handlers: ServiceHandlers = {
    async findByShortName(shortName) {
      const wanted = shortName.trim().toLowerCase();
      return (await deps.onboarding.listServices()).find((s) => s.shortName.toLowerCase() === wanted);
    },

    async validate(serviceId, operator) {
      const service = await deps.onboarding.getService(serviceId);
      if (!service) return { text: NOT_FOUND };
      const result = await deps.onboarding.validateService(serviceId, operator.actor);
      // Bot message text is Markdown too, and the API's message may quote names: escaped.
      if (!result.ok) return result.kind === "not_found" ? { text: NOT_FOUND } : { text: md(result.message) };
      return {
        card: validationReportCard({
          report: result.value,
          mode: { kind: "service", serviceId, shortName: service.shortName },
          notice: `Validated just now by ${operator.displayName || operator.actor}.`,
        }),
      };
    },

    async openReplaceSecret(serviceId) {
      const service = await deps.onboarding.getService(serviceId);
      if (!service) return { text: NOT_FOUND };
      return { card: replaceSecretCard(replaceCardOf(service)) };
    },

    async refuseReplaceSecret(serviceId, data) {
      const service = await deps.onboarding.getService(serviceId);
      if (!service) return { text: NOT_FOUND };
      const errors = replacementOf(data).errors;
      if (Object.keys(errors).length === 0) return undefined;
      return { card: replaceSecretCard({ ...replaceCardOf(service), errors }) };
    },

    async working(serviceId, kind) {
      const service = await deps.onboarding.getService(serviceId);
      return workingCard({ kind, ...(service ? { subject: service.shortName } : {}) });
    },

    async replaceSecret(serviceId, data, operator) {
      const refused = await handlers.refuseReplaceSecret(serviceId, data);
      if (refused) return refused;
      const service = await deps.onboarding.getService(serviceId);
      const credential = replacementOf(data).credential;
      if (!service || !credential) return { text: NOT_FOUND };
      const result = await deps.onboarding.replaceSecret(serviceId, credential, operator.actor);
      const mode = { kind: "service" as const, serviceId, shortName: service.shortName };
      if (result.ok) {
        const notice =
          "clientCertificate" in credential ? "The certificate replaced the credential." : "The secret was replaced.";
        return { card: validationReportCard({ report: result.value, mode, notice }) };
      }
      if (result.kind === "credentials_invalid" && result.report) {
        return { card: validationReportCard({ report: result.report, mode, notice: result.message }) };
      }
      return { card: replaceSecretCard({ ...replaceCardOf(service), notice: result.message }) };
    },

    async rotate(serviceId, operator) {
      const service = await deps.onboarding.getService(serviceId);
      if (!service) return { text: NOT_FOUND };
      if (!deps.onboarding.rotateSecret) return { text: ROTATION_UNAVAILABLE };
      const result = await deps.onboarding.rotateSecret(serviceId, operator.actor, { trigger: "manual" });
      const after = (await deps.onboarding.getService(serviceId)) ?? service;
      if (result.ok) {
        const r = result.value.rotation;
        return {
          card: rotationCard({
            service: reminderServiceOf(after),
            rotation: {
              outcome: "rotated",
              trigger: "manual",
              actor: operator.displayName || operator.actor,
              oldSecretHint: r.oldSecretHint,
              ...(r.oldKeyId ? { oldKeyId: r.oldKeyId } : {}),
              newSecretHint: r.newSecretHint,
              newKeyId: r.newKeyId,
              newSecretExpiresAt: r.newSecretExpiresAt,
              oldSecretRemoved: r.oldSecretRemoved,
              warnings: r.warnings.map((w) => ({ code: w.code, message: w.message, remedy: w.remedy })),
            },
          }),
        };
      }
      if (result.kind === "not_found") return { text: NOT_FOUND };
      if (result.kind === "rotation_in_progress" || result.kind === "rate_limited") return { text: md(result.message) };
      return {
        card: rotationCard({
          service: reminderServiceOf(after),
          rotation: {
            outcome: "failed",
            trigger: "manual",
            actor: operator.displayName || operator.actor,
            oldSecretHint: service.m365.secretHint,
            code: result.kind,
            message: result.message,
            ...(result.remedy ? { remedy: result.remedy } : {}),
          },
        }),
      };
    },

    async show(serviceId) {
      const service = await deps.onboarding.getService(serviceId);
      return service ? { card: servicesListCard([service]) } : { text: NOT_FOUND };
    },

    async refreshReminder(serviceId, data) {
      const service = await deps.onboarding.getService(serviceId);
      if (!service) return { text: NOT_FOUND };
      const reason: ReminderReason =
        data.reason === "expired"
          ? { kind: "expired" }
          : data.reason === "failed"
            ? { kind: "failed" }
            : { kind: "expiring", threshold: Number(data.threshold) || 30 };
      const link = await deps.store.getServiceOperator(serviceId);
      const current = reminderServiceOf(service);
      // The secret the card was about (older cards carry none: then it is taken as the current one).
      const reminded: RemindedSecret =
        typeof data.remindedHint === "string"
          ? {
              hint: data.remindedHint,
              ...(typeof data.remindedExpiresAt === "string" ? { expiresAt: data.remindedExpiresAt } : {}),
            }
          : { hint: current.secretHint, ...(current.secretExpiresAt ? { expiresAt: current.secretExpiresAt } : {}) };
      return {
        card: reminderCard({
          service: current,
          reason,
          reminded,
          resolved: reminderResolved(reason, reminded, current),
          ...(link?.userId ? { operatorUserId: link.userId } : {}),
        }),
      };
    },
  };
  return handlers;
}
