/**
 * Consistency of the check ids and codes (docs/product.md section 3) with the input rules (section 2).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CHECK_CODES,
  CHECK_IDS,
  CHECK_STATUSES,
  DEFAULT_REQUIRED_PERMISSIONS,
  EXPIRY_WARNING_DAYS,
  NETWORK_CODES,
  SKIPPED_CODE,
} from "./checks.js";
import { clientSecretProblems, clientSecretWarnings, parseClientId, parseTenantId } from "./inputs.schema.js";

const formatCodes: readonly string[] = CHECK_CODES.format;
/** One character of any kind (printable ASCII, any UTF-16 code unit, any astral code point). */
const anyUnit = fc.oneof(
  { arbitrary: fc.string({ minLength: 1, maxLength: 1 }), weight: 3 },
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
);

describe("check ids and codes", () => {
  it("lists every check once, format first, with a code list per check", () => {
    expect(new Set(CHECK_IDS).size).toBe(CHECK_IDS.length);
    expect(CHECK_IDS[0]).toBe("format");
    expect(Object.keys(CHECK_CODES).sort()).toEqual([...CHECK_IDS].sort());
    expect(new Set(CHECK_STATUSES).size).toBe(CHECK_STATUSES.length);
  });

  it("gives each code one check (network codes aside) and keeps the skipped code apart", () => {
    const seen = new Map<string, string>();
    for (const id of CHECK_IDS) {
      for (const code of CHECK_CODES[id]) {
        if (!(NETWORK_CODES as readonly string[]).includes(code)) {
          expect(seen.get(code), `${code} in ${id} and ${seen.get(code)}`).toBeUndefined();
        }
        seen.set(code, id);
        expect(code).toMatch(/^[a-z][a-z0-9_]*$/);
      }
    }
    expect(seen.has(SKIPPED_CODE)).toBe(false);
    expect(EXPIRY_WARNING_DAYS).toBeGreaterThan(0);
    expect(DEFAULT_REQUIRED_PERMISSIONS.length).toBeGreaterThan(0);
  });

  it("declares, as format codes, every code the credential input rules can produce", () => {
    const produced = new Set<string>();
    const input = fc.oneof(
      fc.string({ unit: anyUnit, maxLength: 40 }),
      fc.tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.nat(20)).map(([s, n]) => s.repeat(1025 + n)),
      fc.uuid(),
      fc.constantFrom("", " x", "common", "contoso.onmicrosoft.com"),
    );
    fc.assert(
      fc.property(input, (value) => {
        const tenant = parseTenantId(value);
        const client = parseClientId(value);
        const codes = [
          ...(tenant.ok ? [] : [tenant.problem.code]),
          ...(client.ok ? [] : [client.problem.code]),
          ...clientSecretProblems(value).map((p) => p.code),
          ...clientSecretWarnings(value).map((p) => p.code),
        ];
        for (const code of codes) {
          if (!formatCodes.includes(code)) throw new Error(`${code} is not a format code`);
          produced.add(code);
        }
      }),
      { numRuns: 500 },
    );
    // The generator reached every refusal of the three fields, and the GUID-shaped secret's warning.
    expect([...produced].sort()).toEqual([
      "invalid_client_id",
      "invalid_tenant_format",
      "secret_id_not_value",
      "secret_missing",
      "secret_too_long",
      "secret_whitespace",
    ]);
  });
});
