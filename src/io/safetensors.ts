// The safetensors format (Hugging Face): an 8-byte little-endian u64 header length N, N bytes of UTF-8 JSON
//   { "name": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, …, "__metadata__": {…} }
// then the tensors' bytes, little-endian, row-major. Offsets count from the start of the data; the tensors
// sit back to back with no gaps and cover the data exactly. The header is padded with spaces to a multiple
// of 8 bytes so the data starts aligned.
import * as os from 'os';

export type SafeDType = 'F32' | 'F64' | 'I64' | 'I32' | 'U8' | 'BOOL';

export interface RawTensor {
  dtype: SafeDType;
  shape: number[];
  /** Raw little-endian bytes; length = product(shape) × item size. */
  data: Uint8Array;
}

export const ITEM_SIZE: Record<SafeDType, number> = { F32: 4, F64: 8, I64: 8, I32: 4, U8: 1, BOOL: 1 };

type Typed = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;

const isDType = (value: unknown): value is SafeDType => typeof value === 'string' && Object.hasOwn(ITEM_SIZE, value);
const isDim = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const numel = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Serialises the tensors in map order, with optional string metadata. */
export function encodeSafetensors(tensors: Map<string, RawTensor>, metadata: Record<string, string> = {}): Buffer {
  // A prototype-less object, so a tensor named "__proto__" is stored as a key like any other.
  const header: Record<string, unknown> = Object.create(null);
  if (Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') throw new Error(`safetensors: metadata ${key} must be a string, got ${typeof value}`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, t] of tensors) {
    if (!name || name === '__metadata__') throw new Error(`safetensors: invalid tensor name '${name}'`);
    if (!isDType(t.dtype)) throw new Error(`safetensors: tensor ${name} has unsupported dtype ${t.dtype}`);
    if (!t.shape.every((d) => isDim(d))) throw new Error(`safetensors: tensor ${name} has a bad shape [${t.shape.join(', ')}]`);
    const size = numel(t.shape) * ITEM_SIZE[t.dtype];
    if (t.data.length !== size) throw new Error(`safetensors: tensor ${name} has ${t.data.length} bytes, its shape needs ${size}`);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json, 'utf8') % 8)) % 8); // pad by bytes, not characters
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    out.set(t.data, at);
    at += t.data.length;
  }
  return out;
}

interface Entry { name: string; dtype: SafeDType; shape: number[]; begin: number; end: number }

function readEntry(name: string, info: unknown, source: string): Entry {
  const { dtype, shape, data_offsets: offsets } = (typeof info === 'object' && info !== null ? info : {}) as Record<string, unknown>;
  if (!isDType(dtype)) {
    throw new Error(`${source}: tensor ${name} has dtype ${String(dtype)}, which ganforge does not read (${Object.keys(ITEM_SIZE).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every(isDim)) throw new Error(`${source}: tensor ${name} has a malformed shape`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isDim) || offsets[1] < offsets[0]) {
    throw new Error(`${source}: tensor ${name} has malformed data_offsets`);
  }
  const [begin, end] = offsets as number[];
  const size = numel(shape) * ITEM_SIZE[dtype];
  if (end - begin !== size) throw new Error(`${source}: tensor ${name} has ${end - begin} bytes, its shape [${shape.join(', ')}] needs ${size}`);
  return { name, dtype, shape, begin, end };
}

function readMetadata(value: unknown, source: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${source}: __metadata__ is not an object`);
  const metadata: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new Error(`${source}: __metadata__.${key} is not a string`);
    metadata[key] = v;
  }
  return metadata;
}

/**
 * Parses and validates a whole file's bytes; every error is one line starting with `source`. The returned
 * tensors' `data` are copies, independent of `buffer` (which may be a view into Node's shared pool).
 */
export function decodeSafetensors(buffer: Buffer, source: string): { tensors: Map<string, RawTensor>; metadata: Record<string, string> } {
  if (buffer.length < 8) throw new Error(`${source}: truncated safetensors file (${buffer.length} bytes)`);
  const headerLength = buffer.readBigUInt64LE(0);
  if (8n + headerLength > BigInt(buffer.length)) {
    throw new Error(`${source}: truncated or not a safetensors file (header of ${headerLength} bytes in a ${buffer.length}-byte file)`);
  }
  const dataStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(buffer.toString('utf8', 8, dataStart));
  } catch {
    throw new Error(`${source}: not a safetensors file (its header is not JSON)`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error(`${source}: not a safetensors file (its header is not a JSON object)`);
  const { __metadata__: rawMetadata, ...infos } = header as Record<string, unknown>;
  const metadata = readMetadata(rawMetadata, source);
  const entries = Object.entries(infos).map(([name, info]) => readEntry(name, info, source));
  // The format allows any order in the JSON; contiguity is about the byte ranges, so check them sorted.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of sorted) {
    if (e.begin !== expected) throw new Error(`${source}: tensor data is not contiguous (${e.name} starts at ${e.begin}, expected ${expected})`);
    expected = e.end;
  }
  const dataLength = buffer.length - dataStart;
  if (expected !== dataLength) {
    const what = expected > dataLength ? 'truncated tensor data' : 'trailing bytes after the tensor data';
    throw new Error(`${source}: ${what} (${dataLength} bytes, the header describes ${expected})`);
  }
  const tensors = new Map<string, RawTensor>();
  for (const e of entries) {
    // new Uint8Array(view) copies just the view's bytes, wherever it sits in a pooled Buffer (whose own
    // .slice() would return a view, and whose .buffer may hold other data).
    const data = new Uint8Array(buffer.subarray(dataStart + e.begin, dataStart + e.end));
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}

function assertLittleEndian(): void {
  // Typed arrays use the machine's byte order, the format little-endian; every machine ganforge targets is LE.
  if (os.endianness() !== 'LE') throw new Error('safetensors: big-endian machines are not supported');
}

/** Wraps a typed array's bytes (copied) as a tensor; `dtype` defaults to the array's own, BOOL may be a Uint8Array. */
export function rawFromTypedArray(array: Typed, shape: number[], dtype?: SafeDType): RawTensor {
  assertLittleEndian();
  const own: SafeDType = array instanceof Float32Array ? 'F32' : array instanceof Float64Array ? 'F64'
    : array instanceof BigInt64Array ? 'I64' : array instanceof Int32Array ? 'I32' : 'U8';
  const type = dtype ?? own;
  if (type !== own && !(type === 'BOOL' && own === 'U8')) throw new Error(`safetensors: a ${array.constructor.name} cannot be stored as ${type}`);
  if (!shape.every(isDim) || numel(shape) !== array.length) {
    throw new Error(`safetensors: ${array.length} values do not fit shape [${shape.join(', ')}]`);
  }
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  return { dtype: type, shape: [...shape], data: new Uint8Array(bytes) };
}

/** The tensor's values as a typed array over a fresh, aligned copy of its bytes (BOOL comes back as Uint8Array). */
export function typedArrayFromRaw(raw: RawTensor): Typed {
  assertLittleEndian();
  const size = ITEM_SIZE[raw.dtype];
  if (raw.data.length % size !== 0) throw new Error(`safetensors: ${raw.data.length} bytes are not whole ${raw.dtype} values`);
  // A copy starts at offset 0 of its own ArrayBuffer, so 8-byte types are aligned even if `data` is not
  // (and a Buffer's .slice() would be a view, its .buffer possibly a shared pool).
  const copy = new Uint8Array(raw.data).buffer;
  switch (raw.dtype) {
    case 'F32': return new Float32Array(copy);
    case 'F64': return new Float64Array(copy);
    case 'I64': return new BigInt64Array(copy);
    case 'I32': return new Int32Array(copy);
    case 'U8': case 'BOOL': return new Uint8Array(copy);
  }
}
