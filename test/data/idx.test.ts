import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { decodeIdx, encodeIdx, readIdx, writeIdx } from '../../src/data/idx';
import { tempDir } from '../helpers/fixtures';

describe('IDX', () => {
  it('encodes to the bytes the format specifies', () => {
    const bytes = encodeIdx([2, 2, 3], Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    assert.deepEqual([...bytes], [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const labels = encodeIdx([3], Uint8Array.from([7, 0, 9]));
    assert.equal(labels.readUInt32BE(0), 0x00000801);
  });

  it('round-trips plain and gzipped files', () => {
    const dir = tempDir('idx-rt');
    const data = Uint8Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 37) % 256);
    for (const name of ['a-idx3-ubyte', 'b-idx3-ubyte.gz']) {
      writeIdx(path.join(dir, name), [5, 4, 3], data);
      assert.deepEqual(readIdx(path.join(dir, name)), { dims: [5, 4, 3], data });
    }
    assert.deepEqual([...fs.readFileSync(path.join(dir, 'b-idx3-ubyte.gz')).subarray(0, 2)], [0x1f, 0x8b]);
  });

  it('names the file for a bad magic, truncation (plain and gzip), trailing bytes and a missing file', () => {
    const good = encodeIdx([4, 2], Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    assert.throws(() => decodeIdx(Buffer.from('PK\x03\x04 zip'), 'x.idx'), /x\.idx: not an IDX file \(bad magic number\)/);
    assert.throws(() => decodeIdx(good.subarray(0, good.length - 2), 'y'), /y: truncated IDX file \(expected 8 bytes of data, found 6\)/);
    const gz = zlib.gzipSync(good);
    assert.throws(() => decodeIdx(gz.subarray(0, gz.length - 6), 'z.gz'), /z\.gz: (truncated|corrupt) gzip data/);
    assert.throws(() => decodeIdx(Buffer.concat([good, Buffer.from([0])]), 'w'), /w: 1 unexpected bytes after the IDX data/);
    assert.throws(() => readIdx('/nonexistent/file-idx3-ubyte'), /\/nonexistent\/file-idx3-ubyte: no such file/);
    const floats = Buffer.from(good);
    floats[2] = 0x0d;
    assert.throws(() => decodeIdx(floats, 'f'), /element type 0xd is not supported/);
  });
});
