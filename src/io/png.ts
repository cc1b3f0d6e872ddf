// PNG encoding and decoding (8-bit, non-interlaced): enough for sample grids, image folders and tests.
// The format: an 8-byte signature, then chunks (length, type, data, CRC-32 of type+data); IHDR holds the
// size and colour type, IDAT the zlib-compressed rows, each row prefixed by a filter byte.
import * as zlib from 'zlib';

export interface Image {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  /** Row-major, channels interleaved (HWC), 8-bit. */
  pixels: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOUR_TYPE: Record<number, number> = { 1: 0, 3: 2, 4: 6 };

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export function encodePng(image: Image): Buffer {
  const { width, height, channels, pixels } = image;
  if (!(channels in COLOUR_TYPE)) throw new Error(`PNG: unsupported channel count ${channels}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new Error(`PNG: bad size ${width}×${height}`);
  if (pixels.length !== width * height * channels) {
    throw new Error(`PNG: ${pixels.length} bytes do not fit ${width}×${height}×${channels}`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = COLOUR_TYPE[channels];
  // compression, filter and interlace methods: all 0
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    // Filter 1 (Sub: difference to the pixel on the left) compresses smooth images well and is cheap.
    const out = y * (stride + 1);
    raw[out] = 1;
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? pixels[y * stride + x - channels] : 0;
      raw[out + 1 + x] = (pixels[y * stride + x] - left) & 0xff;
    }
  }
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Reverses the per-row filters in place; `bpp` is bytes per pixel. */
function unfilter(data: Buffer, width: number, height: number, bpp: number, source: string): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)];
    const row = data.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = y * stride;
    const prev = cur - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[cur + x - bpp] : 0;
      const b = y > 0 ? out[prev + x] : 0;
      const c = x >= bpp && y > 0 ? out[prev + x - bpp] : 0;
      let predictor: number;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) >> 1; break;
        case 4: predictor = paeth(a, b, c); break;
        default: throw new Error(`${source}: corrupt PNG (unknown filter ${filter} in row ${y})`);
      }
      out[cur + x] = (row[x] + predictor) & 0xff;
    }
  }
  return out;
}

/** Decodes 8-bit gray, gray+alpha, RGB, RGBA and palette PNGs; gray+alpha becomes RGBA, palette RGB(A). */
export function decodePng(buffer: Buffer, source = 'PNG'): Image {
  if (buffer.length < 8 || !buffer.subarray(0, 8).equals(SIGNATURE)) throw new Error(`${source}: not a PNG file`);
  let offset = 8;
  let header: { width: number; height: number; depth: number; colour: number; interlace: number } | null = null;
  let palette: Buffer | null = null;
  let transparency: Buffer | null = null;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset < buffer.length && !ended) {
    if (offset + 12 > buffer.length) throw new Error(`${source}: truncated PNG`);
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    if (offset + 12 + length > buffer.length) throw new Error(`${source}: truncated PNG (chunk ${type})`);
    const data = buffer.subarray(offset + 8, offset + 8 + length);
    if (crc32(buffer.subarray(offset + 4, offset + 8 + length)) !== buffer.readUInt32BE(offset + 8 + length)) {
      throw new Error(`${source}: corrupt PNG (CRC mismatch in chunk ${type})`);
    }
    if (type === 'IHDR') {
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8], colour: data[9], interlace: data[12] };
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') transparency = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    offset += 12 + length;
  }
  if (!header) throw new Error(`${source}: corrupt PNG (no IHDR)`);
  if (!ended) throw new Error(`${source}: truncated PNG (no IEND)`);
  const { width, height, depth, colour, interlace } = header;
  if (depth !== 8) throw new Error(`${source}: ${depth}-bit PNGs are not supported (8-bit only)`);
  if (interlace !== 0) throw new Error(`${source}: interlaced PNGs are not supported`);
  const bppByColour: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
  const bpp = bppByColour[colour];
  if (!bpp) throw new Error(`${source}: unknown PNG colour type ${colour}`);
  let inflated: Buffer;
  try {
    inflated = zlib.inflateSync(Buffer.concat(idat));
  } catch {
    throw new Error(`${source}: corrupt or truncated PNG image data`);
  }
  if (inflated.length < (width * bpp + 1) * height) throw new Error(`${source}: truncated PNG image data`);
  const raw = unfilter(inflated, width, height, bpp, source);
  if (colour === 0) return { width, height, channels: 1, pixels: raw };
  if (colour === 2) return { width, height, channels: 3, pixels: raw };
  if (colour === 6) return { width, height, channels: 4, pixels: raw };
  if (colour === 4) {
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) rgba.set([raw[2 * i], raw[2 * i], raw[2 * i], raw[2 * i + 1]], 4 * i);
    return { width, height, channels: 4, pixels: rgba };
  }
  if (!palette) throw new Error(`${source}: corrupt PNG (palette image without PLTE)`);
  const channels = transparency ? 4 : 3;
  const out = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) {
    const entry = raw[i];
    if (3 * entry + 2 >= palette.length) throw new Error(`${source}: corrupt PNG (palette index ${entry} out of range)`);
    out.set(palette.subarray(3 * entry, 3 * entry + 3), channels * i);
    if (transparency) out[channels * i + 3] = entry < transparency.length ? transparency[entry] : 255;
  }
  return { width, height, channels, pixels: out };
}
