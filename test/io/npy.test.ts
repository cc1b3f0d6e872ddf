import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { decodeNpy, encodeNpy } from '../../src/io/npy';
import { tempDir } from '../helpers/fixtures';

describe('npy', () => {
  it('writes the version 1.0 header byte for byte, data aligned to 64', () => {
    const bytes = encodeNpy(Float32Array.from([1, 2, 3]), [3]);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes.readUInt16LE(8);
    assert.equal((10 + headerLength) % 64, 0);
    const header = bytes.toString('latin1', 10, 10 + headerLength);
    assert.match(header, /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3,\), \} *\n$/);
    assert.equal(bytes.readFloatLE(10 + headerLength + 8), 3);
  });

  it('round-trips float32 and uint8 and refuses what it cannot read', () => {
    const f = decodeNpy(encodeNpy(Float32Array.from([0.5, -1, 2, 3]), [2, 1, 2]), 'm');
    assert.deepEqual(f.shape, [2, 1, 2]);
    assert.deepEqual(Array.from(f.data), [0.5, -1, 2, 3]);
    assert.deepEqual(Array.from(decodeNpy(encodeNpy(Uint8Array.from([9, 8]), [2]), 'u').data), [9, 8]);
    assert.throws(() => decodeNpy(Buffer.from('nope'), 'z.npy'), /z\.npy: not a \.npy file/);
    assert.throws(() => encodeNpy(new Float32Array(3), [2, 2]), /do not fit/);
  });

  it('numpy.load reads it (when numpy is installed)', (t) => {
    const file = path.join(tempDir('npy'), 'x.npy');
    fs.writeFileSync(file, encodeNpy(Float32Array.from([1, 2, 3, 4, 5, 6]), [1, 2, 3]));
    let out: string;
    try {
      out = execFileSync('/usr/bin/python3', ['-c', 'import sys, numpy as np; a = np.load(sys.argv[1]); print(a.dtype, a.shape, a.sum())', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      t.skip('numpy is not installed');
      return;
    }
    assert.equal(out.trim(), 'float32 (1, 2, 3) 21.0');
  });
});
