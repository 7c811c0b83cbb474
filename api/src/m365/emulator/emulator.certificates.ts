/**
 * Self-signed RSA certificates for the sandbox's certificate scenarios and the tests (docs/entra.md section 13):
 * made at start-up, never stored as files, by the product's own maker (credentials/self-signed.ts: the key pair from
 * node:crypto, the X.509 certificate written by node-forge, synchronously, so the sandbox fixtures stay plain values).
 */
import { createHash, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { selfSignedCertificate } from "../credentials/self-signed.js";

/** A made certificate: the public certificate and its unencrypted private key, both PEM. */
export interface MadeCertificate {
  certPem: string;
  keyPem: string;
  /** SHA-1 of the DER certificate, base64: Graph's default `customKeyIdentifier`. */
  thumbprintSha1Base64: string;
}

/** Makes a self-signed RSA-2048 certificate `CN=<commonName>` valid from `notBefore` to `notAfter`. */
export function makeCertificate(commonName: string, notBefore: Date, notAfter: Date): MadeCertificate {
  const { certPem, keyPem } = selfSignedCertificate([{ name: "commonName", value: commonName }], notBefore, notAfter);
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
