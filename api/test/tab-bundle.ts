/**
 * The tab's initial JavaScript against its baseline (docs/architecture.md, "Tab bundle budget"), shared by the
 * budget test (tab-bundle.test.ts) and `npm run bench`'s tab part: the gzip size of what an HTML page loads before
 * anything else (its module entry and modulepreloads), and the baseline page (React, one FluentProvider, one Button)
 * built by the tab's own Vite setup.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "vite";
import { ROOT } from "./helpers.js";

/** The budget: the tab's initial JavaScript at most this many times the baseline's. */
export const TAB_JS_BUDGET_RATIO = 1.3;

/** Sums the gzip -9 size of the JavaScript an HTML page loads before anything else (entry + modulepreloads). */
export function initialJsGzip(distDir: string, htmlFile: string): { bytes: number; files: string[] } {
  const html = readFileSync(join(distDir, htmlFile), "utf8");
  const refs = [
    ...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ].map((m) => (m[1] ?? "").replace(/^\//, "").replace(/^\.\//, ""));
  let bytes = 0;
  for (const ref of refs) bytes += gzipSync(readFileSync(join(distDir, ref)), { level: 9 }).length;
  return { bytes, files: refs };
}

/** Builds the baseline page (tab/bench/baseline.html) into a new temporary folder and answers that folder. */
export async function buildBaseline(): Promise<string> {
  const tabDir = join(ROOT, "tab");
  const outDir = mkdtempSync(join(tmpdir(), "dr-baseline-"));
  await build({
    configFile: join(tabDir, "vite.config.ts"),
    root: join(tabDir, "bench"),
    logLevel: "warn",
    build: { outDir, emptyOutDir: true, rollupOptions: { input: join(tabDir, "bench", "baseline.html") } },
  });
  return outDir;
}

/** The built tab's initial JavaScript (tab/dist, from `npm run build`). */
export function tabInitialJs(): { bytes: number; files: string[] } {
  return initialJsGzip(join(ROOT, "tab", "dist"), "index.html");
}
