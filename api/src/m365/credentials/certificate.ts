/**
 * Reads a certificate credential (docs/entra.md section 13, "Certificates (keyCredentials)"): the certificate with its
 * private key as PEM text (the key plain, or encrypted with the password), or as a base64 PFX/PKCS#12 file with its
 * password. The one place the API opens key material. The result is normalised: the leaf certificate as PEM, the
 * private key as unencrypted PKCS#8 PEM (kept only in memory, or sealed), the SHA-1 and SHA-256 thumbprints, the
 * subject and the validity dates. A refusal carries a contract code (checks.ts CERTIFICATE_PROBLEM_TEXTS), never the
 * key, the password or the library's message.
 */
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { type CertificateProblemCode, type ClientCertificateBody, clientCertificateProblems } from "@dr/contract";
import forge from "node-forge";

/** A certificate credential, read and checked. */
export interface ParsedCertificate {
  /** The certificate whose key this is, PEM. */
  certPem: string;
  /** The private key, unencrypted PKCS#8 PEM. Secret: sealed at rest, redacted everywhere. */
  privateKeyPem: string;
  /** SHA-1 of the DER certificate, hex upper case: the Entra admin center's "Thumbprint". */
  thumbprintSha1: string;
  /** SHA-256 of the DER certificate, hex upper case: msal's `thumbprintSha256`, the assertion's `x5t#S256`. */
  thumbprintSha256: string;
  /** The subject, e.g. `CN=contoso-dr`. */
  subject: string;
  notBefore: Date;
  notAfter: Date;
}

/** The outcome of reading: the certificate, or the contract's code of what is wrong. */
export type CertificateReading =
  | { ok: true; certificate: ParsedCertificate }
  | { ok: false; code: CertificateProblemCode };

const CERT_BLOCKS = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_BLOCK = /-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (RSA |ENCRYPTED )?PRIVATE KEY-----/;

/** Upper-case hex without separators, from Node's `AB:CD:…` fingerprint. */
function hexThumbprint(fingerprint: string): string {
  return fingerprint.replace(/:/g, "").toUpperCase();
}

/** `CN=a\nO=b` as the portal writes it: `CN=a, O=b`. */
function subjectText(subject: string): string {
  return subject.split("\n").filter(Boolean).join(", ");
}

/** Opens a PEM private key; a missing or wrong password is `certificate_password`. */
function openKey(pem: string, password: string | undefined): KeyObject | CertificateProblemCode {
  const encrypted = /ENCRYPTED/.test(pem);
  try {
    return createPrivateKey({ key: pem, format: "pem", ...(password ? { passphrase: password } : {}) });
  } catch {
    return encrypted ? "certificate_password" : "certificate_unreadable";
  }
}

/** Reads PEM text: the key, and the certificate among the blocks that belongs to it; no date check. */
export function readPemCertificate(
  pem: string,
  password: string | undefined,
): { ok: true; certificate: ParsedCertificate } | { ok: false; code: CertificateProblemCode } {
  const keyPem = KEY_BLOCK.exec(pem)?.[0];
  const certPems = pem.match(CERT_BLOCKS) ?? [];
  if (keyPem === undefined) return { ok: false, code: "certificate_no_key" };
  if (certPems.length === 0) return { ok: false, code: "certificate_no_cert" };
  const key = openKey(keyPem, password);
  if (typeof key === "string") return { ok: false, code: key };
  // Entra ID signs and checks client assertions with RSA keys only (PS256 or RS256).
  if (key.asymmetricKeyType !== "rsa") return { ok: false, code: "certificate_unreadable" };
  let certificates: X509Certificate[];
  try {
    certificates = certPems.map((p) => new X509Certificate(p));
  } catch {
    return { ok: false, code: "certificate_unreadable" };
  }
  // A chain may come with the leaf: the leaf is the certificate of this key.
  const leaf = certificates.find((c) => c.checkPrivateKey(key));
  if (leaf === undefined) return { ok: false, code: "certificate_key_mismatch" };
  return {
    ok: true,
    certificate: {
      certPem: leaf.toString(),
      privateKeyPem: key.export({ type: "pkcs8", format: "pem" }).toString(),
      thumbprintSha1: hexThumbprint(leaf.fingerprint),
      thumbprintSha256: hexThumbprint(leaf.fingerprint256),
      subject: subjectText(leaf.subject),
      notBefore: new Date(leaf.validFrom),
      notAfter: new Date(leaf.validTo),
    },
  };
}

/** The validity dates at `now`: expired, not yet valid, or fine. */
function datedReading(reading: CertificateReading, now: Date): CertificateReading {
  if (!reading.ok) return reading;
  const { notBefore, notAfter } = reading.certificate;
  if (notAfter.getTime() <= now.getTime()) return { ok: false, code: "certificate_expired" };
  if (notBefore.getTime() > now.getTime()) return { ok: false, code: "certificate_not_yet_valid" };
  return reading;
}

/** Reads a base64 PFX with node-forge into PEM text (certificates and the key), then as PEM. */
function readPfx(base64: string, password: string | undefined): CertificateReading {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const der = forge.util.decode64(base64.replace(/\s+/g, ""));
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), password ?? "");
  } catch (error) {
    // forge says "PKCS#12 MAC could not be verified. Invalid password?" for a wrong or missing password.
    const message = error instanceof Error ? error.message : "";
    return {
      ok: false,
      code: /password|MAC|decrypt/i.test(message) ? "certificate_password" : "certificate_unreadable",
    };
  }
  const bagsOf = (type: string) => p12.getBags({ bagType: type })[type] ?? [];
  const keyBag = [...bagsOf(forge.pki.oids.pkcs8ShroudedKeyBag ?? ""), ...bagsOf(forge.pki.oids.keyBag ?? "")].find(
    (b) => b.key !== undefined,
  );
  const certBags = bagsOf(forge.pki.oids.certBag ?? "");
  if (keyBag?.key === undefined) return { ok: false, code: "certificate_no_key" };
  if (certBags.length === 0) return { ok: false, code: "certificate_no_cert" };
  try {
    const certPems = certBags.map((b) =>
      b.cert
        ? forge.pki.certificateToPem(b.cert)
        : `-----BEGIN CERTIFICATE-----\n${forge.util.encode64(forge.asn1.toDer(b.asn1 as forge.asn1.Asn1).getBytes())}\n-----END CERTIFICATE-----`,
    );
    return readPemCertificate([...certPems, forge.pki.privateKeyToPem(keyBag.key)].join("\n"), undefined);
  } catch {
    return { ok: false, code: "certificate_unreadable" };
  }
}

/**
 * Reads a certificate credential as the API receives it: the contract's shape rules first, then the key, the
 * password, the key's match with the certificate and the validity dates at `now`. Never throws.
 */
export function readCertificate(body: ClientCertificateBody, now: Date): CertificateReading {
  const shape = clientCertificateProblems(body)[0];
  if (shape !== undefined) return { ok: false, code: shape.code as CertificateProblemCode };
  try {
    const reading =
      body.pfx !== undefined && body.pfx.trim() !== ""
        ? readPfx(body.pfx, body.password)
        : readPemCertificate(body.pem ?? "", body.password);
    return datedReading(reading, now);
  } catch {
    return { ok: false, code: "certificate_unreadable" };
  }
}

/**
 * The strings of a certificate body and its reading that must never be shown: the private key block as given, the
 * PEM text, the PFX, the password and the unencrypted key.
 */
export function certificateSecrets(body: ClientCertificateBody, parsed?: ParsedCertificate): string[] {
  const keyBlock = body.pem !== undefined ? KEY_BLOCK.exec(body.pem)?.[0] : undefined;
  return [keyBlock, body.pem, body.pfx, body.password, parsed?.privateKeyPem].filter(
    (s): s is string => typeof s === "string" && s.length > 0,
  );
}
