import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { decodeSafetensors, encodeSafetensors, rawFromTypedArray, RawTensor, typedArrayFromRaw } from '../../src/io/safetensors';
import { tempDir } from '../helpers/fixtures';

function sample(): Map<string, RawTensor> {
  return new Map<string, RawTensor>([
    ['w', rawFromTypedArray(Float32Array.from([1.5, -2, 3.25, 0, 1e-8, -7]), [2, 3])],
    ['steps', rawFromTypedArray(Float64Array.from([1, 2.5]), [2])],
    ['idx', rawFromTypedArray(BigInt64Array.from([-1n, 9007199254740993n]), [2])],
    ['bytes', rawFromTypedArray(Uint8Array.from([0, 255, 7]), [3])],
    ['flags', rawFromTypedArray(Uint8Array.from([1, 0]), [2], 'BOOL')],
    ['scalar', rawFromTypedArray(Int32Array.from([42]), [])],
    ['empty', rawFromTypedArray(new Float32Array(0), [0, 4])],
  ]);
}

describe('safetensors', () => {
  it('lays out the header as the format says: u64 LE length, JSON padded to 8, contiguous offsets', () => {
    const bytes = encodeSafetensors(new Map([['a', rawFromTypedArray(Float32Array.from([1, 2]), [2])]]), { k: 'v' });
    const n = Number(bytes.readBigUInt64LE(0));
    assert.equal(n % 8, 0);
    const header = JSON.parse(bytes.toString('utf8', 8, 8 + n));
    assert.deepEqual(header, { __metadata__: { k: 'v' }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
    assert.equal(bytes.length, 8 + n + 8);
    assert.equal(bytes.readFloatLE(8 + n + 4), 2);
  });

  it('round-trips every dtype, a 0-d and an empty tensor, and metadata', () => {
    const tensors = sample();
    const decoded = decodeSafetensors(encodeSafetensors(tensors, { format: 'x', note: 'ünïcode' }), 'mem');
    assert.deepEqual(decoded.metadata, { format: 'x', note: 'ünïcode' });
    for (const [name, t] of tensors) {
      const back = decoded.tensors.get(name)!;
      assert.equal(back.dtype, t.dtype);
      assert.deepEqual(back.shape, t.shape);
      assert.deepEqual(typedArrayFromRaw(back), typedArrayFromRaw(t), name);
    }
  });

  it('refuses truncated, non-JSON, inconsistent and trailing data, naming the source', () => {
    const bytes = encodeSafetensors(sample());
    assert.throws(() => decodeSafetensors(bytes.subarray(0, 5), 'f'), /f: truncated safetensors file/);
    assert.throws(() => decodeSafetensors(bytes.subarray(0, bytes.length - 3), 'g'), /g: truncated tensor data/);
    assert.throws(() => decodeSafetensors(Buffer.concat([bytes, Buffer.from([0])]), 'h'), /h: trailing bytes/);
    const text = Buffer.alloc(16);
    text.writeBigUInt64LE(8n, 0);
    text.write('not json', 8);
    assert.throws(() => decodeSafetensors(text, 'i'), /i: not a safetensors file/);
    assert.throws(() => rawFromTypedArray(new Float32Array(2), [2], 'I32'), /cannot be stored as I32/);
  });

  it('reads back in Python by the published layout (json + numpy), when numpy is installed', (t) => {
    const file = path.join(tempDir('st'), 'x.safetensors');
    fs.writeFileSync(file, encodeSafetensors(sample()));
    const script = `
import json, struct, sys, numpy as np
data = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', data[:8])[0]
header = json.loads(data[8:8 + n])
types = {'F32': '<f4', 'F64': '<f8', 'I64': '<i8', 'I32': '<i4', 'U8': 'u1', 'BOOL': '?'}
out = {}
for name, info in header.items():
    if name == '__metadata__': continue
    a, b = info['data_offsets']
    out[name] = np.frombuffer(data[8 + n + a: 8 + n + b], dtype=types[info['dtype']]).reshape(info['shape']).tolist()
print(json.dumps({k: (v if not isinstance(v, list) else v) for k, v in out.items()}, default=int))`;
    let out: string;
    try {
      out = execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      if (/No module named 'numpy'|ENOENT/.test(String((err as { stderr?: string }).stderr ?? err))) {
        t.skip('numpy is not installed');
        return;
      }
      throw err;
    }
    const read = JSON.parse(out);
    assert.deepEqual(read.w, [[1.5, -2, 3.25], [0, Math.fround(1e-8), -7]]);
    assert.deepEqual(read.idx, [-1, 9007199254740992]); // JSON numbers lose the last bit, as in JS
    assert.deepEqual(read.flags, [true, false]);
    assert.equal(read.scalar, 42);
    assert.deepEqual(read.empty, []);
  });
});
