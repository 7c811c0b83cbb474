/**
 * The certificate a rotation makes (docs/entra.md section 13, "Rotating a certificate"; docs/api.md, "Secret
 * rotation"): a new RSA 2048 key pair and a self-signed certificate with the current certificate's subject, valid
 * from ten minutes ago (clock skew) for the given number of days, signed SHA-256. The key is made by node:crypto; the
 * certificate is written by node-forge (as certificate.ts reads PFX files). The result is read back through
 * certificate.ts, so it is the same ParsedCertificate as an uploaded one; the key stays in memory until it is sealed.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
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

/** A new key and a self-signed certificate with `current`'s subject, valid `lifetimeDays` from `now`. */
export function renewCertificate(current: ParsedCertificate, now: Date, lifetimeDays: number): RenewedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  // A positive serial of 16 random bytes (high bit clear), as CAs make them.
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString("hex");
  cert.validity.notBefore = new Date(now.getTime() - SKEW_MS);
  cert.validity.notAfter = new Date(now.getTime() + lifetimeDays * DAY_MS);
  // The subject exactly as the current certificate encodes it; self-signed, so the issuer too.
  const subject = forge.pki.certificateFromPem(current.certPem).subject.attributes;
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  const reading = readPemCertificate(`${certPem}\n${keyPem}`, undefined);
  if (!reading.ok) throw new Error(`renewed certificate unreadable (${reading.code})`);
  const derBase64 = forge.util.encode64(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes());
  return { certificate: reading.certificate, derBase64 };
}
