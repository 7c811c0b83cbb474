/**
 * The checks' certificate outcomes (docs/entra.md section 13): the expiry read from the app's keyCredentials by
 * thumbprint, and the token check's classification of Entra's client-assertion refusals.
 */
import { describe, expect, it } from "vitest";
import { classifyTokenError } from "../aadsts.catalogue.js";
import { readCertificate } from "../credentials/certificate.js";
import { makeCertificate, pemBundle } from "../emulator/emulator.certificates.js";
import { certificateExpiry } from "./certificate-expiry.js";

const DAY = 86_400_000;
const now = new Date();
const made = makeCertificate("contoso-dr", new Date(now.getTime() - DAY), new Date(now.getTime() + 200 * DAY));
const read = readCertificate({ pem: pemBundle(made) }, now);
if (!read.ok) throw new Error(read.code);
const cert = read.certificate;
const listed = (endDays: number, identifier = made.thumbprintSha1Base64) => ({
  keyCredentials: [
    {
      customKeyIdentifier: "AAAA",
      endDateTime: new Date(now.getTime() + 400 * DAY).toISOString(),
      keyId: "other",
    },
    {
      customKeyIdentifier: identifier,
      endDateTime: new Date(now.getTime() + endDays * DAY).toISOString(),
      keyId: "k1",
    },
  ],
});
const outcome = (json: unknown) => {
  const o = certificateExpiry(json, cert, now);
  return { status: `${o.result.status}${o.result.code ? `:${o.result.code}` : ""}`, facts: o.facts, result: o.result };
};

describe("certificate expiry from keyCredentials", () => {
  it("matches the keyCredential by the base64 SHA-1 thumbprint and reads its end date", () => {
    const o = outcome(listed(120));
    expect(o.status).toBe("pass");
    expect(o.facts?.secret).toMatchObject({ keyId: "k1", daysUntilExpire: 120 });
  });

  it("warns with certificate_expiring within 30 days and fails with certificate_key_expired once past", () => {
    expect(outcome(listed(12)).status).toBe("warn:certificate_expiring");
    expect(outcome(listed(12)).result.remedy).toContain("Replace secret");
    expect(outcome(listed(-2)).status).toBe("fail:certificate_key_expired");
  });

  it("warns with certificate_not_found when no keyCredential has the thumbprint, keeping the certificate's own date", () => {
    const o = outcome(listed(100, "bm90LWl0"));
    expect(o.status).toBe("warn:certificate_not_found");
    expect(o.result.message).toContain(cert.thumbprintSha1);
    expect(o.facts?.secret?.expiresAt).toBe(cert.notAfter.toISOString());
    expect(outcome({}).status).toBe("warn:certificate_not_found");
  });
});

describe("client-assertion refusals", () => {
  it("classify AADSTS700027 as certificate_not_registered and the assertion's other refusals as assertion_rejected", () => {
    expect(classifyTokenError({ status: 401, error: "invalid_client", aadsts: 700027 }).code).toBe(
      "certificate_not_registered",
    );
    for (const aadsts of [700024, 7000274, 7000214, 700021, 50027]) {
      const c = classifyTokenError({ status: 401, error: "invalid_client", aadsts });
      expect(c.code, String(aadsts)).toBe("assertion_rejected");
      expect(c.status).toBe("fail");
      expect(c.remedy.length).toBeGreaterThan(10);
    }
  });
});
