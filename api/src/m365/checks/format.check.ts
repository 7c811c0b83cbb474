/**
 * The `format` check: the input rules of docs/product.md section 2, offline. It runs first so that nothing is sent
 * to Microsoft for values that cannot be right, and it parses the tenant and client id every later check uses.
 */
import {
  CERTIFICATE_PROBLEM_TEXTS,
  type CertificateProblemCode,
  type CheckCode,
  clientSecretWarnings,
  parseClientId,
  parseTenantId,
} from "@dr/contract";
import { readCredential } from "../credentials/credential.js";
import type { ValidatorCheck } from "./check.types.js";

/** A current Entra secret: 40 characters of a-z A-Z 0-9 ~ . _ - (older ones were base64, 44 characters). */
const USUAL_SECRET = /^[A-Za-z0-9~._\-+/=]{32,48}$/;

export const formatCheck: ValidatorCheck = {
  id: "format",
  after: [],
  skipCause: "the entered values break the input rules",
  run({ input, now }) {
    const tenantParse = parseTenantId(input.tenantId);
    const clientParse = parseClientId(input.clientId);
    // The secret's rules, or the certificate's (its key, password, match and dates: docs/entra.md section 13).
    const reading = readCredential(input, now());
    const problems = [
      ...(tenantParse.ok ? [] : [{ path: "tenantId", ...tenantParse.problem }]),
      ...(clientParse.ok ? [] : [{ path: "clientId", ...clientParse.problem }]),
      ...(reading.ok ? [] : reading.problems),
    ];
    const first = problems[0];
    if (first || !tenantParse.ok || !clientParse.ok || !reading.ok) {
      const certificateText = CERTIFICATE_PROBLEM_TEXTS[first?.code as CertificateProblemCode] as
        | { remedy: string }
        | undefined;
      const remedy = "Correct the fields named above; nothing was sent to Microsoft.";
      return {
        result: {
          status: "fail",
          code: (first?.code ?? "invalid_tenant_format") as CheckCode,
          message: problems.map((p) => p.message).join(" "),
          remedy: certificateText ? `${certificateText.remedy} ${remedy}` : remedy,
          detail: { errors: problems },
        },
      };
    }
    const { credential } = reading;
    if (credential.kind === "certificate") {
      const { thumbprintSha1, notAfter } = credential.certificate;
      return {
        facts: { tenant: tenantParse.value, clientId: clientParse.value, secretHint: "", credential },
        result: {
          status: "pass",
          message: `Tenant ID and Application (client) ID are well formed; the certificate (thumbprint ${thumbprintSha1}) and its private key match and it is valid until ${notAfter.toISOString().slice(0, 10)}.`,
          detail: { credentialType: "certificate", thumbprint: thumbprintSha1 },
        },
      };
    }
    const secret = credential.secret;
    // A GUID-shaped secret is usually the Secret ID, but older az CLI and PowerShell secrets were GUIDs: it is sent,
    // and Entra's AADSTS7000215 tells which (docs/entra.md section 10). The forms show the contract's warning too.
    const guidShaped = clientSecretWarnings(secret).some((w) => w.code === "secret_id_not_value");
    const facts = {
      tenant: tenantParse.value,
      clientId: clientParse.value,
      secretHint: secret.slice(0, 3),
      credential,
    };
    if (guidShaped) {
      return {
        facts,
        result: {
          status: "warn",
          code: "secret_id_not_value",
          message:
            "The client secret is shaped like a GUID: it may be the secret's Secret ID rather than its Value. Older secrets made with az CLI or PowerShell were GUIDs, so it is sent to Entra ID anyway.",
          remedy:
            "If the token check reports invalid_secret (AADSTS7000215), this was the Secret ID: paste the Value column instead (shown only when the secret was created), or create a new secret.",
        },
      };
    }
    // An unusual secret may still be right (older secrets differ, docs/entra.md section 10): warn and go on.
    if (USUAL_SECRET.test(secret)) {
      return {
        facts,
        result: { status: "pass", message: "Tenant ID, Application (client) ID and client secret are well formed." },
      };
    }
    return {
      facts,
      result: {
        status: "warn",
        code: "secret_unusual",
        message:
          "The client secret does not look like an Entra ID secret Value (usually 40 characters of letters, digits and ~ . _ -).",
        remedy: "If validation fails, check that the whole Value was copied.",
      },
    };
  },
};
