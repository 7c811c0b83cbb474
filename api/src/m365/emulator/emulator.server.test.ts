import { X509Certificate } from "node:crypto";
import { request as httpsRequest } from "node:https";
import {
  ConfidentialClientApplication,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
  PublicClientApplication,
  ServerError,
} from "@azure/msal-node";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator } from "./emulator.core.js";
import {
  SANDBOX,
  SANDBOX_PROVISIONING_CLIENT_ID,
  type SandboxCredentials,
  sandboxTenants,
} from "./emulator.fixtures.js";
import { createEmulatorTls, startEmulatorServer } from "./emulator.server.js";
import type { EmulatorTls } from "./emulator.types.js";

function sb(name: string): SandboxCredentials {
  const creds = SANDBOX[name];
  if (creds === undefined) throw new Error(`no scenario ${name}`);
  return creds;
}

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One HTTPS request with Node's client; `ca` undefined means the default trust store. */
function fetchRaw(
  url: string,
  init: { method?: string; ca?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: init.method ?? "GET", ca: init.ca, headers: init.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") headers[k] = v;
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", reject);
      },
    );
    if (init.timeoutMs !== undefined) {
      req.setTimeout(init.timeoutMs, () =>
        req.destroy(Object.assign(new Error("client timeout"), { code: "ETIMEDOUT" })),
      );
    }
    req.on("error", reject);
    req.end(init.body);
  });
}

/** msal's INetworkModule over node:https with the emulator CA (global fetch cannot take a CA). */
function caNetworkClient(ca: string): INetworkModule {
  const send = async <T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    const res = await fetchRaw(url, { method, ca, body: options?.body, headers: options?.headers, timeoutMs: 5000 });
    return { status: res.status, headers: res.headers, body: JSON.parse(res.body) as T };
  };
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>("GET", url, options),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>("POST", url, options),
  };
}

describe("createEmulatorTls", () => {
  let tls: EmulatorTls;
  beforeAll(async () => {
    tls = await createEmulatorTls();
  });

  it("makes a CA and a loopback serverAuth leaf signed by it", () => {
    const ca = new X509Certificate(tls.caPem);
    const leaf = new X509Certificate(tls.certPem);
    expect(ca.ca).toBe(true);
    expect(ca.keyUsage).toBeUndefined(); // Node only reports keyUsage for EKU; the CA check is the `ca` flag.
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toContain("DNS:localhost");
    expect(leaf.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(leaf.subjectAltName).toMatch(/IP Address:(0:0:0:0:0:0:0:1|::1)/);
    expect(leaf.keyUsage).toContain("1.3.6.1.5.5.7.3.1");
    const from = new Date(leaf.validFrom).getTime();
    const to = new Date(leaf.validTo).getTime();
    expect(Date.now() - from).toBeGreaterThan(23 * 3600_000);
    expect(to - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(tls.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });
});

describe("emulator HTTPS server", () => {
  let server: Awaited<ReturnType<typeof startEmulatorServer>>;
  let host: string;
  beforeAll(async () => {
    const emulator = await createEmulator({ tenants: sandboxTenants() });
    server = await startEmulatorServer({ emulator });
    host = new URL(server.url).host;
  });
  afterAll(async () => {
    await server.close();
  });

  it("listens on loopback and is trusted with the CA only", async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const c = sb("valid");
    const url = `${server.url}/${c.tenantId}/v2.0/.well-known/openid-configuration`;
    const ok = await fetchRaw(url, { ca: server.caPem });
    expect(ok.status).toBe(200);
    expect(ok.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(ok.body).issuer).toBe(`${server.url}/${c.tenantId}/v2.0`);
    await expect(fetchRaw(url)).rejects.toMatchObject({
      code: expect.stringMatching(
        /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT/,
      ),
    });
  });

  it("serves a token to msal-node 7 and surfaces a wrong secret as ServerError 7000215", async () => {
    const c = sb("valid");
    const app = (secret: string) =>
      new ConfidentialClientApplication({
        auth: {
          clientId: c.clientId,
          authority: `${server.url}/${c.tenantId}`,
          clientSecret: secret,
          knownAuthorities: [host],
        },
        system: { networkClient: caNetworkClient(server.caPem) },
      });
    const correlationId = "dddddddd-0000-4000-8000-000000000001";
    const result = await app(c.clientSecret).acquireTokenByClientCredential({
      scopes: ["https://graph.microsoft.com/.default"],
      skipCache: true,
      correlationId,
    });
    expect(result?.accessToken).toBeTruthy();
    expect(decodeJwt(result?.accessToken ?? "")).toMatchObject({ tid: c.tenantId, appid: c.clientId });

    const failure = await app("wrong8Q~secret")
      .acquireTokenByClientCredential({
        scopes: ["https://graph.microsoft.com/.default"],
        skipCache: true,
        correlationId,
      })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(failure).toBeInstanceOf(ServerError);
    const se = failure as ServerError;
    expect(se.errorCode).toBe("invalid_client");
    expect(String(se.errorNo)).toBe("7000215");
    expect(se.status).toBe(401);
    expect(se.errorMessage).toContain(`Correlation ID: ${correlationId}`);
  });

  it("keeps a hung request open until the client gives up, and still closes quickly", async () => {
    const emulator = await createEmulator({ tenants: sandboxTenants() });
    const own = await startEmulatorServer({ emulator });
    const url = `${own.url}/${sb("slow").tenantId}/v2.0/.well-known/openid-configuration`;
    const started = Date.now();
    await expect(fetchRaw(url, { ca: own.caPem, timeoutMs: 200 })).rejects.toMatchObject({ code: "ETIMEDOUT" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);

    // A second hung request the client never abandons: close() must not wait for it.
    const pending = fetchRaw(url, { ca: own.caPem }).then(
      () => "answered",
      (err: { code?: string }) => err.code ?? "error",
    );
    await new Promise((r) => setTimeout(r, 100));
    const closing = Date.now();
    await own.close();
    expect(Date.now() - closing).toBeLessThan(1000);
    expect(await pending).toBe("ECONNRESET");
  });

  it("resets the connection for the reset scenario", async () => {
    const url = `${server.url}/${sb("reset").tenantId}/v2.0/.well-known/openid-configuration`;
    await expect(fetchRaw(url, { ca: server.caPem })).rejects.toMatchObject({ code: "ECONNRESET" });
  });

  it("answers HTML 502 with its content type", async () => {
    const c = sb("html-502");
    const res = await fetchRaw(`${server.url}/${c.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      ca: server.caPem,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    expect(res.status).toBe(502);
    expect(res.headers["content-type"]).toBe("text/html");
  });

  it("refuses bodies over 1 MiB with 413", async () => {
    const res = await fetchRaw(`${server.url}/${sb("valid").tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      ca: server.caPem,
      body: "a".repeat(1024 * 1024 + 10),
    });
    expect(res.status).toBe(413);
  });

  it("delays answers by latencyMs", async () => {
    const emulator = await createEmulator({ tenants: sandboxTenants(), latencyMs: 200 });
    const own = await startEmulatorServer({ emulator, tls: await createEmulatorTls() });
    try {
      const started = Date.now();
      const res = await fetchRaw(`${own.url}/${sb("valid").tenantId}/discovery/v2.0/keys`, { ca: own.caPem });
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    } finally {
      await own.close();
    }
  });

  it("signs an admin in with msal-node's device-code flow, then creates an app with the delegated token", async () => {
    const emulator = await createEmulator({ tenants: sandboxTenants(), deviceCodeIntervalSeconds: 1 });
    const own = await startEmulatorServer({ emulator });
    try {
      const ownHost = new URL(own.url).host;
      const pca = new PublicClientApplication({
        auth: {
          clientId: SANDBOX_PROVISIONING_CLIENT_ID,
          authority: `${own.url}/organizations`,
          knownAuthorities: [ownHost],
        },
        system: { networkClient: caNetworkClient(own.caPem) },
      });
      const shown: { userCode: string; message: string }[] = [];
      const result = await pca.acquireTokenByDeviceCode({
        scopes: [
          "https://graph.microsoft.com/Application.ReadWrite.All",
          "https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All",
        ],
        deviceCodeCallback: (response) => {
          shown.push({ userCode: response.userCode, message: response.message });
          // The admin signs in a moment later: msal polls through authorization_pending meanwhile.
          setTimeout(() => {
            emulator.signInWithDeviceCode(response.userCode, { userPrincipalName: "admin@lamna.onmicrosoft.com" });
          }, 1200);
        },
      });
      expect(shown).toHaveLength(1);
      expect(shown[0]?.message).toContain(shown[0]?.userCode ?? "?");
      const lamna = sandboxTenants().find((t) => t.scenario === "provision");
      expect(result?.tenantId).toBe(lamna?.id);
      expect(result?.account?.username).toBe("admin@lamna.onmicrosoft.com");
      expect(result?.account?.homeAccountId).toBe(`${lamna?.users?.[0]?.id}.${lamna?.id}`);
      const claims = decodeJwt(result?.accessToken ?? "");
      expect(claims).toMatchObject({
        idtyp: "user",
        tid: lamna?.id,
        scp: "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All",
        wids: ["62e90394-69f5-4237-9190-012177145e10"],
      });

      const created = await fetchRaw(`${own.url}/v1.0/applications`, {
        method: "POST",
        ca: own.caPem,
        headers: { authorization: `Bearer ${result?.accessToken}`, "content-type": "application/json" },
        body: JSON.stringify({ displayName: "Lamna Direct Routing", signInAudience: "AzureADMyOrg" }),
      });
      expect(created.status).toBe(201);
      expect(JSON.parse(created.body).appId).toMatch(/^[0-9a-f-]{36}$/);
      expect(emulator.directory(lamna?.id ?? "").applications.map((a) => a.displayName)).toEqual([
        "Lamna Direct Routing",
      ]);
    } finally {
      await own.close();
    }
  });
});
