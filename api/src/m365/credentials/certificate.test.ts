/**
 * Reading a certificate credential (docs/entra.md section 13): PEM (plain or encrypted key, in any order, with a
 * chain), PFX with its password (node-forge's and OpenSSL's), and each refusal with its contract code.
 */
import { execFileSync } from "node:child_process";
import { createHash, createPrivateKey, generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeCertificate, pemBundle, pfxOf } from "../emulator/emulator.certificates.js";
import { certificateSecrets, readCertificate } from "./certificate.js";
import { credentialFromStored, readCredential, storedCredentialText } from "./credential.js";

const DAY = 86_400_000;
const now = new Date();
const made = makeCertificate("contoso-dr", new Date(now.getTime() - DAY), new Date(now.getTime() + 300 * DAY));
const other = makeCertificate("other", new Date(now.getTime() - DAY), new Date(now.getTime() + 300 * DAY));
const sha1 = new X509Certificate(made.certPem).fingerprint.replace(/:/g, "");

const codeOf = (r: ReturnType<typeof readCertificate>) => (r.ok ? "ok" : r.code);

describe("readCertificate", () => {
  it("reads a PEM bundle: thumbprints, subject, dates, and the key as unencrypted PKCS#8", () => {
    const r = readCertificate({ pem: pemBundle(made) }, now);
    if (!r.ok) throw new Error(r.code);
    const c = r.certificate;
    expect(c.thumbprintSha1).toBe(sha1);
    expect(c.thumbprintSha1).toMatch(/^[0-9A-F]{40}$/);
    expect(c.thumbprintSha256).toBe(
      createHash("sha256").update(new X509Certificate(made.certPem).raw).digest("hex").toUpperCase(),
    );
    expect(c.subject).toBe("CN=contoso-dr");
    expect(c.notAfter.getTime()).toBeGreaterThan(now.getTime() + 299 * DAY);
    expect(c.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    // Key first, with a foreign certificate in the chain: the leaf is the key's certificate.
    const chained = readCertificate({ pem: `${made.keyPem}\n${other.certPem}\n${made.certPem}` }, now);
    expect(chained.ok && chained.certificate.thumbprintSha1).toBe(sha1);
  });

  it("opens an encrypted PEM key with its password; a wrong or missing password is certificate_password", () => {
    const encrypted = createPrivateKey(made.keyPem)
      .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "s3cret!" })
      .toString();
    expect(encrypted).toContain("ENCRYPTED PRIVATE KEY");
    const pem = `${made.certPem}\n${encrypted}`;
    expect(codeOf(readCertificate({ pem, password: "s3cret!" }, now))).toBe("ok");
    expect(codeOf(readCertificate({ pem, password: "wrong" }, now))).toBe("certificate_password");
    expect(codeOf(readCertificate({ pem }, now))).toBe("certificate_password");
    // A traditional RSA key too.
    const rsa = createPrivateKey(made.keyPem).export({ type: "pkcs1", format: "pem" }).toString();
    expect(codeOf(readCertificate({ pem: `${made.certPem}\n${rsa}` }, now))).toBe("ok");
  });

  it("reads a PFX with its password, and refuses a wrong or missing one", () => {
    const pfx = pfxOf(made, "pfx-pass");
    const r = readCertificate({ pfx, password: "pfx-pass" }, now);
    expect(r.ok && r.certificate.thumbprintSha1).toBe(sha1);
    expect(codeOf(readCertificate({ pfx, password: "nope" }, now))).toBe("certificate_password");
    expect(codeOf(readCertificate({ pfx }, now))).toBe("certificate_password");
    expect(codeOf(readCertificate({ pfx: Buffer.from("not a pfx at all").toString("base64") }, now))).toBe(
      "certificate_unreadable",
    );
  });

  const dir = mkdtempSync(join(tmpdir(), "pfx-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it("reads a PFX exported by OpenSSL 3 (AES-256, PBKDF2, SHA-256 MAC)", () => {
    writeFileSync(join(dir, "key.pem"), made.keyPem);
    writeFileSync(join(dir, "cert.pem"), made.certPem);
    execFileSync("openssl", [
      "pkcs12",
      "-export",
      "-inkey",
      join(dir, "key.pem"),
      "-in",
      join(dir, "cert.pem"),
      "-out",
      join(dir, "c.pfx"),
      "-passout",
      "pass:open-ssl",
    ]);
    const pfx = readFileSync(join(dir, "c.pfx")).toString("base64");
    const r = readCertificate({ pfx, password: "open-ssl" }, now);
    expect(r.ok && r.certificate.thumbprintSha1).toBe(sha1);
    expect(codeOf(readCertificate({ pfx, password: "x" }, now))).toBe("certificate_password");
  });

  it("names a key of another certificate, an expired or future certificate, a non-RSA key, garbage", () => {
    expect(codeOf(readCertificate({ pem: `${made.certPem}\n${other.keyPem}` }, now))).toBe("certificate_key_mismatch");
    const old = makeCertificate("old", new Date(now.getTime() - 400 * DAY), new Date(now.getTime() - DAY));
    expect(codeOf(readCertificate({ pem: pemBundle(old) }, now))).toBe("certificate_expired");
    const future = makeCertificate("future", new Date(now.getTime() + DAY), new Date(now.getTime() + 400 * DAY));
    expect(codeOf(readCertificate({ pem: pemBundle(future) }, now))).toBe("certificate_not_yet_valid");
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" });
    expect(codeOf(readCertificate({ pem: `${made.certPem}\n${ec}` }, now))).toBe("certificate_unreadable");
    const garbage =
      "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----";
    expect(codeOf(readCertificate({ pem: garbage }, now))).toBe("certificate_unreadable");
    expect(codeOf(readCertificate({ pem: made.certPem }, now))).toBe("certificate_no_key");
    expect(codeOf(readCertificate({}, now))).toBe("certificate_missing");
  });

  it("lists the key, the PEM, the PFX and the password as secrets, never the certificate alone", () => {
    const body = { pem: pemBundle(made), password: "pw-123" };
    const r = readCertificate(body, now);
    const secrets = certificateSecrets(body, r.ok ? r.certificate : undefined);
    expect(secrets).toContain(made.keyPem.trim());
    expect(secrets).toContain("pw-123");
    expect(secrets).not.toContain(made.certPem);
  });
});

describe("stored credential", () => {
  it("round-trips a certificate through its stored text, and a secret as itself", () => {
    const read = readCredential({ clientCertificate: { pfx: pfxOf(made, "p"), password: "p" } }, now);
    if (!read.ok) throw new Error("unread");
    const back = credentialFromStored("certificate", storedCredentialText(read.credential));
    expect(back.kind === "certificate" && back.certificate.thumbprintSha1).toBe(sha1);
    expect(credentialFromStored("secret", "abc8Q~x")).toEqual({ kind: "secret", secret: "abc8Q~x" });
  });

  it("names the field of each refusal", () => {
    const read = (body: Parameters<typeof readCredential>[0]) => {
      const r = readCredential(body, now);
      return r.ok ? [] : r.problems.map((p) => `${p.path}:${p.code}`);
    };
    expect(read({})).toEqual(["clientSecret:credential_missing"]);
    expect(read({ clientSecret: "x", clientCertificate: {} })).toEqual(["clientCertificate:credential_conflict"]);
    expect(read({ clientCertificate: { pfx: pfxOf(made, "p"), password: "q" } })).toEqual([
      "clientCertificate.password:certificate_password",
    ]);
    expect(read({ clientCertificate: { pem: made.certPem } })).toEqual(["clientCertificate:certificate_no_key"]);
  });
});
