/**
 * Property-based and example tests of the input rules (docs/product.md section 2).
 * Oracles are written from the product text, not copied from the implementation.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  CLOUDS,
  clientIdSchema,
  clientSecretProblems,
  clientSecretSchema,
  clientSecretWarnings,
  cloudSchema,
  credentialsSchema,
  fullNameSchema,
  isGuid,
  LICENSE_TYPES,
  licensedUsersSchema,
  licenseTypeSchema,
  normaliseShortName,
  parseClientId,
  parseTenantId,
  problemsFromZodError,
  shortNameProblems,
  shortNameSchema,
  tenantIdSchema,
  validationRequestSchema,
} from "./inputs.schema.js";

// ---------------------------------------------------------------------------------------------------------------
// Helpers and arbitraries
// ---------------------------------------------------------------------------------------------------------------

/** Problems of a failed parse (empty on success), as the API would report them. */
function problemsOf(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  return result.success ? [] : problemsFromZodError(result.error);
}

/** Codes of a failed parse (empty on success). */
function codesOf(schema: z.ZodType, value: unknown): string[] {
  return problemsOf(schema, value).map((p) => p.code);
}

/** Inserts `piece` into `base` at a position chosen by `at` (any natural number). */
function insertAt(base: string, at: number, piece: string): string {
  const i = at % (base.length + 1);
  return base.slice(0, i) + piece + base.slice(i);
}

const FORBIDDEN = ["\\", "/", ":", "*", "?", '"', "<", ">", "|"];
/** Printable ASCII 0x21-0x7E without the forbidden characters and without the dot. */
const SHORT_NAME_CHARS = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).filter(
  (c) => c !== "." && !FORBIDDEN.includes(c),
);
const shortNameChar = fc.constantFrom(...SHORT_NAME_CHARS);
const notAudit = (s: string) => s.toLowerCase() !== "audit";
/** Acceptable short names. */
const validShortName = fc.string({ unit: shortNameChar, minLength: 3, maxLength: 15 }).filter(notAudit);
/** Acceptable short names that stay within 15 characters after one more character is inserted. */
const roomyShortName = fc.string({ unit: shortNameChar, minLength: 3, maxLength: 14 }).filter(notAudit);
/** Whitespace as JavaScript's String.prototype.trim and \s know it (includes NBSP, BOM, line separators). */
const WHITESPACE = [
  " ",
  "\t",
  "\n",
  "\r",
  "\v",
  "\f",
  "\u00a0",
  "\u1680",
  "\u2000",
  "\u2003",
  "\u200a",
  "\u2028",
  "\u2029",
  "\u202f",
  "\u205f",
  "\u3000",
  "\ufeff",
];
const whitespaceChar = fc.constantFrom(...WHITESPACE);
/** A single character outside printable ASCII that is not whitespace: controls, DEL, any other code point. */
const nonAsciiChar = fc
  .oneof(
    fc.integer({ min: 0x00, max: 0x1f }),
    fc.constant(0x7f),
    fc.integer({ min: 0x80, max: 0xffff }),
    fc.integer({ min: 0x10000, max: 0x10ffff }),
  )
  .map((cp) => (cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp)))
  .filter((c) => !WHITESPACE.includes(c) && !/\s/.test(c));

const HEX = "0123456789abcdefABCDEF".split("");
const hex = (n: number) => fc.string({ unit: fc.constantFrom(...HEX), minLength: n, maxLength: n });
/** Any 8-4-4-4-12 hex string in any case (not only RFC 4122 variants). */
const anyGuid = fc.oneof(
  fc.mixedCase(fc.uuid()),
  fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((parts) => parts.join("-")),
);
/** Test-local oracle: 8-4-4-4-12 hex shape, anchored. */
const GUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Test-local oracle: a GUID anywhere in the text. */
const GUID_INSIDE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const dnsLabel = fc.mixedCase(fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/));
const tld = fc.mixedCase(fc.stringMatching(/^[a-z]{2,8}$/));

/** Characters a typical secret Value is made of (Entra secrets: 40 characters of this alphabet). */
const SECRET_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789~._-".split("");
const realisticSecret = fc
  .string({ unit: fc.constantFrom(...SECRET_CHARS), minLength: 40, maxLength: 40 })
  .filter((s) => !GUID_SHAPE.test(s));

/**
 * One character of any kind: mostly printable ASCII, else any UTF-16 code unit (controls, lone surrogates) or any
 * astral code point. (fast-check's "binary" unit costs over a second to build, hence this cheaper equivalent.)
 */
const anyUnit = fc.oneof(
  { arbitrary: fc.string({ minLength: 1, maxLength: 1 }), weight: 3 },
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
);
/** Any string, including lone surrogates and control characters. */
const anyString = fc.string({ unit: anyUnit, maxLength: 64 });

const RUNS = { numRuns: 1000 };
const FEW_RUNS = { numRuns: 300 };

// ---------------------------------------------------------------------------------------------------------------
// Short name
// ---------------------------------------------------------------------------------------------------------------

describe("short name", () => {
  it("accepts every 3..15 printable ASCII string without forbidden characters, dot or the reserved word", () => {
    fc.assert(
      fc.property(validShortName, (name) => {
        expect(shortNameProblems(name)).toEqual([]);
        const result = shortNameSchema.safeParse(name);
        expect(result.success).toBe(true);
        expect(result.data).toBe(name);
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses one forbidden character anywhere with forbidden_character, naming the field and the character", () => {
    fc.assert(
      fc.property(roomyShortName, fc.nat(), fc.constantFrom(...FORBIDDEN), (base, at, bad) => {
        const name = insertAt(base, at, bad);
        const problems = problemsOf(shortNameSchema, name);
        expect(problems.map((p) => p.code)).toEqual(["forbidden_character"]);
        expect(problems[0]?.message).toMatch(/^Short name/);
        expect(problems[0]?.message).toContain(bad);
        expect(shortNameProblems(name).map((p) => p.code)).toEqual(["forbidden_character"]);
      }),
      RUNS,
    );
  });

  it("refuses a dot with dot", () => {
    fc.assert(
      fc.property(roomyShortName, fc.nat(), (base, at) => {
        const name = insertAt(base, at, ".");
        const problems = problemsOf(shortNameSchema, name);
        expect(problems.map((p) => p.code)).toEqual(["dot"]);
        expect(problems[0]?.message).toMatch(/^Short name/);
      }),
      RUNS,
    );
  });

  it("refuses whitespace (space, tab, line breaks, NBSP, other Unicode spaces) with whitespace", () => {
    fc.assert(
      fc.property(roomyShortName, fc.nat(), whitespaceChar, (base, at, ws) => {
        const name = insertAt(base, at, ws);
        const problems = problemsOf(shortNameSchema, name);
        expect(problems.map((p) => p.code)).toEqual(["whitespace"]);
        expect(problems[0]?.message).toMatch(/^Short name/);
      }),
      RUNS,
    );
  });

  it("refuses characters outside printable ASCII (controls, DEL, accents, emoji, lone surrogates) with not_ascii", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: shortNameChar, minLength: 3, maxLength: 13 }).filter(notAudit),
        fc.nat(),
        nonAsciiChar,
        (base, at, odd) => {
          const name = insertAt(base, at, odd);
          const problems = problemsOf(shortNameSchema, name);
          expect(problems.map((p) => p.code)).toEqual(["not_ascii"]);
          expect(problems[0]?.message).toMatch(/^Short name/);
        },
      ),
      RUNS,
    );
  });

  it("refuses 1 or 2 characters with too_short and the empty string with required", () => {
    fc.assert(
      fc.property(fc.string({ unit: shortNameChar, minLength: 1, maxLength: 2 }), (name) => {
        const problems = problemsOf(shortNameSchema, name);
        expect(problems.map((p) => p.code)).toEqual(["too_short"]);
        expect(problems[0]?.message).toMatch(/^Short name/);
      }),
      FEW_RUNS,
    );
    const empty = problemsOf(shortNameSchema, "");
    expect(empty.map((p) => p.code)).toEqual(["required"]);
    expect(empty[0]?.message).toMatch(/^Short name/);
  });

  it("refuses more than 15 characters with too_long", () => {
    fc.assert(
      fc.property(fc.string({ unit: shortNameChar, minLength: 16, maxLength: 80 }), (name) => {
        const problems = problemsOf(shortNameSchema, name);
        expect(problems.map((p) => p.code)).toEqual(["too_long"]);
        expect(problems[0]?.message).toMatch(/^Short name/);
      }),
      FEW_RUNS,
    );
  });

  it("accepts exactly 3 and exactly 15 characters", () => {
    expect(codesOf(shortNameSchema, "abc")).toEqual([]);
    expect(codesOf(shortNameSchema, "a".repeat(15))).toEqual([]);
    expect(codesOf(shortNameSchema, "a".repeat(16))).toEqual(["too_long"]);
  });

  it("refuses the reserved word audit in any case with reserved_word", () => {
    fc.assert(
      fc.property(fc.mixedCase(fc.constant("audit")), (name) => {
        const problems = problemsOf(shortNameSchema, name);
        expect(problems.map((p) => p.code)).toEqual(["reserved_word"]);
        expect(problems[0]?.message).toMatch(/^Short name/);
      }),
      { numRuns: 200 },
    );
    // Only the whole word is reserved.
    expect(codesOf(shortNameSchema, "audit1")).toEqual([]);
    expect(codesOf(shortNameSchema, "xaudit")).toEqual([]);
  });

  it("reports every broken rule at once (e.g. forbidden character, dot and whitespace together)", () => {
    expect(new Set(codesOf(shortNameSchema, "a b.c/d"))).toEqual(new Set(["whitespace", "dot", "forbidden_character"]));
    expect(new Set(codesOf(shortNameSchema, "é"))).toEqual(new Set(["too_short", "not_ascii"]));
  });

  it("schema and helper agree on every string; every refusal names the field", () => {
    fc.assert(
      fc.property(fc.oneof(anyString, fc.string({ unit: "grapheme", maxLength: 20 })), (value) => {
        const helper = shortNameProblems(value);
        const schema = problemsOf(shortNameSchema, value);
        expect(schema.map((p) => p.code)).toEqual(helper.map((p) => p.code));
        expect(schema.length === 0).toBe(shortNameSchema.safeParse(value).success);
        for (const p of schema) expect(p.message).toMatch(/^Short name: /);
      }),
      RUNS,
    );
  });

  it("normalises for uniqueness case-insensitively", () => {
    fc.assert(
      fc.property(validShortName, fc.mixedCase(validShortName), (a, b) => {
        expect(normaliseShortName(a)).toBe(normaliseShortName(a.toUpperCase()));
        expect(normaliseShortName(b)).toBe(b.toLowerCase());
      }),
      FEW_RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Tenant ID
// ---------------------------------------------------------------------------------------------------------------

describe("tenant ID", () => {
  it("parses any GUID, in any case and with surrounding whitespace, to its lower-case form", () => {
    fc.assert(
      fc.property(
        anyGuid,
        fc.string({ unit: whitespaceChar, maxLength: 3 }),
        fc.string({ unit: whitespaceChar, maxLength: 3 }),
        (guid, before, after) => {
          expect(parseTenantId(before + guid + after)).toEqual({ ok: true, value: guid.toLowerCase(), kind: "guid" });
          const result = tenantIdSchema.safeParse(before + guid + after);
          expect(result.success).toBe(true);
          expect(result.data).toBe(guid.toLowerCase());
        },
      ),
      RUNS,
    );
  });

  it("yields the GUID of a pasted portal or login URL", () => {
    const url = fc.oneof(
      anyGuid.map((g) => ({ g, u: `https://portal.azure.com/#view/Microsoft_AAD_IAM/TenantOverview/tenantId/${g}/x` })),
      anyGuid.map((g) => ({ g, u: `https://login.microsoftonline.com/${g}/oauth2/v2.0/token` })),
      anyGuid.map((g) => ({ g, u: `https://login.microsoftonline.us/${g}/v2.0/.well-known/openid-configuration` })),
      anyGuid.map((g) => ({ g, u: `https://entra.microsoft.com/?tenant=${g}#home` })),
      // Generic text around the GUID: no hex digits before it, a slash on each side (so it is no DNS name).
      fc
        .tuple(
          fc.string({ unit: fc.constantFrom(..."ghijklmnopqrstuvwxyz:/#?=&%.-_ GHIJKLMNOPQRSTUVWXYZ".split("")) }),
          anyGuid,
          fc.string({ maxLength: 40 }),
        )
        .map(([pre, g, post]) => ({ g, u: `${pre}/${g}/${post}` })),
    );
    fc.assert(
      fc.property(url, ({ g, u }) => {
        const parsed = parseTenantId(u);
        expect(parsed).toEqual({ ok: true, value: g.toLowerCase(), kind: "guid" });
        expect(tenantIdSchema.parse(u)).toBe(g.toLowerCase());
      }),
      RUNS,
    );
  });

  it("parses tenant DNS names (e.g. <label>.onmicrosoft.com) as lower-case domains", () => {
    const domain = fc.oneof(
      dnsLabel.map((l) => `${l}.onmicrosoft.com`),
      dnsLabel.map((l) => `${l}.OnMicrosoft.COM`),
      fc.tuple(fc.array(dnsLabel, { minLength: 1, maxLength: 4 }), tld).map(([ls, t]) => `${ls.join(".")}.${t}`),
    );
    fc.assert(
      fc.property(domain, (d) => {
        expect(parseTenantId(d)).toEqual({ ok: true, value: d.toLowerCase(), kind: "domain" });
        expect(tenantIdSchema.parse(` ${d} `)).toBe(d.toLowerCase());
      }),
      RUNS,
    );
  });

  it("refuses common, organizations and consumers in any case with invalid_tenant_format", () => {
    fc.assert(
      fc.property(
        fc.mixedCase(fc.constantFrom("common", "organizations", "consumers")),
        fc.string({ unit: whitespaceChar, maxLength: 2 }),
        (word, ws) => {
          const parsed = parseTenantId(ws + word + ws);
          expect(parsed.ok).toBe(false);
          if (!parsed.ok) {
            expect(parsed.problem.code).toBe("invalid_tenant_format");
            expect(parsed.problem.message).toMatch(/^Tenant ID: /);
          }
          expect(codesOf(tenantIdSchema, word)).toEqual(["invalid_tenant_format"]);
        },
      ),
      FEW_RUNS,
    );
  });

  it("refuses text with no GUID that is not a DNS name, with invalid_tenant_format, without throwing", () => {
    // A character no DNS name contains, somewhere inside the trimmed text.
    const nonDnsChar = fc.oneof(
      fc.constantFrom(..."/:@#?=&%+_!*,;'\"()[]{}<>|\\ ~`$^".split("")),
      nonAsciiChar.filter((c) => c.trim() === c),
    );
    const noGuidNoDns = fc
      .tuple(anyString, nonDnsChar, anyString)
      .map(([a, c, b]) => `x${a}${c}${b}x`)
      .filter((s) => !GUID_INSIDE.test(s));
    // Single labels (no dot) and names with a numeric or empty label are no tenant domain either.
    const oneLabel = fc.mixedCase(fc.stringMatching(/^[a-z0-9-]{1,30}$/)).filter((s) => !GUID_INSIDE.test(s));
    const badDomain = fc.oneof(
      dnsLabel.map((l) => `${l}.`),
      dnsLabel.map((l) => `${l}..com`),
      dnsLabel.map((l) => `-${l}.com`),
      dnsLabel.map((l) => `${l}.c`),
      dnsLabel.map((l) => `${l}.123`),
    );
    fc.assert(
      fc.property(fc.oneof(noGuidNoDns, oneLabel, badDomain, fc.string({ unit: whitespaceChar })), (value) => {
        const parsed = parseTenantId(value);
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) {
          expect(parsed.problem.code).toBe("invalid_tenant_format");
          expect(parsed.problem.message).toMatch(/^Tenant ID: /);
        }
        const problems = problemsOf(tenantIdSchema, value);
        expect(problems.map((p) => p.code)).toEqual(["invalid_tenant_format"]);
      }),
      { numRuns: 1500 },
    );
  });

  it("never throws and returns a lower-case GUID or domain, or a named problem, for any text", () => {
    fc.assert(
      fc.property(fc.oneof(anyString, fc.string({ unit: "grapheme", maxLength: 60 })), (value) => {
        const parsed = parseTenantId(value);
        if (parsed.ok) {
          expect(parsed.value).toBe(parsed.value.toLowerCase());
          if (parsed.kind === "guid") expect(parsed.value).toMatch(GUID_SHAPE);
          expect(["common", "organizations", "consumers"]).not.toContain(parsed.value);
        } else {
          expect(parsed.problem.code).toBe("invalid_tenant_format");
          expect(parsed.problem.message).toMatch(/^Tenant ID: /);
        }
      }),
      RUNS,
    );
  });

  it("answers quickly on long, regex-hostile input", () => {
    const start = performance.now();
    for (const s of ["a-".repeat(50_000), "a.".repeat(50_000), `${"a".repeat(100_000)}!`, "0".repeat(100_000)]) {
      expect(parseTenantId(s).ok).toBe(false);
      expect(parseClientId(s).ok).toBe(false);
    }
    expect(performance.now() - start).toBeLessThan(1000);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Application (client) ID
// ---------------------------------------------------------------------------------------------------------------

describe("client ID", () => {
  it("accepts any GUID in any case, lower-cased", () => {
    fc.assert(
      fc.property(anyGuid, (guid) => {
        expect(parseClientId(guid)).toEqual({ ok: true, value: guid.toLowerCase() });
        expect(clientIdSchema.parse(guid)).toBe(guid.toLowerCase());
        expect(isGuid(guid)).toBe(true);
      }),
      RUNS,
    );
  });

  it("refuses any string that is not a GUID with invalid_client_id", () => {
    const nearGuid = fc.oneof(
      anyGuid.map((g) => `{${g}}`),
      anyGuid.map((g) => g.replace(/-/g, "")),
      anyGuid.map((g) => g.slice(1)),
      anyGuid.map((g) => `${g}0`),
      fc.tuple(anyGuid, fc.nat(35), fc.constantFrom(..."ghxyz_!G ".split(""))).map(([g, i, ch]) => {
        const at = g[i] === "-" ? i + 1 : i;
        return `${g.slice(0, at)}${ch}${g.slice(at + 1)}`;
      }),
      anyGuid.map((g) => `https://portal.azure.com/#view/appId/${g}`),
    );
    fc.assert(
      fc.property(fc.oneof(anyString, nearGuid), (value) => {
        fc.pre(!GUID_SHAPE.test(value.trim()));
        const parsed = parseClientId(value);
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) {
          expect(parsed.problem.code).toBe("invalid_client_id");
          expect(parsed.problem.message).toMatch(/^Application \(client\) ID: /);
        }
        expect(codesOf(clientIdSchema, value)).toEqual(["invalid_client_id"]);
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Client secret
// ---------------------------------------------------------------------------------------------------------------

describe("client secret", () => {
  it("accepts any GUID (a legacy az CLI/PowerShell secret, or the Secret ID) with the secret_id_not_value warning", () => {
    fc.assert(
      fc.property(anyGuid, (guid) => {
        expect(clientSecretProblems(guid)).toEqual([]);
        expect(codesOf(clientSecretSchema, guid)).toEqual([]);
        expect(clientSecretWarnings(guid).map((p) => p.code)).toEqual(["secret_id_not_value"]);
        expect(clientSecretWarnings(` ${guid}`)).toEqual([]);
      }),
      RUNS,
    );
    expect(clientSecretWarnings("abc8Q~aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")).toEqual([]);
  });

  it("refuses leading or trailing whitespace with secret_whitespace", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 100 }),
        fc.string({ unit: whitespaceChar, minLength: 1, maxLength: 3 }),
        fc.constantFrom("lead", "trail", "both"),
        (core, ws, where) => {
          const value = where === "lead" ? ws + core : where === "trail" ? core + ws : ws + core + ws;
          expect(codesOf(clientSecretSchema, value)).toEqual(["secret_whitespace"]);
        },
      ),
      RUNS,
    );
  });

  it("refuses the empty string with secret_missing and more than 1024 characters with secret_too_long", () => {
    expect(codesOf(clientSecretSchema, "")).toEqual(["secret_missing"]);
    fc.assert(
      fc.property(fc.string({ minLength: 1025, maxLength: 1200 }), (value) => {
        expect(codesOf(clientSecretSchema, value)).toEqual(["secret_too_long"]);
      }),
      { numRuns: 100 },
    );
    expect(codesOf(clientSecretSchema, "a".repeat(1024))).toEqual([]);
    expect(codesOf(clientSecretSchema, "a".repeat(1025))).toEqual(["secret_too_long"]);
  });

  it("accepts realistic secret values unchanged", () => {
    fc.assert(
      fc.property(realisticSecret, (secret) => {
        expect(clientSecretProblems(secret)).toEqual([]);
        expect(clientSecretSchema.parse(secret)).toBe(secret);
      }),
      RUNS,
    );
  });

  it("never echoes the secret in a message, and each code has one fixed message", () => {
    const messageByCode = new Map<string, string>();
    const secretish = fc.oneof(
      fc.string({ minLength: 8, maxLength: 200 }),
      fc.string({ unit: anyUnit, minLength: 8, maxLength: 200 }),
      fc.string({ minLength: 1025, maxLength: 1100 }),
      anyGuid,
      fc.tuple(realisticSecret, fc.string({ unit: whitespaceChar, minLength: 1, maxLength: 2 })).map(([s, w]) => s + w),
      fc.tuple(realisticSecret, fc.string({ unit: whitespaceChar, minLength: 1, maxLength: 2 })).map(([s, w]) => w + s),
    );
    fc.assert(
      fc.property(secretish, (secret) => {
        for (const p of problemsOf(clientSecretSchema, secret)) {
          expect(p.message).toMatch(/^Client secret: /);
          expect(p.message.includes(secret)).toBe(false);
          const trimmed = secret.trim();
          if (trimmed.length >= 8) expect(p.message.includes(trimmed)).toBe(false);
          const known = messageByCode.get(p.code);
          if (known === undefined) messageByCode.set(p.code, p.message);
          else expect(p.message).toBe(known);
        }
      }),
      RUNS,
    );
  });

  it("never throws on any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: anyUnit, maxLength: 1100 }), (value) => {
        const problems = clientSecretProblems(value);
        expect(problems.length).toBeLessThanOrEqual(1);
      }),
      FEW_RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Licensed users, licence type, cloud, full name
// ---------------------------------------------------------------------------------------------------------------

describe("licensed users", () => {
  it("accepts every integer 1..500", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), (n) => {
        expect(licensedUsersSchema.parse(n)).toBe(n);
      }),
      { numRuns: 500 },
    );
  });

  it("refuses 0, negatives, more than 500, fractions, NaN, infinities and non-numbers, naming the field", () => {
    const bad = fc.oneof(
      fc.integer({ max: 0 }),
      fc.integer({ min: 501 }),
      fc.constantFrom(0, -0, 501, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5, 499.999),
      fc.double({ noNaN: false }).filter((d) => !(Number.isInteger(d) && d >= 1 && d <= 500)),
      fc.integer({ min: 1, max: 500 }).map(String),
      fc.anything().filter((v) => typeof v !== "number"),
    );
    fc.assert(
      fc.property(bad, (value) => {
        const problems = problemsOf(licensedUsersSchema, value);
        expect(problems.length).toBeGreaterThan(0);
        for (const p of problems) expect(p.message).toMatch(/^Licensed users: /);
      }),
      RUNS,
    );
  });
});

describe("licence type", () => {
  it("accepts exactly the two licence types", () => {
    for (const t of ["hosted-essentials-plus", "hosted-pro"]) expect(licenseTypeSchema.parse(t)).toBe(t);
    expect(LICENSE_TYPES).toEqual(["hosted-essentials-plus", "hosted-pro"]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc
            .mixedCase(fc.constantFrom(...LICENSE_TYPES))
            .filter((s) => !(LICENSE_TYPES as readonly string[]).includes(s)),
          fc.constantFrom(...LICENSE_TYPES).map((s) => ` ${s}`),
          fc.anything().filter((v) => typeof v !== "string"),
        ),
        (value) => {
          fc.pre(!(LICENSE_TYPES as readonly unknown[]).includes(value));
          const problems = problemsOf(licenseTypeSchema, value);
          expect(problems.length).toBeGreaterThan(0);
          for (const p of problems) expect(p.message).toMatch(/^Licence type: /);
        },
      ),
      FEW_RUNS,
    );
  });
});

describe("cloud", () => {
  it("defaults to global, accepts the four clouds, refuses anything else naming the field", () => {
    expect(cloudSchema.parse(undefined)).toBe("global");
    for (const c of ["global", "usgov-gcchigh", "usgov-dod", "china"]) expect(cloudSchema.parse(c)).toBe(c);
    expect(CLOUDS).toEqual(["global", "usgov-gcchigh", "usgov-dod", "china"]);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.mixedCase(fc.constantFrom(...CLOUDS)), fc.anything()), (value) => {
        fc.pre(value !== undefined && !(CLOUDS as readonly unknown[]).includes(value));
        const problems = problemsOf(cloudSchema, value);
        expect(problems.length).toBeGreaterThan(0);
        for (const p of problems) expect(p.message).toMatch(/^Cloud: /);
      }),
      FEW_RUNS,
    );
  });
});

describe("full name", () => {
  it("accepts up to 64 characters and refuses more, naming the field", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), (name) => {
        expect(fullNameSchema.parse(name)).toBe(name);
      }),
      FEW_RUNS,
    );
    fc.assert(
      fc.property(fc.string({ minLength: 65, maxLength: 200 }), (name) => {
        const problems = problemsOf(fullNameSchema, name);
        expect(problems.length).toBe(1);
        expect(problems[0]?.message).toMatch(/^Full name: /);
      }),
      { numRuns: 100 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Request bodies
// ---------------------------------------------------------------------------------------------------------------

const CREDENTIAL_FIELDS = ["tenantId", "clientId", "clientSecret"] as const;
const validBody = fc.record(
  {
    tenantId: fc.string({ maxLength: 80 }),
    clientId: fc.string({ maxLength: 80 }),
    clientSecret: fc.string({ maxLength: 80 }),
    cloud: fc.constantFrom(...CLOUDS),
  },
  { requiredKeys: ["tenantId", "clientId", "clientSecret"] },
);

describe("validation request body", () => {
  it("accepts any strings in the three credential fields (rules run later as the format check); cloud defaults", () => {
    fc.assert(
      fc.property(validBody, (body) => {
        const result = validationRequestSchema.safeParse(body);
        expect(result.success).toBe(true);
        expect(result.data).toEqual({ ...body, cloud: body.cloud ?? "global" });
      }),
      FEW_RUNS,
    );
  });

  it("refuses unknown keys, naming each of them in the message", () => {
    const extraKey = fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((k) => !Object.hasOwn(validationRequestSchema.shape, k));
    fc.assert(
      fc.property(
        validBody,
        fc.uniqueArray(extraKey, { minLength: 1, maxLength: 4 }),
        fc.anything(),
        (body, keys, v) => {
          const withExtra = Object.fromEntries([...Object.entries(body), ...keys.map((k) => [k, v])]);
          const problems = problemsOf(validationRequestSchema, withExtra);
          const unknown = problems.filter((p) => p.code === "unrecognized_keys");
          expect(unknown.length).toBe(1);
          for (const k of keys) expect(unknown[0]?.message).toContain(k);
        },
      ),
      FEW_RUNS,
    );
  });

  it("refuses a missing or non-string credential field with a path and a message naming the field", () => {
    fc.assert(
      fc.property(
        validBody,
        fc.constantFrom(...CREDENTIAL_FIELDS),
        fc.anything().filter((v) => typeof v !== "string"),
        (body, field, v) => {
          const broken: Record<string, unknown> = { ...body, [field]: v };
          if (v === undefined) delete broken[field];
          const problems = problemsOf(validationRequestSchema, broken);
          // clientSecret may be left out (a certificate in its place): the format check reports credential_missing.
          if (v === undefined && field === "clientSecret") {
            expect(problems).toEqual([]);
            return;
          }
          expect(problems.map((p) => p.code)).toContain("invalid_type");
          // zod also runs the length check on a non-string with a `length` property: still this field's problem.
          for (const p of problems) {
            expect(p.path).toBe(field);
            expect(p.message).toContain(field);
          }
        },
      ),
      RUNS,
    );
  });

  it("refuses a non-string cloud with path cloud", () => {
    fc.assert(
      fc.property(
        validBody,
        fc.anything().filter((v) => v !== undefined && typeof v !== "string"),
        (body, v) => {
          const problems = problemsOf(validationRequestSchema, { ...body, cloud: v });
          expect(problems.map((p) => p.path)).toEqual(["cloud"]);
          expect(problems[0]?.message).toMatch(/^Cloud: /);
        },
      ),
      FEW_RUNS,
    );
  });

  it("refuses an over-long credential field naming the field", () => {
    for (const [field, max] of [
      ["tenantId", 2048],
      ["clientId", 2048],
      ["clientSecret", 4096],
    ] as const) {
      const body = { tenantId: "t", clientId: "c", clientSecret: "s", [field]: "x".repeat(max + 1) };
      const problems = problemsOf(validationRequestSchema, body);
      expect(problems.map((p) => p.path)).toEqual([field]);
      expect(problems[0]?.message).toContain(field);
      expect(problems[0]?.message).toContain(String(max));
      expect(codesOf(validationRequestSchema, { ...body, [field]: "x".repeat(max) })).toEqual([]);
    }
  });
});

describe("credentials with every rule applied", () => {
  it("normalises valid credentials", () => {
    fc.assert(
      fc.property(anyGuid, anyGuid, realisticSecret, fc.constantFrom(...CLOUDS), (t, c, s, cloud) => {
        expect(credentialsSchema.parse({ tenantId: t, clientId: c, clientSecret: s, cloud })).toEqual({
          tenantId: t.toLowerCase(),
          clientId: c.toLowerCase(),
          clientSecret: s,
          cloud,
        });
      }),
      FEW_RUNS,
    );
  });

  it("reports each broken field under its own path with its code", () => {
    const problems = problemsOf(credentialsSchema, {
      tenantId: "common",
      clientId: "nope",
      clientSecret: "72f988bf-86f1-41af-91ab-2d7cd011db47",
      cloud: "mars",
    });
    // A GUID-shaped secret is only warned about (clientSecretWarnings), never refused.
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ["tenantId", "invalid_tenant_format"],
      ["clientId", "invalid_client_id"],
      ["cloud", "invalid_value"],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Robustness: no schema or helper throws, whatever it is given
// ---------------------------------------------------------------------------------------------------------------

describe("robustness", () => {
  const schemas = {
    shortNameSchema,
    fullNameSchema,
    licenseTypeSchema,
    licensedUsersSchema,
    tenantIdSchema,
    clientIdSchema,
    clientSecretSchema,
    cloudSchema,
    validationRequestSchema,
    credentialsSchema,
  } satisfies Record<string, z.ZodType>;

  it("no schema throws on any value, and every failure converts to problems with a code and a message", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true }),
          anyString,
          fc.record({ tenantId: fc.anything(), clientId: fc.anything(), clientSecret: fc.anything() }),
        ),
        (value) => {
          for (const schema of Object.values(schemas)) {
            const result = schema.safeParse(value);
            if (!result.success) {
              for (const p of problemsFromZodError(result.error)) {
                expect(typeof p.code).toBe("string");
                expect(p.code.length).toBeGreaterThan(0);
                expect(p.message.length).toBeGreaterThan(0);
                expect(typeof p.path).toBe("string");
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("every refusal of a field schema names its field, whatever the value", () => {
    const labelled: [z.ZodType, RegExp][] = [
      [shortNameSchema, /^Short name: /],
      [fullNameSchema, /^Full name: /],
      [licenseTypeSchema, /^Licence type: /],
      [licensedUsersSchema, /^Licensed users: /],
      [tenantIdSchema, /^Tenant ID: /],
      [clientIdSchema, /^Application \(client\) ID: /],
      [clientSecretSchema, /^Client secret: /],
      [cloudSchema, /^Cloud: /],
    ];
    fc.assert(
      fc.property(fc.oneof(fc.anything(), anyString), (value) => {
        for (const [schema, label] of labelled) {
          for (const p of problemsOf(schema, value)) expect(p.message).toMatch(label);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("no string helper throws on any string", () => {
    fc.assert(
      fc.property(fc.oneof(anyString, fc.string({ unit: "grapheme", maxLength: 40 })), (value) => {
        shortNameProblems(value);
        parseTenantId(value);
        parseClientId(value);
        clientSecretProblems(value);
        isGuid(value);
        normaliseShortName(value);
      }),
      RUNS,
    );
  });
});
