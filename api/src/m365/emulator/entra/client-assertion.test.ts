/**
 * The emulator's certificate credentials (docs/entra.md section 13): a client assertion is checked for its key
 * (x5t#S256 or x5t among the app's keyCredentials), signature, iss/sub, aud and time window, and a good one gets a
 * token with appidacr "2"; Graph lists the keyCredentials without key material.
 */
import { createHash, createPrivateKey, randomUUID, X509Certificate } from "node:crypto";
import type { Cloud } from "@dr/contract";
import { decodeJwt, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveEndpoints } from "../../clouds.js";
import { makeCertificate } from "../emulator.certificates.js";
import { createEmulator } from "../emulator.core.js";
import { SANDBOX, sandboxTenants } from "../emulator.fixtures.js";
import type { Emulator, TenantFixture } from "../emulator.types.js";
import { JWT_BEARER } from "./client-assertion.js";

const HOST = "login.emulator.test";
const BASE = `https://${HOST}`;
const GRAPH = "https://graph.microsoft.com";

function scenario(name: string) {
  const c = SANDBOX[name];
  if (c?.clientCertificatePem === undefined) throw new Error(`no certificate scenario ${name}`);
  const pem = c.clientCertificatePem;
  const certPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0] ?? "";
  return { ...c, pem, cert: new X509Certificate(certPem), key: createPrivateKey(pem) };
}

const thumb = (cert: X509Certificate, alg: "sha1" | "sha256") => createHash(alg).update(cert.raw).digest("base64url");

interface AssertionOptions {
  alg?: "PS256" | "RS256";
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  key?: ReturnType<typeof createPrivateKey>;
  nbf?: number;
  exp?: number;
}

/** A client assertion as msal-node builds it (PS256, x5t#S256), with overrides. */
async function assertion(s: ReturnType<typeof scenario>, o: AssertionOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const alg = o.alg ?? "PS256";
  const header =
    o.header ?? (alg === "PS256" ? { "x5t#S256": thumb(s.cert, "sha256") } : { x5t: thumb(s.cert, "sha1") });
  return new SignJWT({
    aud: `${BASE}/${s.tenantId}/oauth2/v2.0/token`,
    iss: s.clientId,
    sub: s.clientId,
    jti: randomUUID(),
    nbf: o.nbf ?? now,
    exp: o.exp ?? now + 600,
    ...o.claims,
  })
    .setProtectedHeader({ alg, typ: "JWT", ...header })
    .sign(o.key ?? s.key);
}

async function token(emu: Emulator, tenant: string, fields: Record<string, string>) {
  const body = new URLSearchParams({ grant_type: "client_credentials", scope: `${GRAPH}/.default`, ...fields });
  const raw = await emu.handle({
    method: "POST",
    path: `/${tenant}/oauth2/v2.0/token`,
    headers: { host: HOST, "content-type": "application/x-www-form-urlencoded" },
    body: body.toString(),
  });
  if (raw.kind !== "response") throw new Error("no answer");
  const json = JSON.parse(raw.body) as Record<string, unknown>;
  const codes = json.error_codes;
  return { status: raw.status, json, code: Array.isArray(codes) ? codes[0] : undefined };
}

function withAssertion(emu: Emulator, s: ReturnType<typeof scenario>, jwt: string) {
  return token(emu, s.tenantId, {
    client_id: s.clientId,
    client_assertion_type: JWT_BEARER,
    client_assertion: jwt,
  });
}

describe("client assertions (certificate credentials)", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await createEmulator({ tenants: sandboxTenants() });
  });

  it("issues a token with appidacr 2 for a PS256 assertion with x5t#S256, and for a legacy RS256 one with x5t", async () => {
    const s = scenario("certificate");
    for (const alg of ["PS256", "RS256"] as const) {
      const res = await withAssertion(emu, s, await assertion(s, { alg }));
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      const claims = decodeJwt(String(res.json.access_token));
      expect(claims.appidacr).toBe("2");
      expect(claims.appid).toBe(s.clientId);
    }
    // The tenant's domain in the path and in aud is accepted too.
    const byDomain = await token(emu, s.tenantDomain, {
      client_id: s.clientId,
      client_assertion_type: JWT_BEARER,
      client_assertion: await assertion(s, { claims: { aud: `${BASE}/${s.tenantDomain}/oauth2/v2.0/token` } }),
    });
    expect(byDomain.status).toBe(200);
  });

  it("answers AADSTS700027 'key was not found' for a certificate not registered on the app", async () => {
    const s = scenario("certificate-not-registered");
    const res = await withAssertion(emu, s, await assertion(s, { alg: "RS256" }));
    expect(res.status).toBe(401);
    expect(res.json.error).toBe("invalid_client");
    expect(res.code).toBe(700027);
    expect(String(res.json.error_description)).toContain("The key was not found.");
    // Entra quotes the SHA-1 thumbprint it was given.
    expect(String(res.json.error_description)).toContain(s.cert.fingerprint.replace(/:/g, ""));
  });

  it("answers 7000274 for a wrong signature, 700021 for another client, 7000214 for another audience", async () => {
    const s = scenario("certificate");
    const other = createPrivateKey(
      makeCertificate("other", new Date(Date.now() - 1000), new Date(Date.now() + 1e9)).keyPem,
    );
    expect((await withAssertion(emu, s, await assertion(s, { key: other }))).code).toBe(7000274);
    const forged = `${(await assertion(s)).slice(0, -4)}AAAA`;
    expect((await withAssertion(emu, s, forged)).code).toBe(7000274);
    const otherClient = await assertion(s, { claims: { iss: randomUUID(), sub: randomUUID() } });
    expect((await withAssertion(emu, s, otherClient)).code).toBe(700021);
    for (const aud of [
      `https://login.microsoftonline.com/${s.tenantId}/oauth2/v2.0/token`,
      `${BASE}/${SANDBOX.valid?.tenantId}/oauth2/v2.0/token`,
      `${BASE}/${s.tenantId}/oauth2/token`,
    ]) {
      const res = await withAssertion(emu, s, await assertion(s, { claims: { aud } }));
      expect(res.status, aud).toBe(401);
      expect(res.code, aud).toBe(7000214);
    }
  });

  it("answers AADSTS700024 for an assertion outside its time window, beyond five minutes of skew", async () => {
    const s = scenario("certificate");
    const now = Math.floor(Date.now() / 1000);
    const expired = await withAssertion(emu, s, await assertion(s, { nbf: now - 1200, exp: now - 600 }));
    expect(expired.code).toBe(700024);
    expect(String(expired.json.error_description)).toContain("not within its valid time range");
    const future = await withAssertion(emu, s, await assertion(s, { nbf: now + 900, exp: now + 1500 }));
    expect(future.code).toBe(700024);
    // Within the skew: accepted.
    expect((await withAssertion(emu, s, await assertion(s, { exp: now - 60 }))).status).toBe(200);
  });

  it("refuses a missing or wrong assertion type and a malformed assertion", async () => {
    const s = scenario("certificate");
    const jwt = await assertion(s);
    const base = { client_id: s.clientId, client_assertion: jwt };
    expect((await token(emu, s.tenantId, base)).code).toBe(900144);
    expect((await token(emu, s.tenantId, { ...base, client_assertion_type: "urn:other" })).status).toBe(400);
    expect((await withAssertion(emu, s, "not.a-jwt")).status).toBe(400);
    // No x5t at all: no key can be found.
    expect((await withAssertion(emu, s, await assertion(s, { header: {} }))).code).toBe(700027);
  });

  it("answers 700027 'key used is expired' once the keyCredential has ended", async () => {
    const tenants = sandboxTenants().map((t): TenantFixture => {
      if (t.scenario !== "certificate") return t;
      const [app] = t.apps;
      if (app?.certificates?.[0] === undefined) throw new Error("fixture");
      return { ...t, apps: [{ ...app, certificates: [{ ...app.certificates[0], startDays: -400, endDays: -1 }] }] };
    });
    const expiredEmu = await createEmulator({ tenants });
    const s = scenario("certificate");
    const res = await withAssertion(expiredEmu, s, await assertion(s));
    expect(res.code).toBe(700027);
    expect(String(res.json.error_description)).toContain("The key used is expired.");
  });

  it("lists keyCredentials on the application read: thumbprint as customKeyIdentifier, dates, never the key", async () => {
    const s = scenario("certificate-expiring");
    const res = await withAssertion(emu, s, await assertion(s));
    const graph = await emu.handle({
      method: "GET",
      path: `/v1.0/applications(appId='${s.clientId}')?$select=keyCredentials,passwordCredentials`,
      headers: { host: "graph.microsoft.com", authorization: `Bearer ${String(res.json.access_token)}` },
      body: "",
    });
    if (graph.kind !== "response") throw new Error("no answer");
    const body = JSON.parse(graph.body) as { keyCredentials: Record<string, unknown>[] };
    expect(body.keyCredentials).toHaveLength(1);
    const [kc] = body.keyCredentials;
    expect(kc).toMatchObject({
      customKeyIdentifier: createHash("sha1").update(s.cert.raw).digest("base64"),
      type: "AsymmetricX509Cert",
      usage: "Verify",
      key: null,
      keyId: "1852ff9a-66ab-4717-bc8f-fabb8a724696",
    });
    const days = (Date.parse(String(kc?.endDateTime)) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(9.9);
    expect(days).toBeLessThan(10.1);
    expect(graph.body).not.toContain("PRIVATE KEY");
  });

  it("works the same in every national cloud: aud is that cloud's token endpoint, the token that cloud's Graph", async () => {
    const cert = scenario("certificate");
    const clouds: [Cloud, string][] = [
      ["usgov-gcchigh", "gcc-high-valid"],
      ["usgov-dod", "dod-valid"],
      ["china", "china-valid"],
    ];
    // The certificate scenario's certificate uploaded to each national cloud's passing app as well.
    const tenants = sandboxTenants().map((t): TenantFixture => {
      if (!clouds.some(([, name]) => name === t.scenario)) return t;
      const [app] = t.apps;
      if (app === undefined) throw new Error("fixture");
      const certificate = { keyId: randomUUID(), certPem: cert.cert.toString() };
      return { ...t, apps: [{ ...app, certificates: [certificate] }] };
    });
    const national = await createEmulator({ tenants });
    for (const [cloud, name] of clouds) {
      const c = SANDBOX[name];
      if (!c) throw new Error(name);
      const { loginUrl, graphResource } = resolveEndpoints(cloud);
      const host = new URL(loginUrl).host;
      const ask = async (aud: string) => {
        const jwt = await assertion({ ...cert, tenantId: c.tenantId, clientId: c.clientId }, { claims: { aud } });
        const body = new URLSearchParams({
          grant_type: "client_credentials",
          scope: `${graphResource}/.default`,
          client_id: c.clientId,
          client_assertion_type: JWT_BEARER,
          client_assertion: jwt,
        });
        const raw = await national.handle({
          method: "POST",
          path: `/${c.tenantId}/oauth2/v2.0/token`,
          headers: { host, "content-type": "application/x-www-form-urlencoded" },
          body: body.toString(),
        });
        if (raw.kind !== "response") throw new Error("no answer");
        return { status: raw.status, json: JSON.parse(raw.body) as Record<string, unknown> };
      };
      const ok = await ask(`${loginUrl}/${c.tenantId}/oauth2/v2.0/token`);
      expect(ok.status, `${cloud} ${JSON.stringify(ok.json)}`).toBe(200);
      const claims = decodeJwt(String(ok.json.access_token));
      expect(claims.appidacr).toBe("2");
      expect(claims.aud).toBe(graphResource);
      // An assertion for the global cloud's endpoint is not one for this cloud's.
      const global = await ask(`https://login.microsoftonline.com/${c.tenantId}/oauth2/v2.0/token`);
      expect(global.status, cloud).toBe(401);
      expect((global.json.error_codes as number[])[0]).toBe(7000214);
    }
  });
});
