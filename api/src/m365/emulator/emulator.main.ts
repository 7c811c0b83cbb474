/**
 * CLI: starts the HTTPS emulator with the sandbox tenants.
 *   tsx api/src/m365/emulator/emulator.main.ts [--port N] [--latency-ms N] [--ca-out FILE]
 * Writes the CA certificate to FILE (default ./data/emulator-ca.pem) so clients can trust the server, prints the
 * URL, and stops on SIGINT/SIGTERM.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createEmulator } from "./emulator.core.js";
import { SANDBOX, SANDBOX_ADMINS, sandboxTenants } from "./emulator.fixtures.js";
import { startEmulatorServer } from "./emulator.server.js";

function toInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer, got '${raw}'`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      "latency-ms": { type: "string" },
      "ca-out": { type: "string" },
    },
  });
  const port = toInt("port", values.port, 0);
  const latencyMs = toInt("latency-ms", values["latency-ms"], 0);
  const caOut = resolve(values["ca-out"] ?? "./data/emulator-ca.pem");

  const emulator = await createEmulator({ tenants: sandboxTenants(), latencyMs });
  const server = await startEmulatorServer({ emulator, port });
  await mkdir(dirname(caOut), { recursive: true });
  await writeFile(caOut, server.caPem, "utf8");

  process.stdout.write(`Entra ID / Graph emulator listening on ${server.url}\n`);
  process.stdout.write(`CA certificate: ${caOut}\n`);
  process.stdout.write(`Scenarios: ${Object.keys(SANDBOX).join(", ")}\n`);
  process.stdout.write(
    `Device-code admins: ${SANDBOX_ADMINS.map((a) => a.userPrincipalName ?? a.scenario).join(", ")}\n`,
  );

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
