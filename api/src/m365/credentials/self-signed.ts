/**
 * The certificate a rotation makes (docs/entra.md section 13, "Rotating a certificate"; docs/api.md, "Secret
 * rotation"): a new RSA 2048 key pair and a self-signed certificate with the current certificate's subject, valid
 * from ten minutes ago (clock skew) for the given number of days, signed SHA-256. The key is made by node:crypto; the
 * certificate is written by node-forge (as certificate.ts reads PFX files). The result is read back through
 * certificate.ts, so it is the same ParsedCertificate as an uploaded one; the key stays in memory until it is sealed.
 */
import { generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { type ParsedCertificate, readPemCertificate } from "./certificate.js";

const DAY_MS = 86_400_000;
/** Start ten minutes early: the certificate is used at once, by checks whose clocks may be a little behind. */
const SKEW_MS = 600_000;

/** A renewed certificate: the parsed certificate with its key, and its DER as base64 (addKey's `key`). */
export interface RenewedCertificate {
  certificate: ParsedCertificate;
  derBase64: string;
}

/**
 * A new RSA 2048 key pair (node:crypto) and a self-signed certificate for `subject` (node-forge's attributes) valid
 * from `notBefore` to `notAfter`, signed SHA-256: the certificate and the unencrypted PKCS#8 key, PEM. Also makes the
 * sandbox's certificates (emulator.certificates.ts).
 */
export function selfSignedCertificate(
  subject: forge.pki.CertificateField[],
  notBefore: Date,
  notAfter: Date,
): { certPem: string; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  // A positive serial number in minimal DER: the first byte's high bit clear (no sign byte needed) and not zero (no
  // leading zero byte, which OpenSSL refuses as "illegal padding").
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  cert.serialNumber = serial.toString("hex");
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** A new key and a self-signed certificate with `current`'s subject, valid `lifetimeDays` from `now`. */
export function renewCertificate(current: ParsedCertificate, now: Date, lifetimeDays: number): RenewedCertificate {
  // The subject exactly as the current certificate encodes it.
  const subject = forge.pki.certificateFromPem(current.certPem).subject.attributes;
  const { certPem, keyPem } = selfSignedCertificate(
    subject,
    new Date(now.getTime() - SKEW_MS),
    new Date(now.getTime() + lifetimeDays * DAY_MS),
  );
  const reading = readPemCertificate(`${certPem}\n${keyPem}`, undefined);
  if (!reading.ok) throw new Error(`renewed certificate unreadable (${reading.code})`);
  return { certificate: reading.certificate, derBase64: new X509Certificate(certPem).raw.toString("base64") };
}
