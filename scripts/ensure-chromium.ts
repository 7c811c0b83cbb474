/**
 * Makes sure Debian's Chromium is there for the browser tests: uses CHROMIUM_PATH or /usr/bin/chromium, else
 * installs the `chromium` package with apt-get when running as root, else stops with the command to run.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function install(): void {
  process.stdout.write(
    "Chromium not found: installing Debian's chromium (apt-get update && apt-get install -y chromium)\n",
  );
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { stdio: "inherit", env });
}

if (!existsSync(path)) {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root) {
    process.stderr.write(
      `The browser tests need Chromium at ${path}. Install it with:\n  sudo apt-get update && sudo apt-get install -y chromium\n(or set CHROMIUM_PATH to a Chromium binary)\n`,
    );
    process.exit(1);
  }
  try {
    install();
  } catch {
    process.stderr.write("Installing chromium failed. Run: apt-get update && apt-get install -y chromium\n");
    process.exit(1);
  }
  if (!existsSync(path)) {
    process.stderr.write(`Chromium is still missing at ${path}. Run: apt-get update && apt-get install -y chromium\n`);
    process.exit(1);
  }
}
process.stdout.write(`Chromium: ${execFileSync(path, ["--version"], { encoding: "utf8" }).trim()}\n`);
