/**
 * The certificate a rotation makes (docs/entra.md section 13, "Rotating a certificate"): a new RSA 2048 key, the
 * current certificate's subject, the asked lifetime, and a DER that is the certificate.
 */
import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { makeCertificate, pemBundle } from "../emulator/emulator.certificates.js";
import { readPemCertificate } from "./certificate.js";
import { renewCertificate } from "./self-signed.js";

const DAY = 86_400_000;
const now = new Date();

describe("renewCertificate", () => {
  it("makes a new key and a certificate with the current subject and the asked lifetime", () => {
    const made = makeCertificate("contoso-dr", new Date(now.getTime() - DAY), new Date(now.getTime() + 90 * DAY));
    const current = readPemCertificate(pemBundle(made), undefined);
    if (!current.ok) throw new Error(current.code);
    const { certificate, derBase64 } = renewCertificate(current.certificate, now, 91);
    expect(certificate.subject).toBe(current.certificate.subject);
    expect(certificate.thumbprintSha1).not.toBe(current.certificate.thumbprintSha1);
    expect(certificate.privateKeyPem).not.toBe(current.certificate.privateKeyPem);
    expect(certificate.notBefore.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(Math.round((certificate.notAfter.getTime() - now.getTime()) / DAY)).toBe(91);
    const x509 = new X509Certificate(Buffer.from(derBase64, "base64"));
    expect(x509.fingerprint.replace(/:/g, "")).toBe(certificate.thumbprintSha1);
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(x509.verify(x509.publicKey)).toBe(true);
  });
});
