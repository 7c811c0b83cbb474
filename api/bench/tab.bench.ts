/**
 * `npm run bench` (third part): the tab's initial JavaScript (gzip) and the time to an interactive wizard in headless
 * Chromium, beside a baseline page (React + FluentProvider + one Button) built by the same Vite setup, as ratios.
 * Target: initial JS at most 1.3x the baseline.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { launchBrowser } from "../test/browser.js";
import { spawnServer } from "../test/helpers.js";
import { buildBaseline, initialJsGzip, TAB_JS_BUDGET_RATIO, tabInitialJs } from "../test/tab-bundle.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

/** Serves a folder on loopback (for the baseline page). */
async function serveDir(dir: string): Promise<{ url: string; close: () => void }> {
  const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const file = join(dir, path === "/" ? "baseline.html" : path);
    try {
      const body = readFileSync(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no address");
  return { url: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const baselineOut = await buildBaseline();
  const tab = tabInitialJs();
  const base = initialJsGzip(baselineOut, "baseline.html");

  const dataDir = mkdtempSync(join(tmpdir(), "dr-bench-tab-"));
  const server = await spawnServer({ DATA_DIR: dataDir, LOG_LEVEL: "warn" });
  const baseline = await serveDir(baselineOut);
  const browser = await launchBrowser();
  const timeTo = async (url: string, ready: string) => {
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(url);
      await page.locator(ready).first().waitFor({ state: "visible" });
      samples.push(Date.now() - started);
      await context.close();
    }
    return median(samples);
  };
  try {
    const wizardMs = await timeTo(`${server.url}/services/new`, WIZARD_READY);
    const baselineMs = await timeTo(baseline.url, "button");
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    const jsRatio = tab.bytes / base.bytes;
    process.stdout.write(
      [
        `tab benchmark: initial JavaScript (gzip -9, entry + modulepreload) and time to an interactive page (median of ${RUNS}, cold cache)`,
        `  tab (/services/new)   ${kib(tab.bytes).padStart(10)}  ${String(wizardMs).padStart(6)} ms   ${tab.files.length} file(s)`,
        `  baseline page         ${kib(base.bytes).padStart(10)}  ${String(baselineMs).padStart(6)} ms   React + FluentProvider + Button`,
        `  ratios tab/baseline: JS ${jsRatio.toFixed(2)} (target <= ${TAB_JS_BUDGET_RATIO}), time ${(wizardMs / baselineMs).toFixed(2)}: ${
          jsRatio <= TAB_JS_BUDGET_RATIO ? "target met" : "TARGET MISSED"
        }`,
        "",
      ].join("\n"),
    );
  } finally {
    await browser.close();
    baseline.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(baselineOut, { recursive: true, force: true });
  }
}

/** The wizard is interactive when its first step's field accepts input. */
const WIZARD_READY = "main input, main [role=combobox]";

await main();
