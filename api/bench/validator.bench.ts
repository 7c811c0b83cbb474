/**
 * `npm run bench`: the validator's wall time per run against the HTTPS emulator with injected latency, beside the
 * same answers fetched raw (fetch for the tenant lookup and Graph, msal for the token), in one process and one run.
 *
 * The raw baseline needs three round trips (tenant lookup, token, the two Graph reads side by side); the
 * validator sends the token request beside the tenant lookup, so it needs two. Target: ratio <= 1.15.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { createEmulator } from "../src/m365/emulator/emulator.core.js";
import { SANDBOX, sandboxTenants } from "../src/m365/emulator/emulator.fixtures.js";
import { createEmulatorTls, startEmulatorServer } from "../src/m365/emulator/emulator.server.js";
import type { Dispatch } from "../src/m365/http/dispatch.types.js";
import { createUndiciDispatch } from "../src/m365/http/undici.dispatch.js";
import { createValidator } from "../src/m365/validator.js";

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = 3;

/** Global fetch and msal's default client trust only Node's store: re-run this file with the CA added to it. */
async function relaunchWithCa(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "dr-bench-"));
  const tls = await createEmulatorTls();
  const tlsFile = join(dir, "tls.json");
  const caFile = join(dir, "ca.pem");
  writeFileSync(tlsFile, JSON.stringify(tls));
  writeFileSync(caFile, tls.caPem);
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1] ?? ""], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile, BENCH_TLS_FILE: tlsFile },
    stdio: "inherit",
  });
  const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}

function stats(samples: number[]): { median: number; p95: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { median: at(0.5), p95: at(0.95), mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}

async function main(): Promise<void> {
  const tlsFile = process.env.BENCH_TLS_FILE;
  if (!tlsFile) return relaunchWithCa();
  const tls = JSON.parse(readFileSync(tlsFile, "utf8")) as Awaited<ReturnType<typeof createEmulatorTls>>;
  const emulator = await createEmulator({ tenants: sandboxTenants(), latencyMs: LATENCY_MS });
  const server = await startEmulatorServer({ emulator, tls });
  const creds = SANDBOX.valid;
  if (!creds) throw new Error("no valid scenario");
  const base = server.url;
  const host = new URL(base).host;

  // Ours: the validator with its own transport (undici, trusting the CA through NODE_EXTRA_CA_CERTS).
  const outbound = createUndiciDispatch();
  let requests = 0;
  // A round trip starts whenever a request goes out while none is in flight: requests sent side by side share one.
  let roundTrips = 0;
  let inFlight = 0;
  const counted: Dispatch = async (request, signal) => {
    if (inFlight++ === 0) roundTrips++;
    try {
      return await outbound.dispatch(request, signal);
    } finally {
      inFlight--;
    }
  };
  const validator = createValidator({
    dispatch: counted,
    timeoutMs: 10_000,
    requiredPermissions: ["Organization.Read.All", "Application.Read.All"],
    overrides: { loginUrl: base, graphUrl: base },
    onRequest: () => requests++,
  });
  const ours = async () => {
    const report = await validator.validate({
      tenantId: creds.tenantId,
      clientId: creds.clientId,
      clientSecret: creds.clientSecret,
      cloud: "global",
    });
    if (!report.ok) throw new Error(`validator run not ok: ${JSON.stringify(report.checks.map((c) => c.code))}`);
  };

  // Raw: the same answers with global fetch and a plain msal instance, one step after the other.
  const raw = async () => {
    const oidc = await (await fetch(`${base}/${creds.tenantId}/v2.0/.well-known/openid-configuration`)).json();
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: creds.clientId,
        clientSecret: creds.clientSecret,
        authority: `${base}/${creds.tenantId}`,
        knownAuthorities: [host],
        authorityMetadata: JSON.stringify(oidc),
      },
    });
    const token = await app.acquireTokenByClientCredential({
      scopes: ["https://graph.microsoft.com/.default"],
      skipCache: true,
    });
    const headers = { authorization: `Bearer ${token?.accessToken}` };
    const [org, application] = await Promise.all([
      fetch(`${base}/v1.0/organization?$select=id,displayName,verifiedDomains`, { headers }),
      fetch(`${base}/v1.0/applications(appId='${creds.clientId}')?$select=passwordCredentials`, { headers }),
    ]);
    if (org.status !== 200 || application.status !== 200) throw new Error("raw run failed");
    await Promise.all([org.json(), application.json()]);
  };

  const measure = async (fn: () => Promise<void>) => {
    const samples: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const started = performance.now();
      await fn();
      if (i >= WARMUP) samples.push(performance.now() - started);
    }
    return stats(samples);
  };

  // Interleave the two so drift on a shared machine hits both alike.
  const oursSamples: number[] = [];
  const rawSamples: number[] = [];
  for (let i = 0; i < WARMUP; i++) {
    await ours();
    await raw();
  }
  requests = 0;
  roundTrips = 0;
  emulator.resetCounters();
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    await ours();
    oursSamples.push(performance.now() - t);
    t = performance.now();
    await raw();
    rawSamples.push(performance.now() - t);
  }
  void measure;
  const o = stats(oursSamples);
  const r = stats(rawSamples);
  const perRun = requests / RUNS;
  const tripsPerRun = roundTrips / RUNS;
  const ratio = o.median / r.median;
  const fmt = (n: number) => n.toFixed(1).padStart(7);
  process.stdout.write(
    [
      `validator benchmark: ${RUNS} runs each, ${LATENCY_MS} ms injected latency per request, emulator over HTTPS`,
      `                          median      p95     mean  (ms)`,
      `  validator (ours)      ${fmt(o.median)}  ${fmt(o.p95)}  ${fmt(o.mean)}   ${perRun.toFixed(1)} requests in ${tripsPerRun.toFixed(1)} round trips per run`,
      `  raw fetch + msal      ${fmt(r.median)}  ${fmt(r.p95)}  ${fmt(r.mean)}   4 requests in 3 round trips`,
      `  ratio ours/raw (median): ${ratio.toFixed(3)}  (target <= 1.15)`,
      "",
    ].join("\n"),
  );
  await outbound.close();
  await server.close();
  process.stdout.write(ratio <= 1.15 ? "  target met\n\n" : "  TARGET MISSED\n\n");
  process.exit(0);
}

await main();
