/**
 * The three App registration fields (Tenant ID, Application (client) ID, Client secret) with their labels, hints
 * and the rule messages under them: one component for the wizard's credentials step and the customer's invitation
 * page, so both ask for the values in the same words. The caller keeps the values and decides which messages show;
 * a secret warning (format/field-rules.ts `secretWarning`) shows as a warning, not an error.
 */
import { Field, Input } from "@fluentui/react-components";
import { en } from "../i18n/en";
import { SecretInput } from "./secret-input";

/** One of the three fields. */
export type CredentialField = "tenantId" | "clientId" | "clientSecret";

/** Props of {@link CredentialFields}. */
export interface CredentialFieldsProps {
  values: Record<CredentialField, string>;
  onChange: (field: CredentialField, value: string) => void;
  /** When a field loses the focus (the caller marks it touched). */
  onBlur: (field: CredentialField) => void;
  /** The messages to show under the fields now (empty or absent: none). */
  messages: Partial<Record<CredentialField, string | undefined>>;
  /** A warning under the client secret when it has no message (a value that is accepted but looks wrong). */
  secretWarning?: string | undefined;
}

/** The three fields. */
export function CredentialFields({ values, onChange, onBlur, messages, secretWarning }: CredentialFieldsProps) {
  const secretMessage = messages.clientSecret || secretWarning;
  return (
    <>
      <Field label={en.wizard.tenantId} required hint={en.wizard.tenantIdHint} validationMessage={messages.tenantId}>
        <Input
          name="tenantId"
          value={values.tenantId}
          onChange={(_, data) => onChange("tenantId", data.value)}
          onBlur={() => onBlur("tenantId")}
          autoComplete="off"
          spellCheck={false}
        />
      </Field>
      <Field label={en.wizard.clientId} required validationMessage={messages.clientId}>
        <Input
          name="clientId"
          value={values.clientId}
          onChange={(_, data) => onChange("clientId", data.value)}
          onBlur={() => onBlur("clientId")}
          autoComplete="off"
          spellCheck={false}
        />
      </Field>
      <Field
        label={en.wizard.clientSecret}
        required
        hint={en.wizard.clientSecretHint}
        validationMessage={secretMessage}
        {...(secretMessage && !messages.clientSecret ? { validationState: "warning" as const } : {})}
      >
        <SecretInput
          name="clientSecret"
          value={values.clientSecret}
          onChange={(_, data) => onChange("clientSecret", data.value)}
          onBlur={() => onBlur("clientSecret")}
        />
      </Field>
    </>
  );
}
