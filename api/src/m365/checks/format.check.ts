/**
 * The `format` check: the input rules of docs/product.md section 2, offline. It runs first so that nothing is sent
 * to Microsoft for values that cannot be right, and it parses the tenant and client id every later check uses.
 */
import { type CheckCode, clientSecretProblems, clientSecretWarnings, parseClientId, parseTenantId } from "@dr/contract";
import type { ValidatorCheck } from "./check.types.js";

/** A current Entra secret: 40 characters of a-z A-Z 0-9 ~ . _ - (older ones were base64, 44 characters). */
const USUAL_SECRET = /^[A-Za-z0-9~._\-+/=]{32,48}$/;

export const formatCheck: ValidatorCheck = {
  id: "format",
  after: [],
  skipCause: "the entered values break the input rules",
  run({ input }) {
    const secret = input.clientSecret;
    const tenantParse = parseTenantId(input.tenantId);
    const clientParse = parseClientId(input.clientId);
    // A GUID-shaped secret is usually the Secret ID, but older az CLI and PowerShell secrets were GUIDs: it is sent,
    // and Entra's AADSTS7000215 tells which (docs/entra.md section 10). The forms show the contract's warning too.
    const secretProblems = clientSecretProblems(secret);
    const guidShaped = clientSecretWarnings(secret).some((w) => w.code === "secret_id_not_value");
    const problems = [
      ...(tenantParse.ok ? [] : [{ path: "tenantId", ...tenantParse.problem }]),
      ...(clientParse.ok ? [] : [{ path: "clientId", ...clientParse.problem }]),
      ...secretProblems.map((p) => ({ path: "clientSecret", ...p })),
    ];
    const first = problems[0];
    if (first || !tenantParse.ok || !clientParse.ok) {
      return {
        result: {
          status: "fail",
          code: (first?.code ?? "invalid_tenant_format") as CheckCode,
          message: problems.map((p) => p.message).join(" "),
          remedy: "Correct the fields named above; nothing was sent to Microsoft.",
          detail: { errors: problems },
        },
      };
    }
    const facts = { tenant: tenantParse.value, clientId: clientParse.value, secretHint: secret.slice(0, 3) };
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
