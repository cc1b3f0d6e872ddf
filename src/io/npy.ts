// NumPy's .npy format (version 1.0): magic "\x93NUMPY", version bytes 1 0, a little-endian uint16 header
// length, a Python-literal dict {'descr', 'fortran_order', 'shape'} padded with spaces and a newline so the
// data starts at a multiple of 64 bytes, then the raw C-order data.
const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

export function encodeNpy(data: Float32Array | Uint8Array, shape: number[]): Buffer {
  if (shape.reduce((a, b) => a * b, 1) !== data.length) throw new Error(`npy: ${data.length} values do not fit shape [${shape.join(', ')}]`);
  const descr = data instanceof Float32Array ? '<f4' : '|u1';
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const head = Buffer.alloc(MAGIC.length + 4);
  MAGIC.copy(head, 0);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

export function decodeNpy(buffer: Buffer, source: string): { data: Float32Array | Uint8Array; shape: number[] } {
  if (buffer.length < 10 || !buffer.subarray(0, 6).equals(MAGIC)) throw new Error(`${source}: not a .npy file`);
  const major = buffer[6];
  const headerLength = major === 1 ? buffer.readUInt16LE(8) : buffer.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buffer.toString('latin1', start, start + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new Error(`${source}: malformed .npy header`);
  if (fortran === 'True') throw new Error(`${source}: Fortran-order .npy files are not supported`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const body = buffer.subarray(start + headerLength);
  if (descr === '<f4') {
    if (body.length < count * 4) throw new Error(`${source}: truncated .npy data`);
    return { data: new Float32Array(Uint8Array.from(body.subarray(0, count * 4)).buffer), shape };
  }
  if (descr === '|u1' || descr === '<u1') {
    if (body.length < count) throw new Error(`${source}: truncated .npy data`);
    return { data: Uint8Array.from(body.subarray(0, count)), shape };
  }
  throw new Error(`${source}: .npy dtype ${descr} is not supported (float32 or uint8)`);
}
