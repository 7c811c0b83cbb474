/**
 * Field rules of the wizard, taken from the shared zod schemas so the tab refuses exactly what the API refuses,
 * with the same messages. Each function returns the message per field; an absent key means the field is fine.
 */
import {
  clientIdSchema,
  clientSecretSchema,
  createCustomerSchema,
  fieldMessage,
  fullNameSchema,
  licensedUsersSchema,
  licenseTypeSchema,
  problemsFromZodError,
  shortNameSchema,
  subdomainLabelSchema,
  tenantIdSchema,
} from "@dr/contract";
import { type CertificateInput, certificateMessage, emptyCertificate } from "../format/certificate-input";
import { parseUsers } from "../format/field-rules";
import type { WizardDraft } from "./wizard.state";

/** Messages per field name. */
export type FieldErrors<K extends string> = Partial<Record<K, string>>;

/** Step 1: the inline new-customer form. */
export function newCustomerErrors(draft: WizardDraft): FieldErrors<"name" | "contactEmail" | "note"> {
  const c = draft.newCustomer;
  const result = createCustomerSchema.safeParse({
    name: c.name,
    contactEmail: c.contactEmail.trim() || undefined,
    note: c.note || undefined,
  });
  const errors: FieldErrors<"name" | "contactEmail" | "note"> = {};
  if (!result.success) {
    for (const p of problemsFromZodError(result.error)) {
      const key = p.path as "name" | "contactEmail" | "note";
      errors[key] ??= p.message;
    }
  }
  return errors;
}

/** Step 2: the service fields (uniqueness is checked against the API separately). */
export function serviceErrors(
  draft: WizardDraft,
): FieldErrors<"shortName" | "fullName" | "licenseType" | "licensedUsers"> {
  const errors: FieldErrors<"shortName" | "fullName" | "licenseType" | "licensedUsers"> = {};
  const shortName = fieldMessage(shortNameSchema, draft.shortName);
  if (shortName) errors.shortName = shortName;
  const fullName = fieldMessage(fullNameSchema, draft.fullName);
  if (fullName) errors.fullName = fullName;
  const licenseType = fieldMessage(licenseTypeSchema, draft.licenseType);
  if (licenseType) errors.licenseType = licenseType;
  const users = fieldMessage(licensedUsersSchema, parseUsers(draft.licensedUsers));
  if (users) errors.licensedUsers = users;
  return errors;
}

/** Step 3: the credentials (the secret's or the certificate's rules, whichever the draft chose). */
export function credentialsErrors(
  draft: WizardDraft,
  clientSecret: string,
  certificate: CertificateInput = emptyCertificate(),
): FieldErrors<"tenantId" | "clientId" | "clientSecret" | "clientCertificate"> {
  const errors: FieldErrors<"tenantId" | "clientId" | "clientSecret" | "clientCertificate"> = {};
  const tenantId = fieldMessage(tenantIdSchema, draft.tenantId);
  if (tenantId) errors.tenantId = tenantId;
  const clientId = fieldMessage(clientIdSchema, draft.clientId);
  if (clientId) errors.clientId = clientId;
  if (draft.credentialType === "certificate") {
    const message = certificateMessage(certificate);
    if (message) errors.clientCertificate = message;
    return errors;
  }
  const secret = fieldMessage(clientSecretSchema, clientSecret);
  if (secret) errors.clientSecret = secret;
  return errors;
}

/** Step 5: the SBC sub-domain label. */
export function subdomainError(label: string): string | undefined {
  return fieldMessage(subdomainLabelSchema, label);
}

/** True when an errors object holds no message. */
export function isClean(errors: Record<string, string | undefined>): boolean {
  return Object.values(errors).every((m) => m === undefined);
}
