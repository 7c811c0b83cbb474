/**
 * The production dispatch's host map (docs/entra.md section 1, "The emulator's clouds"): a Microsoft host name is
 * sent to the loopback emulator over real HTTPS, with the real name in `Host` and in the TLS check.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator } from "../emulator/emulator.core.js";
import { SANDBOX, sandboxTenants } from "../emulator/emulator.fixtures.js";
import { type EmulatorServer, startEmulatorServer } from "../emulator/emulator.server.js";
import { createUndiciDispatch } from "./undici.dispatch.js";

const GOV = SANDBOX["gcc-high"];

let server: EmulatorServer;
let mapped: ReturnType<typeof createUndiciDispatch>;

beforeAll(async () => {
  server = await startEmulatorServer({ emulator: await createEmulator({ tenants: sandboxTenants() }) });
  mapped = createUndiciDispatch({
    extraCaPem: [server.caPem],
    hostMap: { "login.microsoftonline.us": server.url, "login.not-in-the-certificate.example": server.url },
  });
});

afterAll(async () => {
  await mapped?.close();
  await server?.close();
});

function get(url: string) {
  return mapped.dispatch({ method: "GET", url, headers: { accept: "application/json" } }, AbortSignal.timeout(5000));
}

describe("createUndiciDispatch with a host map", () => {
  it("sends a mapped Microsoft host to the emulator, keeping its name in Host and in the certificate check", async () => {
    if (GOV === undefined) throw new Error("no gcc-high scenario");
    const answer = await get(`https://login.microsoftonline.us/${GOV.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(answer.status).toBe(200);
    // The emulator builds the document from the Host it received: the real name, not the loopback address.
    expect(JSON.parse(answer.body)).toMatchObject({
      issuer: `https://login.microsoftonline.us/${GOV.tenantId}/v2.0`,
      tenant_region_sub_scope: "DODCON",
    });
  });

  it("refuses a mapped name the certificate does not carry: the name is really verified", async () => {
    const failure = await get(
      "https://login.not-in-the-certificate.example/common/v2.0/.well-known/openid-configuration",
    )
      .then(() => undefined)
      .catch((error: unknown) => error as { code?: string; cause?: { code?: string } });
    expect(failure?.code ?? failure?.cause?.code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
  });

  it("leaves a host outside the map alone", async () => {
    if (GOV === undefined) throw new Error("no gcc-high scenario");
    const answer = await get(`${server.url}/${GOV.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).issuer).toBe(`${server.url}/${GOV.tenantId}/v2.0`);
  });
});

describe("createUndiciDispatch's body reading", () => {
  it("reads a whole answer, cuts one longer than maxBodyBytes, and the dispatch still serves the next request", async () => {
    if (GOV === undefined) throw new Error("no gcc-high scenario");
    const url = `${server.url}/${GOV.tenantId}/v2.0/.well-known/openid-configuration`;
    const small = createUndiciDispatch({ extraCaPem: [server.caPem], maxBodyBytes: 64 });
    try {
      const whole = await get(url);
      expect(whole.body.length).toBeGreaterThan(64);
      const cut = await small.dispatch({ method: "GET", url, headers: {} }, AbortSignal.timeout(5000));
      expect(cut.status).toBe(200);
      expect(cut.body.length).toBeLessThanOrEqual(64);
      expect(whole.body.startsWith(cut.body)).toBe(true);
      const again = await get(url);
      expect(again.body).toBe(whole.body);
    } finally {
      await small.close();
    }
  });

  it("rejects when the request is aborted before the answer", async () => {
    if (GOV === undefined) throw new Error("no gcc-high scenario");
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(
      mapped.dispatch(
        { method: "GET", url: `${server.url}/${GOV.tenantId}/v2.0/.well-known/openid-configuration`, headers: {} },
        controller.signal,
      ),
    ).rejects.toThrow();
  });
});
