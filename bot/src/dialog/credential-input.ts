/**
 * The credential of the wizard's credentials card (docs/api.md, "Credentials"): the client secret, or a certificate
 * with its private key pasted as PEM text (Adaptive Cards have no file input, so a .pfx goes through the tab), with
 * the password of an encrypted key. Checked with the contract's rules (the API opens the key later); sealed at once
 * in the dialog, the certificate as JSON of its body.
 */
import {
  CERTIFICATE_PROBLEM_TEXTS,
  type ClientCertificateBody,
  clientCertificateProblems,
  clientSecretSchema,
  fieldMessageOf,
} from "@dr/contract";
import { textOf as str } from "../app/values.js";
import type { FieldErrors } from "../cards/card.types.js";
import type { SecretSealer } from "../ports.js";
import type { AcceptedCredentials } from "./onboarding.model.js";

/** What the card's credential fields hold. */
export type CredentialInput =
  | { kind: "secret"; secret: string }
  | { kind: "certificate"; certificate: { pem: string; password?: string } }
  /** Neither field filled: keep the sealed one, or ask for one. */
  | { kind: "none" };

/** Reads the card's secret, PEM and password fields; problems go to the field's errors. */
export function readCredentialInput(data: Record<string, unknown>): { input?: CredentialInput; errors: FieldErrors } {
  const secret = str(data.clientSecret);
  const pem = str(data.clientCertificatePem).trim();
  const password = str(data.clientCertificatePassword);
  if (pem !== "" && secret !== "") {
    return { errors: { clientCertificatePem: CERTIFICATE_PROBLEM_TEXTS.credential_conflict.message } };
  }
  if (pem !== "") {
    const certificate = { pem, ...(password !== "" ? { password } : {}) };
    const problems = clientCertificateProblems(certificate);
    if (problems.length > 0) return { errors: { clientCertificatePem: problems.map((p) => p.message).join(" ") } };
    return { input: { kind: "certificate", certificate }, errors: {} };
  }
  if (secret === "") return { input: { kind: "none" }, errors: {} };
  const parsed = clientSecretSchema.safeParse(secret);
  if (!parsed.success) return { errors: { clientSecret: fieldMessageOf(parsed) } };
  return { input: { kind: "secret", secret: parsed.data }, errors: {} };
}

/** The sealed form of a new credential: the secret as is, a certificate as JSON of its body. */
export function sealCredential(
  sealer: SecretSealer,
  input: Exclude<CredentialInput, { kind: "none" }>,
  dialogId: string,
): Pick<AcceptedCredentials, "secretHint" | "sealedSecret" | "credentialType"> {
  if (input.kind === "secret") {
    return { secretHint: input.secret.slice(0, 3), sealedSecret: sealer.seal(input.secret, dialogId) };
  }
  return {
    secretHint: "",
    credentialType: "certificate",
    sealedSecret: sealer.seal(JSON.stringify(input.certificate), dialogId),
  };
}

/** Opens the sealed credential for the API: `{ clientSecret }` or `{ clientCertificate }`. */
export function openCredential(
  sealer: SecretSealer,
  credentials: AcceptedCredentials,
  dialogId: string,
): { clientSecret: string } | { clientCertificate: ClientCertificateBody } {
  const text = sealer.open(credentials.sealedSecret, dialogId);
  if (credentials.credentialType !== "certificate") return { clientSecret: text };
  return { clientCertificate: JSON.parse(text) as ClientCertificateBody };
}
