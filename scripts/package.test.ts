/**
 * The offline Teams package build: every committed environment renders, validates against the bundled manifest
 * 1.30 schema, and zips with both icons; unset placeholders, schema errors and wrong icons are reported clearly.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync, inflateSync } from "node:zlib";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  buildPackage,
  checkIcons,
  crc32,
  decodePng,
  encodePng,
  formatUnset,
  loadEnv,
  MANIFEST_SCHEMA_URL,
  parseArgs,
  parseEnvFile,
  previewId,
  ROOT,
  render,
  unzip,
  validate,
  zip,
} from "./package.js";

const committedEnvs = readdirSync(join(ROOT, "env"))
  .filter((f) => /^\.env\.[A-Za-z0-9_-]+$/.test(f))
  .map((f) => f.slice(".env.".length));

/**
 * Ids that `atk provision` writes into env/.env.<env> (teamsapp.test.ts checks that a step writes each of them).
 * The committed files keep them empty, so the test supplies fixed example values, as provisioning would.
 */
const PROVISIONED_EXAMPLES = new Map([
  ["TEAMS_APP_ID", "2f1b8a4e-6c3d-4e5f-9a7b-0c1d2e3f4a5b"],
  ["AAD_APP_CLIENT_ID", "7d9e1f20-3a4b-4c5d-8e6f-7a8b9c0d1e2f"],
  ["BOT_ID", "c3b2a190-8f7e-4d6c-9b5a-4f3e2d1c0b9a"],
]);

/** The parts of the rendered manifest the tests look at. */
interface TestManifest {
  $schema: string;
  manifestVersion: string;
  version: string;
  id: string;
  developer: { name: string; websiteUrl: string; privacyUrl: string; termsOfUseUrl: string };
  name: { short: string; full: string };
  staticTabs: { name: string; scopes: string[]; contentUrl: string; websiteUrl: string }[];
  configurableTabs: { scopes: string[]; configurationUrl: string }[];
  bots: {
    botId: string;
    scopes: string[];
    isNotificationOnly: boolean;
    supportsFiles: boolean;
    commandLists: { scopes: string[]; commands: { title: string; description: string }[] }[];
  }[];
  permissions: string[];
  validDomains: string[];
  webApplicationInfo: { id: string; resource: string };
  showLoadingIndicator: boolean;
}

/** The first element, failing the test when there is none. */
function first<T>(items: T[]): T {
  const item = items[0];
  if (item === undefined) throw new Error("expected at least one element");
  return item;
}

const tmp = mkdtempSync(join(tmpdir(), "dr-package-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const manifestTemplate = readFileSync(join(ROOT, "appPackage", "manifest.json"), "utf8");
const colorPng = readFileSync(join(ROOT, "appPackage", "color.png"));
const outlinePng = readFileSync(join(ROOT, "appPackage", "outline.png"));

function committedVars(envName: string): Map<string, string> {
  // Only the committed file: a developer's .env.<env>.user must not change what the test sees.
  return parseEnvFile(readFileSync(join(ROOT, "env", `.env.${envName}`), "utf8"), `env/.env.${envName}`);
}

function withProvisioned(vars: Map<string, string>): Map<string, string> {
  const out = new Map(vars);
  for (const [k, v] of PROVISIONED_EXAMPLES) if (!out.get(k)) out.set(k, v);
  return out;
}

describe("committed environments", () => {
  it("has at least local and dev", () => {
    expect(committedEnvs).toEqual(expect.arrayContaining(["local", "dev"]));
  });

  it.each(committedEnvs)("env %s: only ids written by provisioning are missing from the committed file", (envName) => {
    const result = render(manifestTemplate, committedVars(envName));
    const missing = result.ok ? [] : result.unset.map((u) => u.name);
    expect(missing.filter((name) => !PROVISIONED_EXAMPLES.has(name))).toEqual([]);
  });

  it.each(committedEnvs)("env %s: renders, validates and zips", async (envName) => {
    const outDir = join(tmp, envName);
    const result = await buildPackage({ envName, vars: withProvisioned(committedVars(envName)), outDir });
    if (!result.ok) throw new Error(result.errors.join("\n"));

    const manifestText = readFileSync(result.manifestPath, "utf8");
    expect(manifestText).not.toContain(`\${{`);
    expect(result.manifestPath).toBe(join(outDir, `manifest.${envName}.json`));
    expect(result.zipPath).toBe(join(outDir, `appPackage.${envName}.zip`));

    const entries = unzip(readFileSync(result.zipPath));
    expect(entries.map((e) => e.name)).toEqual(["manifest.json", "color.png", "outline.png"]);
    expect(entries[0]?.data.toString("utf8")).toBe(manifestText);
    expect(entries[1]?.data.equals(colorPng)).toBe(true);
    expect(entries[2]?.data.equals(outlinePng)).toBe(true);

    const manifest = JSON.parse(manifestText) as TestManifest;
    const vars = committedVars(envName);
    expect(manifest.id).toBe(PROVISIONED_EXAMPLES.get("TEAMS_APP_ID"));
    expect(manifest.validDomains).toEqual([vars.get("TAB_DOMAIN")]);
    expect(manifest.webApplicationInfo.resource).toBe(
      `api://${vars.get("TAB_DOMAIN")}/${PROVISIONED_EXAMPLES.get("AAD_APP_CLIENT_ID")}`,
    );
    expect(first(manifest.staticTabs).contentUrl).toMatch(/^https:\/\/[^/]+\/\?inTeams=true$/);
    // What Teams opens "in a browser": the tab, which outside Teams says to open it in Teams and links the app by id.
    expect(first(manifest.staticTabs).websiteUrl).toBe(
      `${vars.get("TAB_ENDPOINT")}/?teamsAppId=${PROVISIONED_EXAMPLES.get("TEAMS_APP_ID")}`,
    );
    // The developer's website is the provider's own public site, never the tab (which needs Teams to sign in).
    expect(manifest.developer.websiteUrl).toBe(vars.get("PROVIDER_WEBSITE_URL"));
    expect(manifest.developer.websiteUrl).toMatch(/^https:\/\//);
    expect(manifest.developer.websiteUrl.startsWith(vars.get("TAB_ENDPOINT") ?? "")).toBe(false);
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
  });

  it("the zip opens with the system unzip too (when installed)", async () => {
    const probe = spawnSync("unzip", ["-v"], { encoding: "utf8" });
    if (probe.error) return; // no unzip on this machine: the reader above already covers the format
    const result = await buildPackage({ envName: "dev", vars: withProvisioned(committedVars("dev")), outDir: tmp });
    if (!result.ok) throw new Error(result.errors.join("\n"));
    const listing = spawnSync("unzip", ["-t", result.zipPath], { encoding: "utf8" });
    expect(listing.status).toBe(0);
    expect(listing.stdout).toMatch(/manifest\.json\s+OK/);
    expect(listing.stdout).toMatch(/color\.png\s+OK/);
    expect(listing.stdout).toMatch(/outline\.png\s+OK/);
  });
});

describe("manifest content", () => {
  const rendered = render(manifestTemplate, withProvisioned(committedVars("dev")));
  if (!rendered.ok) throw new Error("the dev environment does not render");
  const manifest = rendered.manifest as unknown as TestManifest;

  it("uses the 1.30 schema URL without /en-us/", () => {
    expect(manifest.$schema).toBe(MANIFEST_SCHEMA_URL);
    expect(manifest.manifestVersion).toBe("1.30");
    expect(manifest.version).toBe("1.0.0");
  });

  it("has one personal static tab, one configurable tab and the bot with its four commands", () => {
    expect(manifest.staticTabs).toHaveLength(1);
    expect(first(manifest.staticTabs)).toMatchObject({ name: "Services", scopes: ["personal"] });
    expect(manifest.configurableTabs).toHaveLength(1);
    expect(first(manifest.configurableTabs).scopes).toContain("team");
    expect(first(manifest.configurableTabs).configurationUrl).toMatch(/\/config\?inTeams=true$/);
    const bot = first(manifest.bots);
    expect(bot).toMatchObject({ isNotificationOnly: false, supportsFiles: false, scopes: ["personal", "team"] });
    for (const scope of ["personal", "team"]) {
      const list = bot.commandLists.find((l) => l.scopes.includes(scope));
      expect(list?.commands.map((c) => c.title)).toEqual(["help", "onboard", "services", "validate"]);
      for (const c of list?.commands ?? []) expect(c.description.length).toBeGreaterThan(10);
    }
    // messageTeamMembers is deprecated and does not gate proactive messages (docs/teams.md section 7): not declared.
    expect(manifest.permissions).toEqual(["identity"]);
    expect(manifest.showLoadingIndicator).toBe(false);
  });
});

describe("render", () => {
  it("names each unset placeholder and where it is used", () => {
    const vars = withProvisioned(committedVars("dev"));
    vars.delete("BOT_ID");
    vars.set("AAD_APP_CLIENT_ID", "");
    const result = render(manifestTemplate, vars);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.unset).toEqual([
      { name: "BOT_ID", usedAt: ["bots[0].botId"] },
      { name: "AAD_APP_CLIENT_ID", usedAt: ["webApplicationInfo.id", "webApplicationInfo.resource"] },
    ]);
    const text = formatUnset(result.unset, "dev");
    expect(text).toContain(`\${{BOT_ID}} is not set (used at bots[0].botId)`);
    expect(text).toContain("env/.env.dev");
  });

  it("lets APP_NAME_SUFFIX be empty (a production environment has none)", () => {
    const vars = withProvisioned(committedVars("dev"));
    vars.set("APP_NAME_SUFFIX", "");
    expect(render(manifestTemplate, vars).ok).toBe(true);
  });

  it("buildPackage with --strict reports unprovisioned ids and writes nothing", async () => {
    const outDir = join(tmp, "unset");
    const result = await buildPackage({ envName: "dev", vars: committedVars("dev"), outDir, strict: true });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors.join("\n")).toMatch(
        /\$\{\{TEAMS_APP_ID\}\} is not set \(used at id, staticTabs\[0\]\.websiteUrl\)/,
      );
    expect(existsSync(outDir)).toBe(false);
  });

  it("buildPackage gives unprovisioned ids stable preview ids, so every committed env packages as it is", async () => {
    for (const envName of ["local", "dev"]) {
      const outDir = join(tmp, `preview-${envName}`);
      const result = await buildPackage({ envName, vars: committedVars(envName), outDir });
      expect(result.ok, envName).toBe(true);
      if (!result.ok) continue;
      expect(result.previewIds).toEqual(["TEAMS_APP_ID", "AAD_APP_CLIENT_ID", "BOT_ID"]);
      expect(result.manifest.id).toBe(previewId(envName, "TEAMS_APP_ID"));
      expect(previewId(envName, "BOT_ID")).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(existsSync(result.zipPath)).toBe(true);
    }
  });
});

describe("validate (offline schema)", () => {
  const good = () => {
    const r = render(manifestTemplate, withProvisioned(committedVars("dev")));
    if (!r.ok) throw new Error("render failed");
    return structuredClone(r.manifest) as unknown as TestManifest;
  };
  const check = (m: TestManifest) => validate(m as unknown as Record<string, unknown>);

  it("accepts the rendered manifest without touching the network", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockRejectedValue(new Error("network used"));
    try {
      expect(await check(good())).toEqual([]);
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it("reports a bad GUID with its path", async () => {
    const m = good();
    m.id = "not-a-guid";
    first(m.bots).botId = "1234";
    const errors = await check(m);
    expect(errors.some((e) => e.startsWith("/id ") && e.includes("must match pattern"))).toBe(true);
    expect(errors.some((e) => e.startsWith("/bots/0/botId "))).toBe(true);
  });

  it("reports a 40-character short name with its path", async () => {
    const m = good();
    m.name.short = "x".repeat(40);
    const errors = await check(m);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\/name\/short must NOT have more than 30 characters/);
  });

  it("refuses a localised $schema URL instead of fetching it", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockRejectedValue(new Error("network used"));
    try {
      const m = good();
      m.$schema = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.30/MicrosoftTeams.schema.json";
      const errors = await check(m);
      expect(errors.join("\n")).toMatch(/\$schema/);
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it("reports a manifestVersion that does not match the schema", async () => {
    const m = good();
    m.manifestVersion = "1.29";
    expect((await check(m)).join("\n")).toContain("/manifestVersion");
  });
});

// ---------------------------------------------------------------------------------------------------------------

function image(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]) {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgba.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, rgba };
}

/** A minimal 8-bit RGB PNG (colour type 2, no alpha), written by hand. */
function rgbPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.alloc((width * 3 + 1) * height, 255);
  for (let y = 0; y < height; y++) raw[y * (width * 3 + 1)] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("icons", () => {
  it("the committed icons pass: color 192x192, outline 32x32 white on transparent", () => {
    expect(checkIcons(colorPng, outlinePng)).toEqual([]);
    const outline = decodePng(outlinePng);
    expect(outline.header.colorType).toBe(6);
    // A real glyph, not an empty square: a fair share of the pixels are visible.
    const visible = [...Array(32 * 32).keys()].filter((p) => (outline.rgba[p * 4 + 3] as number) > 0).length;
    expect(visible).toBeGreaterThan(150);
    const color = decodePng(colorPng);
    expect([color.width, color.height]).toEqual([192, 192]);
    expect([...color.rgba.subarray((96 * 192 + 10) * 4, (96 * 192 + 10) * 4 + 4)]).toEqual([15, 108, 189, 255]);
  });

  it("rejects a colour icon of the wrong size", () => {
    const wrong = encodePng(image(100, 100, () => [15, 108, 189, 255]));
    expect(checkIcons(wrong, outlinePng)).toEqual(["color.png is 100x100; it must be 192x192"]);
  });

  it("rejects an outline icon with coloured pixels", () => {
    const red = encodePng(
      image(32, 32, (x, y) => (x > 8 && x < 24 && y > 8 && y < 24 ? [255, 0, 0, 255] : [0, 0, 0, 0])),
    );
    expect(checkIcons(colorPng, red).join("\n")).toMatch(/white on transparent; 225 visible pixel\(s\) are not white/);
  });

  it("rejects an outline icon with an opaque background", () => {
    const opaque = encodePng(image(32, 32, () => [255, 255, 255, 255]));
    expect(checkIcons(colorPng, opaque).join("\n")).toMatch(/transparent background/);
  });

  it("rejects an outline icon without an alpha channel, and of the wrong size", () => {
    const problems = checkIcons(colorPng, rgbPng(48, 48));
    expect(problems).toContain("outline.png is 48x48; it must be 32x32");
    expect(problems.join("\n")).toMatch(/no alpha channel \(colour type 2\)/);
  });

  it("rejects a file that is not a PNG, or has a broken chunk", () => {
    expect(checkIcons(Buffer.from("GIF89a"), outlinePng)).toEqual(["color.png: not a PNG (bad signature)"]);
    const broken = Buffer.from(outlinePng);
    broken[20] = (broken[20] as number) ^ 0xff; // inside IHDR: its CRC no longer matches
    expect(checkIcons(colorPng, broken).join("\n")).toMatch(/IHDR has a bad CRC/);
  });

  it("encodePng/decodePng round-trip every filter type", () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    const noisy = image(17, 13, (x, y) => (y % 2 ? [rand(), rand(), rand(), rand()] : [x * 9, y * 11, x + y, 255]));
    const png = encodePng(noisy);
    const filters = new Set<number>();
    const raw = decodePng(png);
    expect(raw.rgba).toEqual(noisy.rgba);
    // the filter byte of each row, from the inflated IDAT: the encoder picks more than one kind
    const idatStart = png.indexOf(Buffer.from("IDAT")) + 4;
    const idatLength = png.readUInt32BE(idatStart - 8);
    const rows = inflateSync(png.subarray(idatStart, idatStart + idatLength));
    for (let y = 0; y < 13; y++) filters.add(rows[y * (17 * 4 + 1)] as number);
    expect(filters.size).toBeGreaterThan(1);
  });
});

describe("zip", () => {
  it("round-trips names and bytes, empty files included", () => {
    const entries = [
      { name: "manifest.json", data: Buffer.from('{"a":1}') },
      { name: "empty.txt", data: Buffer.alloc(0) },
      { name: "big.bin", data: Buffer.alloc(100_000, 7) },
    ];
    const archive = zip(entries);
    expect(unzip(archive)).toEqual(entries);
    expect(archive.readUInt32LE(0)).toBe(0x04034b50);
  });

  it("is reproducible byte for byte", () => {
    const entries = [{ name: "a.txt", data: Buffer.from("hello") }];
    expect(zip(entries).equals(zip(entries))).toBe(true);
  });

  it("detects a corrupted entry", () => {
    const archive = zip([{ name: "a.txt", data: Buffer.from("hello hello hello") }]);
    const copy = Buffer.from(archive);
    copy.writeUInt32LE(0xdeadbeef, 14); // CRC in the local header is not what unzip reads; corrupt the central one
    copy.writeUInt32LE(0xdeadbeef, archive.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 16);
    expect(() => unzip(copy)).toThrow(/CRC mismatch/);
  });
});

describe("env files and arguments", () => {
  it("parses KEY=VALUE with comments and quotes", () => {
    const vars = parseEnvFile(
      ["# comment", "", "A=1", 'B="two words # not a comment"', "C='x'", "D=plain # trailing", "E=", "F = spaced"].join(
        "\n",
      ),
    );
    expect(Object.fromEntries(vars)).toEqual({
      A: "1",
      B: "two words # not a comment",
      C: "x",
      D: "plain",
      E: "",
      F: "spaced",
    });
  });

  it("names the file and line it cannot read", () => {
    expect(() => parseEnvFile("A=1\nnot a pair", "env/.env.x")).toThrow("env/.env.x:2: expected KEY=VALUE");
  });

  it("loadEnv refuses an unknown environment", () => {
    expect(() => loadEnv("nosuch")).toThrow("env/.env.nosuch does not exist");
    expect(() => loadEnv("../etc")).toThrow(/invalid environment name/);
  });

  it("parseArgs reads --env, --env= and defaults to local", () => {
    expect(parseArgs([])).toEqual({ envName: "local", strict: false });
    expect(parseArgs(["--env", "dev"])).toEqual({ envName: "dev", strict: false });
    expect(parseArgs(["--env=dev", "--strict"])).toEqual({ envName: "dev", strict: true });
    expect(() => parseArgs(["dev"])).toThrow(/unknown argument/);
  });

  it("the CLI exits 1 with a clear message for an unknown environment", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/package.ts", "--env", "nosuch"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("env/.env.nosuch does not exist");
  });
});
