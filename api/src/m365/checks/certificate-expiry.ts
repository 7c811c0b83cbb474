/**
 * The `secret_expiry` check for a certificate (docs/entra.md section 13): the certificate is found among the app's
 * keyCredentials by its SHA-1 thumbprint (Graph's default `customKeyIdentifier`, base64), and that keyCredential's
 * end date is the credential's expiry. Not listed (uploaded with another identifier, or removed): a warning, and the
 * certificate's own notAfter stands in.
 */
import type { ParsedCertificate } from "../credentials/certificate.js";
import { keyCredentialsOf } from "../graph/graph.reads.js";
import type { ValidatorCheckOutcome } from "./check.types.js";
import { type ExpiryWording, expiryOutcome } from "./expiry-outcome.js";

const DAY_MS = 86_400_000;

const CERTIFICATE_WORDING: ExpiryWording = {
  name: "certificate",
  expired: {
    code: "certificate_key_expired",
    message: (date) => `The certificate expired on the app registration on ${date}.`,
    remedy: "Upload a new certificate to the app registration and replace this one.",
  },
  expiring: {
    code: "certificate_expiring",
    remedy: "Create a new certificate soon, upload its public part to the app registration and use Replace secret.",
  },
};

/** The outcome for a certificate, from Graph's application answer. */
export function certificateExpiry(json: unknown, certificate: ParsedCertificate, at: Date): ValidatorCheckOutcome {
  const identifier = Buffer.from(certificate.thumbprintSha1, "hex").toString("base64");
  const listed = keyCredentialsOf(json);
  const matches = listed
    .filter((k) => k.customKeyIdentifier === identifier)
    .sort((a, b) => Date.parse(b.endDateTime) - Date.parse(a.endDateTime));
  const match = matches[0];
  const thumbprint = certificate.thumbprintSha1;
  if (!match) {
    const own = certificate.notAfter.toISOString();
    return {
      facts: {
        secret: {
          expiresAt: own,
          daysUntilExpire: Math.ceil((certificate.notAfter.getTime() - at.getTime()) / DAY_MS),
        },
      },
      result: {
        status: "warn",
        code: "certificate_not_found",
        message: `No certificate with thumbprint ${thumbprint} is listed on the app registration; its expiry is taken from the certificate itself (${own.slice(0, 10)}).`,
        remedy:
          "Check the app's Certificates & secrets > Certificates: the Thumbprint column must show this thumbprint.",
        detail: { thumbprint, certificatesOnApp: listed.length },
      },
    };
  }
  return expiryOutcome(match, at, CERTIFICATE_WORDING, { thumbprint });
}
