/** The one process entry: `npm start`. Reads the configuration, starts the server, prints where it is. */
import { startApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  let running: Awaited<ReturnType<typeof startApp>>;
  try {
    config = loadConfig();
    // Start-up refusals (a stored secret under a key the server was not given, say) are ConfigErrors too.
    running = await startApp(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const lines = [
    "",
    `Direct Routing onboarding is running at ${running.url}  (mode: ${config.m365.mode})`,
    `  Health:     GET  ${running.url}/api/health`,
    `  Validation: POST ${running.url}/api/validation  {"tenantId","clientId","clientSecret","cloud"?}`,
  ];
  if (running.sandbox) {
    lines.push(
      "",
      `SANDBOX: Entra ID and Graph are emulated at ${running.sandbox.url}; nothing leaves this machine.`,
      "Demo tenants (tenantId / clientId / clientSecret):",
    );
    for (const [scenario, c] of Object.entries(running.sandbox.credentials)) {
      lines.push(`  ${scenario.padEnd(18)} ${c.tenantId}  ${c.clientId}  ${c.clientSecret}`);
    }
  }
  process.stdout.write(`${lines.join("\n")}\n\n`);
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

await main();
