/** Replace secret: a password input for the new secret; the old one is kept unless the new one validates. */
import { adaptiveCard, execute, fieldError, maskedSecret, md, notice, text, title } from "./card.elements.js";
import type { AdaptiveCard, FieldErrors } from "./card.types.js";
import { certificateInputs } from "./credentials.card.js";

/** Input of {@link replaceSecretCard}. */
export interface ReplaceSecretCardInput {
  serviceId: string;
  shortName: string;
  /** Hint of the secret in use now ("" for a certificate). */
  currentHint: string;
  /** The certificate in use now, when the service holds one. */
  currentThumbprint?: string;
  errors?: FieldErrors;
  notice?: string;
}

/** Builds the replace-secret card. */
export function replaceSecretCard(input: ReplaceSecretCardInput): AdaptiveCard {
  return adaptiveCard(
    [
      title(`Replace secret: ${md(input.shortName)}`),
      ...notice(input.notice),
      text(
        `${input.currentThumbprint !== undefined ? `The certificate in use has the thumbprint ${input.currentThumbprint}` : `The secret in use is ${md(maskedSecret(input.currentHint))}`}. The new one is validated first; if it fails, the old one stays.`,
      ),
      {
        type: "Input.Text",
        id: "clientSecret",
        label: "New client secret (its Value, not its ID)",
        style: "password",
        // A certificate may be given instead: the bot asks for one of the two.
        isRequired: false,
        maxLength: 1024,
        errorMessage: "Client secret: paste the new secret's Value.",
      },
      ...fieldError("clientSecret", input.errors),
      ...certificateInputs(input.errors),
    ],
    [
      execute("Replace secret", "service.replaceSecret", { serviceId: input.serviceId }, { style: "positive" }),
      execute("Cancel", "service.validate.show", { serviceId: input.serviceId }, { skipInputs: true }),
    ],
  );
}
