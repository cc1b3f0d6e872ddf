// NumPy's .npy format: magic "\x93NUMPY", version bytes (major, minor), the header length (u16 LE in
// version 1.0, u32 LE in 2.0 and 3.0), then a Python dict literal {'descr', 'fortran_order', 'shape'},
// padded with spaces and ended by "\n" so the data starts at a multiple of 64 bytes, then the raw data.
import * as fs from 'fs';
import * as os from 'os';
import { formatBytes, MAX_DATA_BYTES } from '../data/dataset';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
const ALIGNMENT = 64;
/** The longest header read: version 1.0's own limit. numpy itself refuses headers over 10,000 bytes by default. */
const MAX_HEADER = 0xffff;

const isDim = (value: number) => Number.isSafeInteger(value) && value >= 0;

/** Python's spelling of a tuple: "()", "(5,)" (the comma makes it a tuple), "(2, 3)". */
function pythonTuple(shape: number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** A version 1.0 .npy file of C-order float32 ('<f4') or uint8 ('|u1') values. */
export function encodeNpy(data: Float32Array | Uint8Array, shape: number[]): Buffer {
  if (!shape.every(isDim) || shape.reduce((a, b) => a * b, 1) !== data.length) {
    throw new Error(`npy: ${data.length} values do not fit shape [${shape.join(', ')}]`);
  }
  // Float32Array bytes are in the machine's order, and the descr below promises little-endian.
  if (data instanceof Float32Array && os.endianness() !== 'LE') throw new Error('npy: big-endian machines are not supported');
  const descr = data instanceof Float32Array ? '<f4' : '|u1';
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${pythonTuple(shape)}, }`;
  const prefix = MAGIC.length + 2 + 2; // magic, version, u16 length
  const padding = (ALIGNMENT - ((prefix + dict.length + 1) % ALIGNMENT)) % ALIGNMENT;
  const header = dict + ' '.repeat(padding) + '\n';
  if (header.length > 0xffff) throw new Error(`npy: a shape of ${shape.length} dimensions does not fit a version 1.0 header`);
  const out = Buffer.alloc(prefix + header.length + data.byteLength);
  MAGIC.copy(out, 0);
  out[6] = 1; // version 1.0
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, prefix, 'latin1');
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), prefix + header.length);
  return out;
}

interface Header { descr: string; shape: number[]; itemSize: number }

/**
 * Parses the header from the first bytes of a .npy file (`buffer` may be only the start of it) and works out
 * where the data starts and how many bytes it takes, refusing sizes past MAX_DATA_BYTES.
 */
function readHeader(buffer: Buffer, source: string): { header: Header; dataStart: number; dataBytes: number } {
  if (buffer.length < 10 || !buffer.subarray(0, 6).equals(MAGIC)) throw new Error(`${source}: not a .npy file`);
  const major = buffer[6];
  if (major < 1 || major > 3) throw new Error(`${source}: .npy version ${major}.${buffer[7]} is not supported (1.0 to 3.0)`);
  const lengthBytes = major === 1 ? 2 : 4;
  if (buffer.length < 8 + lengthBytes) throw new Error(`${source}: truncated .npy header`);
  const length = major === 1 ? buffer.readUInt16LE(8) : buffer.readUInt32LE(8);
  if (length > MAX_HEADER) throw new Error(`${source}: .npy header of ${length} bytes is longer than any this reader takes (${MAX_HEADER})`);
  const start = 8 + lengthBytes;
  if (start + length > buffer.length) throw new Error(`${source}: truncated .npy header (${length} bytes announced, ${buffer.length - start} present)`);
  // Versions 1 and 2 write the dict in latin1, version 3 in UTF-8; the keys and values we read are ASCII.
  const text = buffer.toString(major === 3 ? 'utf8' : 'latin1', start, start + length);
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(text)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`${source}: malformed .npy header ${JSON.stringify(text.trim())}`);
  const parts = shapeText.split(',').map((s) => s.trim()).filter(Boolean);
  // Digits only: Number() would also take '1e3', '0x10' or '  ', which no numpy writes.
  const shape = parts.map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  if (!shape.every(isDim)) throw new Error(`${source}: malformed .npy shape (${shapeText})`);
  // Fortran order only changes the layout when two or more dimensions are longer than 1.
  if (fortran === 'True' && shape.filter((d) => d > 1).length > 1) throw new Error(`${source}: Fortran-order .npy files are not supported`);
  const itemSize = descr === '<f4' ? 4 : descr === '|u1' || descr === '<u1' ? 1 : 0;
  if (itemSize === 0) throw new Error(`${source}: .npy dtype ${descr} is not supported (float32 '<f4' or uint8 '|u1')`);
  // Multiplied step by step, stopping past the limit, so no product loses precision before the check.
  let dataBytes = shape.includes(0) ? 0 : itemSize;
  for (const d of shape) {
    dataBytes *= d;
    if (dataBytes > MAX_DATA_BYTES) throw new Error(`${source}: .npy shape (${shape.join(', ')}) of ${descr} is more than ${formatBytes(MAX_DATA_BYTES)} of data (the limit)`);
  }
  return { header: { descr, shape, itemSize }, dataStart: start + length, dataBytes };
}

/**
 * Reads float32 ('<f4') or uint8 ('|u1') arrays from .npy versions 1.0–3.0; the data is a copy. Bytes after
 * the array are ignored, as numpy.load does. Errors are one line starting with `source`.
 */
export function decodeNpy(buffer: Buffer, source: string): { data: Float32Array | Uint8Array; shape: number[] } {
  const { header, dataStart, dataBytes } = readHeader(buffer, source);
  const { shape, itemSize } = header;
  const available = buffer.length - dataStart;
  if (available < dataBytes) throw new Error(`${source}: truncated .npy data (${available} of ${dataBytes} bytes)`);
  // Copy into a fresh ArrayBuffer: the file's bytes may sit at any offset of a pooled Buffer, and a
  // Float32Array needs a 4-byte aligned start.
  const bytes = new Uint8Array(buffer.subarray(dataStart, dataStart + dataBytes));
  if (itemSize === 1) return { data: bytes, shape };
  if (os.endianness() !== 'LE') throw new Error(`${source}: big-endian machines are not supported`);
  return { data: new Float32Array(bytes.buffer), shape };
}

/**
 * Reads a .npy file: the header first, then only the bytes it announces (checked against the file's size and
 * the limit), so a huge file behind a small header costs no memory. Errors are one line starting with `file`.
 */
export function readNpy(file: string): { data: Float32Array | Uint8Array; shape: number[] } {
  const fail = (err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    return new Error(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a .npy file' : (err as Error).message}`);
  };
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw fail(err);
  }
  try {
    const read = (length: number) => {
      try {
        const out = Buffer.alloc(length);
        return out.subarray(0, fs.readSync(fd, out, 0, length, 0));
      } catch (err) {
        throw fail(err);
      }
    };
    let size: number;
    try {
      size = fs.fstatSync(fd).size;
    } catch (err) {
      throw fail(err);
    }
    const { dataStart, dataBytes } = readHeader(read(Math.min(size, 12 + MAX_HEADER)), file);
    if (size < dataStart + dataBytes) throw new Error(`${file}: truncated .npy data (${size - dataStart} of ${dataBytes} bytes)`);
    return decodeNpy(read(dataStart + dataBytes), file);
  } finally {
    fs.closeSync(fd);
  }
}
