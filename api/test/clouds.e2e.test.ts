/**
 * The national clouds end to end over real HTTPS (docs/entra.md section 1): the validator calls each cloud's real
 * login and Graph host names, which the host-mapped dispatch sends to the emulator with the names kept (Host and
 * TLS), and the emulator answers as that cloud; a certificate in each cloud, its client assertion addressed to that
 * cloud's token endpoint (docs/entra.md section 13). Then the same through the server in sandbox mode.
 */
import { createHash, X509Certificate } from "node:crypto";
import type {
  CheckId,
  Cloud,
  Customer,
  ProvisioningRun,
  SandboxTenants,
  Service,
  ValidationReport,
} from "@dr/contract";
import { compactVerify, decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOUDS } from "../src/m365/clouds.js";
import { MICROSOFT_HOST_NAMES } from "../src/m365/emulator/emulator.clouds.js";
import { createEmulator } from "../src/m365/emulator/emulator.core.js";
import { SANDBOX, sandboxTenants } from "../src/m365/emulator/emulator.fixtures.js";
import { type EmulatorServer, startEmulatorServer } from "../src/m365/emulator/emulator.server.js";
import type { TenantFixture } from "../src/m365/emulator/emulator.types.js";
import { JWT_BEARER } from "../src/m365/emulator/entra/client-assertion.js";
import type { DispatchRequest, DispatchResponse } from "../src/m365/http/dispatch.types.js";
import { createUndiciDispatch } from "../src/m365/http/undici.dispatch.js";
import { createValidator } from "../src/m365/validator.js";
import { apiCaller, postJson, startTestApp, type TestApp } from "./helpers.js";
import { followRun } from "./provisioning.support.js";
import { credentialOf, outcome } from "./scenarios.js";

/** Each cloud's scenario that passes when validated in that cloud. */
const PASSING: Record<Cloud, string> = {
  global: "valid",
  "usgov-gcchigh": "gcc-high-valid",
  "usgov-dod": "dod-valid",
  china: "china-valid",
};

/** Each cloud's scenario with a certificate (and no secret) that passes when validated in that cloud. */
const CERTIFICATE: Record<Cloud, string> = {
  global: "certificate",
  "usgov-gcchigh": "gcc-high-certificate",
  "usgov-dod": "dod-certificate",
  china: "china-certificate",
};

/** Per cloud, a copy of its passing tenant without admin consent (another id): the consent link is given. */
const NO_CONSENT_IDS: Record<Cloud, string> = {
  global: "0b4f7f0e-1c2d-4e5f-8a9b-0c1d2e3f4a01",
  "usgov-gcchigh": "0b4f7f0e-1c2d-4e5f-8a9b-0c1d2e3f4a02",
  "usgov-dod": "0b4f7f0e-1c2d-4e5f-8a9b-0c1d2e3f4a03",
  china: "0b4f7f0e-1c2d-4e5f-8a9b-0c1d2e3f4a04",
};

const CLOUD_IDS = Object.keys(CLOUDS) as Cloud[];
const hostOf = (url: string) => new URL(url).host;

function creds(scenario: string) {
  const c = SANDBOX[scenario];
  if (c === undefined) throw new Error(`no scenario ${scenario}`);
  return c;
}

function tenantsWithNoConsentCopies(): TenantFixture[] {
  const tenants = sandboxTenants();
  const copies = CLOUD_IDS.map((cloud) => {
    const original = tenants.find((t) => t.scenario === PASSING[cloud]);
    if (original === undefined) throw new Error(`no tenant for ${cloud}`);
    return {
      ...original,
      scenario: `${PASSING[cloud]}-no-consent`,
      id: NO_CONSENT_IDS[cloud],
      domains: [{ name: `noconsent-${cloud}.example`, isDefault: true, isInitial: true }],
      apps: original.apps.map((app) => ({ ...app, graphRoles: [] })),
    };
  });
  return [...tenants, ...copies];
}

interface Exchange {
  request: DispatchRequest;
  response: DispatchResponse;
}

let server: EmulatorServer;
let outbound: ReturnType<typeof createUndiciDispatch>;

/** One validation's report and every exchange it had with the (emulated) Microsoft hosts, as on the wire. */
interface Run {
  report: ValidationReport;
  exchanges: Exchange[];
}

async function validateIn(cloud: Cloud, scenario: string, tenantId?: string): Promise<Run> {
  const exchanges: Exchange[] = [];
  const validator = createValidator({
    dispatch: async (request, signal) => {
      const response = await outbound.dispatch(request, signal);
      exchanges.push({ request, response });
      return response;
    },
    timeoutMs: 5000,
    requiredPermissions: ["Organization.Read.All", "Application.Read.All"],
  });
  const c = creds(scenario);
  const report = await validator.validate({
    tenantId: tenantId ?? c.tenantId,
    clientId: c.clientId,
    ...credentialOf(c),
    cloud,
  });
  return { report, exchanges };
}

/**
 * The token exchange of a run. A token request whose answer is dropped (the tenant check failed beside it) may
 * still be on its way when the report is out: wait for it.
 */
async function tokenExchange(run: Run): Promise<Exchange> {
  for (let waited = 0; waited < 5000; waited += 20) {
    const token = run.exchanges.find(
      (e) => e.request.method === "POST" && e.request.url.includes("/oauth2/v2.0/token"),
    );
    if (token !== undefined) return token;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("no token request was sent");
}

/** A run refused as another cloud's tenant: the remedy names `cloudName`; its token request, sent to `loginHost`. */
async function wrongCloudToken(run: Run, cloudName: string, loginHost: string): Promise<Exchange> {
  expect(outcome(run.report, "tenant")).toBe("fail:wrong_cloud");
  expect(run.report.checks.find((c) => c.id === "tenant")?.remedy).toContain(cloudName);
  expect(run.report.ok).toBe(false);
  const token = await tokenExchange(run);
  expect(hostOf(token.request.url)).toBe(loginHost);
  return token;
}

beforeAll(async () => {
  server = await startEmulatorServer({ emulator: await createEmulator({ tenants: tenantsWithNoConsentCopies() }) });
  outbound = createUndiciDispatch({
    extraCaPem: [server.caPem],
    hostMap: Object.fromEntries(MICROSOFT_HOST_NAMES.map((name) => [name, server.url])),
  });
});

afterAll(async () => {
  await outbound?.close();
  await server?.close();
});

describe("each cloud through its real host names, over HTTPS", () => {
  for (const cloud of CLOUD_IDS) {
    const { loginUrl, graphUrl, graphResource } = CLOUDS[cloud];

    it(`${cloud}: passes, with its login host, scope, token audience and Graph host`, async () => {
      const run = await validateIn(cloud, PASSING[cloud]);
      const { report, exchanges } = run;
      for (const id of ["tenant", "token", "permissions", "graph", "secret_expiry"] as CheckId[]) {
        expect(`${id}=${outcome(report, id)}`).toBe(`${id}=pass`);
      }
      expect(report.ok).toBe(true);
      expect(report.cloud).toBe(cloud);

      const token = await tokenExchange(run);
      expect(hostOf(token.request.url)).toBe(hostOf(loginUrl));
      expect(new URLSearchParams(token.request.body).get("scope")).toBe(`${graphResource}/.default`);
      expect(token.response.status).toBe(200);
      const claims = decodeJwt(String(JSON.parse(token.response.body).access_token));
      expect(claims.aud).toBe(graphResource);
      expect(claims.tid).toBe(creds(PASSING[cloud]).tenantId);

      // Discovery on the login host, everything else on the Graph host, and nothing anywhere else.
      const graphCalls = exchanges.filter((e) => new URL(e.request.url).pathname.startsWith("/v1.0/"));
      expect(graphCalls.length).toBeGreaterThan(0);
      for (const e of graphCalls) {
        expect(hostOf(e.request.url)).toBe(hostOf(graphUrl));
        expect(e.response.status).toBe(200);
      }
      const hosts = new Set(exchanges.map((e) => hostOf(e.request.url)));
      expect([...hosts].sort()).toEqual([hostOf(loginUrl), hostOf(graphUrl)].sort());
      expect(report.tenant?.id).toBe(creds(PASSING[cloud]).tenantId);
    });

    it(`${cloud}: without consent, the admin-consent link is on its login host`, async () => {
      const tenantId = NO_CONSENT_IDS[cloud];
      const { report } = await validateIn(cloud, PASSING[cloud], tenantId);
      expect(outcome(report, "permissions")).toBe("fail:permissions_missing");
      const link = report.permissions?.adminConsentUrl;
      expect(link).toBe(`${loginUrl}/${tenantId}/adminconsent?client_id=${creds(PASSING[cloud]).clientId}`);
      expect(report.checks.find((c) => c.id === "permissions")?.remedy).toContain(
        `${loginUrl}/${tenantId}/adminconsent`,
      );
    });
  }

  it("a GCC High tenant validated as global: discovery names GCC High, Entra answers AADSTS900382", async () => {
    const run = await validateIn("global", "gcc-high");
    const token = await wrongCloudToken(run, "US Government GCC High", "login.microsoftonline.com");
    const tenant = run.report.checks.find((c) => c.id === "tenant");
    expect(tenant?.detail).toMatchObject({ tenantCloud: "usgov-gcchigh", regionScope: "USGov" });
    expect(token.response.status).toBe(400);
    expect(JSON.parse(token.response.body)).toMatchObject({ error: "invalid_request", error_codes: [900382] });
  });

  it("a China tenant validated as global: not found on the global host (AADSTS90002), the remedy names China", async () => {
    const run = await validateIn("global", "china-valid");
    const { report } = run;
    expect(outcome(report, "tenant")).toBe("fail:tenant_not_found");
    expect(report.checks.find((c) => c.id === "tenant")?.remedy).toContain("choose China");
    expect(JSON.parse((await tokenExchange(run)).response.body).error_codes).toEqual([90002]);
  });

  it("a global tenant validated as GCC High: discovery names global, Entra answers AADSTS900440", async () => {
    const run = await validateIn("usgov-gcchigh", "valid");
    const token = await wrongCloudToken(run, "Microsoft global cloud", "login.microsoftonline.us");
    expect(new URLSearchParams(token.request.body).get("scope")).toBe("https://graph.microsoft.us/.default");
    expect(JSON.parse(token.response.body)).toMatchObject({ error: "invalid_request", error_codes: [900440] });
  });

  it("a China tenant validated as DoD: not found on the US Gov host either", async () => {
    const run = await validateIn("usgov-dod", "china-valid");
    const { report } = run;
    expect(outcome(report, "tenant")).toBe("fail:tenant_not_found");
    expect(JSON.parse((await tokenExchange(run)).response.body).error_codes).toEqual([90002]);
  });
});

/** The certificate of a certificate scenario (the PEM also holds its key). */
function certificateOf(scenario: string): X509Certificate {
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(
    creds(scenario).clientCertificatePem ?? "",
  )?.[0];
  if (pem === undefined) throw new Error(`scenario ${scenario} has no certificate`);
  return new X509Certificate(pem);
}

/** The client assertion msal sent in a token request: its header and claims, checked against the certificate. */
async function assertionOf(token: Exchange, certificate: X509Certificate) {
  const body = new URLSearchParams(token.request.body);
  expect(body.get("client_secret")).toBeNull();
  expect(body.get("client_assertion_type")).toBe(JWT_BEARER);
  const assertion = body.get("client_assertion") ?? "";
  // Signed by the certificate's key: its public key verifies it.
  await compactVerify(assertion, certificate.publicKey);
  return { header: decodeProtectedHeader(assertion), claims: decodeJwt(assertion) };
}

describe("a certificate in each cloud, over HTTPS", () => {
  for (const cloud of CLOUD_IDS) {
    const { loginUrl, graphUrl, graphResource } = CLOUDS[cloud];
    const scenario = CERTIFICATE[cloud];

    it(`${cloud}: ${scenario} passes; the assertion names ${hostOf(loginUrl)}'s token endpoint, expiry from keyCredentials`, async () => {
      const c = creds(scenario);
      expect(c.cloud).toBe(cloud);
      const run = await validateIn(cloud, scenario);
      const { report, exchanges } = run;
      for (const id of ["tenant", "token", "permissions", "graph", "secret_expiry"] as CheckId[]) {
        expect(`${id}=${outcome(report, id)}`).toBe(`${id}=pass`);
      }
      expect(report.ok).toBe(true);

      // The client assertion: the certificate's SHA-256 thumbprint, this cloud's token endpoint, the app as issuer.
      const certificate = certificateOf(scenario);
      const token = await tokenExchange(run);
      expect(hostOf(token.request.url)).toBe(hostOf(loginUrl));
      const { header, claims } = await assertionOf(token, certificate);
      expect(header["x5t#S256"]).toBe(createHash("sha256").update(certificate.raw).digest("base64url"));
      expect(claims.aud).toBe(`${loginUrl}/${c.tenantId}/oauth2/v2.0/token`);
      expect(claims.iss).toBe(c.clientId);
      expect(claims.sub).toBe(c.clientId);

      // The token: issued for this cloud's Graph to a client that proved a certificate (appidacr 2).
      expect(token.response.status).toBe(200);
      const access = decodeJwt(String(JSON.parse(token.response.body).access_token));
      expect(access.appidacr).toBe("2");
      expect(access.aud).toBe(graphResource);
      expect(access.tid).toBe(c.tenantId);

      // Graph on this cloud's host; the expiry is the keyCredential's, found by the certificate's thumbprint.
      const graphCalls = exchanges.filter((e) => new URL(e.request.url).pathname.startsWith("/v1.0/"));
      expect(graphCalls.length).toBeGreaterThan(0);
      for (const e of graphCalls) expect(hostOf(e.request.url)).toBe(hostOf(graphUrl));
      const application = graphCalls.find((e) => e.request.url.includes("/v1.0/applications"));
      const listed = (JSON.parse(application?.response.body ?? "{}") as { keyCredentials?: Record<string, string>[] })
        .keyCredentials;
      const fixture = sandboxTenants().find((t) => t.scenario === scenario)?.apps[0]?.certificates?.[0];
      expect(fixture?.keyId).toBeDefined();
      const keyCredential = listed?.find((k) => k.keyId === fixture?.keyId);
      expect(keyCredential?.customKeyIdentifier).toBe(
        Buffer.from(certificate.fingerprint.replaceAll(":", ""), "hex").toString("base64"),
      );
      expect(report.secret).toMatchObject({
        credentialType: "certificate",
        keyId: fixture?.keyId,
        thumbprint: certificate.fingerprint.replaceAll(":", ""),
        subject: certificate.subject,
      });
      expect(Date.parse(report.secret?.expiresAt ?? "")).toBe(Date.parse(keyCredential?.endDateTime ?? "x"));
      expect(report.secret?.daysUntilExpire).toBeGreaterThanOrEqual(299);
    });
  }

  it("a GCC High certificate validated as global: the assertion names the global endpoint, Entra answers AADSTS900382", async () => {
    const c = creds("gcc-high-certificate");
    const run = await validateIn("global", "gcc-high-certificate");
    const token = await wrongCloudToken(run, "US Government GCC High", "login.microsoftonline.com");
    const { claims } = await assertionOf(token, certificateOf("gcc-high-certificate"));
    expect(claims.aud).toBe(`https://login.microsoftonline.com/${c.tenantId}/oauth2/v2.0/token`);
    expect(token.response.status).toBe(400);
    expect(JSON.parse(token.response.body)).toMatchObject({ error: "invalid_request", error_codes: [900382] });
  });
});

describe("the server in sandbox mode tells the clouds apart", () => {
  let app: TestApp;
  const responses: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({ VALIDATION_RATE_LIMIT: "10000" });
  });

  afterAll(async () => {
    await app?.close();
  });

  async function validate(scenario: string, cloud: Cloud): Promise<ValidationReport> {
    const c = creds(scenario);
    const result = await postJson(`${app.url}/api/validation`, {
      tenantId: c.tenantId,
      clientId: c.clientId,
      ...credentialOf(c),
      cloud,
    });
    expect(result.status).toBe(200);
    responses.push(result.text);
    return result.json as ValidationReport;
  }

  for (const cloud of CLOUD_IDS) {
    it(`${cloud}: its passing scenario passes, read from its own cloud's discovery document`, async () => {
      const report = await validate(PASSING[cloud], cloud);
      expect(report.ok).toBe(true);
      expect(outcome(report, "token")).toBe("pass");
      const instance = report.checks.find((c) => c.id === "tenant")?.detail?.cloudInstance;
      expect(CLOUDS[cloud].instanceNames).toContain(instance);
    });

    it(`${cloud}: ${CERTIFICATE[cloud]} passes with its certificate, the sandbox listing naming the cloud`, async () => {
      const listed = await fetch(`${app.url}/api/sandbox`);
      const tenants = ((await listed.json()) as SandboxTenants).tenants;
      expect(tenants.find((t) => t.scenario === CERTIFICATE[cloud])?.cloud).toBe(cloud);
      const report = await validate(CERTIFICATE[cloud], cloud);
      expect(report.ok, JSON.stringify(report.checks)).toBe(true);
      expect(report.secret).toMatchObject({ credentialType: "certificate", daysUntilExpire: expect.any(Number) });
    });
  }

  it("the gcc-high scenario in the global cloud is the cross-cloud error, naming GCC High", async () => {
    const report = await validate("gcc-high", "global");
    expect(outcome(report, "tenant")).toBe("fail:wrong_cloud");
    expect(outcome(report, "token")).toBe("skipped");
    expect(report.checks.find((c) => c.id === "tenant")?.remedy).toContain("US Government GCC High");
    // The same tenant is found in its own cloud (its app is registered there only in the sandbox's story).
    const inGov = await validate("gcc-high", "usgov-gcchigh");
    expect(outcome(inGov, "tenant")).toBe("pass");
    expect(outcome(inGov, "token")).toBe("pass");
  });

  it("provisioning in GCC High: the provider's global app is unknown on the .us host (AADSTS700016)", async () => {
    const call = apiCaller(() => app.url);
    const customer = await call("POST", "/api/customers", { name: "Fabrikam Gov" });
    expect(customer.status, customer.text).toBe(201);
    const started = await call("POST", "/api/provisioning", {
      customerId: (customer.json as Customer).id,
      appName: "Fabrikam Gov DR",
      cloud: "usgov-gcchigh",
    });
    responses.push(started.text);
    const runs =
      started.status === 201 ? await followRun(call, `/api/provisioning/${(started.json as ProvisioningRun).id}`) : [];
    const final = runs.at(-1) ?? (started.json as ProvisioningRun);
    expect(final.status, started.text).toBe("failed");
    const signIn = final.steps.find((step) => step.id === "sign_in");
    expect(signIn).toMatchObject({ status: "fail", code: "provisioning_app_not_found", detail: { aadsts: 700016 } });
  });

  it("rotates a certificate in each national cloud: addKey and removeKey at that cloud's Graph, the new one validates", async () => {
    const call = apiCaller(() => app.url);
    const customer = await call("POST", "/api/customers", { name: "National clouds" });
    expect(customer.status, customer.text).toBe(201);
    for (const cloud of CLOUD_IDS.filter((id) => id !== "global")) {
      const c = creds(CERTIFICATE[cloud]);
      const created = await call("POST", "/api/services", {
        customerId: (customer.json as Customer).id,
        shortName: `rot${cloud.replace("usgov-", "")}`,
        licenseType: "hosted-pro",
        licensedUsers: 5,
        m365: { tenantId: c.tenantId, clientId: c.clientId, ...credentialOf(c), cloud },
      });
      responses.push(created.text);
      expect(created.status, created.text).toBe(201);
      const before = created.json as Service;
      expect(before.m365).toMatchObject({ cloud, credentialType: "certificate", selfRotation: true });
      const rotated = await call("POST", `/api/services/${before.id}/m365/rotate`);
      responses.push(rotated.text);
      expect(rotated.status, `${cloud}: ${rotated.text}`).toBe(200);
      // The app lives in this cloud only, and Graph takes only a token for itself: the calls went to its Graph.
      expect(app.sandbox?.emulator.directory(c.tenantId).calls, cloud).toMatchObject({ addKey: 1, removeKey: 1 });
      const after = (await call("GET", `/api/services/${before.id}`)).json as Service;
      expect(after.m365.certificateThumbprint).not.toBe(before.m365.certificateThumbprint);
      const again = await call("POST", `/api/services/${before.id}/m365/validate`);
      responses.push(again.text);
      expect((again.json as ValidationReport).ok, again.text).toBe(true);
      expect((again.json as ValidationReport).cloud).toBe(cloud);
    }
  });

  it("never lets a secret out in a response or a log line", () => {
    const everything = responses.join("\n") + app.logs.join("\n");
    for (const scenario of [...Object.values(PASSING), "gcc-high"]) {
      expect(everything).not.toContain(creds(scenario).clientSecret);
    }
    // Nor a certificate's private key (a few of its base64 lines).
    for (const scenario of Object.values(CERTIFICATE)) {
      const key = /-----BEGIN PRIVATE KEY-----\n([\s\S]+?)-----END/.exec(
        creds(scenario).clientCertificatePem ?? "",
      )?.[1];
      const lines = key?.split("\n").slice(1, 4).join("\n") ?? "";
      expect(lines.length).toBeGreaterThan(100);
      expect(everything).not.toContain(lines);
    }
  });
});
