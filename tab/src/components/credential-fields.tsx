/**
 * The three App registration fields (Tenant ID, Application (client) ID, Client secret) with their labels, hints
 * and the rule messages under them: one component for the wizard's credentials step and the customer's invitation
 * page, so both ask for the values in the same words. The caller keeps the values and decides which messages show;
 * a secret warning (format/field-rules.ts `secretWarning`) shows as a warning, not an error. With `certificate`
 * given, a choice "Secret" / "Certificate" comes before the credential, and Certificate shows CertificateFields in
 * place of the secret (the API takes exactly one of the two).
 */
import { Field, Input, Radio, RadioGroup } from "@fluentui/react-components";
import type { CertificateInput, CredentialKind } from "../format/certificate-input";
import { en } from "../i18n/en";
import { CertificateFields } from "./certificate-fields";
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
  /** The certificate choice; absent: the secret only. */
  certificate?: CredentialChoiceProps | undefined;
}

/** The credential choice and the certificate being entered. */
export interface CredentialChoiceProps {
  kind: CredentialKind;
  onKind(kind: CredentialKind): void;
  value: CertificateInput;
  onChange(value: CertificateInput): void;
  /** The certificate's message to show now. */
  message?: string | undefined;
  /** The thumbprint the API reported, when known. */
  thumbprint?: string | undefined;
  disabled?: boolean | undefined;
}

/** The choice "Secret" / "Certificate" (also the replace-credential dialog's). */
export function CredentialKindChoice({
  kind,
  onKind,
  disabled,
}: Pick<CredentialChoiceProps, "kind" | "onKind" | "disabled">) {
  return (
    <Field label={en.wizard.credentialKind} hint={en.wizard.credentialKindHint}>
      <RadioGroup
        layout="horizontal"
        value={kind}
        disabled={disabled}
        onChange={(_, data) => onKind(data.value === "certificate" ? "certificate" : "secret")}
      >
        <Radio value="secret" label={en.wizard.credentialSecret} />
        <Radio value="certificate" label={en.wizard.credentialCertificate} />
      </RadioGroup>
    </Field>
  );
}

/** The three fields. */
export function CredentialFields({
  values,
  onChange,
  onBlur,
  messages,
  secretWarning,
  certificate,
}: CredentialFieldsProps) {
  const secretMessage = messages.clientSecret || secretWarning;
  const useCertificate = certificate?.kind === "certificate";
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
      {certificate && <CredentialKindChoice {...certificate} />}
      {certificate && useCertificate && (
        <CertificateFields
          value={certificate.value}
          onChange={certificate.onChange}
          onBlur={() => onBlur("clientSecret")}
          message={certificate.message}
          thumbprint={certificate.thumbprint}
          disabled={certificate.disabled}
        />
      )}
      {!useCertificate && (
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
      )}
    </>
  );
}
