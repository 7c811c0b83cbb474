/**
 * PNG for the Teams app icons, with no image library: CRC-32, an encoder (RGBA, filter 0) for the drawn icons, and
 * a decoder of the 8-bit non-interlaced PNGs the package check reads back (Teams wants 192x192 colour and 32x32
 * white-on-transparent outline icons; docs/teams.md section 11).
 */
import { deflateSync, inflateSync } from "node:zlib";

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
