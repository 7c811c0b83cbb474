/** Wizard step 5: everything entered, the secret masked (hint and dots), then Create. */
import { adaptiveCard, execute, licenseTypeTitle, maskedSecret, notice, stepTrail } from "./card.elements.js";
import type { AdaptiveCard, DialogActionData } from "./card.types.js";

/** What the summary shows. Only the secret's hint is ever given to a card. */
export interface OnboardingSummary {
  customerName: string;
  newCustomer: boolean;
  shortName: string;
  licenseType: string;
  licensedUsers: number;
  cloud: string;
  tenantId: string;
  tenantName?: string;
  clientId: string;
  secretHint: string;
  m365Domain: string;
}

/** Input of {@link summaryCard}. */
export interface SummaryCardInput {
  dialog: Omit<DialogActionData, "verb">;
  summary: OnboardingSummary;
  notice?: string;
}

/** Builds the summary card. */
export function summaryCard(input: SummaryCardInput): AdaptiveCard {
  const s = input.summary;
  return adaptiveCard(
    [
      stepTrail(5, "Summary"),
      ...notice(input.notice),
      {
        type: "FactSet",
        facts: [
          { title: "Customer", value: s.newCustomer ? `${s.customerName} (new)` : s.customerName },
          { title: "Short name", value: s.shortName },
          { title: "Licence type", value: licenseTypeTitle(s.licenseType) },
          { title: "Licensed users", value: String(s.licensedUsers) },
          { title: "Cloud", value: s.cloud },
          { title: "Tenant", value: s.tenantName ? `${s.tenantName} (${s.tenantId})` : s.tenantId },
          { title: "Application (client) ID", value: s.clientId },
          { title: "Client secret", value: maskedSecret(s.secretHint) },
          { title: "M365 domain", value: s.m365Domain },
        ],
      },
    ],
    [
      execute("Create", "onboard.create", input.dialog, { style: "positive" }),
      execute("Back", "onboard.back", input.dialog, { skipInputs: true }),
      execute("Cancel", "onboard.cancel", input.dialog, { skipInputs: true }),
    ],
  );
}
