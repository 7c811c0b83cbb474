/** Wizard step 5: everything entered, the secret masked (hint and dots), then Create. */
import { adaptiveCard, execute, fact, licenseTypeTitle, maskedSecret, notice, stepTrail } from "./card.elements.js";
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
  /** The credential is a certificate (shown by its thumbprint once validated, never its key). */
  certificateThumbprint?: string;
  m365Domain: string;
  /** The credentials come from a completed invitation (entered by the customer's admin, sealed on the server). */
  fromInvitation?: boolean;
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
          // Every value is entered or comes from the customer's directory: escaped for Markdown.
          fact("Customer", s.newCustomer ? `${s.customerName} (new)` : s.customerName),
          fact("Short name", s.shortName),
          fact("Licence type", licenseTypeTitle(s.licenseType)),
          fact("Licensed users", String(s.licensedUsers)),
          fact("Cloud", s.cloud),
          fact("Tenant", s.tenantName ? `${s.tenantName} (${s.tenantId})` : s.tenantId),
          ...(s.fromInvitation
            ? [
                {
                  title: "Credentials",
                  value:
                    "From the invitation: entered and validated by the customer's admin, validated again on Create",
                },
              ]
            : [
                fact("Application (client) ID", s.clientId),
                s.certificateThumbprint !== undefined
                  ? fact("Certificate", `thumbprint ${s.certificateThumbprint}`)
                  : fact("Client secret", maskedSecret(s.secretHint)),
              ]),
          s.m365Domain
            ? fact("M365 domain", s.m365Domain)
            : { title: "M365 domain", value: "The tenant's initial domain" },
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
