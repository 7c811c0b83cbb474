/**
 * `npm run bench` (fleet part, issue 15 point 3): "Validate all" of 10,000 services in 2,000 tenants against the HTTPS
 * emulator at 50 ms per answer, driven over HTTP as an operator does (POST /api/fleet/revalidation, then the run's
 * progress until it ends), with REVALIDATION_CONCURRENCY=32. The emulator runs in a process of its own with the bulk
 * fleet (api/src/m365/emulator/emulator.bulk.ts); the services are written into the product's database beforehand
 * (fleet.seed.ts). Cases: one copy on SQLite, one copy on PostgreSQL, two copies sharing the run on PostgreSQL (a fresh
 * database the bench creates and drops).
 *
 * Per case: the run's wall time (startedAt to finishedAt) against the ideal, services x 2 round trips x latency /
 * (concurrency x copies); the peak RSS of each server process (VmHWM); and the duplicates, counted by the emulator
 * independently of the product (apps that were issued more than one token during the run), besides the services
 * the run left without any token. Targets: ratio <= 1.25, peak RSS <= 300 MB, 0 duplicates.
 *
 * Settings: BENCH_FLEET_TENANTS (2000), BENCH_APPS_PER_TENANT (5), BENCH_LATENCY_MS (50),
 * BENCH_CONCURRENCY (32), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/postgres: where the fresh database is
 * created), BENCH_FLEET_CASES (sqlite-1,postgres-1,postgres-2), BENCH_TSX=1 (run the server through tsx rather than
 * the compiled build), BENCH_CPU_PROF=dir (each server writes its CPU profile there).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { FleetRun } from "@dr/contract";
import pg from "pg";
import { bulkCredentials } from "../src/m365/emulator/emulator.bulk.js";
import { openDatabase } from "../src/storage/database.js";
import { COMPILED_MAIN, type ProductProcess, spawnProduct, startEmulatorProcess } from "./fleet.rig.js";
import { seedFleet } from "./fleet.seed.js";

const TENANTS = Number(process.env.BENCH_FLEET_TENANTS ?? 2000);
const APPS = Number(process.env.BENCH_APPS_PER_TENANT ?? 5);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const CASES = (process.env.BENCH_FLEET_CASES ?? "sqlite-1,postgres-1,postgres-2").split(",").map((c) => c.trim());
const SEED = "fleet-bench";
/** BENCH_CPU_PROF=dir: each server writes a CPU profile there (node --cpu-prof). */
const PROFILE_DIR = process.env.BENCH_CPU_PROF;
const OPERATOR = { "x-dev-user": "bench.operator@provider.example" };
/** Targets (issue 15, point 3). */
const RATIO_TARGET = 1.25;
const RSS_TARGET_MB = 300;
/** Round trips per validation: the tenant lookup beside the token request, then the two Graph reads side by side. */
const ROUND_TRIPS = 2;
/** A run that has not ended by then has failed the bench. */
const RUN_TIMEOUT_MS = 20 * 60_000;

interface CaseResult {
  name: string;
  engine: "sqlite" | "postgres";
  copies: number;
  run: FleetRun;
  wallS: number;
  idealS: number;
  rssMb: number[];
  duplicates: number;
  missing: number;
  tokens: number;
  /** Per copy: validations each one made (its log lines), when the log tells. */
  perCopy: number[];
}

/** A fresh PostgreSQL database for one case; `drop` removes it. */
async function freshPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `dr_fleet_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

async function api(base: string, method: string, path: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${base}${path}`, { method, headers: OPERATOR });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

/** Validations recorded during the run per service (independent of the emulator): services with more than one. */
async function recordedTwice(
  target: { dataDir: string; databaseUrl?: string },
  since: string,
): Promise<{ twice: number; recorded: number }> {
  const database = await openDatabase({
    dataDir: target.dataDir,
    ...(target.databaseUrl ? { databaseUrl: target.databaseUrl } : {}),
  });
  try {
    const rows = await database.db
      .selectFrom("validations")
      .select(["service_id", (eb) => eb.fn.countAll<number | string | bigint>().as("n")])
      .where("at", ">=", since)
      .groupBy("service_id")
      .execute();
    return { twice: rows.filter((r) => Number(r.n) > 1).length, recorded: rows.length };
  } finally {
    await database.close();
  }
}

async function runCase(
  name: string,
  emulator: Awaited<ReturnType<typeof startEmulatorProcess>>,
  caFile: string,
): Promise<CaseResult & { recorded: { twice: number; recorded: number }; progressErrors: number }> {
  const [engineName, copiesText] = name.split("-");
  const engine = engineName === "postgres" ? "postgres" : "sqlite";
  const copies = Number(copiesText ?? 1);
  if (engine === "sqlite" && copies !== 1) throw new Error(`${name}: SQLite serves one copy only`);
  const dir = mkdtempSync(join(tmpdir(), `dr-fleet-bench-${name}-`));
  const database = engine === "postgres" ? await freshPostgres() : undefined;
  const secretKeyBase64 = randomBytes(32).toString("base64");
  const target = { dataDir: dir, secretKeyBase64, ...(database ? { databaseUrl: database.url } : {}) };
  const servers: ProductProcess[] = [];
  try {
    const credentials = bulkCredentials({ tenants: TENANTS, appsPerTenant: APPS, seed: SEED });
    const seedStarted = performance.now();
    await seedFleet(target, credentials);
    process.stdout.write(
      `  [${name}] seeded ${credentials.length} services in ${TENANTS} tenants in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s\n`,
    );
    for (let i = 0; i < copies; i++) {
      servers.push(
        await spawnProduct(
          {
            M365_MODE: "live",
            M365_LOGIN_URL: emulator.url,
            M365_GRAPH_URL: emulator.url,
            NODE_EXTRA_CA_CERTS: caFile,
            // Each copy its own data directory; on PostgreSQL they share the database and the key.
            DATA_DIR: copies === 1 ? dir : join(dir, `copy-${i + 1}`),
            SECRET_KEY: secretKeyBase64,
            REVALIDATION_CONCURRENCY: String(CONCURRENCY),
            // As deployed: info lines to stdout (the bench drains them).
            LOG_LEVEL: "info",
            ...(database ? { DATABASE_URL: database.url } : {}),
          },
          PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [],
        ),
      );
    }
    const first = servers[0];
    if (!first) throw new Error("no server");
    await emulator.reset();
    const since = new Date().toISOString();
    const wallStarted = performance.now();
    const started = await api(first.url, "POST", "/api/fleet/revalidation");
    if (started.status !== 202) throw new Error(`${name}: POST /api/fleet/revalidation ${started.status}`);
    const { runId } = started.json as { runId: string };
    let run: FleetRun | undefined;
    let progressErrors = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      for (const s of servers) s.peakRssMb();
      // Progress is read from each copy in turn (any copy answers for the shared run).
      const server = servers[Math.floor(Math.random() * servers.length)] ?? first;
      const got = await api(server.url, "GET", `/api/fleet/revalidation/${runId}`);
      if (got.status !== 200) {
        // An operator's page reads again; the bench counts the failure and reads again too.
        progressErrors++;
        if (progressErrors === 1)
          process.stdout.write(`  [${name}] GET run ${got.status} ${JSON.stringify(got.json)}\n`);
        if (progressErrors > 100) throw new Error(`${name}: GET run ${got.status} ${JSON.stringify(got.json)}`);
        continue;
      }
      run = got.json as FleetRun;
      if (run.status !== "running") break;
      if (performance.now() - wallStarted > RUN_TIMEOUT_MS) throw new Error(`${name}: the run did not end in time`);
    }
    if (run === undefined) throw new Error(`${name}: no progress read`);
    const benchWallS = (performance.now() - wallStarted) / 1000;
    const rssMb = servers.map((s) => s.peakRssMb());
    const stats = await emulator.stats();
    const services = credentials.length;
    const wallS =
      run.finishedAt !== undefined ? (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000 : benchWallS;
    const perCopy = servers.map((s) => s.validations());
    const recorded = await recordedTwice(target, since);
    return {
      name,
      engine,
      copies,
      run,
      wallS,
      idealS: (services * ROUND_TRIPS * LATENCY_MS) / 1000 / (CONCURRENCY * copies),
      rssMb,
      duplicates: stats.appsSignedInMoreThanOnce,
      missing: services - stats.apps,
      tokens: stats.tokens,
      perCopy,
      recorded,
      progressErrors,
    };
  } finally {
    for (const s of servers) await s.stop();
    await database?.drop().catch((error: unknown) => {
      process.stderr.write(`could not drop the bench database: ${(error as Error).message}\n`);
    });
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "dr-fleet-bench-"));
  const caFile = join(dir, "emulator-ca.pem");
  const emulator = await startEmulatorProcess({
    tenants: TENANTS,
    appsPerTenant: APPS,
    seed: SEED,
    latencyMs: LATENCY_MS,
    caOut: caFile,
  });
  const services = TENANTS * APPS;
  const lines: string[] = [
    `fleet re-validation benchmark: ${services} services in ${TENANTS} tenants, ${LATENCY_MS} ms per answer (HTTPS emulator, own process), REVALIDATION_CONCURRENCY=${CONCURRENCY}`,
    `  server: ${process.env.BENCH_TSX === "1" ? "tsx api/src/main.ts" : COMPILED_MAIN}; load average at start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} on ${(await import("node:os")).cpus().length} CPUs`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  const verdicts: string[] = [];
  const verdict = (ok: boolean, text: string) => verdicts.push(`  ${ok ? "PASS" : "FAIL"}  ${text}`);
  let failed = false;
  try {
    for (const name of CASES) {
      try {
        const r = await runCase(name, emulator, caFile);
        const ratio = r.wallS / r.idealS;
        const label = `${r.copies === 1 ? "one copy" : `${r.copies} copies`}, ${r.engine === "postgres" ? "PostgreSQL" : "SQLite"}`;
        const row = [
          `  ${label.padEnd(22)} wall ${r.wallS.toFixed(2).padStart(6)} s  ideal ${r.idealS.toFixed(2).padStart(6)} s  ratio ${ratio.toFixed(3)}`,
          `peak RSS ${r.rssMb.map((m) => `${m.toFixed(0)} MB`).join(" + ")}`,
          `duplicates ${r.duplicates} (emulator), ${r.recorded.twice} (validations table)`,
          `run ${r.run.status}: done ${r.run.done}/${r.run.total}, failed ${r.run.failed}, unknown ${r.run.unknown}; tokens ${r.tokens}, services without one ${r.missing}${r.copies > 1 ? `; validations per copy ${r.perCopy.join(" / ")}` : ""}`,
        ];
        process.stdout.write(`${row.join("; ")}\n`);
        lines.push(row.join("; "));
        verdict(ratio <= RATIO_TARGET, `${label}: ratio ${ratio.toFixed(3)} <= ${RATIO_TARGET}`);
        verdict(
          Math.max(...r.rssMb) <= RSS_TARGET_MB,
          `${label}: peak RSS ${Math.max(...r.rssMb).toFixed(0)} MB <= ${RSS_TARGET_MB} MB`,
        );
        verdict(
          r.duplicates === 0 && r.recorded.twice === 0,
          `${label}: 0 services validated twice (emulator ${r.duplicates}, table ${r.recorded.twice})`,
        );
        verdict(r.progressErrors === 0, `${label}: every progress read answered (${r.progressErrors} failed)`);
        verdict(
          r.run.status === "completed" && r.run.done === r.run.total && r.missing === 0,
          `${label}: every service validated once (${r.run.done}/${r.run.total}, ${r.missing} without a token)`,
        );
      } catch (error) {
        failed = true;
        verdict(false, `${name}: ${(error as Error).message.split("\n")[0]}`);
      }
    }
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`\n${verdicts.join("\n")}\n\n`);
  process.exit(failed ? 1 : 0);
}

await main();
