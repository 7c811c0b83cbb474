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
import { deflateRawSync, deflateSync, inflateRawSync, inflateSync } from "node:zlib";
import { AppManifestUtils } from "@microsoft/app-manifest";

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

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as used by PNG and zip). */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** A decoded image: 8-bit RGBA pixels, row by row. */
export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/**
 * Encodes 8-bit RGBA pixels as a PNG (colour type 6). Each row gets the filter (None, Sub, Up, Average, Paeth) with
 * the smallest sum of absolute values, the usual heuristic.
 */
export function encodePng(image: RgbaImage): Buffer {
  const { width, height, rgba } = image;
  if (rgba.length !== width * height * 4) throw new Error("rgba length does not match width * height * 4");
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = rgba.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? rgba.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    let best: Buffer | undefined;
    let bestScore = Number.POSITIVE_INFINITY;
    for (let filter = 0; filter <= 4; filter++) {
      const out = Buffer.alloc(stride + 1);
      out[0] = filter;
      let score = 0;
      for (let i = 0; i < stride; i++) {
        const x = row[i] as number;
        const a = i >= 4 ? (row[i - 4] as number) : 0;
        const b = prev[i] as number;
        const c = i >= 4 ? (prev[i - 4] as number) : 0;
        const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter] as number;
        const v = (x - predictor) & 0xff;
        out[i + 1] = v;
        score += v < 128 ? v : 256 - v;
      }
      if (score < bestScore) {
        bestScore = score;
        best = out;
      }
    }
    (best as Buffer).copy(raw, y * (stride + 1));
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(raw, { level: 9 })),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** What the IHDR says. */
export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
}

/** Reads the PNG signature, walks the chunks (checking each CRC) and returns the header and the joined IDAT data. */
export function readPngChunks(png: Uint8Array): { header: PngHeader; idat: Buffer } {
  const buf = Buffer.from(png);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error("not a PNG (bad signature)");
  let offset = 8;
  let header: PngHeader | undefined;
  const idat: Buffer[] = [];
  while (offset + 12 <= buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString("ascii", offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > buf.length) throw new Error(`PNG chunk ${type} runs past the end of the file`);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    if (crc32(buf.subarray(offset + 4, offset + 8 + length)) !== buf.readUInt32BE(offset + 8 + length)) {
      throw new Error(`PNG chunk ${type} has a bad CRC`);
    }
    if (type === "IHDR") {
      header = {
        width: data.readUInt32BE(0),
        height: data.readUInt32BE(4),
        bitDepth: data[8] as number,
        colorType: data[9] as number,
        interlace: data[12] as number,
      };
    } else if (type === "IDAT") {
      idat.push(data);
    } else if (type === "IEND") {
      break;
    }
    offset = end;
  }
  if (!header) throw new Error("PNG has no IHDR chunk");
  return { header, idat: Buffer.concat(idat) };
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** Decodes a non-interlaced 8-bit greyscale, grey+alpha, RGB or RGBA PNG into RGBA (inflate, then unfilter). */
export function decodePng(png: Uint8Array): RgbaImage & { header: PngHeader } {
  const { header, idat } = readPngChunks(png);
  const channels = CHANNELS[header.colorType];
  if (channels === undefined || header.bitDepth !== 8 || header.interlace !== 0) {
    throw new Error(
      `unsupported PNG (colour type ${header.colorType}, bit depth ${header.bitDepth}, interlace ${header.interlace}); use 8-bit RGBA`,
    );
  }
  const { width, height } = header;
  const stride = width * channels;
  const raw = inflateSync(idat);
  if (raw.length < (stride + 1) * height) throw new Error("PNG image data is shorter than the IHDR size says");
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    for (let i = 0; i < stride; i++) {
      const x = raw[src + i] as number;
      const a = i >= channels ? (pixels[dst + i - channels] as number) : 0;
      const b = y > 0 ? (pixels[dst - stride + i] as number) : 0;
      const c = y > 0 && i >= channels ? (pixels[dst - stride + i - channels] as number) : 0;
      let predictor: number;
      if (filter === 0) predictor = 0;
      else if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) predictor = paeth(a, b, c);
      else throw new Error(`PNG row ${y} has unknown filter type ${filter}`);
      pixels[dst + i] = (x + predictor) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const s = p * channels;
    const [r, g, b, alpha] =
      channels === 4
        ? [pixels[s], pixels[s + 1], pixels[s + 2], pixels[s + 3]]
        : channels === 3
          ? [pixels[s], pixels[s + 1], pixels[s + 2], 255]
          : channels === 2
            ? [pixels[s], pixels[s], pixels[s], pixels[s + 1]]
            : [pixels[s], pixels[s], pixels[s], 255];
    rgba.set([r as number, g as number, b as number, alpha as number], p * 4);
  }
  return { width, height, rgba, header };
}

/**
 * Checks the two icons the way Teams describes them: color.png 192x192; outline.png 32x32 with an alpha channel,
 * transparent corners, and only white (or fully transparent) pixels. Returns problems; [] when both are fine.
 */
export function checkIcons(color: Uint8Array, outline: Uint8Array): string[] {
  const problems: string[] = [];
  try {
    const { header } = readPngChunks(color);
    if (header.width !== 192 || header.height !== 192) {
      problems.push(`color.png is ${header.width}x${header.height}; it must be 192x192`);
    }
  } catch (error) {
    problems.push(`color.png: ${(error as Error).message}`);
  }
  try {
    const image = decodePng(outline);
    const { width, height, rgba, header } = image;
    if (width !== 32 || height !== 32) problems.push(`outline.png is ${width}x${height}; it must be 32x32`);
    if (header.colorType !== 6 && header.colorType !== 4) {
      problems.push(`outline.png has no alpha channel (colour type ${header.colorType}); it must be RGBA`);
    } else {
      const corners = [0, width - 1, (height - 1) * width, height * width - 1];
      if (corners.some((p) => rgba[p * 4 + 3] !== 0)) {
        problems.push("outline.png must have a transparent background (a corner pixel has alpha > 0)");
      }
      let coloured = 0;
      for (let p = 0; p < width * height; p++) {
        const o = p * 4;
        if (rgba[o + 3] !== 0 && (rgba[o] !== 255 || rgba[o + 1] !== 255 || rgba[o + 2] !== 255)) coloured++;
      }
      if (coloured > 0) {
        problems.push(`outline.png must be white on transparent; ${coloured} visible pixel(s) are not white`);
      }
    }
  } catch (error) {
    problems.push(`outline.png: ${(error as Error).message}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Zip
// ---------------------------------------------------------------------------------------------------------------

/** One file in a zip. */
export interface ZipEntry {
  name: string;
  data: Buffer;
}

// A fixed timestamp (2025-01-01 00:00) keeps the package byte-for-byte reproducible.
const DOS_TIME = 0;
const DOS_DATE = ((2025 - 1980) << 9) | (1 << 5) | 1;

/** Writes a zip archive: local headers with deflated data, the central directory and the end record. */
export function zip(entries: ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // flags: names are UTF-8
    local.writeUInt16LE(8, 8); // method: deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // extra field length
    parts.push(local, name, compressed);

    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4); // version made by: 2.0, MS-DOS attributes
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(8, 10);
    header.writeUInt16LE(DOS_TIME, 12);
    header.writeUInt16LE(DOS_DATE, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(compressed.length, 20);
    header.writeUInt32LE(entry.data.length, 24);
    header.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number, internal and external attributes stay 0
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

/** Reads a zip written by `zip` (or any plain deflate/stored zip): central directory, then each entry, CRC-checked. */
export function unzip(archive: Buffer): ZipEntry[] {
  const endAt = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0) throw new Error("not a zip (no end of central directory record)");
  const count = archive.readUInt16LE(endAt + 10);
  let at = archive.readUInt32LE(endAt + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`);
    const method = archive.readUInt16LE(at + 10);
    const crc = archive.readUInt32LE(at + 16);
    const compressedSize = archive.readUInt32LE(at + 20);
    const size = archive.readUInt32LE(at + 24);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const localAt = archive.readUInt32LE(at + 42);
    const name = archive.toString("utf8", at + 46, at + 46 + nameLength);
    if (archive.readUInt32LE(localAt) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const dataAt = localAt + 30 + archive.readUInt16LE(localAt + 26) + archive.readUInt16LE(localAt + 28);
    const stored = archive.subarray(dataAt, dataAt + compressedSize);
    const data = method === 8 ? inflateRawSync(stored) : Buffer.from(stored);
    if (data.length !== size || crc32(data) !== crc) throw new Error(`${name}: size or CRC mismatch`);
    entries.push({ name, data });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------------------------
// The whole build
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
