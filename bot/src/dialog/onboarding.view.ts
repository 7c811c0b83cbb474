/**
 * The onboarding dialog's cards, drawn from the stored record alone (the current step after a stale click, Back,
 * or a refusal), and the values each card shows again.
 */
import type { Customer, Invitation } from "@dr/contract";
import { execute } from "../cards/card.elements.js";
import type { AdaptiveCard, FieldErrors } from "../cards/card.types.js";
import { type CredentialsValues, credentialsCard } from "../cards/credentials.card.js";
import { m365SettingsCard } from "../cards/m365-settings.card.js";
import { NEW_CUSTOMER, type ServiceDetailsValues, serviceDetailsCard } from "../cards/service-details.card.js";
import { summaryCard } from "../cards/summary.card.js";
import { validationReportCard } from "../cards/validation-report.card.js";
import { workingCard } from "../cards/working.card.js";
import type { DialogRecord } from "../ports.js";
import {
  type AcceptedCredentials,
  type AcceptedDetails,
  type ChosenInvitation,
  INTERRUPTED,
  type OnboardingData,
  STUCK_MS,
  type Step,
} from "./onboarding.model.js";

/** Whether a `validating` / `creating` step has run for longer than any validation can (the server stopped). */
export function isStuck(record: DialogRecord<OnboardingData>, now: Date): boolean {
  return Date.parse(record.updatedAt) + STUCK_MS <= now.getTime();
}

/** Where the cards' lists come from. */
export interface CardSources {
  listCustomers: () => Promise<Customer[]>;
  /** The completed invitations (absent: the server has no invitations, none is offered). */
  listInvitations?: () => Promise<Invitation[]>;
}

/** How an invitation reads in the credentials card's choice: the tenant, the admin's address, when validated. */
export function invitationTitle(i: Invitation): string {
  const tenant = i.tenant ? (i.tenant.displayName ? `${i.tenant.displayName} (${i.tenant.id})` : i.tenant.id) : "";
  const day = i.completedAt?.slice(0, 10);
  return [tenant || "Tenant not named", i.email, day ? `validated ${day}` : undefined].filter(Boolean).join(" · ");
}

/** The customer's completed invitations, for the credentials card; none for a new customer or without the feature. */
async function invitationChoices(
  record: DialogRecord<OnboardingData>,
  sources: CardSources,
): Promise<{ id: string; title: string }[]> {
  const customer = record.data.details?.customer;
  if (!sources.listInvitations || customer?.kind !== "existing") return [];
  const all = await sources.listInvitations();
  return all
    .filter((i) => i.status === "completed" && i.customerId === customer.id)
    .slice(0, 20)
    .map((i) => ({ id: i.id, title: invitationTitle(i) }));
}

/**
 * The card of the current step, from the stored record alone (for stale clicks, Back, refreshes and message
 * updates). The step's stored feedback is shown unless `extra` says something else. Every card refreshes itself
 * for the operator (Universal Actions `refresh` with their Teams id): their clients show the current step after a
 * reload, on another device, and after each update of the message.
 */
export async function cardFor(
  record: DialogRecord<OnboardingData>,
  sources: CardSources,
  now: Date,
  extra: { notice?: string; errors?: FieldErrors } = {},
): Promise<AdaptiveCard> {
  const card = await drawStep(
    record,
    sources,
    now,
    extra.notice || extra.errors ? extra : (record.data.feedback ?? {}),
  );
  return withRefresh(card, record);
}

/** The card with the dialog's refresh for its operator (none when their Teams id is unknown). */
export function withRefresh(card: AdaptiveCard, record: DialogRecord<OnboardingData>): AdaptiveCard {
  const userId = record.data.operator.userId;
  if (!userId) return card;
  return {
    ...card,
    refresh: {
      action: {
        type: "Action.Execute",
        title: "Refresh",
        verb: "onboard.refresh",
        data: { dialogId: record.key.dialogId },
      },
      userIds: [userId],
    },
  };
}

async function drawStep(
  record: DialogRecord<OnboardingData>,
  sources: CardSources,
  now: Date,
  extra: { notice?: string; errors?: FieldErrors },
): Promise<AdaptiveCard> {
  const dialog = { dialogId: record.key.dialogId, step: record.step, rev: record.rev };
  const d = record.data;
  switch (record.step as Step) {
    case "details":
      return serviceDetailsCard({
        dialog,
        customers: await sources.listCustomers(),
        values: detailsValues(d.details, d.invitation),
        ...extra,
      });
    case "credentials":
      return credentialsCard({
        dialog,
        values: credentialValues(d.credentials),
        ...(d.credentials ? { storedSecretHint: d.credentials.secretHint } : {}),
        invitations: await invitationChoices(record, sources),
        ...(d.invitation ? { invitationId: d.invitation.id } : {}),
        ...extra,
      });
    case "report":
      return d.report
        ? validationReportCard({ report: d.report, mode: { kind: "dialog", dialog }, ...extra })
        : credentialsCard({ dialog, values: credentialValues(d.credentials), ...extra });
    case "settings":
      return m365SettingsCard({
        dialog,
        domains: d.report?.tenant?.domains ?? [],
        ...(d.report?.tenant?.initialDomain ? { initialDomain: d.report.tenant.initialDomain } : {}),
        ...(d.report?.tenant?.displayName ? { tenantName: d.report.tenant.displayName } : {}),
        ...(d.m365Domain ? { selected: d.m365Domain } : {}),
        ...extra,
      });
    case "summary":
      return summaryCard({ dialog, summary: summaryOf(d), ...extra });
    case "creating":
      if (!isStuck(record, now)) return workingCard({ kind: "creating", subject: d.details?.shortName ?? "" });
      // Left behind by a stop mid-create: Create may be clicked again (the idempotency key, the dialog id, holds).
      return summaryCard({ dialog: { ...dialog, step: "summary" }, summary: summaryOf(d), notice: INTERRUPTED });
    case "validating":
      if (!isStuck(record, now)) {
        return workingCard({
          kind: "validating",
          facts: [
            ["Tenant ID", d.credentials?.tenantId ?? ""],
            ["Application (client) ID", d.credentials?.clientId ?? ""],
          ],
          actions: [execute("Cancel", "onboard.cancel", dialog, { skipInputs: true })],
        });
      }
      // Left behind by a stop mid-validation: the credentials card again, drawn on this revision.
      return credentialsCard({
        dialog: { ...dialog, step: "credentials" },
        values: credentialValues(d.credentials),
        ...(d.credentials ? { storedSecretHint: d.credentials.secretHint } : {}),
        invitations: await invitationChoices(record, sources),
        ...(d.invitation ? { invitationId: d.invitation.id } : {}),
        notice: INTERRUPTED,
      });
  }
}

export function detailsValues(
  details: AcceptedDetails | undefined,
  invitation?: ChosenInvitation,
): ServiceDetailsValues {
  // Started from an invitation: its customer is chosen.
  if (!details) return invitation ? { customerId: invitation.customerId } : {};
  return {
    customerId: details.customer.kind === "existing" ? details.customer.id : NEW_CUSTOMER,
    ...(details.customer.kind === "new" ? { newCustomerName: details.customer.name } : {}),
    shortName: details.shortName,
    licenseType: details.licenseType,
    licensedUsers: String(details.licensedUsers),
  };
}

export function credentialValues(c: AcceptedCredentials | undefined): CredentialsValues {
  return c ? { tenantId: c.tenantId, clientId: c.clientId, cloud: c.cloud } : {};
}

export function summaryOf(d: OnboardingData) {
  if (d.invitation) {
    return {
      customerName: d.details?.customer.name ?? "",
      newCustomer: false,
      shortName: d.details?.shortName ?? "",
      licenseType: d.details?.licenseType ?? "",
      licensedUsers: d.details?.licensedUsers ?? 0,
      cloud: d.invitation.cloud,
      tenantId: d.invitation.tenantId,
      ...(d.invitation.tenantName ? { tenantName: d.invitation.tenantName } : {}),
      clientId: "",
      secretHint: "",
      m365Domain: "",
      fromInvitation: true,
    };
  }
  return {
    customerName: d.details?.customer.name ?? "",
    newCustomer: d.details?.customer.kind === "new",
    shortName: d.details?.shortName ?? "",
    licenseType: d.details?.licenseType ?? "",
    licensedUsers: d.details?.licensedUsers ?? 0,
    cloud: d.credentials?.cloud ?? "global",
    tenantId: d.report?.tenant?.id ?? d.credentials?.tenantId ?? "",
    ...(d.report?.tenant?.displayName ? { tenantName: d.report.tenant.displayName } : {}),
    clientId: d.credentials?.clientId ?? "",
    secretHint: d.credentials?.secretHint ?? "",
    ...(d.credentials?.credentialType === "certificate"
      ? { certificateThumbprint: d.report?.secret?.thumbprint ?? "(validated on Create)" }
      : {}),
    m365Domain: d.m365Domain ?? d.report?.tenant?.initialDomain ?? "",
  };
}
