/**
 * The app's credential as the API holds it (docs/api.md, "Credentials"): a client secret, or a certificate with its
 * private key (docs/entra.md section 13). One place turns a request body into it (with the contract's rules and the
 * certificate's deeper checks), tells msal how to use it, lists what must be redacted, and gives its stored form
 * (sealed at rest: the secret, or the certificate and its unencrypted key as one PEM text).
 */
import {
  CERTIFICATE_PROBLEM_TEXTS,
  type ClientCertificateBody,
  clientSecretProblems,
  credentialProblems,
  type FieldProblem,
} from "@dr/contract";
import { certificateSecrets, type ParsedCertificate, readCertificate, readPemCertificate } from "./certificate.js";

/** A credential read and checked. */
export type AppCredential =
  | { kind: "secret"; secret: string }
  | { kind: "certificate"; certificate: ParsedCertificate };

/** The credential fields of a request body (any of the routes that take credentials). */
export interface CredentialBody {
  clientSecret?: string | undefined;
  clientCertificate?: ClientCertificateBody | undefined;
}

/** A refusal of a credential field: the body path, the contract code, its message. */
export interface CredentialProblem extends FieldProblem {
  path: string;
}

/** The outcome of reading a body's credential. */
export type CredentialReading = { ok: true; credential: AppCredential } | { ok: false; problems: CredentialProblem[] };

/** Reads the one credential of a body: exactly one of clientSecret and clientCertificate, each by its rules. */
export function readCredential(body: CredentialBody, now: Date): CredentialReading {
  const which = credentialProblems(body).map((p) => ({
    path: p.code === "credential_missing" ? "clientSecret" : "clientCertificate",
    ...p,
  }));
  if (which.length > 0) return { ok: false, problems: which };
  if (body.clientSecret !== undefined) {
    const problems = clientSecretProblems(body.clientSecret).map((p) => ({ path: "clientSecret", ...p }));
    return problems.length > 0
      ? { ok: false, problems }
      : { ok: true, credential: secretCredential(body.clientSecret) };
  }
  const reading = readCertificate(body.clientCertificate ?? {}, now);
  if (reading.ok) return { ok: true, credential: { kind: "certificate", certificate: reading.certificate } };
  const path = reading.code === "certificate_password" ? "clientCertificate.password" : "clientCertificate";
  return {
    ok: false,
    problems: [{ path, code: reading.code, message: CERTIFICATE_PROBLEM_TEXTS[reading.code].message }],
  };
}

/** A client secret as a credential. */
export function secretCredential(secret: string): AppCredential {
  return { kind: "secret", secret };
}

/** msal-node's `auth` fields for the credential: `clientSecret`, or `clientCertificate` (PS256 with x5t#S256). */
export function msalCredential(
  credential: AppCredential,
): { clientSecret: string } | { clientCertificate: { thumbprintSha256: string; privateKey: string } } {
  if (credential.kind === "secret") return { clientSecret: credential.secret };
  const { thumbprintSha256, privateKeyPem } = credential.certificate;
  return { clientCertificate: { thumbprintSha256, privateKey: privateKeyPem } };
}

/** The strings of a body and of its credential that must never be shown anywhere. */
export function credentialSecrets(body: CredentialBody, credential?: AppCredential): string[] {
  const parsed = credential?.kind === "certificate" ? credential.certificate : undefined;
  return [
    ...(body.clientSecret ? [body.clientSecret] : []),
    ...(body.clientCertificate ? certificateSecrets(body.clientCertificate, parsed) : []),
    ...(credential?.kind === "secret" ? [credential.secret] : []),
    ...(parsed ? [parsed.privateKeyPem] : []),
  ];
}

/** Which kind a stored credential is (the `credential_type` column). */
export type CredentialType = AppCredential["kind"];

/** The text sealed at rest: the secret, or the certificate and its unencrypted key as one PEM text. */
export function storedCredentialText(credential: AppCredential): string {
  if (credential.kind === "secret") return credential.secret;
  return `${credential.certificate.certPem.trim()}\n${credential.certificate.privateKeyPem.trim()}\n`;
}

/** Reads an unsealed credential back; a stored certificate is read without a date check (re-validation reports it). */
export function credentialFromStored(type: CredentialType, text: string): AppCredential {
  if (type === "secret") return secretCredential(text);
  const reading = readPemCertificate(text, undefined);
  if (!reading.ok) throw new Error(`stored certificate unreadable (${reading.code})`);
  return { kind: "certificate", certificate: reading.certificate };
}

/** The body form of a credential, as the validator takes it (a stored certificate as its PEM text). */
export function credentialBody(credential: AppCredential): CredentialBody {
  return credential.kind === "secret"
    ? { clientSecret: credential.secret }
    : { clientCertificate: { pem: storedCredentialText(credential) } };
}

/** Graph's three-character hint of a secret; "" for a certificate. */
export function credentialHint(credential: AppCredential): string {
  return credential.kind === "secret" ? credential.secret.slice(0, 3) : "";
}

/** What a service record keeps of its credential besides the sealed text: never the secret or the key. */
export interface CredentialSummary {
  credentialType: CredentialType;
  /** The secret's first three characters; "" for a certificate. */
  secretHint: string;
  certificateThumbprint: string | null;
  certificateSubject: string | null;
}

/** The record fields of a credential. */
export function credentialSummary(credential: AppCredential): CredentialSummary {
  const certificate = credential.kind === "certificate" ? credential.certificate : undefined;
  return {
    credentialType: credential.kind,
    secretHint: credentialHint(credential),
    certificateThumbprint: certificate?.thumbprintSha1 ?? null,
    certificateSubject: certificate?.subject ?? null,
  };
}
