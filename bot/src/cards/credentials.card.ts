/**
 * Wizard step 2: the customer's App registration credentials. The secret is a password input that is never filled
 * in again: when the operator comes back to this card, the stored (sealed) secret is only named by its hint. When the
 * customer has completed invitations, a "Pending invitation" choice comes first: choosing one uses the credentials
 * the customer's admin entered (no field needed), so the fields are then not required on the client (the bot checks
 * them when no invitation is chosen).
 */
import { CLOUDS } from "@dr/contract";
import { adaptiveCard, execute, fieldError, maskedSecret, notice, stepTrail, text } from "./card.elements.js";
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
  /** The customer's completed invitations (id and what the operator reads: tenant, e-mail). */
  invitations?: { id: string; title: string }[];
  /** The invitation chosen (or preselected). */
  invitationId?: string;
}

/** The value of the "use the fields" choice of the invitation list. */
export const KNOWN_APP = "known";

const CLOUD_TITLES: Record<(typeof CLOUDS)[number], string> = {
  global: "Global (commercial)",
  "usgov-gcchigh": "US Government GCC High",
  "usgov-dod": "US Government DoD",
  china: "China (21Vianet)",
};

/**
 * A certificate in place of the secret (docs/api.md, "Credentials"): its PEM text in a multiline input and the
 * password of an encrypted key. Cards have no file input, so a .pfx goes through the tab.
 */
export function certificateInputs(e: FieldErrors | undefined): CardElement[] {
  return [
    text(
      "Or a certificate in place of the secret: paste its PEM text, the certificate and its private key. Cards cannot upload files: for a .pfx file, use the tab.",
      { isSubtle: true, spacing: "Small" },
    ),
    {
      type: "Input.Text",
      id: "clientCertificatePem",
      label: "Certificate with private key (PEM)",
      isMultiline: true,
      maxLength: 65536,
      placeholder: "-----BEGIN CERTIFICATE----- … -----BEGIN PRIVATE KEY----- …",
    },
    ...fieldError("clientCertificatePem", e),
    {
      type: "Input.Text",
      id: "clientCertificatePassword",
      label: "Private key password (only for an encrypted key)",
      style: "password",
      maxLength: 1024,
    },
    ...fieldError("clientCertificatePassword", e),
  ];
}

/** What a kept credential is called: the secret by its hint, a certificate ("" hint) as such. */
function keptName(hint: string): string {
  return hint === "" ? "certificate entered before" : `secret ${maskedSecret(hint)}`;
}

/** Builds the credentials card. */
export function credentialsCard(input: CredentialsCardInput): AdaptiveCard {
  const v = input.values ?? {};
  const e = input.errors;
  const keep = input.storedSecretHint !== undefined;
  const offered = input.invitations ?? [];
  // With invitations offered, an empty field is fine client-side: the bot checks the fields when none is chosen.
  const required = offered.length === 0;
  const chosen = offered.some((i) => i.id === input.invitationId) ? (input.invitationId ?? KNOWN_APP) : KNOWN_APP;
  const invitationChoice: CardElement[] =
    offered.length === 0
      ? []
      : [
          {
            type: "Input.ChoiceSet",
            id: "invitationId",
            label: "Pending invitation",
            style: "expanded",
            value: chosen,
            choices: [
              { title: "None: use known App registration (enter it below)", value: KNOWN_APP },
              ...offered.map((i) => ({ title: i.title, value: i.id })),
            ],
          },
          ...fieldError("invitationId", e),
          text("Use known App registration", { weight: "Bolder", spacing: "Medium" }),
        ];
  const body: CardElement[] = [
    stepTrail(2, "Credentials"),
    ...notice(input.notice),
    ...invitationChoice,
    {
      type: "Input.Text",
      id: "tenantId",
      label: "Customer Microsoft Tenant ID",
      placeholder: "GUID, or the tenant's domain such as contoso.onmicrosoft.com",
      isRequired: required,
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
      isRequired: required,
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
      // Not required on the client: a certificate may be given instead; the bot asks for one of the two.
      isRequired: false,
      maxLength: 1024,
      errorMessage: "Client secret: paste the secret's Value.",
      placeholder: keep
        ? `Leave empty to keep the ${keptName(input.storedSecretHint ?? "")}`
        : "Shown once, when the secret was created",
    },
    ...fieldError("clientSecret", e),
    ...certificateInputs(e),
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
