/**
 * What Entra's answers mean for the operator (docs/entra.md section 4). Classified by the numeric AADSTS code and
 * the OAuth `error`, never by the description text, which Microsoft changes.
 */
import type { CheckCode, CheckStatus, Cloud } from "@dr/contract";

/** How one Entra answer is reported. */
export interface Classification {
  status: CheckStatus;
  code: CheckCode;
  message: string;
  remedy: string;
}

const TRANSIENT: Classification = {
  status: "unknown",
  code: "throttled",
  message: "Microsoft Entra ID is throttling requests or is temporarily unavailable.",
  remedy: "Wait a minute and validate again. Nothing is wrong with the credentials as far as we know.",
};

/** A US Gov tenant asked on the global login host (docs/entra.md section 1). */
const US_GOV_TENANT: Classification = {
  status: "fail",
  code: "wrong_cloud",
  message: "The tenant lives in the US Government cloud (GCC High or DoD), not in the chosen cloud.",
  remedy:
    "Choose GCC High (or DoD, for a DoD tenant) and use an app registration made in that cloud (portal.azure.us).",
};

/** A global tenant asked on the US Gov login host (docs/entra.md section 1). */
const GLOBAL_TENANT: Classification = {
  status: "fail",
  code: "wrong_cloud",
  message: "The tenant lives in the Microsoft global cloud, not in the US Government cloud.",
  remedy:
    "Choose the global cloud (M365 GCC tenants live there too) and use an app registration made at portal.azure.com.",
};

const RECOPY_TENANT = "Re-copy the Directory (tenant) ID from the customer's Entra ID overview page";

/** Where else a tenant that the chosen cloud does not know may live (AADSTS90002; docs/entra.md section 1). */
function elsewhere(chosen: Cloud): string {
  return chosen === "china"
    ? "a tenant outside China is not known in the China cloud: then choose global, GCC High or DoD"
    : "a tenant operated by 21Vianet is known only in the China cloud: then choose China";
}

const BY_AADSTS: Record<number, Classification> = {
  90002: {
    status: "fail",
    code: "tenant_not_found",
    message: "No tenant with this ID exists in the chosen cloud.",
    remedy: `${RECOPY_TENANT}, or choose the cloud the tenant lives in.`,
  },
  900023: {
    status: "fail",
    code: "tenant_not_found",
    message: "Entra ID did not accept the tenant identifier.",
    remedy: "Re-copy the Directory (tenant) ID from the customer's Entra ID overview page.",
  },
  90038: {
    status: "fail",
    code: "wrong_cloud",
    message: "The tenant belongs to another Microsoft cloud.",
    remedy: "Choose the tenant's cloud (GCC High, DoD or China) and use an app registered in that cloud.",
  },
  700016: {
    status: "fail",
    code: "app_not_found",
    message: "The Application (client) ID was not found in this tenant.",
    remedy:
      "Use the Application (client) ID from the app registration's overview (not the Object ID), check that the tenant is right and that the app was not deleted.",
  },
  7000112: {
    status: "fail",
    code: "app_disabled",
    message: "The application is disabled in the customer's tenant.",
    remedy: "A tenant admin re-enables it under Entra ID > Enterprise applications > the app > Properties.",
  },
  7000215: {
    status: "fail",
    code: "invalid_secret",
    message: "Entra ID refused the client secret.",
    remedy:
      "Paste the secret's Value (shown once when it was created), not its Secret ID. If the Value was lost, create a new secret.",
  },
  7000222: {
    status: "fail",
    code: "secret_expired",
    message: "The client secret has expired.",
    remedy: "Ask the customer admin to create a new client secret on the app registration and enter its Value.",
  },
  7000218: {
    status: "fail",
    code: "token_rejected",
    message: "Entra ID received no client secret.",
    remedy: "Enter the client secret again. If this persists, report it to the provider's support.",
  },
  // The app is registered but has no enterprise application here (made with az CLI or Graph; docs/entra.md section 4).
  7000229: {
    status: "fail",
    code: "service_principal_missing",
    message:
      "The application has no service principal (enterprise application) in the customer's tenant, so Entra ID cannot sign it in there.",
    remedy:
      'A tenant admin creates the enterprise application: grant admin consent for the app\'s permissions (which creates it), or run `az ad sp create --id <Application (client) ID>`, or call Microsoft Graph `POST /servicePrincipals` with `{"appId": "<Application (client) ID>"}`. Then validate again; a new one can take a minute to be known.',
  },
  53003: {
    status: "fail",
    code: "blocked_by_policy",
    message: "A Conditional Access policy in the customer's tenant blocked the sign-in.",
    remedy:
      "Give the correlation ID to the customer's tenant admin: a workload-identity or location policy blocks this app.",
  },
  50196: TRANSIENT,
  90033: TRANSIENT,
  90055: TRANSIENT,
  50000: TRANSIENT,
  1002012: {
    status: "fail",
    code: "token_rejected",
    message: "Entra ID refused the requested scope.",
    remedy: "Report this to the provider's support: the product requested a scope Entra ID does not accept.",
  },
  70011: {
    status: "fail",
    code: "token_rejected",
    message: "Entra ID refused the requested scope for this cloud.",
    remedy: "Check that the chosen cloud is the tenant's cloud.",
  },
  500011: {
    status: "fail",
    code: "token_rejected",
    message: "Microsoft Graph is not available as a resource in this tenant.",
    remedy:
      "Check that the chosen cloud is the tenant's cloud; otherwise the tenant admin should contact Microsoft support.",
  },
};
// Same meaning, other numbers: 900382 is what a confidential client gets, 900432 (same text) and 900439 are reported.
BY_AADSTS[900382] = US_GOV_TENANT;
BY_AADSTS[900432] = US_GOV_TENANT;
BY_AADSTS[900439] = US_GOV_TENANT;
BY_AADSTS[900440] = GLOBAL_TENANT;
BY_AADSTS[530032] = BY_AADSTS[53003] as Classification;
BY_AADSTS[530035] = BY_AADSTS[53003] as Classification;
// Certificate credentials: the client assertion msal signs with the certificate (docs/entra.md section 13).
BY_AADSTS[700027] = {
  status: "fail",
  code: "certificate_not_registered",
  message:
    "Entra ID does not know this certificate on the app registration (AADSTS700027): it is not uploaded there, or it has expired there.",
  remedy:
    "Upload the certificate's public part (.cer, .pem or .crt) under the app registration's Certificates & secrets > Certificates, and check that the listed Thumbprint equals the one shown here and is not expired.",
};
BY_AADSTS[700024] = {
  status: "fail",
  code: "assertion_rejected",
  message: "Entra ID found the client assertion outside its valid time range (AADSTS700024).",
  remedy: "Check this server's clock (it must be within a few minutes of the real time), then validate again.",
};
const ASSERTION_REFUSED: Classification = {
  status: "fail",
  code: "assertion_rejected",
  message: "Entra ID refused the client assertion signed with the certificate.",
  remedy:
    "Check that the private key belongs to the certificate uploaded to the app registration; if it persists, give the correlation ID to the provider's support.",
};
for (const code of [7000274, 7000214, 700021, 50027]) BY_AADSTS[code] = ASSERTION_REFUSED;

/** What Entra said, as read from msal's ServerError or a raw error body. */
export interface EntraAnswer {
  /** HTTP status, when known (msal's local throttle has none). */
  status?: number;
  /** OAuth `error`. */
  error?: string;
  /** First AADSTS number. */
  aadsts?: number;
}

/**
 * Classifies a token-endpoint (or discovery) failure. With the chosen cloud, an unknown tenant's remedy names the
 * cloud it may live in instead.
 */
export function classifyTokenError(answer: EntraAnswer, chosen?: Cloud): Classification {
  if (answer.aadsts === 90002 && chosen !== undefined) {
    return { ...(BY_AADSTS[90002] as Classification), remedy: `${RECOPY_TENANT}; ${elsewhere(chosen)}.` };
  }
  if (answer.aadsts !== undefined) {
    const known = BY_AADSTS[answer.aadsts];
    if (known) return known;
  }
  if (answer.status === 429 || (answer.status !== undefined && answer.status >= 500)) return TRANSIENT;
  if (answer.error === "temporarily_unavailable") return TRANSIENT;
  return {
    status: "fail",
    code: "token_rejected",
    message: `Entra ID refused the token request${answer.aadsts ? ` (AADSTS${answer.aadsts})` : answer.error ? ` (${answer.error})` : ""}.`,
    remedy:
      "Look up the AADSTS code in Microsoft's error reference, or give the correlation ID to the customer's admin.",
  };
}

/** Reads the first AADSTS number from an `error_codes` array, an msal `errorNo`, or a message. */
export function readAadsts(errorNo: unknown, errorCodes?: unknown, message?: unknown): number | undefined {
  if (Array.isArray(errorCodes) && errorCodes.length > 0 && Number.isFinite(Number(errorCodes[0]))) {
    return Number(errorCodes[0]);
  }
  if (errorNo !== undefined && errorNo !== null && errorNo !== "" && Number.isFinite(Number(errorNo))) {
    return Number(errorNo);
  }
  if (typeof message === "string") {
    const match = /AADSTS(\d+)/.exec(message);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** Directory role template ids worth naming (docs/entra.md section 11). */
export const DIRECTORY_ROLE_NAMES: Readonly<Record<string, string>> = {
  "69091246-20e8-4a56-aa4d-066075b2a7a8": "Teams Administrator",
  "baf37b3a-610e-45da-9e62-d9d1e5e8914b": "Teams Communications Administrator",
  "75941009-915a-4869-abe7-691bff18279e": "Skype for Business Administrator",
  "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
  "f2ef992c-3afb-46b9-b7cf-a126ee74c451": "Global Reader",
};

/** The implicit role id on every app-only token; not an assignable role. */
export const IMPLICIT_APP_ROLE_ID = "0997a1d0-0d1d-4acb-b408-d5ca73121e90";
