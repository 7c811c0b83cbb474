/**
 * What one validation costs the product at the fleet bench's concurrency, without the fleet runner, in this process
 * (so its CPU time is the product's): the bulk fleet in the emulator (its own process, 50 ms per answer), and for
 * each service from a pool of PROBE_CONCURRENCY (32) either the validator alone (PROBE_MODE=validator) or the
 * runner's step, Validate Authentication of the stored secret unmetered (PROBE_MODE=service, the default: the
 * service read, the secret opened, the validation, the transaction that records it). Prints validations per second,
 * the ideal (services x 2 round trips x latency / concurrency), CPU per validation here and in the emulator.
 *   tsx api/bench/fleet.probe.ts     PROBE_SERVICES (2000), PROBE_DATABASE_URL (SQLite when unset)
 *   tsx --cpu-prof --cpu-prof-dir=/tmp/prof api/bench/fleet.probe.ts   profiles it
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { pino } from "pino";
import { bulkCredentials } from "../src/m365/emulator/emulator.bulk.js";
import { createUndiciDispatch } from "../src/m365/http/undici.dispatch.js";
import { createValidator } from "../src/m365/validator.js";
import { createOnboardingService } from "../src/onboarding/onboarding.service.js";
import { createLocalSecretStore } from "../src/secrets/local-secret-store.js";
import { openDatabase } from "../src/storage/database.js";
import { createKyselyRepository } from "../src/storage/kysely.repository.js";
import { createRateLimitRepository } from "../src/storage/rate-limit.repository.js";
import { TEST_SECRET_KEY } from "../test/helpers.js";
import { pool, startEmulatorProcess } from "./fleet.rig.js";
import { seedFleet } from "./fleet.seed.js";

const SERVICES = Number(process.env.PROBE_SERVICES ?? 2000);
const APPS = 5;
const CONCURRENCY = Number(process.env.PROBE_CONCURRENCY ?? 32);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const MODE = process.env.PROBE_MODE ?? "service";
const SEED = "fleet-probe";

/** User and system CPU seconds of a process so far (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** TLS connections this process opened (each costs a handshake, and a secure context when one is built per connection). */
let tlsConnects = 0;
const connect = tls.connect;
tls.connect = ((...args: Parameters<typeof connect>) => {
  tlsConnects++;
  return connect(...args);
}) as typeof connect;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "dr-fleet-probe-"));
  const databaseUrl = process.env.PROBE_DATABASE_URL;
  const tenants = Math.ceil(SERVICES / APPS);
  const credentials = bulkCredentials({ tenants, appsPerTenant: APPS, seed: SEED }).slice(0, SERVICES);
  const caFile = join(dir, "ca.pem");
  const emulator = await startEmulatorProcess({
    tenants,
    appsPerTenant: APPS,
    seed: SEED,
    latencyMs: LATENCY_MS,
    caOut: caFile,
    ...(process.env.BENCH_EMU_PROF ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_EMU_PROF}`] } : {}),
  });
  const outbound = createUndiciDispatch({ extraCaPem: [readFileSync(caFile, "utf8")] });
  const database = await openDatabase({ dataDir: dir, ...(databaseUrl ? { databaseUrl } : {}) });
  try {
    let t = performance.now();
    const target = { dataDir: dir, secretKeyBase64: TEST_SECRET_KEY, ...(databaseUrl ? { databaseUrl } : {}) };
    const ids = await seedFleet(target, credentials);
    process.stdout.write(`seeded ${ids.length} services in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    // The server logs at info (LOG_LEVEL's default) to stdout; here to /dev/null through the same writes.
    const logger = pino(
      { level: process.env.PROBE_LOG_LEVEL ?? "info" },
      pino.destination({ dest: "/dev/null", sync: true }),
    );
    const validator = createValidator({
      dispatch: outbound.dispatch,
      timeoutMs: 10_000,
      requiredPermissions: ["Organization.Read.All", "Application.Read.All"],
      overrides: { loginUrl: emulator.url, graphUrl: emulator.url },
      logger,
    });
    const onboarding = createOnboardingService({
      repo: createKyselyRepository(database.db, database.engine),
      secrets: await createLocalSecretStore({ dataDir: dir, keyBase64: TEST_SECRET_KEY }),
      validator,
      rateLimiter: createRateLimitRepository({ db: database.db, engine: database.engine, limit: 100_000 }),
      sbc: { baseDomain: "sbc.bench.example", regions: ["emea"] },
    });
    const byId = new Map(ids.map((id, i) => [id, credentials[i]]));
    const validate = async (id: string) => {
      let ok: boolean;
      if (MODE === "validator") {
        const c = byId.get(id);
        if (!c) throw new Error("no credentials");
        const report = await validator.validate({
          tenantId: c.tenantId,
          clientId: c.clientId,
          clientSecret: c.clientSecret,
          cloud: "global",
        });
        ok = report.ok;
      } else {
        ok = (await onboarding.validateService(id, "system:bench", { scheduled: true })).ok;
      }
      if (!ok) throw new Error(`validation of ${id} not ok`);
    };
    // Warm-up: connections, JIT.
    await pool(ids.slice(0, 64), CONCURRENCY, validate);
    await emulator.reset();
    const cpu0 = process.cpuUsage();
    const emuCpu0 = cpuSeconds(emulator.pid);
    t = performance.now();
    await pool(ids, CONCURRENCY, validate);
    const wall = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu0);
    const cpu = (used.user + used.system) / 1e6;
    const emuCpu = cpuSeconds(emulator.pid) - emuCpu0;
    const stats = await emulator.stats();
    const ideal = (ids.length * 2 * LATENCY_MS) / 1000 / CONCURRENCY;
    const per = (s: number) => `${((s / ids.length) * 1000).toFixed(2)} ms`;
    process.stdout.write(
      [
        `probe (${MODE}): ${ids.length} validations, concurrency ${CONCURRENCY}, ${LATENCY_MS} ms latency, ${databaseUrl ? "PostgreSQL" : "SQLite"}`,
        `  wall ${wall.toFixed(2)} s, ideal ${ideal.toFixed(2)} s, ratio ${(wall / ideal).toFixed(3)}; ${(ids.length / wall).toFixed(0)} validations/s`,
        `  CPU per validation: product ${per(cpu)}, emulator ${per(emuCpu)}; peak RSS here ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
        `  TLS connections opened: ${tlsConnects}; emulator: ${JSON.stringify(stats)}`,
        "",
      ].join("\n"),
    );
  } finally {
    await outbound.close();
    await database.close();
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
