/** Wizard step 1: customer (existing or new), short name, licence type and number of licensed users. */
import { MAX_LICENSED_USERS } from "@dr/contract";
import { adaptiveCard, execute, fieldError, notice, stepTrail } from "./card.elements.js";
import type { AdaptiveCard, CardElement, DialogActionData, FieldErrors } from "./card.types.js";
import { fitEntries, moreInTheTab } from "./card-budget.js";

/** Value of the customer choice that means "create a new customer". */
export const NEW_CUSTOMER = "new";

/** What the operator entered (shown again when a value was refused). */
export interface ServiceDetailsValues {
  customerId?: string;
  newCustomerName?: string;
  shortName?: string;
  licenseType?: string;
  licensedUsers?: string;
}

/** Input of {@link serviceDetailsCard}. */
export interface ServiceDetailsCardInput {
  dialog: Omit<DialogActionData, "verb">;
  customers: readonly { id: string; name: string }[];
  values?: ServiceDetailsValues;
  errors?: FieldErrors;
  notice?: string;
  /** Deep link to the tab's wizard, for the "more" line when the customers do not all fit. */
  tabUrl?: string;
}

/** Builds the service details card, within the card budget (card-budget.ts). */
export function serviceDetailsCard(input: ServiceDetailsCardInput): AdaptiveCard {
  const customerChoice = input.values?.customerId ?? input.customers[0]?.id ?? NEW_CUSTOMER;
  // The chosen customer first, then as many as fit the card budget; New customer is always offered.
  const chosen = input.customers.filter((c) => c.id === customerChoice);
  const ordered = [...chosen, ...input.customers.filter((c) => c.id !== customerChoice)];
  return fitEntries(ordered, (customers, hidden) => build(input, customerChoice, customers, hidden));
}

/** The card with the given customers listed and `hidden` more counted. */
function build(
  input: ServiceDetailsCardInput,
  customerChoice: string,
  customers: readonly { id: string; name: string }[],
  hidden: number,
): AdaptiveCard {
  const v = input.values ?? {};
  const e = input.errors;
  const body: CardElement[] = [
    stepTrail(1, "Service details"),
    ...notice(input.notice),
    {
      type: "Input.ChoiceSet",
      id: "customerId",
      label: "Customer",
      isRequired: true,
      errorMessage: "Customer: choose one, or New customer.",
      value: customerChoice,
      choices: [
        ...customers.map((c) => ({ title: c.name, value: c.id })),
        { title: "New customer…", value: NEW_CUSTOMER },
      ],
    },
    ...fieldError("customerId", e),
    ...moreInTheTab(hidden, "customers", input.tabUrl),
    {
      type: "Input.Text",
      id: "newCustomerName",
      label: "New customer name (when New customer is chosen)",
      maxLength: 200,
      value: v.newCustomerName ?? "",
    },
    ...fieldError("newCustomerName", e),
    {
      type: "Input.Text",
      id: "shortName",
      label: "Unique short name of the service",
      placeholder: '3 to 15 characters, no spaces, dots or \\ / : * ? " < > |',
      isRequired: true,
      maxLength: 15,
      regex: '^[^\\\\/:*?"<>|.\\s]{3,15}$',
      errorMessage: 'Short name: 3 to 15 characters; no spaces, dots or \\ / : * ? " < > |.',
      value: v.shortName ?? "",
    },
    ...fieldError("shortName", e),
    {
      type: "Input.ChoiceSet",
      id: "licenseType",
      label: "Licence type",
      style: "expanded",
      isRequired: true,
      errorMessage: "Licence type: choose one.",
      value: v.licenseType ?? "",
      choices: [
        { title: "Hosted Essentials+", value: "hosted-essentials-plus" },
        { title: "Hosted Pro", value: "hosted-pro" },
      ],
    },
    ...fieldError("licenseType", e),
    {
      type: "Input.Number",
      id: "licensedUsers",
      label: `Number of licensed users (1 to ${MAX_LICENSED_USERS})`,
      min: 1,
      max: MAX_LICENSED_USERS,
      isRequired: true,
      errorMessage: `Licensed users: a whole number from 1 to ${MAX_LICENSED_USERS}.`,
      ...(v.licensedUsers !== undefined && v.licensedUsers !== "" && Number.isFinite(Number(v.licensedUsers))
        ? { value: Number(v.licensedUsers) }
        : {}),
    },
    ...fieldError("licensedUsers", e),
  ];
  return adaptiveCard(body, [
    execute("Next", "onboard.details", input.dialog, { style: "positive" }),
    execute("Cancel", "onboard.cancel", input.dialog, { skipInputs: true }),
  ]);
}
