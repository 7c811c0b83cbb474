/**
 * The fleet bench's parts (fleet.bench.ts, fleet.probe.ts): the HTTPS emulator with a bulk fleet in a process of
 * its own, the product's server processes in live mode against it, their peak RSS, and a pool of requests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ROOT } from "../test/helpers.js";

/** The emulator's counters (emulator.main.ts `--control`). */
export interface EmulatorStats {
  requests: number;
  tokens: number;
  apps: number;
  appsSignedInMoreThanOnce: number;
  mostTokensOneApp: number;
}

/** A running emulator process. */
export interface EmulatorProcess {
  url: string;
  pid: number;
  stats(): Promise<EmulatorStats>;
  reset(): Promise<EmulatorStats>;
  stop(): Promise<void>;
}

/** Waits for `pattern` on the child's stdout; rejects when it exits first or the time is up. */
function waitForLine(child: ChildProcess, pattern: RegExp, what: string, timeoutMs: number): Promise<RegExpExecArray> {
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in time:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.off("exit", onExit);
        resolve(match);
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", onExit);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
  });
}

/** Starts the emulator CLI with `tenants` x `appsPerTenant` bulk apps and `latencyMs` per answer. */
export async function startEmulatorProcess(options: {
  tenants: number;
  appsPerTenant: number;
  seed: string;
  latencyMs: number;
  caOut: string;
  /** Node options before the entry (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
}): Promise<EmulatorProcess> {
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      "--import",
      "tsx",
      "api/src/m365/emulator/emulator.main.ts",
      "--latency-ms",
      String(options.latencyMs),
      "--bulk-tenants",
      String(options.tenants),
      "--bulk-apps",
      String(options.appsPerTenant),
      "--bulk-seed",
      options.seed,
      "--ca-out",
      options.caOut,
      "--control",
    ],
    { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] },
  );
  const match = await waitForLine(child, /listening on (https:\/\/\S+)/, "emulator", 120_000);
  const url = match[1] ?? "";
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const waiting: ((line: string) => void)[] = [];
  lines.on("line", (line) => {
    if (/^(stats|reset) /.test(line)) waiting.shift()?.(line.replace(/^\S+ /, ""));
  });
  const ask = (command: string) =>
    new Promise<EmulatorStats>((resolve) => {
      waiting.push((line) => resolve(JSON.parse(line) as EmulatorStats));
      child.stdin?.write(`${command}\n`);
    });
  return {
    url,
    pid: child.pid ?? 0,
    stats: () => ask("stats"),
    reset: () => ask("reset"),
    stop: () => stopChild(child),
  };
}

/** A product server process. */
export interface ProductProcess {
  url: string;
  pid: number;
  /** The last of what it printed. */
  output(): string;
  /** Validations it logged ("credential validation finished" lines). */
  validations(): number;
  /** Peak resident set so far, MB (VmHWM). */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/** Peak resident set of a process, MB, from /proc (VmHWM); NaN where /proc has none. */
export function peakRssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? Number.NaN : Number(kb) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Whether the compiled server exists (`npm run build`, as `npm run bench` does first). */
export const COMPILED_MAIN = join(ROOT, "api/dist/main.js");

/**
 * Spawns the product's entry as deployed (the compiled build, `npm run start:prod`) when it exists, else through tsx;
 * BENCH_TSX=1 forces tsx. `nodeArgs` go before the entry (e.g. `--cpu-prof`).
 */
export async function spawnProduct(env: Record<string, string>, nodeArgs: string[] = []): Promise<ProductProcess> {
  const compiled = process.env.BENCH_TSX !== "1" && existsSync(COMPILED_MAIN);
  const entry = compiled ? ["--conditions=dr-compiled", COMPILED_MAIN] : ["--import", "tsx", "api/src/main.ts"];
  const child = spawn(process.execPath, [...nodeArgs, ...entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (text: string) => {
    output += text;
    if (output.length > 400_000) output = output.slice(-200_000);
  };
  child.stdout?.on("data", (chunk: Buffer) => keep(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => keep(chunk.toString()));
  let validations = 0;
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    if (line.includes('"event":"validation"')) validations++;
  });
  const match = await waitForLine(child, /running at (http:\/\/\S+)/, "server", 60_000);
  const pid = child.pid ?? 0;
  let peak = 0;
  return {
    url: match[1] ?? "",
    pid,
    output: () => output,
    validations: () => validations,
    peakRssMb: () => {
      const now = peakRssMb(pid);
      if (!Number.isNaN(now)) peak = Math.max(peak, now);
      return peak;
    },
    stop: () => stopChild(child),
  };
}

/** Runs `work` over `items` with at most `concurrency` at once. */
export async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(runners);
}
