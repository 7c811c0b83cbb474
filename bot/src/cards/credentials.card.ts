/**
 * Wizard step 2: the customer's App registration credentials. The secret is a password input that is never filled
 * in again: when the operator comes back to this card, the stored (sealed) secret is only named by its hint.
 */
import { CLOUDS } from "@dr/contract";
import { adaptiveCard, execute, fieldError, maskedSecret, notice, stepTrail } from "./card.elements.js";
import type { AdaptiveCard, CardElement, DialogActionData, FieldErrors } from "./card.types.js";

/** What the operator entered, never the secret. */
export interface CredentialsValues {
  tenantId?: string;
  clientId?: string;
  cloud?: string;
}

/** Input of {@link credentialsCard}. */
export interface CredentialsCardInput {
  dialog: Omit<DialogActionData, "verb">;
  values?: CredentialsValues;
  /** Hint of a secret already entered in this dialog: the field may then stay empty to keep it. */
  storedSecretHint?: string;
  errors?: FieldErrors;
  notice?: string;
}

const CLOUD_TITLES: Record<(typeof CLOUDS)[number], string> = {
  global: "Global (commercial)",
  "usgov-gcchigh": "US Government GCC High",
  "usgov-dod": "US Government DoD",
  china: "China (21Vianet)",
};

/** Builds the credentials card. */
export function credentialsCard(input: CredentialsCardInput): AdaptiveCard {
  const v = input.values ?? {};
  const e = input.errors;
  const keep = input.storedSecretHint !== undefined;
  const body: CardElement[] = [
    stepTrail(2, "Credentials"),
    ...notice(input.notice),
    {
      type: "Input.Text",
      id: "tenantId",
      label: "Customer Microsoft Tenant ID",
      placeholder: "GUID, or the tenant's domain such as contoso.onmicrosoft.com",
      isRequired: true,
      maxLength: 2048,
      errorMessage: "Tenant ID: enter the Directory (tenant) ID.",
      value: v.tenantId ?? "",
    },
    ...fieldError("tenantId", e),
    {
      type: "Input.Text",
      id: "clientId",
      label: "Application (client) ID",
      placeholder: "GUID from the app registration's overview page",
      isRequired: true,
      maxLength: 2048,
      regex: "^\\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\s*$",
      errorMessage: "Application (client) ID: paste the GUID.",
      value: v.clientId ?? "",
    },
    ...fieldError("clientId", e),
    {
      type: "Input.Text",
      id: "clientSecret",
      label: "Client secret (its Value, not its ID)",
      style: "password",
      isRequired: !keep,
      maxLength: 1024,
      errorMessage: "Client secret: paste the secret's Value.",
      placeholder: keep
        ? `Leave empty to keep the secret ${maskedSecret(input.storedSecretHint ?? "")}`
        : "Shown once, when the secret was created",
    },
    ...fieldError("clientSecret", e),
    {
      type: "Input.ChoiceSet",
      id: "cloud",
      label: "Microsoft cloud of the tenant",
      isRequired: true,
      errorMessage: "Microsoft cloud: choose the tenant's cloud.",
      value: v.cloud ?? "global",
      choices: CLOUDS.map((c) => ({ title: CLOUD_TITLES[c], value: c })),
    },
    ...fieldError("cloud", e),
  ];
  return adaptiveCard(body, [
    execute("Validate", "onboard.credentials", input.dialog, { style: "positive" }),
    execute("Back", "onboard.back", input.dialog, { skipInputs: true }),
    execute("Cancel", "onboard.cancel", input.dialog, { skipInputs: true }),
  ]);
}
