/**
 * Draws the two Teams app icons and writes them to appPackage/: run by hand with `npx tsx scripts/icons.ts`
 * after changing the drawing, then commit the PNGs (the package build and the tests only read the committed files).
 *
 * The glyph is a telephone handset with two signal arcs, built from signed distance functions (an arc stroke, two
 * capsules for the earpiece and the mouthpiece, two thin arcs), which also gives anti-aliased edges for free.
 *  - color.png: 192x192, white glyph on a rounded square in the accent colour (transparent outside the corners).
 *  - outline.png: 32x32, the same glyph in white on a fully transparent background (alpha carries the shape).
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { encodePng, type RgbaImage, ROOT } from "./package.js";

/** The manifest's accentColor; the colour icon's background. */
export const ACCENT = "#0F6CBD";

type Vec = [number, number];

/** Distance from p to the segment a-b. */
function segmentDistance(p: Vec, a: Vec, b: Vec): number {
  const [px, py] = [p[0] - a[0], p[1] - a[1]];
  const [bx, by] = [b[0] - a[0], b[1] - a[1]];
  const t = Math.max(0, Math.min(1, (px * bx + py * by) / (bx * bx + by * by)));
  return Math.hypot(px - bx * t, py - by * t);
}

/** Signed distance to a round-capped arc stroke around `c` of radius `r`, from angle `from` to `to` (radians, y down). */
function arcStroke(p: Vec, c: Vec, r: number, from: number, to: number, width: number): number {
  const angle = Math.atan2(p[1] - c[1], p[0] - c[0]);
  const a = angle < 0 ? angle + 2 * Math.PI : angle;
  if (a >= from && a <= to) return Math.abs(Math.hypot(p[0] - c[0], p[1] - c[1]) - r) - width / 2;
  const end = (t: number): Vec => [c[0] + r * Math.cos(t), c[1] + r * Math.sin(t)];
  const [e1, e2] = [end(from), end(to)];
  return Math.min(Math.hypot(p[0] - e1[0], p[1] - e1[1]), Math.hypot(p[0] - e2[0], p[1] - e2[1])) - width / 2;
}

/**
 * Signed distance (in glyph units, the glyph box is 0..1) to the handset-with-signal glyph; negative inside.
 * The handset's concave side faces the top-right corner, where the signal arcs sit.
 */
export function glyphDistance(p: Vec): number {
  const c: Vec = [0.8, 0.2];
  const quarter: [number, number] = [Math.PI / 2, Math.PI];
  const body = arcStroke(p, c, 0.58, quarter[0], quarter[1], 0.15);
  // Earpiece (left end) and mouthpiece (bottom end): thick capsules pointing from the ends towards the ear side.
  const earpiece = segmentDistance(p, [0.22, 0.2], [0.33, 0.2]) - 0.115;
  const mouthpiece = segmentDistance(p, [0.8, 0.78], [0.8, 0.67]) - 0.115;
  const wave1 = arcStroke(p, c, 0.12, quarter[0] + 0.15, quarter[1] - 0.15, 0.075);
  const wave2 = arcStroke(p, c, 0.25, quarter[0] + 0.12, quarter[1] - 0.12, 0.075);
  return Math.min(body, earpiece, mouthpiece, wave1, wave2);
}

/** Signed distance to a rounded square filling a size x size canvas. */
function roundedSquare(p: Vec, size: number, radius: number): number {
  const half = size / 2;
  const qx = Math.abs(p[0] - half) - (half - radius);
  const qy = Math.abs(p[1] - half) - (half - radius);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

const coverage = (distancePx: number) => Math.max(0, Math.min(1, 0.5 - distancePx));

function hex(color: string): [number, number, number] {
  const n = Number.parseInt(color.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** Renders the glyph into a `size` canvas, in a box of `box` pixels at `offset`, with `paint(x, y, glyphCoverage)`. */
function rasterize(size: number, box: number, offset: number, paint: (x: number, y: number, g: number) => void) {
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p: Vec = [(x + 0.5 - offset) / box, (y + 0.5 - offset) / box];
      paint(x, y, coverage(glyphDistance(p) * box));
    }
  }
}

/** The 192x192 full-colour icon. */
export function drawColorIcon(): RgbaImage {
  const size = 192;
  const rgba = new Uint8Array(size * size * 4);
  const [r, g, b] = hex(ACCENT);
  const box = 116;
  rasterize(size, box, (size - box) / 2, (x, y, glyph) => {
    const background = coverage(roundedSquare([x + 0.5, y + 0.5], size, 40));
    const o = (y * size + x) * 4;
    rgba[o] = Math.round(r + (255 - r) * glyph);
    rgba[o + 1] = Math.round(g + (255 - g) * glyph);
    rgba[o + 2] = Math.round(b + (255 - b) * glyph);
    rgba[o + 3] = Math.round(255 * background);
  });
  return { width: size, height: size, rgba };
}

/** The 32x32 outline icon: white, with the shape in the alpha channel only. */
export function drawOutlineIcon(): RgbaImage {
  const size = 32;
  const rgba = new Uint8Array(size * size * 4);
  rasterize(size, 28, 2, (x, y, glyph) => {
    const o = (y * size + x) * 4;
    rgba.set([255, 255, 255, Math.round(255 * glyph)], o);
  });
  return { width: size, height: size, rgba };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = join(ROOT, "appPackage");
  writeFileSync(join(dir, "color.png"), encodePng(drawColorIcon()));
  writeFileSync(join(dir, "outline.png"), encodePng(drawOutlineIcon()));
  process.stdout.write("wrote appPackage/color.png (192x192) and appPackage/outline.png (32x32)\n");
}
