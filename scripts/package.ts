/**
 * Builds the Teams app package offline: `npm run package -- --env dev` (default `local`).
 *
 * Reads env/.env.<env> and env/.env.<env>.user, fills every ${{VAR}} in appPackage/manifest.json, validates the
 * result against the manifest 1.30 schema bundled in @microsoft/app-manifest (no network), checks both icons, and
 * writes appPackage/build/manifest.<env>.json and appPackage/build/appPackage.<env>.zip. Every step is an exported
 * function so the tests call them directly; the CLI at the bottom only wires them and prints the errors.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { AppManifestUtils } from "@microsoft/app-manifest";
import { checkIcons } from "./png.js";
import { type ZipEntry, zip } from "./zip.js";

// The PNG and zip helpers live in their own modules; re-exported so callers keep one entry.
export { checkIcons, crc32, decodePng, encodePng, type PngHeader, type RgbaImage, readPngChunks } from "./png.js";
export { unzip, type ZipEntry, zip } from "./zip.js";

/** The repository root (scripts/..). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The only manifest schema this project uses; the offline validator resolves exactly this URL (no /en-us/). */
export const MANIFEST_SCHEMA_URL =
  "https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json";

// ---------------------------------------------------------------------------------------------------------------
// Environment files
// ---------------------------------------------------------------------------------------------------------------

/**
 * Parses a .env file: KEY=VALUE lines, `#` comment lines, blank lines, optional single or double quotes around the
 * value, and ` #` trailing comments after unquoted values. Throws on a line it cannot read, naming the line.
 */
export function parseEnvFile(text: string, source = "<env>"): Map<string, string> {
  const vars = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new Error(`${source}:${index + 1}: expected KEY=VALUE, got "${line}"`);
    const key = match[1] as string;
    let value = match[2] as string;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2) {
      const end = value.indexOf(quote, 1);
      if (end < 0) throw new Error(`${source}:${index + 1}: unterminated ${quote} quote for ${key}`);
      value = value.slice(1, end);
    } else {
      value = value.replace(/\s+#.*$/, "").trim();
    }
    vars.set(key, value);
  });
  return vars;
}

/** Reads env/.env.<env> (required) and env/.env.<env>.user (optional; it overrides and holds SECRET_* values). */
export function loadEnv(envName: string, root = ROOT): { vars: Map<string, string>; files: string[] } {
  if (!/^[A-Za-z0-9_-]+$/.test(envName)) throw new Error(`invalid environment name "${envName}"`);
  const base = join(root, "env", `.env.${envName}`);
  if (!existsSync(base)) throw new Error(`env/.env.${envName} does not exist (environments live in env/)`);
  const files = [base];
  const vars = parseEnvFile(readFileSync(base, "utf8"), `env/.env.${envName}`);
  const user = `${base}.user`;
  if (existsSync(user)) {
    files.push(user);
    for (const [k, v] of parseEnvFile(readFileSync(user, "utf8"), `env/.env.${envName}.user`)) vars.set(k, v);
  }
  return { vars, files };
}

// ---------------------------------------------------------------------------------------------------------------
// Placeholders
// ---------------------------------------------------------------------------------------------------------------

/** Variables that may be empty: the toolkit's own suffix is empty in a production environment. */
export const MAY_BE_EMPTY: ReadonlySet<string> = new Set(["APP_NAME_SUFFIX"]);

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Every ${{VAR}} name in a text, in order of first appearance. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

/** One placeholder that could not be filled: its name and the JSON paths that use it. */
export interface UnsetPlaceholder {
  name: string;
  usedAt: string[];
}

/** The rendered manifest, or the placeholders that are unset (or empty) in the environment. */
export type RenderResult = { ok: true; manifest: Record<string, unknown> } | { ok: false; unset: UnsetPlaceholder[] };

function jsonPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return parent === "" ? key : `${parent}.${key}`;
}

/**
 * Replaces every ${{VAR}} inside the string values of a JSON template. An unset or empty variable is reported
 * with each JSON path that uses it. Empty counts as unset (the committed env files keep empty lines for the ids
 * that provisioning fills in), except for the variables in MAY_BE_EMPTY.
 */
export function render(templateText: string, vars: ReadonlyMap<string, string>): RenderResult {
  const template: unknown = JSON.parse(templateText);
  const unset = new Map<string, string[]>();
  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === "string") {
      return node.replace(PLACEHOLDER, (whole, name: string) => {
        const value = vars.get(name);
        if (value === undefined || (value === "" && !MAY_BE_EMPTY.has(name))) {
          unset.set(name, [...(unset.get(name) ?? []), path || "(root)"]);
          return whole;
        }
        return value;
      });
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, jsonPath(path, i)));
    if (node !== null && typeof node === "object") {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, jsonPath(path, k))]));
    }
    return node;
  };
  const manifest = walk(template, "") as Record<string, unknown>;
  if (unset.size > 0) return { ok: false, unset: [...unset].map(([name, usedAt]) => ({ name, usedAt })) };
  return { ok: true, manifest };
}

/** One line per unset placeholder, for people. */
export function formatUnset(unset: UnsetPlaceholder[], envName: string): string {
  const lines = unset.map((u) => `  \${{${u.name}}} is not set (used at ${u.usedAt.join(", ")})`);
  return [
    `${unset.length} placeholder(s) in appPackage/manifest.json have no value in env/.env.${envName} or env/.env.${envName}.user:`,
    ...lines,
    `Set them in env/.env.${envName}; ids such as TEAMS_APP_ID, AAD_APP_CLIENT_ID and BOT_ID are written there by \`atk provision --env ${envName}\`.`,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// Schema validation (offline)
// ---------------------------------------------------------------------------------------------------------------

/** Loads the bundled manifest schema for a `$schema` URL; refuses any other URL instead of fetching it. */
export function loadBundledSchema(schemaUrl: string): object {
  const match =
    /^https:\/\/developer\.microsoft\.com\/json-schemas\/teams\/(v1\.\d+)\/MicrosoftTeams\.schema\.json$/.exec(
      schemaUrl,
    );
  if (!match) {
    throw new Error(
      `$schema "${schemaUrl}" is not a bundled Teams manifest schema URL; use ${MANIFEST_SCHEMA_URL} (no /en-us/)`,
    );
  }
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve("@microsoft/app-manifest/package.json"));
  const file = join(pkgDir, "build", "json-schemas", "teams", match[1] as string, "MicrosoftTeams.schema.json");
  if (!existsSync(file)) throw new Error(`no bundled schema for ${match[1]} in @microsoft/app-manifest`);
  // The published schema files contain \a and \v escapes that JSON.parse rejects; the library cleans them the same way.
  return JSON.parse(readFileSync(file, "utf8").replace(/\\a/g, "\\u0007").replace(/\\v/g, "\\u000b")) as object;
}

/**
 * Validates a rendered manifest against the bundled schema. The schema is passed explicitly, so
 * `validateAgainstSchema` never reaches its network fallback. Returns `path message` lines; [] when valid.
 */
export async function validate(manifest: Record<string, unknown>): Promise<string[]> {
  const schemaUrl = manifest.$schema;
  if (typeof schemaUrl !== "string") return ["(root) has no $schema"];
  const errors: string[] = [];
  if (schemaUrl !== MANIFEST_SCHEMA_URL) errors.push(`/$schema must be ${MANIFEST_SCHEMA_URL}`);
  const version = /\/(v1\.\d+)\//.exec(schemaUrl)?.[1];
  if (version && manifest.manifestVersion !== version.slice(1)) {
    errors.push(`/manifestVersion is "${String(manifest.manifestVersion)}" but $schema is ${version}`);
  }
  let schema: object;
  try {
    schema = loadBundledSchema(schemaUrl);
  } catch (error) {
    return [...errors, (error as Error).message];
  }
  type Params = Parameters<typeof AppManifestUtils.validateAgainstSchema>;
  const found = await AppManifestUtils.validateAgainstSchema(manifest as unknown as Params[0], schema as Params[1]);
  // The library formats each error as "<instancePath> <message>. Details: {...}"; an empty path is the root.
  return [...errors, ...found.map((e) => (e.startsWith(" ") ? `(root)${e}` : e))];
}

// ---------------------------------------------------------------------------------------------------------------
// CRC-32, PNG
// ---------------------------------------------------------------------------------------------------------------

/** Ids that provisioning writes into env/.env.<env>; empty in the committed files until `atk provision` ran. */
export const PROVISIONED_IDS = ["TEAMS_APP_ID", "AAD_APP_CLIENT_ID", "BOT_ID"] as const;

/**
 * A stable GUID for an id that is not provisioned yet, so an unprovisioned environment still renders a package
 * that validates offline (CI, reviews). Derived from the env and variable names; never a real registration.
 */
export function previewId(envName: string, name: string): string {
  const hex = createHash("sha256").update(`dr-onboarding:preview:${envName}:${name}`).digest("hex");
  // RFC 9562 version 8 (custom) with the RFC variant bits.
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Result of packaging one environment. */
export type PackageResult =
  | {
      ok: true;
      manifestPath: string;
      zipPath: string;
      manifest: Record<string, unknown>;
      /** Provisioned ids that were still empty and got preview ids. */
      previewIds: string[];
    }
  | { ok: false; errors: string[] };

/**
 * Renders, validates and zips the package for one environment. `vars` defaults to the env files; `outDir`
 * defaults to appPackage/build. Nothing is written unless every check passes.
 */
export async function buildPackage(options: {
  envName: string;
  root?: string;
  vars?: ReadonlyMap<string, string>;
  outDir?: string;
  /** Refuse unprovisioned ids instead of giving them preview ids (for a package that will be uploaded). */
  strict?: boolean;
}): Promise<PackageResult> {
  const root = options.root ?? ROOT;
  const appPackage = join(root, "appPackage");
  const vars = new Map(options.vars ?? loadEnv(options.envName, root).vars);
  const previewIds: string[] = [];
  if (!options.strict) {
    for (const name of PROVISIONED_IDS) {
      if (!vars.get(name)) {
        vars.set(name, previewId(options.envName, name));
        previewIds.push(name);
      }
    }
  }
  const rendered = render(readFileSync(join(appPackage, "manifest.json"), "utf8"), vars);
  if (!rendered.ok) return { ok: false, errors: [formatUnset(rendered.unset, options.envName)] };
  const { manifest } = rendered;
  const errors: string[] = [];
  const schemaErrors = await validate(manifest);
  if (schemaErrors.length > 0) {
    errors.push(`appPackage/manifest.json does not match the manifest schema (env ${options.envName}):`);
    errors.push(...schemaErrors.map((e) => `  ${e}`));
  }
  const icons = manifest.icons as { color?: unknown; outline?: unknown } | undefined;
  const colorName = typeof icons?.color === "string" ? icons.color : "color.png";
  const outlineName = typeof icons?.outline === "string" ? icons.outline : "outline.png";
  const files: ZipEntry[] = [];
  for (const name of [colorName, outlineName]) {
    const file = join(appPackage, name);
    if (name.includes("/") || name.includes("\\")) errors.push(`icon "${name}" must sit next to manifest.json`);
    else if (!existsSync(file)) errors.push(`icon appPackage/${name} does not exist`);
    else files.push({ name, data: readFileSync(file) });
  }
  if (files.length === 2) {
    errors.push(...checkIcons((files[0] as ZipEntry).data, (files[1] as ZipEntry).data).map((p) => `icon: ${p}`));
  }
  if (errors.length > 0) return { ok: false, errors };

  const outDir = options.outDir ?? join(appPackage, "build");
  mkdirSync(outDir, { recursive: true });
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  const manifestPath = join(outDir, `manifest.${options.envName}.json`);
  const zipPath = join(outDir, `appPackage.${options.envName}.zip`);
  writeFileSync(manifestPath, manifestText);
  writeFileSync(zipPath, zip([{ name: "manifest.json", data: Buffer.from(manifestText) }, ...files]));
  return { ok: true, manifestPath, zipPath, manifest, previewIds };
}

/** Reads `--env dev`, `--env=dev` or `-e dev` (default `local`) and `--strict`. */
export function parseArgs(argv: string[]): { envName: string; strict: boolean } {
  let envName = "local";
  let strict = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--strict") strict = true;
    else if (arg === "--env" || arg === "-e") envName = argv[++i] ?? "";
    else if (arg.startsWith("--env=")) envName = arg.slice("--env=".length);
    else throw new Error(`unknown argument "${arg}"; usage: npm run package -- --env <name>`);
  }
  if (!envName) throw new Error("--env needs a name, e.g. --env dev");
  return { envName, strict };
}

async function main(): Promise<void> {
  try {
    const { envName, strict } = parseArgs(process.argv.slice(2));
    const result = await buildPackage({ envName, strict });
    if (!result.ok) {
      process.stderr.write(`Package for "${envName}" NOT built.\n${result.errors.join("\n")}\n`);
      process.exit(1);
    }
    const rel = (p: string) => p.slice(ROOT.length + 1);
    process.stdout.write(
      `Package for "${envName}" is valid (manifest ${String(result.manifest.manifestVersion)}, offline schema check, icons checked):\n` +
        `  ${rel(result.zipPath)}\n  ${rel(result.manifestPath)}\n`,
    );
    if (result.previewIds.length > 0) {
      process.stdout.write(
        `Not provisioned yet: ${result.previewIds.join(", ")} got stable preview ids, fine for checking the package but ` +
          `not for uploading it. Run the Agents Toolkit provision for "${envName}" first (docs/deploy.md); ` +
          "`--strict` refuses preview ids.\n",
      );
    }
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) void main();
