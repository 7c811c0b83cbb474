/**
 * A certificate credential as the tab holds it while the operator (or the customer) chooses it: the PEM text or the
 * PFX file's bytes in base64, the password, and the names and sizes of the files it came from. Pure and browser-safe:
 * no crypto library (the API reads and checks the certificate; the tab only checks its shape through the contract's
 * `clientCertificateProblems`). What is loaded is never shown back: the fields show file names and sizes only.
 */
import { type ClientCertificateBody, clientCertificateProblems } from "@dr/contract";

/** Which credential the App registration is checked with. */
export type CredentialKind = "secret" | "certificate";

/** A file the certificate was read from: its name and size only, for display. */
export interface LoadedFile {
  name: string;
  size: number;
}

/** The certificate being entered (memory only, like the secret). */
export interface CertificateInput {
  /** PEM text: the certificate and its private key (pasted, or read from one or two PEM files). */
  pem: string;
  /** Base64 of a .pfx / .p12 file. */
  pfx: string;
  /** The PFX's password, or an encrypted PEM key's. */
  password: string;
  /** Where `pem` or `pfx` came from; empty when the PEM was pasted. */
  files: LoadedFile[];
}

/** No certificate yet. */
export function emptyCertificate(): CertificateInput {
  return { pem: "", pfx: "", password: "", files: [] };
}

/** What the file picker takes. */
export const CERTIFICATE_FILE_ACCEPT = ".pem,.crt,.cer,.key,.pfx,.p12";

/** The PFX file is a binary PKCS#12 bundle, named .pfx or .p12; every other accepted file is PEM text. */
export function isPfxName(name: string): boolean {
  return /\.(pfx|p12)$/i.test(name);
}

/** Base64 of bytes (chunked so a large file does not overflow the argument list). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** One chosen file's name and bytes. */
export interface FileBytes {
  name: string;
  bytes: Uint8Array;
}

/** Why chosen files cannot make a certificate. */
export type FilesRefusal = "none" | "mixed" | "too_many";

/**
 * The certificate the chosen files make: one .pfx/.p12 file alone (its bytes in base64), or one or two PEM files
 * (certificate and key) joined in the order chosen. The password already typed is kept.
 */
export function certificateFromFiles(
  files: FileBytes[],
  password = "",
): { ok: true; value: CertificateInput } | { ok: false; refusal: FilesRefusal } {
  if (files.length === 0) return { ok: false, refusal: "none" };
  const loaded = files.map((f) => ({ name: f.name, size: f.bytes.length }));
  const pfx = files.filter((f) => isPfxName(f.name));
  if (pfx.length > 0) {
    if (files.length > 1) return { ok: false, refusal: pfx.length === files.length ? "too_many" : "mixed" };
    return {
      ok: true,
      value: { pem: "", pfx: bytesToBase64(pfx[0]?.bytes ?? new Uint8Array()), password, files: loaded },
    };
  }
  if (files.length > 2) return { ok: false, refusal: "too_many" };
  const decoder = new TextDecoder();
  const pem = files.map((f) => decoder.decode(f.bytes).trim()).join("\n");
  return { ok: true, value: { pem: `${pem}\n`, pfx: "", password, files: loaded } };
}

/** Reads the files the picker gave (File.arrayBuffer: no library) and makes the certificate of them. */
export async function readCertificateFiles(
  files: readonly File[],
  password = "",
): Promise<ReturnType<typeof certificateFromFiles>> {
  const read = await Promise.all(
    files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
  );
  return certificateFromFiles(read, password);
}

/** True when the PEM's private key is encrypted (PKCS#8 "ENCRYPTED PRIVATE KEY" or the legacy Proc-Type header). */
export function pemKeyEncrypted(pem: string): boolean {
  return /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(pem);
}

/** The password field is shown for a PFX and for an encrypted PEM key. */
export function needsPassword(input: CertificateInput): boolean {
  return input.pfx !== "" || pemKeyEncrypted(input.pem);
}

/** The request body's `clientCertificate`: the PFX with its password, or the PEM (with the password if one is typed). */
export function certificateBody(input: CertificateInput): ClientCertificateBody {
  const password = input.password !== "" && needsPassword(input) ? { password: input.password } : {};
  if (input.pfx !== "") return { pfx: input.pfx, ...password };
  return { pem: input.pem, ...password };
}

/** The first shape problem of the certificate (the contract's message), undefined when the shape is right. */
export function certificateMessage(input: CertificateInput): string | undefined {
  return clientCertificateProblems(certificateBody(input))[0]?.message;
}

/** The credential part of a request body: the secret, or the certificate in its place (exactly one). */
export function credentialBody(
  kind: CredentialKind,
  secret: string,
  certificate: CertificateInput,
): { clientSecret: string } | { clientCertificate: ClientCertificateBody } {
  return kind === "certificate" ? { clientCertificate: certificateBody(certificate) } : { clientSecret: secret };
}

/** A size such as "1.2 KB" for the loaded files' list. */
export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  return `${(size / 1024).toFixed(1)} KB`;
}
