// IDX, MNIST's own format: two zero bytes, a type byte (0x08 = uint8), the number of dimensions, one
// big-endian uint32 per dimension, then the data. Image files are 0x00000803 (N×H×W), label files
// 0x00000801 (N). Files may be gzipped; we detect that by gzip's magic bytes, not by the file name,
// because downloads and hand-made folders do not always keep the .gz suffix honest.
import * as fs from 'fs';
import * as zlib from 'zlib';
import { writeFileAtomic } from '../io/atomic';
import { formatBytes, MAX_DATA_BYTES } from './dataset';

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

/** The largest IDX header: 4 bytes, then one uint32 per dimension, at most 255 of them. */
const MAX_HEADER = 4 + 4 * 255;
/** The most a header peek may inflate: plenty for any header, little enough for any gzip stream. */
const PEEK_OUTPUT = 64 * 1024;

interface Header {
  dims: number[];
  /** Where the data starts. */
  headerBytes: number;
  /** Bytes of data the dims announce. */
  dataBytes: number;
}

/**
 * Reads the header from the first bytes of an IDX file (`bytes` may be only the start of it) and works out the
 * size it announces, refusing products beyond MAX_DATA_BYTES before anything that size is allocated.
 */
function readHeader(bytes: Buffer, source: string): Header {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`${source}: not an IDX file (bad magic number)`);
  if (bytes[2] !== UINT8) throw new Error(`${source}: IDX element type 0x${bytes[2].toString(16)} is not supported (only uint8, 0x08)`);
  const ndim = bytes[3];
  if (ndim === 0) throw new Error(`${source}: not an IDX file (zero dimensions)`);
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) throw new Error(`${source}: truncated IDX header (${ndim} dimensions need ${headerBytes} bytes, found ${bytes.length})`);
  const dims = Array.from({ length: ndim }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  // Multiplied step by step, stopping past the limit: each factor is below 2^32, so nothing overflows before the check.
  let dataBytes = dims.includes(0) ? 0 : 1;
  for (const d of dims) {
    dataBytes *= d;
    if (dataBytes > MAX_DATA_BYTES) {
      throw new Error(`${source}: IDX dims [${dims.join(', ')}] announce more than ${formatBytes(MAX_DATA_BYTES)} of data (the limit)`);
    }
  }
  return { dims, headerBytes, dataBytes };
}

function gzipError(err: unknown, source: string): Error {
  // zlib says 'unexpected end of file' when the stream stops early (an interrupted copy or download).
  const reason = (err as Error).message;
  if (/unexpected end/i.test(reason)) return new Error(`${source}: truncated gzip data`);
  return new Error(`${source}: corrupt gzip data (${reason.split('\n')[0]})`);
}

const isGzip = (bytes: Buffer) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
const tooLarge = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';

/**
 * The first bytes `gz` inflates to: at least `want` of them when the data holds that many, and never more
 * than PEEK_OUTPUT, however the stream is built. zlib's one-shot calls give no partial output when they hit
 * their output limit, so this inflates growing prefixes of the input (Z_SYNC_FLUSH: a cut-off stream is not an
 * error) and, when a prefix yields too much, bisects back to one that yields enough. One input byte inflates
 * to at most a few KiB, so such a prefix exists whenever the data holds `want` bytes.
 */
function gunzipHead(gz: Buffer, want: number, source: string): Buffer {
  const attempt = (n: number): Buffer | null => {
    try {
      return zlib.gunzipSync(gz.subarray(0, n), { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: PEEK_OUTPUT });
    } catch (err) {
      if (tooLarge(err)) return null;
      throw gzipError(err, source);
    }
  };
  let short = 0; // a prefix known to give fewer than `want` bytes
  let n = Math.min(gz.length, 256);
  for (;;) {
    const out = attempt(n);
    if (out && (out.length >= want || n === gz.length)) return out;
    if (!out) break;
    short = n;
    n = Math.min(gz.length, 2 * n);
  }
  for (let long = n; long - short > 1;) {
    const mid = Math.floor((short + long) / 2);
    const out = attempt(mid);
    if (!out) long = mid;
    else if (out.length >= want) return out;
    else short = mid;
  }
  throw new Error(`${source}: corrupt gzip data (no IDX header within its first ${PEEK_OUTPUT} inflated bytes)`);
}

/**
 * Inflates a gzipped IDX file without trusting it: the header is read first, from a bounded peek, and the
 * whole stream is then inflated with zlib's output limit set to exactly the size that header announces
 * (itself capped by MAX_DATA_BYTES). A gzip bomb, or junk after the data, stops zlib one chunk past the
 * limit instead of filling memory.
 */
function gunzipIdx(gz: Buffer, source: string): Buffer {
  const { headerBytes, dataBytes } = readHeader(gunzipHead(gz, MAX_HEADER, source), source);
  const announced = headerBytes + dataBytes;
  try {
    return zlib.gunzipSync(gz, { maxOutputLength: announced });
  } catch (err) {
    if (tooLarge(err)) throw new Error(`${source}: gzip data inflates to more than the ${announced} bytes its IDX header announces`);
    throw gzipError(err, source);
  }
}

/** Parses IDX bytes (plain or gzipped); `source` names the file in error messages. */
export function decodeIdx(buffer: Buffer, source: string): IdxData {
  const bytes = isGzip(buffer) ? gunzipIdx(buffer, source) : buffer;
  const { dims, headerBytes, dataBytes } = readHeader(bytes, source);
  const found = bytes.length - headerBytes;
  if (found < dataBytes) throw new Error(`${source}: truncated IDX file (expected ${dataBytes} bytes of data, found ${found})`);
  if (found > dataBytes) throw new Error(`${source}: ${found - dataBytes} unexpected bytes after the IDX data`);
  // A copy, so the caller owns a compact array rather than a view into a larger file buffer.
  return { dims, data: new Uint8Array(bytes.subarray(headerBytes)) };
}

function fsError(err: unknown, file: string): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not an IDX file' : (err as Error).message;
  return new Error(`${file}: ${reason}`);
}

/**
 * Reads an IDX file (plain or gzipped). A plain file's size is checked against what its header announces
 * before the rest is read, so a huge (or sparse) file with a small header costs no memory.
 */
export function readIdx(file: string): IdxData {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw fsError(err, file);
  }
  try {
    let size: number;
    const head = Buffer.alloc(MAX_HEADER);
    let headLength: number;
    try {
      const stat = fs.fstatSync(fd);
      if (stat.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
      size = stat.size;
      headLength = fs.readSync(fd, head, 0, Math.min(size, MAX_HEADER), 0);
    } catch (err) {
      throw fsError(err, file);
    }
    if (isGzip(head.subarray(0, headLength))) {
      // Deflate adds at most 5 bytes per 64 KiB to data it cannot compress, so a gzip file 1% past the limit
      // cannot hold an IDX file within it.
      if (size > 1.01 * MAX_DATA_BYTES) throw new Error(`${file}: ${formatBytes(size)} of gzip data is more than any IDX file ganforge reads`);
    } else {
      const { headerBytes, dataBytes } = readHeader(head.subarray(0, headLength), file);
      if (size > headerBytes + dataBytes) throw new Error(`${file}: ${size - headerBytes - dataBytes} unexpected bytes after the IDX data`);
    }
    let buffer: Buffer;
    try {
      buffer = fs.readFileSync(fd);
    } catch (err) {
      throw fsError(err, file);
    }
    return decodeIdx(buffer, file);
  } finally {
    fs.closeSync(fd);
  }
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
