// PNG encoding and decoding (8-bit, non-interlaced): enough for sample grids, image folders and tests.
// The format (RFC 2083 / W3C PNG): an 8-byte signature, then chunks of [u32 BE length, 4-byte type, data,
// u32 BE CRC-32 of type + data]. IHDR holds the size and colour type, PLTE/tRNS a palette, the IDAT chunks
// together one zlib stream of the rows, each row prefixed by a filter byte (0 None … 4 Paeth), IEND ends.
import * as zlib from 'zlib';

export interface Image {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  /** Row-major, channels interleaved (HWC), 8-bit. */
  pixels: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOUR_TYPE_OF_CHANNELS: Record<number, number> = { 1: 0, 3: 2, 4: 6 };
/** Bytes per pixel for each 8-bit colour type: gray, RGB, palette index, gray+alpha, RGBA. */
const BYTES_PER_PIXEL: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/**
 * Refuse headers asking for more than this many pixels (8192×8192, as image folders allow sharp): a corrupt or
 * hostile size must not exhaust memory, and a valid image this large inflates to at most 256 MiB of RGBA rows.
 */
const MAX_PIXELS = 8192 * 8192;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320), as PNG chunks and zlib's crc32 use. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes an 8-bit gray (1 channel), RGB (3) or RGBA (4) image. */
export function encodePng(image: Image): Buffer {
  const { width, height, channels, pixels } = image;
  if (!(channels in COLOUR_TYPE_OF_CHANNELS)) throw new Error(`PNG: unsupported channel count ${channels} (1, 3 or 4)`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width * height > MAX_PIXELS) {
    throw new Error(`PNG: bad size ${width}×${height}`);
  }
  if (pixels.length !== width * height * channels) {
    throw new Error(`PNG: ${pixels.length} bytes do not fit ${width}×${height}×${channels}`);
  }
  const ihdr = Buffer.alloc(13); // compression, filter and interlace methods stay 0
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = COLOUR_TYPE_OF_CHANNELS[channels];
  const stride = width * channels;
  const rows = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    // Filter 1 (Sub: each byte minus the same channel one pixel left) suits smooth images and costs one pass.
    const at = y * (stride + 1);
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    rows[at] = 1;
    for (let x = 0; x < stride; x++) rows[at + 1 + x] = (row[x] - (x >= channels ? row[x - channels] : 0)) & 0xff;
  }
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', new Uint8Array(0))]);
}

interface Header { width: number; height: number; colour: number }

interface Chunks { header: Header; palette?: Buffer; transparency?: Buffer; idat: Buffer[] }

/** Walks the chunks, checking every CRC, and keeps the ones the decoder needs. */
function readChunks(buffer: Buffer, source: string): Chunks {
  if (buffer.length < 8 || !buffer.subarray(0, 8).equals(SIGNATURE)) throw new Error(`${source}: not a PNG file`);
  let header: Header | undefined;
  let palette: Buffer | undefined;
  let transparency: Buffer | undefined;
  const idat: Buffer[] = [];
  for (let offset = 8; ;) {
    if (offset + 12 > buffer.length) throw new Error(`${source}: truncated PNG (ends after ${buffer.length} bytes, before IEND)`);
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    if (!/^[A-Za-z]{4}$/.test(type) || length > 0x7fffffff) throw new Error(`${source}: corrupt PNG (bad chunk at byte ${offset})`);
    if (offset + 12 + length > buffer.length) throw new Error(`${source}: truncated PNG (chunk ${type} is cut off)`);
    const data = buffer.subarray(offset + 8, offset + 8 + length);
    if (crc32(buffer.subarray(offset + 4, offset + 8 + length)) !== buffer.readUInt32BE(offset + 8 + length)) {
      throw new Error(`${source}: corrupt PNG (CRC mismatch in chunk ${type})`);
    }
    if (!header && type !== 'IHDR') throw new Error(`${source}: corrupt PNG (first chunk is ${type}, not IHDR)`);
    offset += 12 + length;
    if (type === 'IHDR') header = readHeader(data, source);
    else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') transparency = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') return { header: header!, palette, transparency, idat };
    // An upper-case first letter marks a critical chunk: one we do not know changes how to read the image.
    else if (type[0] >= 'A' && type[0] <= 'Z') throw new Error(`${source}: unsupported PNG (critical chunk ${type})`);
  }
}

function readHeader(data: Buffer, source: string): Header {
  if (data.length !== 13) throw new Error(`${source}: corrupt PNG (IHDR has ${data.length} bytes, not 13)`);
  const width = data.readUInt32BE(0), height = data.readUInt32BE(4);
  const [depth, colour, compression, filter, interlace] = data.subarray(8);
  if (width < 1 || height < 1) throw new Error(`${source}: unsupported PNG size ${width}×${height}`);
  if (width * height > MAX_PIXELS) throw new Error(`${source}: unsupported PNG size ${width}×${height} (more than 8192×8192 pixels)`);
  if (!(colour in BYTES_PER_PIXEL)) throw new Error(`${source}: corrupt PNG (colour type ${colour})`);
  if (depth !== 8) throw new Error(`${source}: ${depth}-bit PNGs are not supported (8-bit only)`);
  if (compression !== 0 || filter !== 0) throw new Error(`${source}: corrupt PNG (compression ${compression}, filter method ${filter})`);
  if (interlace !== 0) throw new Error(`${source}: interlaced PNGs are not supported`);
  return { width, height, colour };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes the per-row filters: `a` is the byte one pixel left, `b` the byte above, `c` above-left. */
function unfilter(data: Buffer, width: number, height: number, bpp: number, source: string): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(stride * height);
  const zeros = new Uint8Array(stride); // the row "above" the first row
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)];
    const src = data.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = out.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? out.subarray((y - 1) * stride, y * stride) : zeros;
    switch (filter) {
      case 0: row.set(src); break;
      case 1: for (let x = 0; x < stride; x++) row[x] = src[x] + (x >= bpp ? row[x - bpp] : 0); break;
      case 2: for (let x = 0; x < stride; x++) row[x] = src[x] + up[x]; break;
      case 3: for (let x = 0; x < stride; x++) row[x] = src[x] + (((x >= bpp ? row[x - bpp] : 0) + up[x]) >> 1); break;
      case 4:
        for (let x = 0; x < stride; x++) {
          row[x] = src[x] + (x >= bpp ? paeth(row[x - bpp], up[x], up[x - bpp]) : paeth(0, up[x], 0));
        }
        break;
      default: throw new Error(`${source}: corrupt PNG (unknown filter ${filter} in row ${y})`);
    }
  }
  return out; // Uint8Array stores keep the low 8 bits, which is the format's modulo-256 addition
}

/**
 * Decodes 8-bit, non-interlaced gray, gray+alpha, RGB, RGBA and palette PNGs, checking every CRC. Gray+alpha
 * comes back as RGBA; palette images as RGB, or RGBA when they have a tRNS chunk. tRNS on gray or RGB
 * images (one transparent colour) is ignored. Errors are one line starting with `source`.
 */
export function decodePng(buffer: Buffer, source = 'PNG'): Image {
  const { header, palette, transparency, idat } = readChunks(buffer, source);
  const { width, height, colour } = header;
  const bpp = BYTES_PER_PIXEL[colour];
  const expected = (width * bpp + 1) * height;
  let inflated: Buffer;
  try {
    inflated = zlib.inflateSync(Buffer.concat(idat), { maxOutputLength: expected });
  } catch (err) {
    const tooLong = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw new Error(`${source}: corrupt PNG (${tooLong ? `more image data than ${width}×${height} needs` : 'image data does not inflate'})`);
  }
  if (inflated.length < expected) throw new Error(`${source}: truncated PNG image data (${inflated.length} of ${expected} bytes)`);
  const raw = unfilter(inflated, width, height, bpp, source);
  if (colour === 0) return { width, height, channels: 1, pixels: raw };
  if (colour === 2) return { width, height, channels: 3, pixels: raw };
  if (colour === 6) return { width, height, channels: 4, pixels: raw };
  if (colour === 4) {
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = raw[2 * i];
      rgba[4 * i + 3] = raw[2 * i + 1];
    }
    return { width, height, channels: 4, pixels: rgba };
  }
  return expandPalette(raw, width, height, palette, transparency, source);
}

function expandPalette(indices: Uint8Array, width: number, height: number, palette: Buffer | undefined, alpha: Buffer | undefined, source: string): Image {
  if (!palette || palette.length % 3 !== 0) throw new Error(`${source}: corrupt PNG (palette image without a valid PLTE)`);
  const channels = alpha ? 4 : 3;
  const out = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) {
    const entry = indices[i];
    if (3 * entry >= palette.length) throw new Error(`${source}: corrupt PNG (palette index ${entry} beyond ${palette.length / 3} entries)`);
    out.set(palette.subarray(3 * entry, 3 * entry + 3), channels * i);
    // tRNS may be shorter than the palette: the entries it leaves out are opaque.
    if (alpha) out[channels * i + 3] = entry < alpha.length ? alpha[entry] : 255;
  }
  return { width, height, channels, pixels: out };
}
