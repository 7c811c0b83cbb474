/**
 * The onboarding dialog's cards, drawn from the stored record alone (the current step after a stale click, Back,
 * or a refusal), and the values each card shows again.
 */
import type { Customer } from "@dr/contract";
import type { AdaptiveCard, FieldErrors } from "../cards/card.types.js";
import { type CredentialsValues, credentialsCard } from "../cards/credentials.card.js";
import { m365SettingsCard } from "../cards/m365-settings.card.js";
import { NEW_CUSTOMER, type ServiceDetailsValues, serviceDetailsCard } from "../cards/service-details.card.js";
import { summaryCard } from "../cards/summary.card.js";
import { validationReportCard } from "../cards/validation-report.card.js";
import type { DialogRecord } from "../ports.js";
import type { AcceptedCredentials, AcceptedDetails, OnboardingData, Step } from "./onboarding.model.js";

/** The card of the current step, from the stored record alone (for stale clicks and Back). */
export async function cardFor(
  record: DialogRecord<OnboardingData>,
  listCustomers: () => Promise<Customer[]>,
  extra: { notice?: string; errors?: FieldErrors } = {},
): Promise<AdaptiveCard> {
  const dialog = { dialogId: record.key.dialogId, step: record.step, rev: record.rev };
  const d = record.data;
  switch (record.step as Step) {
    case "details":
      return serviceDetailsCard({
        dialog,
        customers: await listCustomers(),
        values: detailsValues(d.details),
        ...extra,
      });
    case "credentials":
      return credentialsCard({
        dialog,
        values: credentialValues(d.credentials),
        ...(d.credentials ? { storedSecretHint: d.credentials.secretHint } : {}),
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
    case "creating":
      // `creating` left behind by a crash mid-create: Create may be clicked again (the idempotency key holds).
      return summaryCard({ dialog: { ...dialog, step: "summary" }, summary: summaryOf(d), ...extra });
  }
}

export function detailsValues(details: AcceptedDetails | undefined): ServiceDetailsValues {
  if (!details) return {};
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
    m365Domain: d.m365Domain ?? d.report?.tenant?.initialDomain ?? "",
  };
}
