import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import {
  bytesToBase64,
  certificateBody,
  certificateFromFiles,
  certificateMessage,
  credentialBody,
  emptyCertificate,
  formatBytes,
  isPfxName,
  needsPassword,
  pemKeyEncrypted,
  readCertificateFiles,
} from "./certificate-input";

// Shape only (the tab checks no more): the API reads and checks the certificate itself.
const CERT = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----";
const ENCRYPTED_KEY =
  "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0B\n-----END ENCRYPTED PRIVATE KEY-----";
const text = (s: string) => new TextEncoder().encode(s);
/** Bytes that are not text, as a PKCS#12 file's are (every byte value, three times). */
const PFX_BYTES = Uint8Array.from({ length: 768 }, (_, i) => i % 256);

describe("certificateFromFiles", () => {
  it("takes one .pfx/.p12 file as base64 of its bytes, keeping the password typed, with name and size only", () => {
    for (const name of ["app.pfx", "APP.P12"]) {
      const r = certificateFromFiles([{ name, bytes: PFX_BYTES }], "pw");
      expect(r).toEqual({
        ok: true,
        value: {
          pem: "",
          pfx: Buffer.from(PFX_BYTES).toString("base64"),
          password: "pw",
          files: [{ name, size: 768 }],
        },
      });
    }
  });

  it("joins a certificate PEM file and a key PEM file into one PEM text", () => {
    const r = certificateFromFiles([
      { name: "cert.pem", bytes: text(`${CERT}\n\n`) },
      { name: "key.key", bytes: text(KEY) },
    ]);
    if (!r.ok) throw new Error(r.refusal);
    expect(r.value.pem).toBe(`${CERT}\n${KEY}\n`);
    expect(r.value.pfx).toBe("");
    expect(r.value.files.map((f) => f.name)).toEqual(["cert.pem", "key.key"]);
    expect(certificateMessage(r.value)).toBeUndefined();
  });

  it("refuses no file, a PFX with anything else, two PFX files and three PEM files", () => {
    const pem = { name: "a.pem", bytes: text(CERT) };
    const pfx = { name: "a.pfx", bytes: PFX_BYTES };
    expect(certificateFromFiles([])).toEqual({ ok: false, refusal: "none" });
    expect(certificateFromFiles([pfx, pem])).toEqual({ ok: false, refusal: "mixed" });
    expect(certificateFromFiles([pfx, { ...pfx, name: "b.p12" }])).toEqual({ ok: false, refusal: "too_many" });
    expect(certificateFromFiles([pem, pem, pem])).toEqual({ ok: false, refusal: "too_many" });
  });
});

describe("readCertificateFiles", () => {
  it("reads File objects (as the picker gives them) into the same certificate", async () => {
    const r = await readCertificateFiles([new File([PFX_BYTES], "bundle.pfx")], "secret-pw");
    expect(r).toEqual(certificateFromFiles([{ name: "bundle.pfx", bytes: PFX_BYTES }], "secret-pw"));
    const pem = await readCertificateFiles([new File([CERT], "c.crt"), new File([KEY], "k.pem")]);
    expect(pem.ok && pem.value.pem).toBe(`${CERT}\n${KEY}\n`);
  });
});

describe("bytesToBase64", () => {
  it("equals Node's base64 for empty, short and large (chunked) inputs", () => {
    const large = Uint8Array.from({ length: 100_001 }, (_, i) => (i * 7) % 256);
    for (const bytes of [new Uint8Array(), text("a"), text("ab"), PFX_BYTES, large]) {
      expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString("base64"));
    }
  });
});

describe("the body and its shape", () => {
  it("asks for a password for a PFX and an encrypted PEM key only, and sends it only then", () => {
    const plain = { ...emptyCertificate(), pem: `${CERT}\n${KEY}`, password: "left-over" };
    expect(needsPassword(plain)).toBe(false);
    expect(certificateBody(plain)).toEqual({ pem: plain.pem });
    const encrypted = { ...plain, pem: `${CERT}\n${ENCRYPTED_KEY}`, password: "pw" };
    expect(pemKeyEncrypted(encrypted.pem)).toBe(true);
    expect(pemKeyEncrypted(`Proc-Type: 4,ENCRYPTED\n${KEY}`)).toBe(true);
    expect(certificateBody(encrypted)).toEqual({ pem: encrypted.pem, password: "pw" });
    const pfx = { ...emptyCertificate(), pfx: "AAAA", password: "pw" };
    expect(needsPassword(pfx)).toBe(true);
    expect(certificateBody(pfx)).toEqual({ pfx: "AAAA", password: "pw" });
    expect(certificateBody({ ...pfx, password: "" })).toEqual({ pfx: "AAAA" });
  });

  it("gives the contract's message for a missing certificate, a certificate without key and a key without certificate", () => {
    expect(certificateMessage(emptyCertificate())).toMatch(/^Certificate: paste the PEM text/);
    expect(certificateMessage({ ...emptyCertificate(), pem: CERT })).toMatch(/no private key/);
    expect(certificateMessage({ ...emptyCertificate(), pem: KEY })).toMatch(/no -----BEGIN CERTIFICATE----- block/);
    expect(certificateMessage({ ...emptyCertificate(), pfx: "not base64!" })).toMatch(/base64/);
  });

  it("sends exactly one credential: the secret or the certificate", () => {
    const cert = { ...emptyCertificate(), pem: `${CERT}\n${KEY}` };
    expect(credentialBody("secret", "s~1", cert)).toEqual({ clientSecret: "s~1" });
    expect(credentialBody("certificate", "s~1", cert)).toEqual({ clientCertificate: { pem: cert.pem } });
  });
});

describe("file names and sizes", () => {
  it("tells a PFX by its extension and formats sizes", () => {
    expect(isPfxName("a.PFX")).toBe(true);
    expect(isPfxName("a.p12")).toBe(true);
    expect(isPfxName("a.pem")).toBe(false);
    expect(isPfxName("pfx")).toBe(false);
    expect(formatBytes(900)).toBe("900 B");
    expect(formatBytes(2048)).toBe("2.0 KB");
  });
});
