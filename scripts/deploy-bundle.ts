/**
 * Stages what production runs: `npm run build`, then `npm run deploy:bundle` (default `--out build/deploy`).
 * teamsapp.yml zip-deploys that folder to App Service, and scripts/prod-build.test.ts starts a bundle made by the same
 * functions, so what is tested is what is shipped.
 *
 * A bundle holds the root and workspace package.json files with package-lock.json, the compiled server
 * (api/contract/dist, bot/dist, api/dist), the built tab (tab/dist) and the node_modules of
 * `npm ci --omit=dev --workspace=@dr/api`: no TypeScript sources, no dev dependency (tsx, vite, typescript), and no
 * tab packages (Vite already bundled those into tab/dist). It starts with `npm run start:prod`, i.e.
 * `node --conditions=dr-compiled api/dist/main.js`: the condition makes @dr/contract and @dr/bot resolve to their
 * dist folders instead of their TypeScript sources.
 *
 * Last, the bundle is made free of symbolic links: npm links each workspace into node_modules/@dr, and those links
 * become copies; node_modules/.bin folders are removed (nothing runs from them). The Agents Toolkit's zip keeps
 * neither links nor file modes, so the uploaded folder must need neither.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root (scripts/..). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Files npm needs to install the production dependencies exactly as locked (every workspace must be present). */
export const BUNDLE_FILES = [
  "package.json",
  "package-lock.json",
  "api/contract/package.json",
  "api/package.json",
  "bot/package.json",
  "tab/package.json",
] as const;

/** Build output the server runs or serves; `npm run build` writes them. */
export const BUNDLE_DIRS = ["api/contract/dist", "bot/dist", "api/dist", "tab/dist"] as const;

/** The production install: only what @dr/api (with @dr/bot and @dr/contract) needs at run time. */
export const INSTALL_ARGS = ["ci", "--omit=dev", "--workspace=@dr/api", "--no-audit", "--no-fund"] as const;

/**
 * Copies the package files and the build output into `out` (emptied first). Throws, naming what is missing, when
 * the build has not run.
 */
export function stageBundle(out: string, root = ROOT): void {
  const target = resolve(out);
  if (target === root || root.startsWith(target + sep)) {
    throw new Error(`refusing to stage into ${target}: it would delete the repository`);
  }
  const missing = [...BUNDLE_FILES, ...BUNDLE_DIRS].filter((p) => !existsSync(join(root, p)));
  if (missing.length > 0) throw new Error(`missing ${missing.join(", ")}: run npm run build first`);
  rmSync(target, { recursive: true, force: true });
  for (const path of [...BUNDLE_FILES, ...BUNDLE_DIRS]) {
    mkdirSync(dirname(join(target, path)), { recursive: true });
    cpSync(join(root, path), join(target, path), { recursive: true });
  }
}

/**
 * Runs `npm ci --omit=dev --workspace=@dr/api` in a staged bundle (better-sqlite3 builds its native module here,
 * from source when no prebuilt one can be downloaded). `lowPriority` runs npm under `nice` on Linux, so the compile
 * does not slow down tests running beside it. Throws with npm's output on failure.
 */
export function installProduction(dir: string, options: { lowPriority?: boolean } = {}): void {
  const nice = options.lowPriority === true && process.platform === "linux";
  const [command, args] = nice ? ["nice", ["-n", "10", "npm", ...INSTALL_ARGS]] : ["npm", [...INSTALL_ARGS]];
  const run = spawnSync(command, args, {
    cwd: dir,
    encoding: "utf8",
    // npm is npm.cmd on Windows, which Node starts only through a shell.
    shell: process.platform === "win32",
    env: { ...process.env, NODE_ENV: "production" },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    throw new Error(
      `npm ${INSTALL_ARGS.join(" ")} failed (${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`,
    );
  }
}

/** Every symbolic link under `dir` (relative paths), without following links. */
export function findSymlinks(dir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isSymbolicLink()) found.push(relative(dir, path));
      else if (entry.isDirectory()) walk(path);
    }
  };
  walk(dir);
  return found;
}

/**
 * Makes `dir` free of symbolic links: each node_modules/.bin folder is removed, and every other link (npm's
 * workspace links in node_modules/@dr) is replaced by a copy of what it points at.
 */
export function dereferenceLinks(dir: string): void {
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.name === ".bin" && folder.endsWith("node_modules")) {
        rmSync(path, { recursive: true, force: true });
      } else if (entry.isSymbolicLink()) {
        const target = realpathSync(path);
        rmSync(path);
        cpSync(target, path, { recursive: true, dereference: true });
        walk(path);
      } else if (entry.isDirectory()) {
        walk(path);
      }
    }
  };
  walk(dir);
}

/** Stages, installs and dereferences a bundle in `out`: everything `npm run deploy:bundle` does. */
export function buildBundle(out: string, options: { lowPriority?: boolean } = {}): void {
  stageBundle(out);
  installProduction(out, options);
  dereferenceLinks(out);
}

function main(): void {
  const argv = process.argv.slice(2);
  let out = join(ROOT, "build", "deploy");
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--out") out = resolve(argv[++i] ?? "");
    else if (arg.startsWith("--out=")) out = resolve(arg.slice("--out=".length));
    else throw new Error(`unknown argument "${arg}"; usage: npm run deploy:bundle -- [--out <folder>]`);
  }
  buildBundle(out);
  process.stdout.write(
    `Production bundle in ${relative(process.cwd(), out) || "."}: start it with npm run start:prod\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
