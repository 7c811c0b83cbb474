/**
 * Certificate credentials end to end (issue 14 Build point 3; docs/entra.md section 13) over real HTTP and the
 * emulator over HTTPS, on SQLite and (with TEST_DATABASE_URL) PostgreSQL: validation with a PEM and with a PFX and
 * its password, the format refusals, an unregistered certificate (AADSTS700027), a service created with a
 * certificate (thumbprint and the expiry read from the app's keyCredentials), re-validation with the sealed
 * certificate, replacing a secret with a certificate and back, the scheduled re-validation and the expiring status,
 * an invitation completed with a certificate, a readiness report; and the key, the PFX and the password nowhere in
 * a response, a log line or the database.
 */
import { createPrivateKey } from "node:crypto";
import type { Customer, M365Settings, Problem, Service, ValidationReport } from "@dr/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pfxOf } from "../src/m365/emulator/emulator.certificates.js";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { ENGINES, type EngineDatabase } from "./engines.js";
import { apiCaller, startTestApp, type TestApp } from "./helpers.js";
import { dumpDatabase } from "./invitations.support.js";

const certificate = SANDBOX.certificate;
const notRegistered = SANDBOX["certificate-not-registered"];
const expiring = SANDBOX["certificate-expiring"];
if (!certificate?.clientCertificatePem || !notRegistered?.clientCertificatePem || !expiring?.clientCertificatePem) {
  throw new Error("certificate scenarios missing");
}
const PEM = certificate.clientCertificatePem;
const block = (pem: string, label: string) =>
  new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----`).exec(pem)?.[0] ?? "";
const keyPem = block(PEM, "PRIVATE KEY");
const certPem = block(PEM, "CERTIFICATE");
const PASSWORD = "Pfx-pa55word-never-shown";
const PFX = pfxOf({ certPem, keyPem, thumbprintSha1Base64: "" }, PASSWORD);
/** The same key encrypted with the password, as a PEM export with a passphrase writes it. */
const ENCRYPTED_PEM = `${certPem}\n${createPrivateKey(keyPem)
  .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: PASSWORD })
  .toString()}`;
/** Strings that must never come back or be stored: the keys' bodies, the PFX, the password. */
const NEVER = [
  keyPem.split("\n").slice(1, 4).join("\n"),
  block(expiring.clientCertificatePem, "PRIVATE KEY").split("\n").slice(1, 4).join("\n"),
  block(ENCRYPTED_PEM, "ENCRYPTED PRIVATE KEY").split("\n").slice(1, 4).join("\n"),
  PFX.slice(100, 300),
  PASSWORD,
];

const checkOf = (report: ValidationReport, id: string) => {
  const c = report.checks.find((x) => x.id === id);
  return c ? `${c.status}${c.code ? `:${c.code}` : ""}` : "absent";
};

describe.each(ENGINES)("certificate credentials on $name", (engine) => {
  let app: TestApp;
  let database: EngineDatabase;
  let customer: Customer;
  const responses: string[] = [];
  const call = apiCaller(() => app.url, { seen: (text) => responses.push(text) });
  const creds = (c: typeof certificate, clientCertificate: Record<string, string | undefined>) => ({
    tenantId: c.tenantId,
    clientId: c.clientId,
    clientCertificate,
  });
  const serviceBody = (shortName: string, m365: Record<string, unknown>) => ({
    customerId: customer.id,
    shortName,
    licenseType: "hosted-pro",
    licensedUsers: 10,
    m365,
  });

  beforeAll(async () => {
    database = engine.setup(`dr-cert-${engine.name}-`);
    app = await startTestApp(
      { ...database.env, VALIDATION_RATE_LIMIT: "1000", M365_TIMEOUT_MS: "3000" },
      database.appOptions,
    );
    const created = await call("POST", "/api/customers", { name: "Trey Research" });
    customer = created.json as Customer;
  });
  afterAll(async () => {
    await app?.close();
    await database?.cleanup();
  });

  it("validates a PEM, a PFX with its password and an encrypted PEM key: token with the certificate, expiry by thumbprint", async () => {
    for (const clientCertificate of [
      { pem: PEM },
      { pfx: PFX, password: PASSWORD },
      { pem: ENCRYPTED_PEM, password: PASSWORD },
    ]) {
      const answer = await call("POST", "/api/validation", creds(certificate, clientCertificate));
      expect(answer.status).toBe(200);
      const report = answer.json as ValidationReport;
      expect(report.ok, JSON.stringify(report.checks)).toBe(true);
      expect(report.secret).toMatchObject({
        hint: "",
        credentialType: "certificate",
        subject: "CN=treyresearch-direct-routing",
      });
      expect(report.secret?.thumbprint).toMatch(/^[0-9A-F]{40}$/);
      // The keyCredential's keyId: the expiry was read from the app, matched by thumbprint.
      expect(report.secret?.keyId).toBe("0a176e89-e045-46cb-bade-9b00d1bff632");
      expect(report.secret?.daysUntilExpire).toBeGreaterThanOrEqual(299);
    }
  });

  it("refuses a wrong or missing password, a PEM without its key, neither and both credentials, naming the field", async () => {
    const formatOf = async (body: Record<string, unknown>) => {
      const report = (await call("POST", "/api/validation", body)).json as ValidationReport;
      const format = report.checks.find((c) => c.id === "format");
      return { status: `${format?.status}:${format?.code}`, errors: format?.detail?.errors, remedy: format?.remedy };
    };
    const wrong = await formatOf(creds(certificate, { pfx: PFX, password: "not-it" }));
    expect(wrong.status).toBe("fail:certificate_password");
    expect(wrong.errors).toEqual([expect.objectContaining({ path: "clientCertificate.password" })]);
    expect(wrong.remedy).toContain("password");
    expect((await formatOf(creds(certificate, { pem: ENCRYPTED_PEM }))).status).toBe("fail:certificate_password");
    expect((await formatOf(creds(certificate, { pem: certPem }))).status).toBe("fail:certificate_no_key");
    expect((await formatOf({ tenantId: certificate.tenantId, clientId: certificate.clientId })).status).toBe(
      "fail:credential_missing",
    );
    const both = { ...creds(certificate, { pem: PEM }), clientSecret: certificate.clientSecret };
    expect((await formatOf(both)).status).toBe("fail:credential_conflict");
    // Unknown keys of the certificate are a 400 naming them.
    const extra = await call("POST", "/api/validation", creds(certificate, { pem: PEM, key: "x" }));
    expect(extra.status).toBe(400);
    expect((extra.json as Problem).errors?.[0]?.path).toBe("clientCertificate");
  });

  it("reports a certificate not uploaded to the app as AADSTS700027 in the token check", async () => {
    const report = (
      await call("POST", "/api/validation", creds(notRegistered, { pem: notRegistered.clientCertificatePem ?? "" }))
    ).json as ValidationReport;
    expect(checkOf(report, "format")).toBe("pass");
    expect(checkOf(report, "token")).toBe("fail:certificate_not_registered");
    expect(report.checks.find((c) => c.id === "token")?.detail?.aadsts).toBe(700027);
    expect(report.ok).toBe(false);
  });

  let service: Service;
  it("creates a service with a certificate: the DTO shows the thumbprint and the keyCredential's expiry, never the key", async () => {
    const created = await call(
      "POST",
      "/api/services",
      serviceBody("treycert", creds(certificate, { pfx: PFX, password: PASSWORD })),
    );
    expect(created.status, created.text).toBe(201);
    service = created.json as Service;
    expect(service.m365).toMatchObject({
      credentialType: "certificate",
      secretHint: "",
      certificateSubject: "CN=treyresearch-direct-routing",
    });
    expect(service.m365.certificateThumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(service.m365.daysUntilExpire).toBeGreaterThanOrEqual(299);
    expect(service.status).toBe("connected");
    const settings = (await call("GET", `/api/services/${service.id}/m365`)).json as M365Settings;
    expect(settings.secretKeyId).toBe("0a176e89-e045-46cb-bade-9b00d1bff632");
    expect(settings.certificateThumbprint).toBe(service.m365.certificateThumbprint);
  });

  it("re-validates with the sealed certificate", async () => {
    const again = await call("POST", `/api/services/${service.id}/m365/validate`);
    expect(again.status).toBe(200);
    const report = again.json as ValidationReport;
    expect(report.ok, JSON.stringify(report.checks)).toBe(true);
    expect(report.secret?.credentialType).toBe("certificate");
  });

  it("replaces a secret with a certificate and back, keeping the old one when the new one fails", async () => {
    const created = await call(
      "POST",
      "/api/services",
      serviceBody("treysecret", {
        tenantId: certificate.tenantId,
        clientId: certificate.clientId,
        clientSecret: certificate.clientSecret,
      }),
    );
    expect(created.status, created.text).toBe(201);
    const id = (created.json as Service).id;
    expect((created.json as Service).m365.credentialType).toBe("secret");
    // A certificate the app does not know is refused (422); the secret stays.
    const refused = await call("PUT", `/api/services/${id}/m365/secret`, {
      clientCertificate: { pem: notRegistered.clientCertificatePem },
    });
    expect(refused.status).toBe(422);
    const kept = (await call("GET", `/api/services/${id}`)).json as Service;
    expect(kept.m365.credentialType).toBe("secret");
    const replaced = await call("PUT", `/api/services/${id}/m365/secret`, { clientCertificate: { pem: PEM } });
    expect(replaced.status, replaced.text).toBe(200);
    const now = (await call("GET", `/api/services/${id}`)).json as Service;
    expect(now.m365).toMatchObject({ credentialType: "certificate", secretHint: "" });
    expect(now.m365.certificateThumbprint).toBe(service.m365.certificateThumbprint);
    expect((await call("POST", `/api/services/${id}/m365/validate`)).json).toMatchObject({ ok: true });
    const back = await call("PUT", `/api/services/${id}/m365/secret`, { clientSecret: certificate.clientSecret });
    expect(back.status).toBe(200);
    const secretAgain = (await call("GET", `/api/services/${id}`)).json as Service;
    expect(secretAgain.m365.credentialType).toBe("secret");
    expect(secretAgain.m365.certificateThumbprint).toBeUndefined();
    expect(secretAgain.m365.secretHint).toBe(certificate.clientSecret.slice(0, 3));
    const audit = (await call("GET", `/api/services/${id}/audit`)).text;
    expect(audit).toContain(service.m365.certificateThumbprint);
  });

  it("shows an expiring certificate as expiring, and rotates it by hand (a new certificate, as long-lived)", async () => {
    const created = await call(
      "POST",
      "/api/services",
      serviceBody("cohocert", creds(expiring, { pem: expiring.clientCertificatePem ?? "" })),
    );
    expect(created.status, created.text).toBe(201);
    const svc = created.json as Service;
    expect(svc.status).toBe("expiring");
    expect(svc.m365.daysUntilExpire).toBeGreaterThanOrEqual(9);
    expect(svc.m365.daysUntilExpire).toBeLessThanOrEqual(10);
    const list = (await call("GET", "/api/services?status=expiring")).json as { items: Service[] };
    expect(list.items.map((s) => s.id)).toContain(svc.id);
    const settings = (await call("GET", `/api/services/${svc.id}/m365`)).json as M365Settings;
    expect(settings.history[0]?.checks.find((c) => c.id === "secret_expiry")?.code).toBe("certificate_expiring");
    expect(svc.m365.selfRotation).toBe(true);
    const rotate = await call("POST", `/api/services/${svc.id}/m365/rotate`);
    expect(rotate.status, rotate.text).toBe(200);
    expect(rotate.text).not.toMatch(/-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/);
    const rotated = (await call("GET", `/api/services/${svc.id}`)).json as Service;
    expect(rotated.m365.certificateThumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(rotated.m365.certificateThumbprint).not.toBe(svc.m365.certificateThumbprint);
    expect(rotated.m365.certificateSubject).toBe(svc.m365.certificateSubject);
    // The sandbox certificate lives 11 days (one day ago to ten ahead): so does the new one, from now.
    expect(Date.parse(rotated.m365.secretExpiresAt ?? "")).toBeGreaterThan(Date.parse(svc.m365.secretExpiresAt ?? ""));
    expect(rotated.m365.daysUntilExpire).toBe(11);
    const again = await call("POST", `/api/services/${svc.id}/m365/validate`);
    expect((again.json as ValidationReport).ok).toBe(true);
  });

  it("completes an invitation with a certificate, and creates the service from it with the sealed certificate", async () => {
    const created = await call("POST", "/api/invitations", { customerId: customer.id });
    expect(created.status, created.text).toBe(201);
    const url = (created.json as { url: string }).url;
    const token = url.slice(url.lastIndexOf("/") + 1);
    const page = await fetch(`${app.url}/api/invite/${token}/validation`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(creds(certificate, { pfx: PFX, password: PASSWORD })),
    });
    const text = await page.text();
    responses.push(text);
    expect(page.status, text).toBe(200);
    expect((JSON.parse(text) as ValidationReport).ok).toBe(true);
    const id = (created.json as { id: string }).id;
    const service = await call("POST", "/api/services", {
      customerId: customer.id,
      shortName: "treyinvite",
      licenseType: "hosted-pro",
      licensedUsers: 3,
      invitationId: id,
    });
    expect(service.status, service.text).toBe(201);
    expect((service.json as Service).m365).toMatchObject({ credentialType: "certificate", secretHint: "" });
  });

  it("runs the readiness report with a certificate", async () => {
    const answer = await call("POST", "/api/readiness", {
      ...creds(certificate, { pem: PEM }),
      subdomainLabel: "treyresearch",
    });
    expect(answer.status, answer.text).toBe(200);
    const bad = await call("POST", "/api/readiness", {
      ...creds(certificate, { pfx: PFX, password: "wrong" }),
      subdomainLabel: "treyresearch",
    });
    expect(bad.status).toBe(400);
    expect((bad.json as Problem).errors?.[0]).toMatchObject({
      path: "clientCertificate.password",
      code: "certificate_password",
    });
  });

  it("never answers, logs or stores the private key, the PFX or its password", async () => {
    await new Promise((r) => setTimeout(r, 100));
    const logs = app.logs.join("\n");
    const answered = responses.join("\n");
    const stored = await dumpDatabase(database);
    expect(stored).toContain("service.secret_replace");
    expect(logs.length).toBeGreaterThan(100);
    for (const secret of NEVER) {
      expect(secret.length).toBeGreaterThan(8);
      expect(answered.includes(secret), "a response").toBe(false);
      expect(logs.includes(secret), "a log line").toBe(false);
      expect(stored.includes(secret), "the database").toBe(false);
    }
    // No key block of any kind (the messages name "PRIVATE KEY" only in words, never with the PEM dashes).
    expect(answered).not.toMatch(/-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----\\n[A-Za-z0-9+/]/);
    expect(logs).not.toMatch(/-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----\\n[A-Za-z0-9+/]/);
  });
});
