/**
 * The proactive reminder: a secret nears or passed its expiry, or a validation newly failed. It refreshes itself
 * for the operator who onboarded the service (Universal Actions `refresh`), and offers Validate now and Replace
 * secret, and Rotate secret now for an expiring secret the app may rotate itself (docs/api.md, "Secret rotation"). Once the cause is gone (the secret was replaced, the service validates again) it is drawn as resolved,
 * so a reminder seen later, on the refresh or after the scheduler updated the message, does not ask for work that
 * was done.
 */
import { adaptiveCard, execute, fact, maskedSecret, md, serviceStatusText, text, title } from "./card.elements.js";
import type { AdaptiveCard, CardElement } from "./card.types.js";
import { fitEntries, moreInTheTab } from "./card-budget.js";

/** Why a reminder is sent: days before expiry (30, 14, 7, 1), expired, or a failed validation. */
export type ReminderReason = { kind: "expiring"; threshold: number } | { kind: "expired" } | { kind: "failed" };

/** What the reminder shows of the service. */
export interface ReminderService {
  id: string;
  shortName: string;
  customerName: string;
  status: string;
  secretHint: string;
  /** The service holds a certificate (docs/api.md, "Credentials"): named by its thumbprint. */
  certificateThumbprint?: string;
  secretExpiresAt?: string;
  daysUntilExpire?: number;
  /** Messages of the failed checks, for a failure reminder. */
  failures?: string[];
  /** The app may rotate its own secret (the service's `m365.selfRotation`). */
  selfRotation?: boolean;
}

/** Input of {@link reminderCard}. */
export interface ReminderCardInput {
  service: ReminderService;
  reason: ReminderReason;
  /** Teams user id (MRI) of the operator who onboarded the service: the card refreshes for them. */
  operatorUserId?: string;
  /** Deep link to the service in the tab, for the "more" line when the failures do not all fit. */
  tabUrl?: string;
  /**
   * The secret the reminder was about, as the card showed it (hint and expiry; never the secret): carried in the
   * refresh data so that a redraw can tell whether it was replaced since. Default: the service's current secret.
   */
  reminded?: RemindedSecret;
  /** Drawn as resolved: the cause is gone. */
  resolved?: boolean;
}

/** The secret a reminder was about. */
export interface RemindedSecret {
  hint: string;
  expiresAt?: string;
}

/**
 * Whether the cause of a reminder is gone: for an expiry reminder, the service now has another secret and it
 * validates; for a failure reminder, the service validates again.
 */
export function reminderResolved(reason: ReminderReason, reminded: RemindedSecret, service: ReminderService): boolean {
  const validates = service.status === "connected" || service.status === "expiring";
  if (reason.kind === "failed") return validates;
  const replaced = service.secretHint !== reminded.hint || service.secretExpiresAt !== reminded.expiresAt;
  return replaced && validates && (service.daysUntilExpire ?? 0) > (reason.kind === "expiring" ? reason.threshold : 0);
}

/** The headline of a reminder (Markdown: the short name is escaped). */
export function reminderHeadline(reason: ReminderReason, service: ReminderService): string {
  const name = md(service.shortName);
  const credential = credentialName(service);
  switch (reason.kind) {
    case "expiring":
      return `⚠️ The ${credential} of ${name} expires in ${service.daysUntilExpire ?? reason.threshold} day(s)`;
    case "expired":
      return `❌ The ${credential} of ${name} has expired`;
    case "failed":
      return `❌ Validate Authentication failed for ${name}`;
  }
}

/** The headline, the customer and status, and the secret's facts: the top of every reminder card. */
function headerOf(headline: string, service: ReminderService): CardElement[] {
  return [
    title(headline),
    text(
      `${md(service.customerName)} · ${serviceStatusText(service.status, service.certificateThumbprint !== undefined)}`,
      {
        isSubtle: true,
      },
    ),
    {
      type: "FactSet",
      facts: [
        service.certificateThumbprint !== undefined
          ? fact("Certificate", `thumbprint ${service.certificateThumbprint}`)
          : fact("Client secret", maskedSecret(service.secretHint)),
        ...(service.secretExpiresAt ? [fact("Expires", service.secretExpiresAt.slice(0, 10))] : []),
      ],
    },
  ];
}

/** The headline of a resolved reminder. */
function resolvedHeadline(reason: ReminderReason, service: ReminderService): string {
  const name = md(service.shortName);
  if (reason.kind === "failed") return `✅ Resolved: ${name} validates again`;
  const until = service.secretExpiresAt ? `; the new one expires on ${service.secretExpiresAt.slice(0, 10)}` : "";
  return `✅ Resolved: the ${credentialName(service)} of ${name} was replaced${until}`;
}

/** What the service's credential is called in a reminder. */
function credentialName(service: ReminderService): string {
  return service.certificateThumbprint !== undefined ? "certificate" : "client secret";
}

/** Builds the reminder card, within the card budget (card-budget.ts). */
export function reminderCard(input: ReminderCardInput): AdaptiveCard {
  const { service, reason } = input;
  const reminded = input.reminded ?? {
    hint: service.secretHint,
    ...(service.secretExpiresAt ? { expiresAt: service.secretExpiresAt } : {}),
  };
  const refreshData = {
    serviceId: service.id,
    reason: reason.kind,
    ...(reason.kind === "expiring" ? { threshold: reason.threshold } : {}),
    remindedHint: reminded.hint,
    ...(reminded.expiresAt ? { remindedExpiresAt: reminded.expiresAt } : {}),
  };
  const refresh = input.operatorUserId
    ? {
        action: { type: "Action.Execute" as const, title: "Refresh", verb: "reminder.refresh", data: refreshData },
        userIds: [input.operatorUserId],
      }
    : undefined;
  if (input.resolved) {
    return adaptiveCard(
      headerOf(resolvedHeadline(reason, service), service),
      [execute("Validate now", "service.validate", { serviceId: service.id })],
      refresh,
    );
  }
  // An expiring secret or certificate the app may change itself: one click makes, validates and switches to a new one.
  const rotatable = reason.kind === "expiring" && service.selfRotation === true;
  return fitEntries(service.failures ?? [], (failures, hidden) =>
    adaptiveCard(
      [
        ...headerOf(reminderHeadline(reason, service), service),
        ...failures.map((m) => text(`• ${md(m)}`, { color: "Attention" })),
        ...moreInTheTab(hidden, "failures", input.tabUrl),
        text(
          rotatable
            ? `The app may rotate its own ${credentialName(service)}: Rotate secret now makes a new one, validates it and removes the old one. Or ask the customer's admin for a new ${credentialName(service)}, then use Replace secret.`
            : `Ask the customer's admin for a new ${credentialName(service)}, then use Replace secret.`,
          { isSubtle: true },
        ),
      ],
      [
        execute("Validate now", "service.validate", { serviceId: service.id }),
        ...(rotatable ? [execute("Rotate secret now", "service.rotateSecret", { serviceId: service.id })] : []),
        execute("Replace secret", "service.replaceSecret.open", { serviceId: service.id }),
      ],
      refresh,
    ),
  );
}
