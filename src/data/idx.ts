// IDX, MNIST's own format: two zero bytes, a type byte (0x08 = uint8), the number of dimensions, one
// big-endian uint32 per dimension, then the data. Image files are 0x00000803 (N×H×W), label files
// 0x00000801 (N). Files may be gzipped; we detect that by gzip's magic bytes, not by the file name,
// because downloads and hand-made folders do not always keep the .gz suffix honest.
import * as fs from 'fs';
import * as zlib from 'zlib';
import { writeFileAtomic } from '../io/atomic';

export interface IdxData {
  dims: number[];
  data: Uint8Array;
}

const UINT8 = 0x08;
const MAX_DIM = 0xffffffff;

export function encodeIdx(dims: number[], data: Uint8Array): Buffer {
  if (dims.length < 1 || dims.length > 255) throw new Error(`IDX: ${dims.length} dimensions is not storable (1…255)`);
  const badDim = dims.find((d) => !Number.isInteger(d) || d < 0 || d > MAX_DIM);
  if (badDim !== undefined) throw new Error(`IDX: dimension ${badDim} is not a uint32`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`IDX: ${data.length} bytes do not fit dims [${dims.join(', ')}]`);
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = UINT8;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

function gunzip(bytes: Buffer, source: string): Buffer {
  try {
    return zlib.gunzipSync(bytes);
  } catch (err) {
    // zlib says 'unexpected end of file' when the stream stops early (an interrupted copy or download).
    const reason = (err as Error).message;
    if (/unexpected end/i.test(reason)) throw new Error(`${source}: truncated gzip data`);
    throw new Error(`${source}: corrupt gzip data (${reason})`);
  }
}

/** Parses IDX bytes (plain or gzipped); `source` names the file in error messages. */
export function decodeIdx(buffer: Buffer, source: string): IdxData {
  const bytes = buffer.length >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b ? gunzip(buffer, source) : buffer;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`${source}: not an IDX file (bad magic number)`);
  if (bytes[2] !== UINT8) throw new Error(`${source}: IDX element type 0x${bytes[2].toString(16)} is not supported (only uint8, 0x08)`);
  const ndim = bytes[3];
  if (ndim === 0) throw new Error(`${source}: not an IDX file (zero dimensions)`);
  if (bytes.length < 4 + 4 * ndim) throw new Error(`${source}: truncated IDX header (${ndim} dimensions need ${4 + 4 * ndim} bytes, found ${bytes.length})`);
  const dims = Array.from({ length: ndim }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - 4 - 4 * ndim;
  if (found < expected) throw new Error(`${source}: truncated IDX file (expected ${expected} bytes of data, found ${found})`);
  if (found > expected) throw new Error(`${source}: ${found - expected} unexpected bytes after the IDX data`);
  // A copy, so the caller owns a compact array rather than a view into a larger file buffer.
  return { dims, data: new Uint8Array(bytes.subarray(4 + 4 * ndim)) };
}

export function readIdx(file: string): IdxData {
  let buffer: Buffer;
  try {
    buffer = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not an IDX file' : (err as Error).message;
    throw new Error(`${file}: ${reason}`);
  }
  return decodeIdx(buffer, file);
}

/** Writes atomically; gzipped when `gzip` is true or, by default, when the name ends in .gz. */
export function writeIdx(file: string, dims: number[], data: Uint8Array, options: { gzip?: boolean } = {}): void {
  let encoded: Buffer;
  try {
    encoded = encodeIdx(dims, data);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  writeFileAtomic(file, (options.gzip ?? file.endsWith('.gz')) ? zlib.gzipSync(encoded) : encoded);
}
