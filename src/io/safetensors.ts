// The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON
//   { "name": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, …, "__metadata__": {…} }
// then the tensors' bytes, little-endian, row-major, contiguous and in order. Offsets are relative to the
// start of the data. The header is padded with spaces to a multiple of 8 so the data starts aligned.
export type SafeDType = 'F32' | 'F64' | 'I64' | 'I32' | 'U8' | 'BOOL';

export interface RawTensor {
  dtype: SafeDType;
  shape: number[];
  /** Raw little-endian bytes; length = product(shape) × item size. */
  data: Uint8Array;
}

export const ITEM_SIZE: Record<SafeDType, number> = { F32: 4, F64: 8, I64: 8, I32: 4, U8: 1, BOOL: 1 };

const numel = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export function encodeSafetensors(tensors: Map<string, RawTensor>, metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    if (!name || name === '__metadata__') throw new Error(`safetensors: invalid tensor name '${name}'`);
    const expected = numel(t.shape) * ITEM_SIZE[t.dtype];
    if (t.data.length !== expected) throw new Error(`safetensors: ${name} has ${t.data.length} bytes, its shape needs ${expected}`);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + expected] };
    offset += expected;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  return Buffer.concat([prefix, headerBytes, ...[...tensors.values()].map((t) => t.data)]);
}

/** Parses and validates; the returned `data` are copies, independent of `buffer`. */
export function decodeSafetensors(buffer: Buffer, source: string): { tensors: Map<string, RawTensor>; metadata: Record<string, string> } {
  if (buffer.length < 8) throw new Error(`${source}: truncated safetensors file (${buffer.length} bytes)`);
  const headerLength = Number(buffer.readBigUInt64LE(0));
  if (8 + headerLength > buffer.length) throw new Error(`${source}: truncated or not a safetensors file (header of ${headerLength} bytes in a ${buffer.length}-byte file)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buffer.toString('utf8', 8, 8 + headerLength));
  } catch {
    throw new Error(`${source}: not a safetensors file (its header is not JSON)`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error(`${source}: not a safetensors file`);
  const data = buffer.subarray(8 + headerLength);
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const entries = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, info]) => {
      const { dtype, shape, data_offsets: offsets } = (info ?? {}) as { dtype: SafeDType; shape: number[]; data_offsets: [number, number] };
      if (!(dtype in ITEM_SIZE)) throw new Error(`${source}: tensor ${name} has unsupported dtype ${dtype}`);
      if (!Array.isArray(shape) || !Array.isArray(offsets) || offsets.length !== 2) throw new Error(`${source}: tensor ${name} has a malformed entry`);
      if (offsets[1] - offsets[0] !== numel(shape) * ITEM_SIZE[dtype]) throw new Error(`${source}: tensor ${name}'s byte range does not match its shape`);
      return { name, dtype, shape, offsets };
    })
    .sort((a, b) => a.offsets[0] - b.offsets[0]);
  let expected = 0;
  for (const e of entries) {
    if (e.offsets[0] !== expected) throw new Error(`${source}: tensor data is not contiguous at ${e.name}`);
    expected = e.offsets[1];
  }
  if (expected !== data.length) {
    throw new Error(`${source}: ${expected > data.length ? 'truncated' : 'trailing bytes after the'} tensor data (${data.length} bytes, header says ${expected})`);
  }
  const tensors = new Map<string, RawTensor>();
  for (const e of entries) tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: Uint8Array.from(data.subarray(e.offsets[0], e.offsets[1])) });
  return { tensors, metadata };
}

type Typed = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;

export function rawFromTypedArray(array: Typed, shape: number[], dtype?: SafeDType): RawTensor {
  const inferred: SafeDType = array instanceof Float32Array ? 'F32' : array instanceof Float64Array ? 'F64'
    : array instanceof BigInt64Array ? 'I64' : array instanceof Int32Array ? 'I32' : 'U8';
  const type = dtype ?? inferred;
  if (ITEM_SIZE[type] !== array.BYTES_PER_ELEMENT || (type !== inferred && !(type === 'BOOL' && inferred === 'U8'))) {
    throw new Error(`safetensors: a ${array.constructor.name} cannot be stored as ${type}`);
  }
  // Typed arrays are in the machine's byte order; every platform Node runs on here is little-endian.
  return { dtype: type, shape, data: new Uint8Array(array.buffer.slice(array.byteOffset, array.byteOffset + array.byteLength)) };
}

export function typedArrayFromRaw(raw: RawTensor): Typed {
  const copy = raw.data.slice().buffer; // a fresh, aligned buffer
  switch (raw.dtype) {
    case 'F32': return new Float32Array(copy);
    case 'F64': return new Float64Array(copy);
    case 'I64': return new BigInt64Array(copy);
    case 'I32': return new Int32Array(copy);
    case 'U8': case 'BOOL': return new Uint8Array(copy);
  }
}
