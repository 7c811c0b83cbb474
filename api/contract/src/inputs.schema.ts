/**
 * Input rules of docs/product.md section 2: one zod schema per field, shared by the tab, the bot and the API.
 * Every refusal carries a stable `code` (in the issue's `params.code`) and a message that names the field and the fix.
 */
import { z } from "zod";
import { CERTIFICATE_PROBLEM_TEXTS, type CertificateProblemCode } from "./checks.js";
import type { inputProblemSchema } from "./input-problem.schema.js";

/** A problem with one value: a stable machine word and an operator-facing sentence. */
export interface FieldProblem {
  code: string;
  message: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GUID_ANYWHERE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** A DNS name of at least two labels: letters, digits and inner hyphens, a letter-only top-level label. */
const DNS_NAME = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
/** Characters that Windows and the reference portal forbid in a short name. */
export const SHORT_NAME_FORBIDDEN = ["\\", "/", ":", "*", "?", '"', "<", ">", "|"] as const;
/** Short names nobody may take, compared case-insensitively. */
export const RESERVED_SHORT_NAMES = ["audit"] as const;
/** Tenant words that name no tenant (msal and Entra treat them as multi-tenant aliases). */
export const RESERVED_TENANTS = ["common", "organizations", "consumers"] as const;

/** True when the value has the 8-4-4-4-12 hex shape of a GUID. */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** Rules of the service short name except uniqueness (which needs the database). Empty list = acceptable. */
export function shortNameProblems(value: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (value.length === 0) {
    return [{ code: "required", message: "Short name: enter 3 to 15 characters." }];
  }
  if (value.length < 3) {
    problems.push({ code: "too_short", message: "Short name: use at least 3 characters." });
  }
  if (value.length > 15) {
    problems.push({ code: "too_long", message: "Short name: use at most 15 characters." });
  }
  if (/\s/.test(value)) {
    problems.push({ code: "whitespace", message: "Short name: remove spaces and other whitespace." });
  }
  // Printable ASCII is 0x21-0x7E once whitespace is reported on its own.
  if (/[^\x20-\x7e]/.test(value.replace(/\s/g, ""))) {
    problems.push({
      code: "not_ascii",
      message:
        "Short name: use printable ASCII letters, digits and symbols only (no accents, emoji or control characters).",
    });
  }
  const forbidden = SHORT_NAME_FORBIDDEN.filter((c) => value.includes(c));
  if (forbidden.length > 0) {
    problems.push({
      code: "forbidden_character",
      message: `Short name: remove ${forbidden.join(" ")} (the characters \\ / : * ? " < > | are not allowed).`,
    });
  }
  if (value.includes(".")) {
    problems.push({ code: "dot", message: "Short name: remove the dot (.)." });
  }
  if ((RESERVED_SHORT_NAMES as readonly string[]).includes(value.toLowerCase())) {
    problems.push({ code: "reserved_word", message: `Short name: "${value}" is reserved; choose another name.` });
  }
  return problems;
}

/** The normalised form under which short names must be unique (case-insensitive). */
export function normaliseShortName(value: string): string {
  return value.toLowerCase();
}

/** Outcome of reading a tenant field. */
export type TenantParse = { ok: true; value: string; kind: "guid" | "domain" } | { ok: false; problem: FieldProblem };

/**
 * Reads a Tenant ID: a GUID, a tenant domain, or a pasted URL (portal or login link) containing a GUID.
 * GUIDs and domains come back in lower case.
 */
export function parseTenantId(raw: string): TenantParse {
  const value = raw.trim();
  if (value.length === 0) {
    return {
      ok: false,
      problem: {
        code: "invalid_tenant_format",
        message: "Tenant ID: enter the Directory (tenant) ID from the customer's Entra ID overview page.",
      },
    };
  }
  if (isGuid(value)) return { ok: true, value: value.toLowerCase(), kind: "guid" };
  if ((RESERVED_TENANTS as readonly string[]).includes(value.toLowerCase())) {
    return {
      ok: false,
      problem: {
        code: "invalid_tenant_format",
        message: `Tenant ID: "${value.toLowerCase()}" is not a tenant; enter the customer's own Directory (tenant) ID or domain.`,
      },
    };
  }
  if (DNS_NAME.test(value)) return { ok: true, value: value.toLowerCase(), kind: "domain" };
  const inside = GUID_ANYWHERE.exec(value);
  if (inside && value.length <= 2048) return { ok: true, value: inside[0].toLowerCase(), kind: "guid" };
  return {
    ok: false,
    problem: {
      code: "invalid_tenant_format",
      message:
        "Tenant ID: enter a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47 or a domain such as contoso.onmicrosoft.com.",
    },
  };
}

/** What an audit row or a log line says for a field that did not parse: the raw text may be a pasted secret. */
export const UNPARSED = "(invalid)";

/** The Tenant ID as records may carry it: the parsed GUID or domain, else {@link UNPARSED}, never the raw text. */
export function tenantIdForRecord(raw: string): string {
  const parsed = parseTenantId(raw);
  return parsed.ok ? parsed.value : UNPARSED;
}

/** The Application (client) ID as records may carry it: the parsed GUID, else {@link UNPARSED}. */
export function clientIdForRecord(raw: string): string {
  const parsed = parseClientId(raw);
  return parsed.ok ? parsed.value : UNPARSED;
}

/** Reads an Application (client) ID: a GUID, lower-cased. */
export function parseClientId(raw: string): { ok: true; value: string } | { ok: false; problem: FieldProblem } {
  const value = raw.trim();
  if (isGuid(value)) return { ok: true, value: value.toLowerCase() };
  return {
    ok: false,
    problem: {
      code: "invalid_client_id",
      message:
        'Application (client) ID: paste the GUID shown as "Application (client) ID" on the app registration\'s overview page.',
    },
  };
}

/** Rules of the client secret. The secret itself never appears in a message. Empty list = acceptable. */
export function clientSecretProblems(value: string): FieldProblem[] {
  if (value.length === 0) {
    return [{ code: "secret_missing", message: "Client secret: paste the secret's Value." }];
  }
  if (value.length > 1024) {
    return [
      { code: "secret_too_long", message: "Client secret: at most 1024 characters; paste only the secret's Value." },
    ];
  }
  if (value.trim() !== value) {
    return [
      {
        code: "secret_whitespace",
        message: "Client secret: remove the spaces or line breaks before or after the value.",
      },
    ];
  }
  return [];
}

/**
 * Warnings about a client secret that is otherwise acceptable: a GUID-shaped value is usually the Secret ID, but
 * older az CLI and PowerShell secrets were GUIDs, so it is accepted and sent, and Entra's answer tells (docs/entra.md
 * section 10). Same code as the validator's `format` warning. Empty list = nothing to say.
 */
export function clientSecretWarnings(value: string): FieldProblem[] {
  if (clientSecretProblems(value).length > 0 || !isGuid(value)) return [];
  return [
    {
      code: "secret_id_not_value",
      message:
        "Client secret: this looks like the Secret ID, not its Value. Copy the Value column (shown only when the secret was created); older secrets made with az CLI or PowerShell were GUIDs, so it is accepted, and validation reports invalid_secret if it was the Secret ID.",
    },
  ];
}

/** Adds problems to a zod refinement context, keeping their codes in `params.code`. */
function report(ctx: z.RefinementCtx, problems: FieldProblem[]): void {
  for (const p of problems) {
    ctx.addIssue({ code: "custom", message: p.message, params: { code: p.code } });
  }
}

/** Short name of a service (without the uniqueness rule). */
export const shortNameSchema = z
  .string({ message: "Short name: enter 3 to 15 characters." })
  .superRefine((v, ctx) => report(ctx, shortNameProblems(v)));

/** Optional full name of a service, up to 64 characters. */
export const fullNameSchema = z
  .string({ message: "Full name: enter text of at most 64 characters, or leave it out." })
  .max(64, { message: "Full name: use at most 64 characters." });

/** Licence types sold with the service. */
export const LICENSE_TYPES = ["hosted-essentials-plus", "hosted-pro"] as const;
/** One licence type. */
export type LicenseType = (typeof LICENSE_TYPES)[number];
/** Licence type of a service. */
export const licenseTypeSchema = z.enum(LICENSE_TYPES, {
  message: "Licence type: choose Hosted Essentials+ (hosted-essentials-plus) or Hosted Pro (hosted-pro).",
});
/** Most users one service may license. */
export const MAX_LICENSED_USERS = 500;
/** Number of licensed users: a whole number 1..500. */
export const licensedUsersSchema = z
  .number({ message: "Licensed users: enter a whole number from 1 to 500." })
  .int({ message: "Licensed users: enter a whole number from 1 to 500." })
  .min(1, { message: "Licensed users: enter at least 1." })
  .max(MAX_LICENSED_USERS, {
    message: "Licensed users: at most 500 per service; split larger customers into several services.",
  });

/** Tenant ID field: accepts a GUID, a domain or a URL with a GUID; yields the normalised value. */
export const tenantIdSchema = z
  .string({ message: "Tenant ID: enter the Directory (tenant) ID from the customer's Entra ID overview page." })
  .transform((v, ctx) => {
    const parsed = parseTenantId(v);
    if (parsed.ok) return parsed.value;
    report(ctx, [parsed.problem]);
    return z.NEVER;
  });

/** Application (client) ID field; yields the lower-case GUID. */
export const clientIdSchema = z
  .string({ message: "Application (client) ID: paste the GUID from the app registration's overview page." })
  .transform((v, ctx) => {
    const parsed = parseClientId(v);
    if (parsed.ok) return parsed.value;
    report(ctx, [parsed.problem]);
    return z.NEVER;
  });

/** Client secret field: a GUID-shaped value is accepted (see {@link clientSecretWarnings}). */
export const clientSecretSchema = z
  .string({ message: "Client secret: paste the secret's Value." })
  .superRefine((v, ctx) => report(ctx, clientSecretProblems(v)));

/** Longest PEM text accepted (certificate chain and key). */
export const MAX_CERTIFICATE_PEM = 65536;
/** Longest base64 PFX accepted. */
export const MAX_CERTIFICATE_PFX = 131072;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const PEM_PRIVATE_KEY =
  /-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (RSA |ENCRYPTED )?PRIVATE KEY-----/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * A certificate credential as a client sends it (docs/api.md, "Credentials"): the certificate with its private key,
 * as PEM text or as a base64 PFX (.pfx/.p12), with the password of the PFX or of an encrypted PEM key.
 */
export const clientCertificateSchema = z.strictObject(
  {
    pem: z
      .string({ message: "Certificate: the PEM text, a string." })
      .max(MAX_CERTIFICATE_PEM, { message: "Certificate: the PEM text is at most 65536 characters." })
      .optional(),
    pfx: z
      .string({ message: "Certificate: the PFX file as base64, a string." })
      .max(MAX_CERTIFICATE_PFX, { message: "Certificate: the PFX file is at most 96 KB (131072 base64 characters)." })
      .optional(),
    password: z
      .string({ message: "Certificate password: a string." })
      .max(1024, { message: "Certificate password: at most 1024 characters." })
      .optional(),
  },
  { message: "Certificate: send an object with pem, or pfx and password." },
);
/** A certificate credential as a client sends it. */
export type ClientCertificateBody = z.input<typeof clientCertificateSchema>;

/**
 * Shape rules of a certificate credential, shared by the forms and the API's format check (pure: no Node API). The
 * deeper checks (password, key match, validity dates) need the key and run in the API. Empty list = acceptable.
 */
export function clientCertificateProblems(body: ClientCertificateBody): FieldProblem[] {
  const pem = body.pem?.trim() ?? "";
  const pfx = body.pfx?.replace(/\s+/g, "") ?? "";
  if (pem.length === 0 && pfx.length === 0) {
    return [certificateProblem("certificate_missing")];
  }
  if (pem.length > 0 && pfx.length > 0) {
    return [certificateProblem("certificate_both")];
  }
  if (pfx.length > 0) {
    if (pfx.length % 4 !== 0 || !BASE64.test(pfx)) {
      return [certificateProblem("certificate_not_base64")];
    }
    return [];
  }
  const problems: FieldProblem[] = [];
  if (!PEM_CERTIFICATE.test(pem)) {
    problems.push(certificateProblem("certificate_no_cert"));
  }
  if (!PEM_PRIVATE_KEY.test(pem)) {
    problems.push(certificateProblem("certificate_no_key"));
  }
  return problems;
}

/** One certificate problem with the contract's text (checks.ts). */
function certificateProblem(code: CertificateProblemCode): FieldProblem {
  return { code, message: CERTIFICATE_PROBLEM_TEXTS[code].message };
}

/** Which credential a body carries: `undefined` when it has neither or both (see {@link credentialProblems}). */
export function credentialKind(body: {
  clientSecret?: unknown;
  clientCertificate?: unknown;
}): "secret" | "certificate" | undefined {
  const secret = body.clientSecret !== undefined;
  const certificate = body.clientCertificate !== undefined;
  if (secret === certificate) return undefined;
  return secret ? "secret" : "certificate";
}

/** The rule "exactly one of clientSecret and clientCertificate" as problems (codes credential_missing, _conflict). */
export function credentialProblems(body: { clientSecret?: unknown; clientCertificate?: unknown }): FieldProblem[] {
  if (credentialKind(body) !== undefined) return [];
  if (body.clientSecret === undefined) {
    return [certificateProblem("credential_missing")];
  }
  return [certificateProblem("credential_conflict")];
}

/** The certificate credential with its shape rules applied (see {@link clientCertificateProblems}). */
export const checkedClientCertificateSchema = clientCertificateSchema.superRefine((v, ctx) =>
  report(ctx, clientCertificateProblems(v)),
);

/** Adds the "exactly one credential" rule to an object schema's refinement, under the clientSecret path. */
export function reportCredentialProblems(
  value: { clientSecret?: unknown; clientCertificate?: unknown },
  ctx: z.RefinementCtx,
  path: (string | number)[] = [],
): void {
  for (const p of credentialProblems(value)) {
    const field = p.code === "credential_missing" ? "clientSecret" : "clientCertificate";
    ctx.addIssue({ code: "custom", path: [...path, field], message: p.message, params: { code: p.code } });
  }
}

/** Microsoft clouds a customer tenant can live in. */
export const CLOUDS = ["global", "usgov-gcchigh", "usgov-dod", "china"] as const;
/** One of the Microsoft clouds. */
export type Cloud = (typeof CLOUDS)[number];
/** Cloud field, `global` when absent. */
export const cloudSchema = z
  .enum(CLOUDS, { message: "Cloud: choose global, usgov-gcchigh, usgov-dod or china." })
  .default("global");

/** The credential fields as typed by the operator (strings, not yet checked against the rules). */
export const credentialsShape = {
  tenantId: z
    .string({ message: "tenantId: required, a string (the Directory (tenant) ID)." })
    .max(2048, { message: "tenantId: at most 2048 characters; paste only the Directory (tenant) ID." }),
  clientId: z
    .string({ message: "clientId: required, a string (the Application (client) ID)." })
    .max(2048, { message: "clientId: at most 2048 characters; paste only the Application (client) ID." }),
  clientSecret: z
    .string({ message: "clientSecret: a string (the secret's Value)." })
    .max(4096, { message: "clientSecret: at most 4096 characters; paste only the secret's Value." })
    .optional(),
  /** In place of clientSecret: exactly one of the two (the format check's credential_missing / _conflict). */
  clientCertificate: clientCertificateSchema.optional(),
  cloud: cloudSchema,
};

/**
 * Body of POST /api/validation. Only the types are enforced here: the product rules run as the report's
 * `format` check, so the operator sees every check in one place.
 */
export const validationRequestSchema = z.strictObject(credentialsShape);
/** Body of POST /api/validation after parsing. */
export type ValidationRequest = z.infer<typeof validationRequestSchema>;
/**
 * Credentials as a client sends them: the body of POST /api/validation and the `m365` of POST /api/services
 * (`cloud` may be left out: `global`).
 */
export type CredentialsBody = z.input<typeof validationRequestSchema>;

/** The credentials with every product rule applied (used where a rule break is an input error). */
export const credentialsSchema = z
  .strictObject({
    tenantId: tenantIdSchema,
    clientId: clientIdSchema,
    clientSecret: clientSecretSchema.optional(),
    clientCertificate: checkedClientCertificateSchema.optional(),
    cloud: cloudSchema,
  })
  .superRefine((v, ctx) => reportCredentialProblems(v, ctx));
/** Credentials after every rule passed. */
export type Credentials = z.infer<typeof credentialsSchema>;

/** One problem of a request body, as it appears in problem+json `errors`: the field's dotted path, a code, a message. */
export type InputProblem = z.infer<typeof inputProblemSchema>;

/** Turns a zod error into problems with the field path, a stable code and the message. */
export function problemsFromZodError(error: z.ZodError): InputProblem[] {
  return error.issues.map((issue) => {
    const params = (issue as { params?: { code?: unknown } }).params;
    const code = typeof params?.code === "string" ? params.code : issue.code;
    const path = issue.path.map(String).join(".");
    let message = issue.message;
    if (issue.code === "unrecognized_keys") {
      message = `Remove the unknown field(s): ${issue.keys.join(", ")}.`;
    }
    return { path, code, message };
  });
}
