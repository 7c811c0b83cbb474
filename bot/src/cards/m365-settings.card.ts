/** Wizard step 4: the Microsoft 365 domain, chosen from the tenant's verified domains, the initial one preselected. */
import { adaptiveCard, execute, fieldError, md, notice, stepTrail, text } from "./card.elements.js";
import type { AdaptiveCard, DialogActionData, FieldErrors } from "./card.types.js";
import { fitEntries, moreInTheTab } from "./card-budget.js";

/** Input of {@link m365SettingsCard}. */
export interface M365SettingsCardInput {
  dialog: Omit<DialogActionData, "verb">;
  tenantName?: string;
  /** Verified domains from the validation report. */
  domains: readonly string[];
  /** The tenant's initial `*.onmicrosoft.com` domain: the default choice. */
  initialDomain?: string;
  /** The operator's earlier choice, when coming back. */
  selected?: string;
  errors?: FieldErrors;
  notice?: string;
  /** Deep link to the tab's wizard, for the "more" line when the domains do not all fit. */
  tabUrl?: string;
}

/** Builds the M365 settings card, within the card budget (card-budget.ts). */
export function m365SettingsCard(input: M365SettingsCardInput): AdaptiveCard {
  const value = input.selected ?? input.initialDomain ?? input.domains[0] ?? "";
  const back = [
    execute("Back", "onboard.back", input.dialog, { skipInputs: true }),
    execute("Cancel", "onboard.cancel", input.dialog, { skipInputs: true }),
  ];
  const head = [
    stepTrail(4, "Microsoft 365 settings"),
    ...notice(input.notice),
    // The tenant's name comes from the customer's directory (Graph): escaped. Choice titles are plain text.
    ...(input.tenantName ? [text(`Tenant: ${md(input.tenantName)}`, { isSubtle: true })] : []),
  ];
  if (input.domains.length === 0) {
    // A ChoiceSet without choices is invalid Adaptive Cards, and the dialog accepts only a listed domain.
    return adaptiveCard(
      [
        ...head,
        text("The tenant reported no verified domain. Go back and validate again.", { color: "Attention" }),
        ...fieldError("m365Domain", input.errors),
      ],
      back,
    );
  }
  // A tenant may have thousands of domains: the preselected one first, then as many as fit the card budget.
  const ordered = input.domains.includes(value) ? [value, ...input.domains.filter((d) => d !== value)] : input.domains;
  return fitEntries(ordered, (shown, hidden) =>
    adaptiveCard(
      [
        ...head,
        {
          type: "Input.ChoiceSet",
          id: "m365Domain",
          label: "M365 domain",
          isRequired: true,
          errorMessage: "M365 domain: choose one of the tenant's verified domains.",
          value,
          choices: shown.map((d) => ({ title: d === input.initialDomain ? `${d} (initial)` : d, value: d })),
        },
        ...fieldError("m365Domain", input.errors),
        ...moreInTheTab(hidden, "domains", input.tabUrl),
      ],
      [execute("Next", "onboard.settings", input.dialog, { style: "positive" }), ...back],
    ),
  );
}
