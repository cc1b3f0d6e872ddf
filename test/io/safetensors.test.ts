import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { decodeSafetensors, encodeSafetensors, rawFromTypedArray, RawTensor, typedArrayFromRaw } from '../../src/io/safetensors';
import { tempDir } from '../helpers/fixtures';
import { python } from '../helpers/python';

function sample(): Map<string, RawTensor> {
  return new Map<string, RawTensor>([
    ['w', rawFromTypedArray(Float32Array.from([1.5, -2, 3.25, 0, 1e-8, -7]), [2, 3])],
    ['steps', rawFromTypedArray(Float64Array.from([1, 2.5]), [2])],
    ['idx', rawFromTypedArray(BigInt64Array.from([-1n, 9007199254740993n]), [2])],
    ['bytes', rawFromTypedArray(Uint8Array.from([0, 255, 7]), [3])],
    ['flags', rawFromTypedArray(Uint8Array.from([1, 0]), [2], 'BOOL')],
    ['scalar', rawFromTypedArray(Int32Array.from([-42]), [])],
    ['empty', rawFromTypedArray(new Float32Array(0), [0, 4])],
  ]);
}

/** A file from a header written as JSON text and raw data bytes, bypassing the encoder. */
function file(header: string, data: number[] = []): Buffer {
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(header)), 0);
  return Buffer.concat([length, Buffer.from(header), Buffer.from(data)]);
}

describe('safetensors', () => {
  it('lays out a small file byte for byte: u64 LE length, JSON padded with spaces to 8, contiguous data', () => {
    const bytes = encodeSafetensors(new Map([
      ['a', rawFromTypedArray(Float32Array.from([1, 2]), [2])],
      ['b', rawFromTypedArray(Uint8Array.from([7, 8, 9]), [3])],
    ]), { k: 'v' });
    const json = '{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[3],"data_offsets":[8,11]}}';
    assert.equal(json.length, 132);
    const expected = Buffer.concat([
      Buffer.from([136, 0, 0, 0, 0, 0, 0, 0]), // 132 bytes of JSON + 4 spaces
      Buffer.from(json + '    '),
      Buffer.from([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40]), // 1.0f, 2.0f little-endian
      Buffer.from([7, 8, 9]),
    ]);
    assert.deepEqual(bytes, expected);
  });

  it('round-trips every dtype, a 0-d and an empty tensor, metadata, and keeps insertion order', () => {
    const tensors = sample();
    const decoded = decodeSafetensors(encodeSafetensors(tensors, { format: 'pt', note: 'ünïcode ✓' }), 'mem');
    assert.deepEqual(decoded.metadata, { format: 'pt', note: 'ünïcode ✓' });
    assert.deepEqual([...decoded.tensors.keys()], [...tensors.keys()]);
    assert.deepEqual(decoded.tensors, tensors);
    assert.deepEqual(typedArrayFromRaw(decoded.tensors.get('idx')!), BigInt64Array.from([-1n, 9007199254740993n]));
    assert.deepEqual(typedArrayFromRaw(decoded.tensors.get('w')!), Float32Array.from([1.5, -2, 3.25, 0, 1e-8, -7]));
    assert.deepEqual(typedArrayFromRaw(decoded.tensors.get('scalar')!), Int32Array.from([-42]));
    // Without metadata the header has no __metadata__ key; with a non-ASCII name the padding counts bytes.
    const plain = encodeSafetensors(new Map([['é', rawFromTypedArray(Float64Array.from([0.1]), [1])]]));
    const n = Number(plain.readBigUInt64LE(0));
    assert.equal(n % 8, 0);
    assert.deepEqual(Object.keys(JSON.parse(plain.toString('utf8', 8, 8 + n))), ['é']);
  });

  it('returns copies, read correctly from a Buffer at an odd offset in a shared pool', () => {
    const bytes = encodeSafetensors(sample());
    const pooled = Buffer.concat([Buffer.from([1, 2, 3]), bytes]).subarray(3);
    const decoded = decodeSafetensors(pooled, 'pooled');
    const w = decoded.tensors.get('w')!;
    assert.equal(w.data.byteOffset, 0);
    assert.equal(w.data.buffer.byteLength, w.data.length, 'its own buffer, not the pool');
    pooled.fill(0);
    assert.deepEqual(typedArrayFromRaw(w), Float32Array.from([1.5, -2, 3.25, 0, 1e-8, -7]));
    // typedArrayFromRaw copies into an aligned buffer even when the raw bytes sit at an odd offset.
    const odd = Buffer.concat([Buffer.from([9]), Buffer.from(Float64Array.from([0.5, -3]).buffer)]).subarray(1);
    assert.deepEqual(typedArrayFromRaw({ dtype: 'F64', shape: [2], data: odd }), Float64Array.from([0.5, -3]));
  });

  it('reads a file whose JSON order differs from its data order', () => {
    const header = '{"second":{"dtype":"I32","shape":[1],"data_offsets":[4,8]},"first":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}';
    const decoded = decodeSafetensors(file(header, [1, 0, 0, 0, 2, 0, 0, 0]), 'order');
    assert.deepEqual(typedArrayFromRaw(decoded.tensors.get('first')!), Int32Array.from([1]));
    assert.deepEqual(typedArrayFromRaw(decoded.tensors.get('second')!), Int32Array.from([2]));
  });

  it('refuses bad files with one line naming the source', () => {
    const bytes = encodeSafetensors(sample());
    const entry = (info: string) => file(`{"t":${info}}`, [0, 0, 0, 0]);
    const cases: Array<[Buffer, RegExp]> = [
      [bytes.subarray(0, 5), /^f: truncated safetensors file \(5 bytes\)$/],
      [bytes.subarray(0, 40), /^f: truncated or not a safetensors file \(header of \d+ bytes in a 40-byte file\)$/],
      [bytes.subarray(0, bytes.length - 3), /^f: truncated tensor data/],
      [Buffer.concat([bytes, Buffer.from([0])]), /^f: trailing bytes after the tensor data/],
      [file('not json'), /^f: not a safetensors file \(its header is not JSON\)$/],
      [file('[1, 2]'), /^f: not a safetensors file/],
      [entry('{"dtype":"F16","shape":[2],"data_offsets":[0,4]}'), /^f: tensor t has dtype F16, which ganforge does not read/],
      [entry('{"dtype":"constructor","shape":[1],"data_offsets":[0,4]}'), /^f: tensor t has dtype constructor/],
      [entry('{"dtype":"F32","shape":[2],"data_offsets":[0,4]}'), /^f: tensor t has 4 bytes, its shape \[2\] needs 8$/],
      [entry('{"dtype":"U8","shape":[-2,-2],"data_offsets":[0,4]}'), /^f: tensor t has a malformed shape$/],
      [entry('{"dtype":"U8","shape":[4],"data_offsets":[4,0]}'), /^f: tensor t has malformed data_offsets$/],
      [entry('7'), /^f: tensor t has dtype undefined/],
      [file('{"t":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}', [0, 0, 0, 0]), /^f: tensor data is not contiguous \(t starts at 2, expected 0\)$/],
      [file('{"a":{"dtype":"U8","shape":[3],"data_offsets":[0,3]},"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}', [0, 0, 0, 0]), /not contiguous \(b starts at 2, expected 3\)/],
      [file('{"__metadata__":{"k":1}}'), /^f: __metadata__\.k is not a string$/],
    ];
    for (const [buffer, message] of cases) {
      assert.throws(() => decodeSafetensors(buffer, 'f'), (e: Error) => {
        assert.match(e.message, message);
        return true;
      });
    }
  });

  it('refuses to encode what it could not read back', () => {
    const one = rawFromTypedArray(Float32Array.from([1]), [1]);
    assert.throws(() => encodeSafetensors(new Map([['', one]])), /invalid tensor name ''/);
    assert.throws(() => encodeSafetensors(new Map([['__metadata__', one]])), /invalid tensor name '__metadata__'/);
    assert.throws(() => encodeSafetensors(new Map([['x', { ...one, shape: [2] }]])), /tensor x has 4 bytes, its shape needs 8/);
    assert.throws(() => rawFromTypedArray(new Float32Array(2), [2], 'I32'), /a Float32Array cannot be stored as I32/);
    assert.throws(() => rawFromTypedArray(new Float32Array(2), [3]), /2 values do not fit shape \[3\]/);
  });

  it('numpy reads our file and we read numpy-written bytes, by the published layout (skipped without numpy)', (t) => {
    const dir = tempDir('st');
    fs.writeFileSync(path.join(dir, 'ours.safetensors'), encodeSafetensors(sample(), { who: 'ganforge' }));
    const script = `
import json, struct, sys, os, numpy as np
d = sys.argv[1]
data = open(os.path.join(d, 'ours.safetensors'), 'rb').read()
n = struct.unpack('<Q', data[:8])[0]
header = json.loads(data[8:8 + n])
types = {'F32': '<f4', 'F64': '<f8', 'I64': '<i8', 'I32': '<i4', 'U8': 'u1', 'BOOL': '?'}
out = {'__metadata__': header.pop('__metadata__'), 'n': n}
for name, info in header.items():
    a, b = info['data_offsets']
    array = np.frombuffer(data[8 + n + a: 8 + n + b], dtype=types[info['dtype']]).reshape(info['shape'])
    out[name] = [str(array.dtype), list(array.shape), [repr(v) for v in array.ravel().tolist()]]
print(json.dumps(out))
# And a file written here: tensors in reverse order of their data, header padded to 8.
arrays = {'x': np.arange(6, dtype='<f4').reshape(2, 3) / 4, 'y': np.array([-5, 2**40], dtype='<i8')}
head, blob = {}, b''
for name in ['y', 'x']:
    raw = arrays[name].tobytes()
    head[name] = {'dtype': {'float32': 'F32', 'int64': 'I64'}[str(arrays[name].dtype)], 'shape': list(arrays[name].shape), 'data_offsets': [len(blob), len(blob) + len(raw)]}
    blob += raw
text = json.dumps({'x': head['x'], 'y': head['y'], '__metadata__': {'format': 'np'}}).encode()
text += b' ' * (-len(text) % 8)
open(os.path.join(d, 'numpy.safetensors'), 'wb').write(struct.pack('<Q', len(text)) + text + blob)`;
    const out = python(t, 'numpy', script, [dir]);
    if (out === null) return;
    const read = JSON.parse(out);
    assert.equal(read.n % 8, 0);
    assert.deepEqual(read.__metadata__, { who: 'ganforge' });
    assert.deepEqual(read.w.slice(0, 2), ['float32', [2, 3]]);
    assert.deepEqual(read.w[2].map(Number), [1.5, -2, 3.25, 0, Math.fround(1e-8), -7]);
    assert.deepEqual(read.steps, ['float64', [2], ['1.0', '2.5']]);
    assert.deepEqual(read.idx, ['int64', [2], ['-1', '9007199254740993']]);
    assert.deepEqual(read.bytes, ['uint8', [3], ['0', '255', '7']]);
    assert.deepEqual(read.flags, ['bool', [2], ['True', 'False']]);
    assert.deepEqual(read.scalar, ['int32', [], ['-42']]);
    assert.deepEqual(read.empty, ['float32', [0, 4], []]);
    const theirs = decodeSafetensors(fs.readFileSync(path.join(dir, 'numpy.safetensors')), 'numpy.safetensors');
    assert.deepEqual(theirs.metadata, { format: 'np' });
    assert.deepEqual(theirs.tensors.get('x')!.shape, [2, 3]);
    assert.deepEqual(typedArrayFromRaw(theirs.tensors.get('x')!), Float32Array.from([0, 0.25, 0.5, 0.75, 1, 1.25]));
    assert.deepEqual(typedArrayFromRaw(theirs.tensors.get('y')!), BigInt64Array.from([-5n, 2n ** 40n]));
  });
});
