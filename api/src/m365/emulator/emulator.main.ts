/**
 * CLI: starts the HTTPS emulator with the sandbox tenants.
 *   tsx api/src/m365/emulator/emulator.main.ts [--port N] [--latency-ms N] [--ca-out FILE]
 *     [--bulk-tenants N [--bulk-apps N] [--bulk-seed TEXT]] [--control]
 * Writes the CA certificate to FILE (default ./data/emulator-ca.pem) so clients can trust the server, prints the
 * URL, and stops on SIGINT/SIGTERM.
 * `--bulk-tenants`: a bulk fleet besides the sandbox tenants (emulator.bulk.ts), e.g. 2000 tenants of 5 apps.
 * `--control`: reads commands from stdin, one a line: `stats` prints one line `stats {json}` (requests, tokens
 * issued, apps signed in, apps signed in more than once, the most tokens one app got); `reset` zeroes the counters.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { bulkFleet } from "./emulator.bulk.js";
import { createEmulator, type Emulator } from "./emulator.core.js";
import { SANDBOX, SANDBOX_ADMINS, sandboxTenants } from "./emulator.fixtures.js";
import { startEmulatorServer } from "./emulator.server.js";

function toInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer, got '${raw}'`);
  return value;
}

/** The counters `--control`'s `stats` prints. */
function stats(emulator: Emulator): Record<string, number> {
  let tokens = 0;
  let twice = 0;
  let most = 0;
  for (const n of emulator.tokensIssued().values()) {
    tokens += n;
    if (n > 1) twice++;
    most = Math.max(most, n);
  }
  return {
    requests: emulator.requestCount,
    tokens,
    apps: emulator.tokensIssued().size,
    appsSignedInMoreThanOnce: twice,
    mostTokensOneApp: most,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      "latency-ms": { type: "string" },
      "ca-out": { type: "string" },
      "bulk-tenants": { type: "string" },
      "bulk-apps": { type: "string" },
      "bulk-seed": { type: "string" },
      control: { type: "boolean" },
    },
  });
  const port = toInt("port", values.port, 0);
  const latencyMs = toInt("latency-ms", values["latency-ms"], 0);
  const caOut = resolve(values["ca-out"] ?? "./data/emulator-ca.pem");

  const bulkTenants = toInt("bulk-tenants", values["bulk-tenants"], 0);
  const bulk =
    bulkTenants > 0
      ? bulkFleet({
          tenants: bulkTenants,
          appsPerTenant: toInt("bulk-apps", values["bulk-apps"], 5),
          ...(values["bulk-seed"] !== undefined ? { seed: values["bulk-seed"] } : {}),
        })
      : [];
  const emulator = await createEmulator({ tenants: [...sandboxTenants(), ...bulk], latencyMs });
  const server = await startEmulatorServer({ emulator, port });
  await mkdir(dirname(caOut), { recursive: true });
  await writeFile(caOut, server.caPem, "utf8");

  process.stdout.write(`Entra ID / Graph emulator listening on ${server.url}\n`);
  process.stdout.write(`CA certificate: ${caOut}\n`);
  process.stdout.write(`Scenarios: ${Object.keys(SANDBOX).join(", ")}\n`);
  process.stdout.write(
    `Device-code admins: ${SANDBOX_ADMINS.map((a) => a.userPrincipalName ?? a.scenario).join(", ")}\n`,
  );
  if (bulk.length > 0) {
    process.stdout.write(`Bulk fleet: ${bulk.length} tenants, ${bulk.reduce((n, t) => n + t.apps.length, 0)} apps\n`);
  }
  if (values.control === true) {
    createInterface({ input: process.stdin }).on("line", (line) => {
      const command = line.trim();
      if (command === "reset") emulator.resetCounters();
      if (command === "stats" || command === "reset") {
        process.stdout.write(`${command} ${JSON.stringify(stats(emulator))}\n`);
      }
    });
  }

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
