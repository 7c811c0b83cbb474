/**
 * `npm run bench`: the validator's wall time per run against the HTTPS emulator with injected latency, beside the
 * same answers fetched raw (fetch for the tenant lookup and Graph, msal for the token), in one process and one run.
 *
 * The raw baseline needs three round trips (tenant lookup, token, the two Graph reads side by side); the
 * validator sends the token request beside the tenant lookup, so it needs two. Targets (issue 14): two round trips
 * and a median ratio <= 0.75 of the baseline.
 *
 * Then the Direct Routing readiness report (api/src/readiness/) under the same latency: its round trips and wall time
 * for a ready tenant and for one whose SBC domain is not verified (the TXT record read), each against the
 * validation's. Target: at most one round trip more than the validation (docs/validation.md, "Benchmark").
 */

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { secretCredential } from "../src/m365/credentials/credential.js";
import { createEmulator } from "../src/m365/emulator/emulator.core.js";
import { SANDBOX, SANDBOX_SBC_BASE_DOMAIN, sandboxTenants } from "../src/m365/emulator/emulator.fixtures.js";
import { createEmulatorTls, startEmulatorServer } from "../src/m365/emulator/emulator.server.js";
import type { Dispatch } from "../src/m365/http/dispatch.types.js";
import { createUndiciDispatch } from "../src/m365/http/undici.dispatch.js";
import { createValidator } from "../src/m365/validator.js";
import { createReadinessChecker } from "../src/readiness/readiness.checker.js";

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = 3;
/** The validator's median against the three-trip baseline (issue 14, Build point 5). */
const RATIO_TARGET = 0.75;
/** Round trips the readiness report may cost beyond the validation's. */
const READINESS_EXTRA_TRIPS = 1;

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

/**
 * Counts what goes out through `inner`: requests, and round trips. A request's round trip is one more than the
 * latest of the run's requests that had been answered when it went out (it may wait on that answer); requests sent
 * side by side share one. A run's round trips are its deepest request's; call `newRun()` before each run.
 */
function countingDispatch(inner: Dispatch): {
  dispatch: Dispatch;
  newRun(): void;
  reset(): void;
  requests(): number;
  trips(): number;
} {
  let requests = 0;
  let finishedTrips = 0;
  let answered = 0;
  let deepest = 0;
  return {
    async dispatch(request, signal) {
      requests++;
      const trip = answered + 1;
      deepest = Math.max(deepest, trip);
      try {
        return await inner(request, signal);
      } finally {
        answered = Math.max(answered, trip);
      }
    },
    newRun() {
      finishedTrips += deepest;
      deepest = 0;
      answered = 0;
    },
    reset() {
      requests = 0;
      finishedTrips = 0;
      deepest = 0;
      answered = 0;
    },
    requests: () => requests,
    trips: () => finishedTrips + deepest,
  };
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
  const counted = countingDispatch(outbound.dispatch);
  const validator = createValidator({
    dispatch: counted.dispatch,
    timeoutMs: 10_000,
    requiredPermissions: ["Organization.Read.All", "Application.Read.All"],
    overrides: { loginUrl: base, graphUrl: base },
  });
  const ours = async () => {
    counted.newRun();
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

  // Interleave the two so drift on a shared machine hits both alike.
  const oursSamples: number[] = [];
  const rawSamples: number[] = [];
  for (let i = 0; i < WARMUP; i++) {
    await ours();
    await raw();
  }
  counted.reset();
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    await ours();
    oursSamples.push(performance.now() - t);
    t = performance.now();
    await raw();
    rawSamples.push(performance.now() - t);
  }
  const o = stats(oursSamples);
  const r = stats(rawSamples);
  const perRun = counted.requests() / RUNS;
  const tripsPerRun = counted.trips() / RUNS;
  const ratio = o.median / r.median;

  // Readiness: the checker as the routes and the scheduler build it, on the same outbound dispatch.
  const checker = createReadinessChecker({
    dispatch: counted.dispatch,
    timeoutMs: 10_000,
    overrides: { loginUrl: base, graphUrl: base },
  });
  const readinessOf = (scenario: string, label: string, want: Record<string, string>) => async () => {
    const c = SANDBOX[scenario];
    if (!c) throw new Error(`no ${scenario} scenario`);
    counted.newRun();
    const report = await checker.check({
      tenantId: c.tenantId,
      clientId: c.clientId,
      credential: secretCredential(c.clientSecret),
      cloud: "global",
      sbcFqdn: `${label}.${SANDBOX_SBC_BASE_DOMAIN}`,
    });
    const got = Object.fromEntries(report.checks.map((k) => [k.id, k.code ? `${k.status}:${k.code}` : k.status]));
    for (const [id, status] of Object.entries(want)) {
      if (got[id] !== status) throw new Error(`readiness ${scenario}: ${id} is ${got[id]}, not ${status}`);
    }
  };
  const readinessCases = [
    { name: "readiness, ready tenant", run: readinessOf("valid", "contoso", { sbc_domain: "pass" }) },
    {
      name: "readiness, TXT record read",
      run: readinessOf("readiness-domain-unverified", "blueyonder", { sbc_domain: "fail:domain_not_verified" }),
    },
  ];
  const readinessRows: { name: string; s: ReturnType<typeof stats>; requests: number; trips: number }[] = [];
  for (const { name, run } of readinessCases) {
    for (let i = 0; i < WARMUP; i++) await run();
    counted.reset();
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await run();
      samples.push(performance.now() - t);
    }
    readinessRows.push({ name, s: stats(samples), requests: counted.requests() / RUNS, trips: counted.trips() / RUNS });
  }

  const fmt = (n: number) => n.toFixed(1).padStart(7);
  const row = (name: string, s: ReturnType<typeof stats>, what: string) =>
    `  ${name.padEnd(28)}${fmt(s.median)}  ${fmt(s.p95)}  ${fmt(s.mean)}   ${what}`;
  const verdict = (ok: boolean, text: string) => `  ${ok ? "PASS" : "FAIL"}  ${text}`;
  const extraTrips = Math.max(...readinessRows.map((x) => x.trips)) - tripsPerRun;
  const verdicts = [
    verdict(tripsPerRun === 2, `validator: two round trips per run (measured ${tripsPerRun.toFixed(1)})`),
    verdict(ratio <= RATIO_TARGET, `validator/raw median ratio ${ratio.toFixed(3)} <= ${RATIO_TARGET}`),
    verdict(
      extraTrips <= READINESS_EXTRA_TRIPS,
      `readiness <= ${READINESS_EXTRA_TRIPS} extra round trip beyond the validation's (worst case ${extraTrips >= 0 ? "+" : ""}${extraTrips.toFixed(1)})`,
    ),
  ];
  process.stdout.write(
    [
      `validator benchmark: ${RUNS} runs each, ${LATENCY_MS} ms injected latency per request, emulator over HTTPS`,
      `                                median      p95     mean  (ms)`,
      row("validator (ours)", o, `${perRun.toFixed(1)} requests in ${tripsPerRun.toFixed(1)} round trips per run`),
      row("raw fetch + msal", r, "4 requests in 3 round trips"),
      `  ratio ours/raw (median): ${ratio.toFixed(3)}  (target <= ${RATIO_TARGET})`,
      ...readinessRows.map((x) =>
        row(
          x.name,
          x.s,
          `${x.requests.toFixed(1)} requests in ${x.trips.toFixed(1)} round trips (${x.trips - tripsPerRun >= 0 ? "+" : ""}${(x.trips - tripsPerRun).toFixed(1)} vs validation; median ${(x.s.median / o.median).toFixed(2)}x the validator's)`,
        ),
      ),
      "",
      ...verdicts,
      "",
      "",
    ].join("\n"),
  );
  await outbound.close();
  await server.close();
  process.exit(0);
}

await main();
