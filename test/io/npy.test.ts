import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { decodeNpy, encodeNpy } from '../../src/io/npy';
import { tempDir } from '../helpers/fixtures';
import { python } from '../helpers/python';

/** A version-1.0 file from header text (padded by the caller) and data bytes, bypassing the encoder. */
function npy(header: string, data: Uint8Array = new Uint8Array(0), version = [1, 0]): Buffer {
  const lengthBytes = version[0] === 1 ? 2 : 4;
  const prefix = Buffer.alloc(8 + lengthBytes);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version[0], version[1]]).copy(prefix);
  if (lengthBytes === 2) prefix.writeUInt16LE(header.length, 8);
  else prefix.writeUInt32LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), data]);
}

describe('npy', () => {
  it('writes the version 1.0 header byte for byte, data starting at a multiple of 64', () => {
    const bytes = encodeNpy(new Float32Array(64 * 784), [64, 1, 28, 28]);
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (64, 1, 28, 28), }";
    // 10 bytes of prefix + 68 of dict + 49 spaces + "\n" = 128.
    const expected = Buffer.concat([
      Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]),
      Buffer.from(dict + ' '.repeat(49) + '\n', 'latin1'),
    ]);
    assert.deepEqual(bytes.subarray(0, 128), expected);
    assert.equal(bytes.length, 128 + 64 * 784 * 4);
  });

  it('spells 1-d shapes (5,) and 0-d shapes (), and stores uint8 as |u1', () => {
    const one = encodeNpy(Uint8Array.from([1, 2, 3, 4, 5]), [5]);
    assert.equal(one.toString('latin1', 10, 10 + 57), "{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }");
    assert.equal(one.length, 128 + 5);
    assert.deepEqual([...one.subarray(128)], [1, 2, 3, 4, 5]);
    const scalar = encodeNpy(Float32Array.from([2.5]), []);
    // 10 + 55 + "\n" = 66 bytes: padding takes the header to the next multiple of 64, 128.
    assert.equal(scalar.toString('latin1', 10, 10 + 55), "{'descr': '<f4', 'fortran_order': False, 'shape': (), }");
    assert.equal(scalar.readUInt16LE(8) + 10, 128);
    assert.equal(scalar.readFloatLE(128), 2.5);
  });

  it('round-trips float32 and uint8, from views at any offset', () => {
    const backing = Float32Array.from([9, 0.5, -1, 2, 3e-7]);
    const view = backing.subarray(1); // byteOffset 4
    const f = decodeNpy(encodeNpy(view, [2, 1, 2]), 'm');
    assert.deepEqual(f, { data: Float32Array.from([0.5, -1, 2, 3e-7]), shape: [2, 1, 2] });
    const pooled = Buffer.concat([Buffer.from([7]), encodeNpy(Uint8Array.from([9, 8]), [2])]).subarray(1);
    assert.deepEqual(decodeNpy(pooled, 'u'), { data: Uint8Array.from([9, 8]), shape: [2] });
  });

  it('reads version 2.0 headers, other quoting and spacing, and ignores bytes after the array', () => {
    const data = new Uint8Array(Float32Array.from([1, 2]).buffer);
    const header = '{"descr":"<f4","fortran_order":False,"shape":(1,2)}' + ' '.repeat(1) + '\n';
    const decoded = decodeNpy(npy(header, Buffer.concat([data, Buffer.from([0xff])]), [2, 0]), 'v2');
    assert.deepEqual(decoded, { data: Float32Array.from([1, 2]), shape: [1, 2] });
    // Fortran order is harmless when at most one dimension is longer than 1.
    assert.deepEqual(decodeNpy(npy("{'descr': '|u1', 'fortran_order': True, 'shape': (1, 3), }\n", Uint8Array.from([4, 5, 6])), 'f').data, Uint8Array.from([4, 5, 6]));
  });

  it('refuses what it cannot read with one line naming the source', () => {
    const good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n";
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.from('nope'), /^z\.npy: not a \.npy file$/],
      [npy(good).subarray(0, 30), /^z\.npy: truncated \.npy header \(\d+ bytes announced, 20 present\)$/],
      [npy(good, new Uint8Array(7)), /^z\.npy: truncated \.npy data \(7 of 8 bytes\)$/],
      [npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", new Uint8Array(16)), /^z\.npy: \.npy dtype <f8 is not supported/],
      [npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n", new Uint8Array(16)), /^z\.npy: Fortran-order \.npy files are not supported$/],
      [npy("{'descr': '<f4', 'shape': (2,), }\n"), /^z\.npy: malformed \.npy header/],
      [npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }\n"), /^z\.npy: malformed \.npy shape/],
      [npy(good, new Uint8Array(8), [4, 0]), /^z\.npy: \.npy version 4\.0 is not supported/],
      // Sizes past the 2 GiB limit, and products past 2^53, are refused from the header alone.
      [npy("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }\n"), /^z\.npy: \.npy shape \(100000, 100000, 100000\) of <f4 is more than 2\.0 GiB of data \(the limit\)$/],
      [npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2147483649,), }\n"), /^z\.npy: \.npy shape \(2147483649,?\) of \|u1 is more than 2\.0 GiB/],
      // Only digits: no numpy writes '1e3' or '0x10', which Number() would take.
      [npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1e3,), }\n"), /^z\.npy: malformed \.npy shape \(1e3,\)$/],
      [npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0x10,), }\n"), /^z\.npy: malformed \.npy shape/],
      [Buffer.concat([npy(good, new Uint8Array(8), [2, 0]).subarray(0, 8), Buffer.from([0xff, 0xff, 0xff, 0x7f])]), /^z\.npy: \.npy header of 2147483647 bytes is longer than any this reader takes \(65535\)$/],
    ];
    for (const [buffer, message] of cases) {
      assert.throws(() => decodeNpy(buffer, 'z.npy'), (e: Error) => {
        assert.match(e.message, message);
        return true;
      });
    }
    assert.throws(() => encodeNpy(new Float32Array(3), [2, 2]), /^Error: npy: 3 values do not fit shape \[2, 2\]$/);
  });

  it('numpy.load reads our files, and we read numpy.save output (skipped without numpy)', (t) => {
    const dir = tempDir('npy');
    fs.writeFileSync(path.join(dir, 'f.npy'), encodeNpy(Float32Array.from([1, 2, 3, 4, 5, 0.1]), [1, 2, 3]));
    fs.writeFileSync(path.join(dir, 'u.npy'), encodeNpy(Uint8Array.from([0, 128, 255]), [3]));
    const script = `
import sys, os, numpy as np
d = sys.argv[1]
for name in ['f', 'u']:
    a = np.load(os.path.join(d, name + '.npy'))
    print(a.dtype, a.shape, a.ravel().tolist())
np.save(os.path.join(d, 'theirs-f.npy'), (np.arange(12, dtype=np.float32).reshape(3, 4) - 5) / 8)
np.save(os.path.join(d, 'theirs-u.npy'), np.arange(250, 256, dtype=np.uint8).reshape(2, 1, 3))
np.save(os.path.join(d, 'theirs-0d.npy'), np.float32(-0.75))`;
    const out = python(t, 'numpy', script, [dir]);
    if (out === null) return;
    assert.deepEqual(out.trim().split('\n'), [
      `float32 (1, 2, 3) [1.0, 2.0, 3.0, 4.0, 5.0, ${Math.fround(0.1)}]`,
      'uint8 (3,) [0, 128, 255]',
    ]);
    const read = (name: string) => decodeNpy(fs.readFileSync(path.join(dir, name)), name);
    assert.deepEqual(read('theirs-f.npy'), { data: Float32Array.from({ length: 12 }, (_, i) => (i - 5) / 8), shape: [3, 4] });
    assert.deepEqual(read('theirs-u.npy'), { data: Uint8Array.from([250, 251, 252, 253, 254, 255]), shape: [2, 1, 3] });
    assert.deepEqual(read('theirs-0d.npy'), { data: Float32Array.from([-0.75]), shape: [] });
  });
});
