/**
 * The product as `npm start` runs it, in a child process: sandbox by default, and live mode against an emulator
 * reached only through M365_LOGIN_URL / M365_GRAPH_URL and trusted only through NODE_EXTRA_CA_CERTS.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ValidationReport } from "@dr/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator } from "../src/m365/emulator/emulator.core.js";
import { SANDBOX, sandboxTenants } from "../src/m365/emulator/emulator.fixtures.js";
import { createEmulatorTls, type EmulatorServer, startEmulatorServer } from "../src/m365/emulator/emulator.server.js";
import { postJson, type SpawnedServer, spawnServer } from "./helpers.js";
import { outcome } from "./scenarios.js";

const valid = SANDBOX.valid;
if (!valid) throw new Error("no valid scenario");
const validBody = { tenantId: valid.tenantId, clientId: valid.clientId, clientSecret: valid.clientSecret };

let dir: string;
let emulator: EmulatorServer;
let caFile: string;
const servers: SpawnedServer[] = [];

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function start(env: Record<string, string>): Promise<SpawnedServer> {
  const server = await spawnServer(env);
  servers.push(server);
  return server;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dr-start-"));
  emulator = await startEmulatorServer({
    emulator: await createEmulator({ tenants: sandboxTenants() }),
    tls: await createEmulatorTls(),
  });
  caFile = join(dir, "emulator-ca.pem");
  writeFileSync(caFile, emulator.caPem);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm start (child process)", () => {
  it("starts in sandbox mode by default, prints the demo credentials and validates", async () => {
    const server = await start({ DATA_DIR: dir });
    expect(server.output()).toContain("SANDBOX");
    expect(server.output()).toContain(valid.tenantId);
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as { mode: string };
    expect(health.mode).toBe("sandbox");
    const { json } = await postJson(`${server.url}/api/validation`, validBody);
    expect((json as ValidationReport).ok).toBe(true);
  });

  it("live mode reaches an emulator through the override URLs, trusting it through NODE_EXTRA_CA_CERTS", async () => {
    const server = await start({
      M365_MODE: "live",
      M365_LOGIN_URL: emulator.url,
      M365_GRAPH_URL: emulator.url,
      NODE_EXTRA_CA_CERTS: caFile,
      DATA_DIR: dir,
    });
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as { mode: string };
    expect(health.mode).toBe("live");
    const { json } = await postJson(`${server.url}/api/validation`, validBody);
    const report = json as ValidationReport;
    expect(report.ok).toBe(true);
    expect(report.tenant?.displayName).toBe("Contoso");
  });

  it("live mode without the CA refuses the emulator's certificate (entra_unreachable, cause tls)", async () => {
    const server = await start({
      M365_MODE: "live",
      M365_LOGIN_URL: emulator.url,
      M365_GRAPH_URL: emulator.url,
      DATA_DIR: dir,
    });
    const { json } = await postJson(`${server.url}/api/validation`, validBody);
    const report = json as ValidationReport;
    expect(outcome(report, "tenant")).toBe("unknown:entra_unreachable");
    expect(report.checks.find((c) => c.id === "tenant")?.detail?.cause).toBe("tls");
  });

  it("an unreachable login host answers entra_unreachable (connection refused), quickly", async () => {
    const port = await closedPort();
    const server = await start({
      M365_MODE: "live",
      M365_LOGIN_URL: `https://127.0.0.1:${port}`,
      M365_GRAPH_URL: `https://127.0.0.1:${port}`,
      DATA_DIR: dir,
    });
    const started = Date.now();
    const { json } = await postJson(`${server.url}/api/validation`, validBody);
    const report = json as ValidationReport;
    expect(outcome(report, "tenant")).toBe("unknown:entra_unreachable");
    expect(report.checks.find((c) => c.id === "tenant")?.detail?.cause).toBe("refused");
    expect(Date.now() - started).toBeLessThan(3000);
    expect(server.output()).not.toContain(valid.clientSecret);
  });

  it("refuses to start on a bad configuration value, naming the variable", async () => {
    await expect(spawnServer({ M365_TIMEOUT_MS: "soon", DATA_DIR: dir })).rejects.toThrow(/M365_TIMEOUT_MS/);
    await expect(spawnServer({ NODE_ENV: "production", DATA_DIR: dir })).rejects.toThrow(/M365_MODE/);
  });
});
