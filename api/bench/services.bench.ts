/**
 * `npm run bench` (second part): GET /api/services with 100 services under load (autocannon, 50 connections),
 * beside a bare Fastify route that serves the same JSON from memory, in one run. Both servers run as child
 * processes so that the load generator does not share their event loop.
 * Targets: at least half the bare route's requests per second, and p99 under 25 ms.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { ROOT, spawnServer } from "../test/helpers.js";

const SERVICES = 100;
const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);

async function load(url: string): Promise<{ rps: number; p50: number; p99: number; errors: number; non2xx: number }> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function startBare(payloadFile: string): Promise<{ url: string; stop: () => void }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "api/bench/bare-fastify.server.ts", payloadFile],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /running at (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`bare server exited ${code}`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "dr-bench-services-"));
  // The product as deployed logs at info; the log goes to a file here so the terminal is not the bottleneck.
  const server = await spawnServer({ DATA_DIR: dir, VALIDATION_RATE_LIMIT: "100000", LOG_LEVEL: "warn" });
  try {
    const post = async (path: string, body: unknown) => {
      const r = await fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (r.status !== 201) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as { id: string };
    };
    const customer = await post("/api/customers", { name: "Bench Customer" });
    const scenarios = ["valid", "expiring", "multi-tenant-app", "secret-rotated"];
    for (let i = 0; i < SERVICES; i++) {
      const c = SANDBOX[scenarios[i % scenarios.length] ?? "valid"];
      if (!c) throw new Error("scenario missing");
      await post("/api/services", {
        customerId: customer.id,
        shortName: `bench-${String(i).padStart(3, "0")}`,
        licenseType: i % 2 ? "hosted-pro" : "hosted-essentials-plus",
        licensedUsers: 1 + i,
        m365: { tenantId: c.tenantId, clientId: c.clientId, clientSecret: c.clientSecret },
      });
    }
    const listUrl = `${server.url}/api/services`;
    const payload = await (await fetch(listUrl)).text();
    const payloadFile = join(dir, "payload.json");
    writeFileSync(payloadFile, payload);
    const bare = await startBare(payloadFile);
    try {
      await load(`${bare.url}/bare`); // warm-up of both, discarded
      await load(listUrl);
      const bareResult = await load(`${bare.url}/bare`);
      const ours = await load(listUrl);
      const ratio = ours.rps / bareResult.rps;
      const fmt = (n: number) => n.toFixed(0).padStart(8);
      process.stdout.write(
        [
          `services list benchmark: ${SERVICES} services (${(payload.length / 1024).toFixed(0)} KiB JSON), ${CONNECTIONS} connections, ${DURATION_S} s each`,
          "                              req/s    p50 ms    p99 ms   errors",
          `  GET /api/services (ours) ${fmt(ours.rps)}  ${fmt(ours.p50)}  ${fmt(ours.p99)}  ${fmt(ours.errors + ours.non2xx)}`,
          `  bare Fastify, same JSON  ${fmt(bareResult.rps)}  ${fmt(bareResult.p50)}  ${fmt(bareResult.p99)}  ${fmt(bareResult.errors + bareResult.non2xx)}`,
          `  throughput ratio ours/bare: ${ratio.toFixed(3)} (target >= 0.5); p99 ${ours.p99} ms (target < 25 ms): ${
            ratio >= 0.5 && ours.p99 < 25 ? "targets met" : "TARGET MISSED"
          }`,
          "",
        ].join("\n"),
      );
    } finally {
      bare.stop();
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
