/**
 * The certificate credential of the contract (docs/api.md, "Credentials"): the shape rules shared by the forms and the
 * API's format check, "exactly one credential", and the bodies that take either a secret or a certificate.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CERTIFICATE_PROBLEM_TEXTS, CHECK_CODES } from "./checks.js";
import {
  clientCertificateProblems,
  clientCertificateSchema,
  credentialKind,
  credentialProblems,
  credentialsSchema,
  problemsFromZodError,
  validationRequestSchema,
} from "./inputs.schema.js";
import { createServiceSchema, m365CredentialsSchema, replaceSecretSchema } from "./onboarding.schema.js";

/** Shapes only: the contract never reads key material, so placeholder base64 stands in for a real certificate. */
const CERT_BLOCK = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQk\n-----END CERTIFICATE-----";
const keyBlock = (kind: "" | "RSA " | "ENCRYPTED ") =>
  `-----BEGIN ${kind}PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END ${kind}PRIVATE KEY-----`;
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "11111111-2222-3333-4444-555555555555";

const codes = (problems: { code: string }[]) => problems.map((p) => p.code);

describe("clientCertificateProblems", () => {
  it("accepts a PEM with a certificate and any of the three private key blocks, in either order", () => {
    for (const kind of ["", "RSA ", "ENCRYPTED "] as const) {
      expect(clientCertificateProblems({ pem: `${CERT_BLOCK}\n${keyBlock(kind)}` })).toEqual([]);
      expect(clientCertificateProblems({ pem: `${keyBlock(kind)}\n${CERT_BLOCK}\n`, password: "p" })).toEqual([]);
    }
  });

  it("names a PEM without a key, without a certificate, or without either", () => {
    expect(codes(clientCertificateProblems({ pem: CERT_BLOCK }))).toEqual(["certificate_no_key"]);
    expect(codes(clientCertificateProblems({ pem: keyBlock("") }))).toEqual(["certificate_no_cert"]);
    expect(codes(clientCertificateProblems({ pem: "hello" }))).toEqual(["certificate_no_cert", "certificate_no_key"]);
    // A public key block is not a private key.
    const publicKey = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----";
    expect(codes(clientCertificateProblems({ pem: `${CERT_BLOCK}\n${publicKey}` }))).toEqual(["certificate_no_key"]);
  });

  it("accepts base64 PFX (line breaks allowed) and refuses anything else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (bytes) => {
        const b64 = btoa(String.fromCharCode(...bytes));
        expect(clientCertificateProblems({ pfx: b64, password: "x" })).toEqual([]);
        expect(clientCertificateProblems({ pfx: b64.replace(/(.{64})/g, "$1\r\n") })).toEqual([]);
      }),
      { numRuns: 50 },
    );
    for (const pfx of ["not base64!", "abc", "ab=c", "====", "-----BEGIN CERTIFICATE-----"]) {
      expect(codes(clientCertificateProblems({ pfx })), pfx).toEqual(["certificate_not_base64"]);
    }
  });

  it("refuses neither and both", () => {
    expect(codes(clientCertificateProblems({}))).toEqual(["certificate_missing"]);
    expect(codes(clientCertificateProblems({ pem: "  \n", pfx: "", password: "p" }))).toEqual(["certificate_missing"]);
    expect(codes(clientCertificateProblems({ pem: CERT_BLOCK, pfx: "AAAA" }))).toEqual(["certificate_both"]);
  });

  it("never throws and only produces format codes that have texts", () => {
    const formatCodes: readonly string[] = CHECK_CODES.format;
    fc.assert(
      fc.property(
        fc.record(
          { pem: fc.oneof(fc.string(), fc.constant(CERT_BLOCK)), pfx: fc.base64String(), password: fc.string() },
          { requiredKeys: [] },
        ),
        (body) => {
          for (const p of clientCertificateProblems(body)) {
            expect(formatCodes).toContain(p.code);
            expect(p.message).toBe(CERTIFICATE_PROBLEM_TEXTS[p.code as keyof typeof CERTIFICATE_PROBLEM_TEXTS].message);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("gives every certificate text a message and a remedy, and lists each code as a format code", () => {
    for (const [code, text] of Object.entries(CERTIFICATE_PROBLEM_TEXTS)) {
      expect(CHECK_CODES.format as readonly string[]).toContain(code);
      expect(text.message.length).toBeGreaterThan(10);
      expect(text.remedy.length).toBeGreaterThan(5);
    }
  });
});

describe("exactly one credential", () => {
  it("tells the kind, and names neither or both", () => {
    expect(credentialKind({ clientSecret: "s" })).toBe("secret");
    expect(credentialKind({ clientCertificate: {} })).toBe("certificate");
    expect(credentialKind({})).toBeUndefined();
    expect(credentialKind({ clientSecret: "s", clientCertificate: {} })).toBeUndefined();
    expect(codes(credentialProblems({}))).toEqual(["credential_missing"]);
    expect(codes(credentialProblems({ clientSecret: "", clientCertificate: {} }))).toEqual(["credential_conflict"]);
    expect(credentialProblems({ clientSecret: "" })).toEqual([]);
  });

  it("the type-only validation body takes either, and refuses unknown certificate keys and over-long fields", () => {
    const pem = `${CERT_BLOCK}\n${keyBlock("")}`;
    expect(validationRequestSchema.parse({ tenantId: "t", clientId: "c", clientCertificate: { pem } })).toEqual({
      tenantId: "t",
      clientId: "c",
      clientCertificate: { pem },
      cloud: "global",
    });
    // Neither: the type check lets it through, the format check says credential_missing.
    expect(validationRequestSchema.safeParse({ tenantId: "t", clientId: "c" }).success).toBe(true);
    const extra = validationRequestSchema.safeParse({ tenantId: "t", clientId: "c", clientCertificate: { key: "k" } });
    expect(extra.success).toBe(false);
    if (!extra.success) expect(problemsFromZodError(extra.error)[0]?.path).toBe("clientCertificate");
    for (const [field, max] of [
      ["pem", 65536],
      ["pfx", 131072],
      ["password", 1024],
    ] as const) {
      const ok = clientCertificateSchema.safeParse({ [field]: "A".repeat(max) });
      const long = clientCertificateSchema.safeParse({ [field]: "A".repeat(max + 1) });
      expect(ok.success).toBe(true);
      expect(long.success).toBe(false);
      if (!long.success) {
        const problem = problemsFromZodError(long.error)[0];
        expect(problem?.path).toBe(field);
        expect(problem?.message).toMatch(/^Certificate/);
      }
    }
  });

  it("the checked credentials refuse neither, both, and a certificate without a key, under the field's path", () => {
    const base = { tenantId: TENANT, clientId: CLIENT };
    const pem = `${CERT_BLOCK}\n${keyBlock("ENCRYPTED ")}`;
    expect(credentialsSchema.parse({ ...base, clientCertificate: { pem, password: "p" } })).toEqual({
      ...base,
      clientCertificate: { pem, password: "p" },
      cloud: "global",
    });
    const pathsAndCodes = (schema: typeof credentialsSchema | typeof m365CredentialsSchema, body: unknown) => {
      const r = schema.safeParse(body);
      return r.success ? [] : problemsFromZodError(r.error).map((p) => [p.path, p.code]);
    };
    for (const schema of [credentialsSchema, m365CredentialsSchema]) {
      expect(pathsAndCodes(schema, base)).toEqual([["clientSecret", "credential_missing"]]);
      expect(pathsAndCodes(schema, { ...base, clientSecret: "s".repeat(40), clientCertificate: { pem } })).toEqual([
        ["clientCertificate", "credential_conflict"],
      ]);
      expect(pathsAndCodes(schema, { ...base, clientCertificate: { pem: CERT_BLOCK } })).toEqual([
        ["clientCertificate", "certificate_no_key"],
      ]);
    }
  });

  it("POST /api/services takes a certificate in m365 and refuses neither or both", () => {
    const common = {
      customerId: "0b7d4a55-3a38-4d52-9d1b-0d1b5e9d3f11",
      shortName: "contoso",
      licenseType: "hosted-pro",
      licensedUsers: 5,
    };
    const pem = `${CERT_BLOCK}\n${keyBlock("")}`;
    const parsed = createServiceSchema.parse({
      ...common,
      m365: { tenantId: TENANT, clientId: CLIENT, clientCertificate: { pem } },
    });
    expect(parsed.m365).toEqual({ cloud: "global", tenantId: TENANT, clientId: CLIENT, clientCertificate: { pem } });
    const refused = (m365: Record<string, unknown>) => {
      const r = createServiceSchema.safeParse({ ...common, m365 });
      return r.success ? [] : problemsFromZodError(r.error).map((p) => [p.path, p.code]);
    };
    expect(refused({ tenantId: TENANT, clientId: CLIENT })).toEqual([["m365.clientSecret", "credential_missing"]]);
    expect(
      refused({ tenantId: TENANT, clientId: CLIENT, clientSecret: "s".repeat(40), clientCertificate: { pem } }),
    ).toEqual([["m365.clientCertificate", "credential_conflict"]]);
    expect(refused({ clientCertificate: { pem } })).toEqual([
      ["m365.tenantId", "required"],
      ["m365.clientId", "required"],
    ]);
    // An invitation with a certificate beside it is refused naming it.
    const withInvite = createServiceSchema.safeParse({
      ...common,
      invitationId: "0b7d4a55-3a38-4d52-9d1b-0d1b5e9d3f12",
      m365: { clientCertificate: { pem } },
    });
    expect(withInvite.success).toBe(false);
    if (!withInvite.success)
      expect(problemsFromZodError(withInvite.error)[0]?.message).toContain("m365.clientCertificate");
  });

  it("PUT /api/services/{id}/m365/secret takes {clientSecret} or {clientCertificate}", () => {
    const pem = `${CERT_BLOCK}\n${keyBlock("RSA ")}`;
    expect(replaceSecretSchema.parse({ clientCertificate: { pem } })).toEqual({ clientCertificate: { pem } });
    expect(replaceSecretSchema.parse({ clientSecret: "s".repeat(40) })).toEqual({ clientSecret: "s".repeat(40) });
    for (const [body, code] of [
      [{}, "credential_missing"],
      [{ clientSecret: "s".repeat(40), clientCertificate: { pem } }, "credential_conflict"],
      [{ clientCertificate: { pfx: "%%%" } }, "certificate_not_base64"],
    ] as const) {
      const r = replaceSecretSchema.safeParse(body);
      expect(r.success).toBe(false);
      if (!r.success) expect(problemsFromZodError(r.error).map((p) => p.code)).toEqual([code]);
    }
  });
});
