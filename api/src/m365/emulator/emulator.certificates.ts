/**
 * Self-signed RSA certificates for the sandbox's certificate scenarios and the tests (docs/entra.md section 13):
 * made at start-up, never stored as files. The key pair comes from node:crypto; node-forge writes the X.509
 * certificate (synchronously, so the sandbox fixtures stay plain values).
 */
import { createHash, generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import forge from "node-forge";

/** A made certificate: the public certificate and its unencrypted private key, both PEM. */
export interface MadeCertificate {
  certPem: string;
  keyPem: string;
  /** SHA-1 of the DER certificate, base64: Graph's default `customKeyIdentifier`. */
  thumbprintSha1Base64: string;
}

/** Makes a self-signed RSA-2048 certificate `CN=<commonName>` valid from `notBefore` to `notAfter`. */
export function makeCertificate(commonName: string, notBefore: Date, notAfter: Date): MadeCertificate {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
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
  const name = [{ name: "commonName", value: commonName }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  const der = new X509Certificate(certPem).raw;
  return { certPem, keyPem, thumbprintSha1Base64: createHash("sha1").update(der).digest("base64") };
}

/** The certificate and key as one PEM text, as an operator pastes it. */
export function pemBundle(made: MadeCertificate): string {
  return `${made.certPem.trim()}\n${made.keyPem.trim()}\n`;
}

/** The certificate and key as a base64 PFX protected by `password` (AES-256, SHA-256 MAC). */
export function pfxOf(made: MadeCertificate, password: string): string {
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(made.keyPem),
    [forge.pki.certificateFromPem(made.certPem)],
    password,
    { algorithm: "aes256" },
  );
  return forge.util.encode64(forge.asn1.toDer(asn1).getBytes());
}
