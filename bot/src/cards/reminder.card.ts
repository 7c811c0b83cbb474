/**
 * The proactive reminder: a secret nears or passed its expiry, or a validation newly failed. It refreshes itself
 * for the operator who onboarded the service (Universal Actions `refresh`), and offers Validate now and Replace
 * secret.
 */
import { adaptiveCard, execute, fact, maskedSecret, md, SERVICE_STATUS_TEXT, text, title } from "./card.elements.js";
import type { AdaptiveCard } from "./card.types.js";
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
  secretExpiresAt?: string;
  daysUntilExpire?: number;
  /** Messages of the failed checks, for a failure reminder. */
  failures?: string[];
}

/** Input of {@link reminderCard}. */
export interface ReminderCardInput {
  service: ReminderService;
  reason: ReminderReason;
  /** Teams user id (MRI) of the operator who onboarded the service: the card refreshes for them. */
  operatorUserId?: string;
  /** Deep link to the service in the tab, for the "more" line when the failures do not all fit. */
  tabUrl?: string;
}

/** The headline of a reminder (Markdown: the short name is escaped). */
export function reminderHeadline(reason: ReminderReason, service: ReminderService): string {
  const name = md(service.shortName);
  switch (reason.kind) {
    case "expiring":
      return `⚠️ The client secret of ${name} expires in ${service.daysUntilExpire ?? reason.threshold} day(s)`;
    case "expired":
      return `❌ The client secret of ${name} has expired`;
    case "failed":
      return `❌ Validate Authentication failed for ${name}`;
  }
}

/** Builds the reminder card, within the card budget (card-budget.ts). */
export function reminderCard(input: ReminderCardInput): AdaptiveCard {
  const { service, reason } = input;
  const refreshData = {
    serviceId: service.id,
    reason: reason.kind,
    ...(reason.kind === "expiring" ? { threshold: reason.threshold } : {}),
  };
  return fitEntries(service.failures ?? [], (failures, hidden) =>
    adaptiveCard(
      [
        title(reminderHeadline(reason, service)),
        text(`${md(service.customerName)} · ${SERVICE_STATUS_TEXT[service.status] ?? md(service.status)}`, {
          isSubtle: true,
        }),
        {
          type: "FactSet",
          facts: [
            fact("Client secret", maskedSecret(service.secretHint)),
            ...(service.secretExpiresAt ? [fact("Expires", service.secretExpiresAt.slice(0, 10))] : []),
          ],
        },
        ...failures.map((m) => text(`• ${md(m)}`, { color: "Attention" })),
        ...moreInTheTab(hidden, "failures", input.tabUrl),
        text("Ask the customer's admin for a new client secret, then use Replace secret.", { isSubtle: true }),
      ],
      [
        execute("Validate now", "service.validate", { serviceId: service.id }),
        execute("Replace secret", "service.replaceSecret.open", { serviceId: service.id }),
      ],
      input.operatorUserId
        ? {
            action: { type: "Action.Execute", title: "Refresh", verb: "reminder.refresh", data: refreshData },
            userIds: [input.operatorUserId],
          }
        : undefined,
    ),
  );
}
