/**
 * The emulator's addKey and removeKey (docs/entra.md section 13): a certificate is added or removed only with a
 * proof of possession signed by a current certificate of the app (aud 00000002-…, iss = the object id, at most
 * 10 minutes); the new keyCredential is listed without key material.
 */
import { createPrivateKey, randomUUID, X509Certificate } from "node:crypto";
import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { makeCertificate } from "../emulator.certificates.js";
import { createEmulator } from "../emulator.core.js";
import { SANDBOX, sandboxTenants } from "../emulator.fixtures.js";
import type { Emulator } from "../emulator.types.js";
import { PROOF_AUDIENCE } from "./applications.keys.js";

const GRAPH = "https://graph.microsoft.com";
const c = SANDBOX.certificate;
if (!c?.clientCertificatePem) throw new Error("certificate scenario missing");
const pem = c.clientCertificatePem;
const current = {
  key: createPrivateKey(pem),
  cert: new X509Certificate(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0] ?? ""),
};
const DAY = 86_400_000;
const fresh = makeCertificate("trey-next", new Date(Date.now() - DAY), new Date(Date.now() + 365 * DAY));

/** A proof of possession as Microsoft's sample builds it (RS256, x5t of the signing certificate). */
function proof(objectId: string, o: { key?: typeof current.key; aud?: string; lifetime?: number } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ aud: o.aud ?? PROOF_AUDIENCE, iss: objectId, nbf: now, exp: now + (o.lifetime ?? 600) })
    .setProtectedHeader({
      alg: "RS256",
      typ: "JWT",
      x5t: Buffer.from(current.cert.fingerprint.replace(/:/g, ""), "hex").toString("base64url"),
    })
    .sign(o.key ?? current.key);
}

describe("addKey and removeKey", () => {
  let emu: Emulator;
  let token: string;
  let objectId: string;
  const graph = async (method: string, path: string, body?: unknown) => {
    const raw = await emu.handle({
      method,
      path,
      headers: { host: "graph.microsoft.com", authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? "" : JSON.stringify(body),
    });
    if (raw.kind !== "response") throw new Error("no answer");
    return {
      status: raw.status,
      body: raw.body,
      json: raw.body ? (JSON.parse(raw.body) as Record<string, unknown>) : {},
    };
  };
  const keyOf = (made: { certPem: string }) => new X509Certificate(made.certPem).raw.toString("base64");

  beforeAll(async () => {
    emu = await createEmulator({ tenants: sandboxTenants() });
    token = await emu.signToken({
      aud: GRAPH,
      tid: c.tenantId,
      appid: c.clientId,
      roles: ["Application.ReadWrite.All"],
    });
    objectId = String((await graph("GET", `/v1.0/applications(appId='${c.clientId}')?$select=id`)).json.id);
  });

  it("adds a certificate with a valid proof, and lists it without key material", async () => {
    const added = await graph("POST", `/v1.0/applications/${objectId}/addKey`, {
      keyCredential: { type: "AsymmetricX509Cert", usage: "Verify", key: keyOf(fresh) },
      passwordCredential: null,
      proof: await proof(objectId),
    });
    expect(added.status, added.body).toBe(200);
    expect(added.json).toMatchObject({
      customKeyIdentifier: fresh.thumbprintSha1Base64,
      key: null,
      type: "AsymmetricX509Cert",
    });
    const listed = await graph("GET", `/v1.0/applications(appId='${c.clientId}')?$select=keyCredentials`);
    const ids = (listed.json.keyCredentials as { customKeyIdentifier: string }[]).map((k) => k.customKeyIdentifier);
    expect(ids).toContain(fresh.thumbprintSha1Base64);
    expect(listed.body).not.toContain("BEGIN");
  });

  it("refuses a proof signed by another key, for another audience or issuer, or living over 10 minutes", async () => {
    const other = createPrivateKey(makeCertificate("x", new Date(Date.now() - DAY), new Date(Date.now() + DAY)).keyPem);
    const body = async (p: string) => ({
      keyCredential: { type: "AsymmetricX509Cert", usage: "Verify", key: keyOf(fresh) },
      passwordCredential: null,
      proof: p,
    });
    for (const bad of [
      await proof(objectId, { key: other }),
      await proof(objectId, { aud: "https://graph.microsoft.com" }),
      await proof(randomUUID()),
      await proof(objectId, { lifetime: 3600 }),
      "not-a-jwt",
    ]) {
      const answer = await graph("POST", `/v1.0/applications/${objectId}/addKey`, await body(bad));
      expect(answer.status).toBe(400);
      expect((answer.json.error as { code: string }).code).toBe("Request_BadRequest");
    }
    const badKey = await graph("POST", `/v1.0/applications/${objectId}/addKey`, {
      keyCredential: { type: "AsymmetricX509Cert", usage: "Verify", key: "bm90IGEgY2VydA==" },
      proof: await proof(objectId),
    });
    expect(badKey.status).toBe(400);
  });

  it("removes a certificate with a valid proof", async () => {
    const listed = await graph("GET", `/v1.0/applications(appId='${c.clientId}')?$select=keyCredentials`);
    const added = (listed.json.keyCredentials as { keyId: string; customKeyIdentifier: string }[]).find(
      (k) => k.customKeyIdentifier === fresh.thumbprintSha1Base64,
    );
    expect(added).toBeDefined();
    const removed = await graph("POST", `/v1.0/applications/${objectId}/removeKey`, {
      keyId: added?.keyId,
      proof: await proof(objectId),
    });
    expect(removed.status, removed.body).toBe(204);
    const again = await graph("POST", `/v1.0/applications/${objectId}/removeKey`, {
      keyId: added?.keyId,
      proof: await proof(objectId),
    });
    expect(again.status).toBe(400);
    // Every write reached its route and was counted, refused ones included.
    expect(emu.directory(c.tenantId).calls).toMatchObject({ addKey: 7, removeKey: 2 });
  });

  it("lets the app roll its own keys without any permission, and needs the permissions on another app", async () => {
    const other = await graph("POST", "/v1.0/applications", { displayName: "Another app" });
    expect(other.status, other.body).toBe(201);
    const next = makeCertificate("trey-self", new Date(Date.now() - DAY), new Date(Date.now() + 365 * DAY));
    const body = async (target: string) => ({
      keyCredential: { type: "AsymmetricX509Cert", usage: "Verify", key: keyOf(next) },
      passwordCredential: null,
      proof: await proof(target),
    });
    // No `roles` claim at all, and roles that do not write applications.
    for (const roles of [undefined, ["User.Read.All"]]) {
      token = await emu.signToken({ aud: GRAPH, tid: c.tenantId, appid: c.clientId, ...(roles ? { roles } : {}) });
      const added = await graph("POST", `/v1.0/applications/${objectId}/addKey`, await body(objectId));
      expect(added.status, added.body).toBe(200);
      const removed = await graph("POST", `/v1.0/applications/${objectId}/removeKey`, {
        keyId: added.json.keyId,
        proof: await proof(objectId),
      });
      expect(removed.status, removed.body).toBe(204);
      const elsewhere = await graph("POST", `/v1.0/applications/${String(other.json.id)}/addKey`, await body(objectId));
      expect(elsewhere.status, elsewhere.body).toBe(403);
    }
    // addPassword on itself still needs the permission.
    const password = await graph("POST", `/v1.0/applications/${objectId}/addPassword`, { passwordCredential: {} });
    expect(password.status).toBe(403);
  });
});
