/** Redaction of credentials (docs/api.md, "Credentials"): a certificate's PEM, PFX, password and key never pass. */
import { describe, expect, it } from "vitest";
import { redactDeep, redactText } from "./redact.js";

describe("redactDeep", () => {
  it("drops the fields that can carry a secret or a certificate's key, and replaces known secrets in strings", () => {
    const key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
    const value = {
      clientSecret: "s3cret-value",
      clientCertificate: { pem: key, pfx: "AAAA", password: "pw-1234" },
      nested: { privateKey: key, client_assertion: "eyJ.x.y", pem: key, pfx: "MIIK", password: "pw-1234" },
      message: `failed with ${key} and pw-1234`,
      kept: "thumbprint ABCDEF",
    };
    const out = redactDeep(value, [key, "pw-1234"]);
    expect(out).toEqual({ nested: {}, message: "failed with [redacted] and [redacted]", kept: "thumbprint ABCDEF" });
    expect(JSON.stringify(out)).not.toContain("MIIEvQ");
    expect(redactText("abc", ["abc"])).toBe("abc");
  });
});
