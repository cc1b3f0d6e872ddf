// IDX, MNIST's own format: two zero bytes, a type byte (0x08 = uint8), the number of dimensions, one
// big-endian uint32 per dimension, then the data. Image files are 0x00000803 (N×H×W), label files
// 0x00000801 (N). Files may be gzipped; we detect that by gzip's magic bytes, not by the file name.
import * as fs from 'fs';
import * as zlib from 'zlib';
import { writeFileAtomic } from '../io/atomic';

export interface IdxData {
  dims: number[];
  data: Uint8Array;
}

export function encodeIdx(dims: number[], data: Uint8Array): Buffer {
  if (dims.length < 1 || dims.length > 255) throw new Error(`IDX: ${dims.length} dimensions is not storable`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`IDX: ${data.length} bytes do not fit dims [${dims.join(', ')}]`);
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

export function decodeIdx(buffer: Buffer, source: string): IdxData {
  let bytes = buffer;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = zlib.gunzipSync(bytes);
    } catch (err) {
      const reason = /unexpected end/i.test((err as Error).message) ? 'truncated gzip data' : 'corrupt gzip data';
      throw new Error(`${source}: ${reason}`);
    }
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`${source}: not an IDX file (bad magic number)`);
  if (bytes[2] !== 0x08) throw new Error(`${source}: IDX element type 0x${bytes[2].toString(16)} is not supported (only uint8, 0x08)`);
  const ndim = bytes[3];
  if (ndim === 0 || bytes.length < 4 + 4 * ndim) throw new Error(`${source}: truncated IDX header`);
  const dims = Array.from({ length: ndim }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - 4 - 4 * ndim;
  if (found < expected) throw new Error(`${source}: truncated IDX file (expected ${expected} bytes of data, found ${found})`);
  if (found > expected) throw new Error(`${source}: ${found - expected} unexpected bytes after the IDX data`);
  return { dims, data: Uint8Array.from(bytes.subarray(4 + 4 * ndim)) };
}

export function readIdx(file: string): IdxData {
  let buffer: Buffer;
  try {
    buffer = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return decodeIdx(buffer, file);
}

/** Writes atomically; gzipped when `gzip` is true or, by default, when the name ends in .gz. */
export function writeIdx(file: string, dims: number[], data: Uint8Array, options: { gzip?: boolean } = {}): void {
  const encoded = encodeIdx(dims, data);
  writeFileAtomic(file, (options.gzip ?? file.endsWith('.gz')) ? zlib.gzipSync(encoded) : encoded);
}
