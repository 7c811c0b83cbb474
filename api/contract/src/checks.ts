/**
 * The credential validation checks of docs/product.md section 3: ids in run order, statuses, and the stable codes.
 */

/** Check ids in the order they run and are shown. */
export const CHECK_IDS = ["format", "tenant", "token", "permissions", "graph", "secret_expiry"] as const;
/** One check id. */
export type CheckId = (typeof CHECK_IDS)[number];

/** How one check ended. `unknown`: the service could not be asked (network, throttling); retry later. */
export const CHECK_STATUSES = ["pass", "warn", "fail", "skipped", "unknown"] as const;
/** How one check ended. */
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** Codes a check may end with, by check. Network codes can end any check that calls out. */
export const CHECK_CODES = {
  format: [
    "invalid_tenant_format",
    "invalid_client_id",
    "secret_id_not_value",
    "secret_whitespace",
    "secret_missing",
    "secret_too_long",
    "secret_unusual",
    "credential_missing",
    "credential_conflict",
    "certificate_missing",
    "certificate_both",
    "certificate_no_key",
    "certificate_no_cert",
    "certificate_not_base64",
    "certificate_unreadable",
    "certificate_password",
    "certificate_key_mismatch",
    "certificate_expired",
    "certificate_not_yet_valid",
  ],
  tenant: ["tenant_not_found", "wrong_cloud"],
  token: [
    "app_not_found",
    "invalid_secret",
    "secret_expired",
    "app_disabled",
    "service_principal_missing",
    "blocked_by_policy",
    "throttled",
    "token_rejected",
    "certificate_not_registered",
    "assertion_rejected",
  ],
  permissions: ["permissions_missing", "token_mismatch"],
  graph: ["graph_denied", "graph_unavailable"],
  secret_expiry: [
    "secret_expiring",
    "secret_not_found",
    "expiry_unreadable",
    "certificate_expiring",
    "certificate_not_found",
    "certificate_key_expired",
  ],
} as const satisfies Record<CheckId, readonly string[]>;

/** Codes for trouble reaching Microsoft, on any check that calls out (status `unknown`). */
export const NETWORK_CODES = ["entra_unreachable", "entra_timeout", "throttled"] as const;
/** Code of a check skipped because an earlier one failed. */
export const SKIPPED_CODE = "prerequisite_failed";

/** Every code a check can carry. */
export type CheckCode = (typeof CHECK_CODES)[CheckId][number] | (typeof NETWORK_CODES)[number] | typeof SKIPPED_CODE;

/** Days before expiry at or under which a secret is reported as expiring. */
export const EXPIRY_WARNING_DAYS = 30;

/** Microsoft Graph application permissions required by default (configurable on the server). */
export const DEFAULT_REQUIRED_PERMISSIONS = ["Organization.Read.All", "Application.Read.All"] as const;

/** The certificate codes of the `format` check: the shape rules (clientCertificateProblems) and the API's reading. */
export type CertificateProblemCode =
  | "credential_missing"
  | "credential_conflict"
  | "certificate_missing"
  | "certificate_both"
  | "certificate_no_key"
  | "certificate_no_cert"
  | "certificate_not_base64"
  | "certificate_unreadable"
  | "certificate_password"
  | "certificate_key_mismatch"
  | "certificate_expired"
  | "certificate_not_yet_valid";

/**
 * What each certificate problem says and what to do (docs/validation.md, format check): the API's format check and
 * the forms show the same words. Never a key, a password or the PEM text.
 */
export const CERTIFICATE_PROBLEM_TEXTS: Readonly<Record<CertificateProblemCode, { message: string; remedy: string }>> =
  {
    credential_missing: {
      message: "Credential: give the client secret's Value or a certificate with its private key.",
      remedy:
        "Paste the client secret's Value, or paste the certificate's PEM (with its private key) or choose its PFX.",
    },
    credential_conflict: {
      message: "Credential: give either the client secret or the certificate, not both.",
      remedy: "Remove the client secret or the certificate.",
    },
    certificate_missing: {
      message: "Certificate: paste the PEM text (certificate and private key) or choose the .pfx file.",
      remedy: "Give the certificate with its private key as PEM text or as a PFX file with its password.",
    },
    certificate_both: {
      message: "Certificate: give either the PEM text or the PFX file, not both.",
      remedy: "Remove one of the two.",
    },
    certificate_no_key: {
      message:
        "Certificate: the PEM text has no private key (-----BEGIN PRIVATE KEY-----); the .cer uploaded to Entra ID is not enough, paste the key too.",
      remedy: "Paste the certificate and its private key together, or use the PFX file with its password.",
    },
    certificate_no_cert: {
      message:
        "Certificate: the PEM text has no -----BEGIN CERTIFICATE----- block; paste the certificate together with its private key.",
      remedy: "Paste the certificate block as well as the private key block.",
    },
    certificate_not_base64: {
      message: "Certificate: the PFX must be the .pfx/.p12 file's bytes in base64; choose the file again.",
      remedy: "Choose the .pfx or .p12 file again.",
    },
    certificate_unreadable: {
      message:
        "Certificate: the certificate or its private key could not be read (not an X.509 certificate or RSA key).",
      remedy:
        "Export the certificate with its private key again (PEM, or PFX with a password); Entra ID client assertions need an RSA key.",
    },
    certificate_password: {
      message: "Certificate password: wrong or missing; the PFX file or the encrypted private key could not be opened.",
      remedy: "Enter the password the PFX file or the private key was exported with.",
    },
    certificate_key_mismatch: {
      message: "Certificate: the private key does not belong to the certificate.",
      remedy: "Give the private key that was created with this certificate.",
    },
    certificate_expired: {
      message: "Certificate: it has expired; Entra ID refuses assertions signed with it.",
      remedy: "Create a new certificate, upload its public part (.cer) to the App registration, and give it here.",
    },
    certificate_not_yet_valid: {
      message: "Certificate: it is not valid yet (its start date is in the future).",
      remedy: "Wait until its start date, or check this computer's and the certificate's dates.",
    },
  };
