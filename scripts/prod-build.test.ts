/**
 * The production build starts with plain `node` and no dev dependency. A bundle made by scripts/deploy-bundle.ts
 * (what teamsapp.yml zip-deploys: package files, the compiled dist folders, tab/dist and
 * `npm ci --omit=dev --workspace=@dr/api`) is staged in a temporary folder outside the repository, so nothing can be
 * found in the repository's own node_modules; the server is started there with the command of `npm run start:prod`
 * and must answer GET /api/health. Needs `npm run build` (npm test runs it first; this file builds when it is missing).
 * The install compiles better-sqlite3 when no prebuilt module can be downloaded: allow a few minutes.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_DIRS, buildBundle, findSymlinks, ROOT } from "./deploy-bundle.js";

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

const rootPackage = readJson(join(ROOT, "package.json")) as {
  version: string;
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};
const tabPackage = readJson(join(ROOT, "tab/package.json")) as { devDependencies?: Record<string, string> };
const lock = readJson(join(ROOT, "package-lock.json")) as { packages: Record<string, { dev?: boolean }> };
/**
 * Every dev dependency the production server must not get: all of the root's and the tab's, except those the lock
 * file also marks as needed in production (@types/node, which some production packages depend on; types only).
 */
const devPackages = [
  ...Object.keys(rootPackage.devDependencies),
  ...Object.keys(tabPackage.devDependencies ?? {}),
].filter((name) => {
  const entry = lock.packages[`node_modules/${name}`];
  return entry === undefined || entry.dev === true;
});

const work = mkdtempSync(join(tmpdir(), "dr-prod-build-"));
const bundle = join(work, "bundle");

/** The `start:prod` command, split into the program and its arguments (it must be plain node, no shell). */
function startCommand(): string[] {
  const words = (readJson(join(bundle, "package.json")) as typeof rootPackage).scripts["start:prod"]?.split(/\s+/);
  if (words?.[0] !== "node") throw new Error(`start:prod must run node directly, got ${words?.join(" ")}`);
  return words.slice(1);
}

/** Starts the bundle's server and waits for the line that says where it listens. */
async function startServer(): Promise<{ url: string; output: () => string; child: ChildProcess }> {
  const child = spawn(process.execPath, startCommand(), {
    cwd: bundle,
    // Sandbox mode on loopback: no Entra, bot or database settings needed. Nothing else leaks in from this process.
    env: {
      PATH: process.env.PATH ?? "",
      HOME: work,
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: join(work, "data"),
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in time:\n${output}`)), 30_000);
    child.stdout?.on("data", () => {
      const match = /running at (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${output}`));
    });
  });
  return { url, output: () => output, child };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  });
}

describe("production build (npm run start:prod from a bundle without dev dependencies)", () => {
  beforeAll(() => {
    if (BUNDLE_DIRS.some((dir) => !existsSync(join(ROOT, dir)))) {
      const build = spawnSync("npm", ["run", "build"], {
        cwd: ROOT,
        encoding: "utf8",
        shell: process.platform === "win32",
      });
      if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
    }
    buildBundle(bundle, { lowPriority: true });
  }, 15 * 60_000);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it("lies outside the repository, so the repository's node_modules cannot help it", () => {
    expect(relative(ROOT, bundle).startsWith("..")).toBe(true);
  });

  it("holds compiled JavaScript and the built tab, no TypeScript sources", () => {
    for (const dir of BUNDLE_DIRS) expect(existsSync(join(bundle, dir)), dir).toBe(true);
    expect(existsSync(join(bundle, "api/dist/main.js"))).toBe(true);
    for (const src of ["api/src", "api/contract/src", "bot/src", "tab/src"]) {
      expect(existsSync(join(bundle, src)), src).toBe(false);
    }
  });

  it("cannot reach any dev dependency (tsx, typescript, vite, vitest, ...) from the server's code", () => {
    const fromServer = createRequire(join(bundle, "api/dist/main.js"));
    expect(devPackages).toEqual(expect.arrayContaining(["tsx", "typescript", "vite", "vitest"]));
    for (const name of devPackages) {
      expect(existsSync(join(bundle, "node_modules", name)), name).toBe(false);
      expect(() => fromServer.resolve(name), name).toThrow();
    }
    // The tab's runtime packages are bundled by Vite into tab/dist; the server does not install them.
    expect(existsSync(join(bundle, "node_modules/react"))).toBe(false);
  });

  it("has no symbolic links and no node_modules/.bin (the toolkit's zip keeps neither links nor file modes)", () => {
    expect(findSymlinks(bundle)).toEqual([]);
    expect(existsSync(join(bundle, "node_modules/.bin"))).toBe(false);
  });

  it("starts with plain node and answers /api/health, serves the tab and frames for Teams, Outlook and Microsoft 365", async () => {
    const server = await startServer();
    try {
      const health = await fetch(`${server.url}/api/health`);
      expect(health.status).toBe(200);
      // The version comes from the root package.json, found from api/dist as it is from api/src.
      expect(await health.json()).toMatchObject({ status: "ok", mode: "sandbox", version: rootPackage.version });
      const csp = health.headers.get("content-security-policy") ?? "";
      for (const host of ["*.cloud.microsoft", "*.microsoft365.com", "*.office.com", "outlook.office365.com"]) {
        expect(csp).toContain(host);
      }
      // tab/dist is found from api/dist too.
      const page = await fetch(`${server.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toContain("text/html");
    } finally {
      await stop(server.child);
    }
    expect(server.output()).not.toMatch(/ERR_MODULE_NOT_FOUND|ERR_UNKNOWN_FILE_EXTENSION/);
  });

  it("anchors every .webappignore pattern, so folders named env or data inside node_modules are uploaded", () => {
    const patterns = readFileSync(join(ROOT, ".webappignore"), "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"));
    expect(patterns).toEqual(expect.arrayContaining(["/env", "/data", "/.localConfigs"]));
    for (const pattern of patterns) expect(pattern, pattern).toMatch(/^\//);
  });

  it("is started on App Service with the same command as npm run start:prod", () => {
    const bicep = readFileSync(join(ROOT, "infra/azure.bicep"), "utf8");
    const appCommandLine = /appCommandLine: '([^']*)'/.exec(bicep)?.[1];
    expect(appCommandLine).toBe(rootPackage.scripts["start:prod"]);
  });
});
