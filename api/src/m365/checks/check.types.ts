/**
 * What the validator's checks share: the context of one run, the facts one check leaves for the next, and the
 * shape every check file exports (`{ id, after, skipCause, run }`, see check-runner.ts).
 */
import type {
  CheckCode,
  CheckId,
  Cloud,
  PermissionsInfo,
  SecretInfo,
  TenantInfo,
  ValidationRequest,
} from "@dr/contract";
import type { CheckContext, CheckDefinition, CheckOutcome } from "../check-runner.js";
import type { CloudEndpoints } from "../clouds.js";
import type { AppCredential } from "../credentials/credential.js";
import type { Transport } from "../http/transport.js";

/** The few logger methods the validator uses (pino's shape). */
export interface ValidatorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** What one validation run knows before any check runs. */
export interface ValidationContext {
  /** The input as entered; `format` parses it, the others read the parsed facts (and the secret from here). */
  input: ValidationRequest;
  cloud: Cloud;
  /** The cloud's hosts and Graph resource, overrides applied (docs/entra.md section 1). */
  endpoints: CloudEndpoints;
  /** The run's one transport: every request of every check goes through it (docs/entra.md section 7). */
  transport: Transport;
  /** Sent as `client-request-id` on every request of the run, so Microsoft's logs tie them together. */
  correlationId: string;
  /** Application permissions the `permissions` check requires (M365_REQUIRED_PERMISSIONS). */
  requiredPermissions: readonly string[];
  /** The validator's clock. */
  now: () => Date;
  logger?: ValidatorLogger;
}

/** What checks learn and later checks (or the report) read. Each is set by the check named. */
export interface ValidationFacts {
  /** format: the tenant as parsed (a GUID or a domain). */
  tenant: string;
  /** format: the Application (client) ID as parsed (lower-case GUID). */
  clientId: string;
  /** format: the first three characters of the secret, Graph's `hint` (docs/entra.md section 10); "" for a certificate. */
  secretHint: string;
  /** format: the credential read and checked (a secret, or a certificate with its key). */
  credential: AppCredential;
  /** tenant: the tenant GUID read from the openid-configuration's issuer (docs/entra.md section 2). */
  tenantGuid: string;
  /** token: the app-only Graph access token. */
  accessToken: string;
  /** permissions: what the token grants and lacks. */
  permissions: PermissionsInfo;
  /** graph: the organization as Graph describes it. */
  organization: TenantInfo;
  /** secret_expiry: the matching secret's id and expiry. */
  secret: Partial<SecretInfo>;
}

/** One validator check, as each file under checks/ exports it. */
export type ValidatorCheck = CheckDefinition<CheckId, CheckCode, ValidationContext, ValidationFacts>;
/** What a validator check's `run` gets. */
export type ValidatorCheckContext = CheckContext<ValidationContext, ValidationFacts>;
/** What a validator check's `run` returns. */
export type ValidatorCheckOutcome = CheckOutcome<CheckCode, ValidationFacts>;

/**
 * The answer of a check whose prerequisite left no fact behind. The runner starts a check only after its
 * prerequisites passed, so this is never reached; it keeps `run` total without a non-null assertion.
 */
export function missingFact(name: keyof ValidationFacts): ValidatorCheckOutcome {
  return {
    result: {
      status: "skipped",
      code: "prerequisite_failed",
      message: `Not run: no ${name} from an earlier check.`,
    },
  };
}
