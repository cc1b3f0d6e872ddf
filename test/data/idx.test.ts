import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { decodeIdx, encodeIdx, readIdx, writeIdx } from '../../src/data/idx';
import { tempDir } from '../helpers/fixtures';
import { gzipBomb } from '../helpers/hostile';

describe('IDX', () => {
  it('encodes to the bytes the format specifies', () => {
    // Written out by hand: 00 00, type 08, 3 dims, then 2, 2, 3 as big-endian uint32s, then the data.
    const images = encodeIdx([2, 2, 3], Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    assert.deepEqual([...images], [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const labels = encodeIdx([3], Uint8Array.from([7, 0, 9]));
    assert.deepEqual([...labels], [0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 9]);
    // 60000 = 0x0000EA60 and 28 = 0x1C, MNIST's training header.
    const big = encodeIdx([60000, 28, 28], new Uint8Array(60000 * 784));
    assert.deepEqual([...big.subarray(0, 16)], [0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 0x1c, 0, 0, 0, 0x1c]);
  });

  it('decodes hand-written bytes', () => {
    assert.deepEqual(decodeIdx(Buffer.from([0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 2, 250, 5]), 'h'), { dims: [1, 2], data: Uint8Array.from([250, 5]) });
  });

  it('refuses dims that do not fit the data or a uint32', () => {
    assert.throws(() => encodeIdx([2, 2], new Uint8Array(5)), /5 bytes do not fit dims \[2, 2\]/);
    assert.throws(() => encodeIdx([-1], new Uint8Array(0)), /dimension -1 is not a uint32/);
    assert.throws(() => encodeIdx([], new Uint8Array(0)), /0 dimensions/);
    assert.throws(() => writeIdx(path.join(tempDir('idx-bad'), 'x-idx1-ubyte'), [3], new Uint8Array(2)), /x-idx1-ubyte: IDX: 2 bytes do not fit dims \[3\]/);
  });

  it('round-trips plain and gzipped files, choosing gzip by name unless told', () => {
    const dir = tempDir('idx-rt');
    const data = Uint8Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 37) % 256);
    const cases: [string, boolean | undefined, boolean][] = [
      ['a-idx3-ubyte', undefined, false], ['b-idx3-ubyte.gz', undefined, true],
      ['c-idx3-ubyte', true, true], ['d-idx3-ubyte.gz', false, false],
    ];
    for (const [name, gzip, expectGzip] of cases) {
      const file = path.join(dir, name);
      writeIdx(file, [5, 4, 3], data, gzip === undefined ? {} : { gzip });
      const head = [...fs.readFileSync(file).subarray(0, 2)];
      assert.deepEqual(head, expectGzip ? [0x1f, 0x8b] : [0, 0], name);
      assert.deepEqual(readIdx(file), { dims: [5, 4, 3], data }, name);
    }
    // Atomic writes leave no temp files beside the targets.
    assert.deepEqual(fs.readdirSync(dir).sort(), ['a-idx3-ubyte', 'b-idx3-ubyte.gz', 'c-idx3-ubyte', 'd-idx3-ubyte.gz']);
  });

  it('names the file for a bad magic, truncation (plain and gzip), trailing bytes and a missing file', () => {
    const dir = tempDir('idx-err');
    const good = encodeIdx([4, 2], Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    const write = (name: string, bytes: Buffer) => {
      fs.writeFileSync(path.join(dir, name), bytes);
      return path.join(dir, name);
    };
    const zip = write('zip-idx3-ubyte', Buffer.from('PK\x03\x04 zip'));
    assert.throws(() => readIdx(zip), { message: `${zip}: not an IDX file (bad magic number)` });
    const short = write('short-idx3-ubyte', good.subarray(0, good.length - 2));
    assert.throws(() => readIdx(short), { message: `${short}: truncated IDX file (expected 8 bytes of data, found 6)` });
    const header = write('header-idx3-ubyte', good.subarray(0, 7));
    assert.throws(() => readIdx(header), { message: `${header}: truncated IDX header (2 dimensions need 12 bytes, found 7)` });
    const gz = zlib.gzipSync(good);
    const cut = write('cut-idx3-ubyte.gz', gz.subarray(0, gz.length - 6));
    assert.throws(() => readIdx(cut), { message: `${cut}: truncated gzip data` });
    const corrupt = Buffer.from(gz);
    corrupt[corrupt.length - 8] ^= 0xff; // the CRC32 of the data
    const bad = write('crc-idx3-ubyte.gz', corrupt);
    assert.throws(() => readIdx(bad), (err: Error) => err.message.startsWith(`${bad}: corrupt gzip data (`));
    const trailing = write('trailing-idx3-ubyte', Buffer.concat([good, Buffer.from([0])]));
    assert.throws(() => readIdx(trailing), { message: `${trailing}: 1 unexpected bytes after the IDX data` });
    // Gzipped, inflating stops one chunk past the size the header announces, so the count of extra bytes is unknown.
    const trailingGz = write('trailing-idx3-ubyte.gz', zlib.gzipSync(Buffer.concat([good, Buffer.from('xyz')])));
    assert.throws(() => readIdx(trailingGz), { message: `${trailingGz}: gzip data inflates to more than the 20 bytes its IDX header announces` });
    assert.throws(() => readIdx(path.join(dir, 'absent-idx3-ubyte')), { message: `${path.join(dir, 'absent-idx3-ubyte')}: no such file` });
    assert.throws(() => readIdx(dir), { message: `${dir}: is a folder, not an IDX file` });
    const floats = Buffer.from(good);
    floats[2] = 0x0d;
    assert.throws(() => decodeIdx(floats, 'f.idx'), { message: 'f.idx: IDX element type 0xd is not supported (only uint8, 0x08)' });
  });

  it('inflates gzip no further than the header announces: a bomb stops early, in bounded memory', () => {
    // 800 bytes of data announced, then 512 MiB of zeros, in about half a MiB of file.
    const bomb = gzipBomb(encodeIdx([1, 28, 28], new Uint8Array(784)), 512 << 20);
    assert.ok(bomb.length < 1 << 20, `${bomb.length} bytes`);
    const before = process.resourceUsage().maxRSS;
    assert.throws(() => decodeIdx(bomb, 'bomb.gz'), { message: 'bomb.gz: gzip data inflates to more than the 800 bytes its IDX header announces' });
    const grewMiB = (process.resourceUsage().maxRSS - before) / 1024;
    assert.ok(grewMiB < 32, `decoding the bomb raised peak memory by ${grewMiB.toFixed(0)} MiB`);
  });

  it('refuses headers announcing more than the 2 GiB limit, or a product past 2^53, before inflating or reading the data', () => {
    const header = (dims: number[]) => {
      const bytes = Buffer.alloc(4 + 4 * dims.length);
      bytes[2] = 8;
      bytes[3] = dims.length;
      dims.forEach((d, i) => bytes.writeUInt32BE(d, 4 + 4 * i));
      return bytes;
    };
    const before = process.resourceUsage().maxRSS;
    // 65536³ bytes announced, and 256 MiB of zeros behind the header to tempt a reader into inflating them.
    assert.throws(() => decodeIdx(gzipBomb(header([65536, 65536, 65536]), 256 << 20), 'big.gz'), {
      message: 'big.gz: IDX dims [65536, 65536, 65536] announce more than 2.0 GiB of data (the limit)',
    });
    assert.ok((process.resourceUsage().maxRSS - before) / 1024 < 32, 'the data after the header was inflated');
    const max = 0xffffffff;
    assert.throws(() => decodeIdx(Buffer.concat([header([max, max, max, max]), Buffer.alloc(8)]), 'overflow'), {
      message: `overflow: IDX dims [${max}, ${max}, ${max}, ${max}] announce more than 2.0 GiB of data (the limit)`,
    });
    assert.throws(() => decodeIdx(header([2 ** 31 + 1]), 'just-over'), /just-over: IDX dims \[2147483649\] announce more than 2\.0 GiB/);
    // A zero anywhere makes an empty array, however large the other dimensions: a valid (empty) file.
    assert.deepEqual(decodeIdx(header([max, 0, max]), 'empty'), { dims: [max, 0, max], data: new Uint8Array(0) });
  });

  it('checks a plain file\'s size against its header before reading it: a huge sparse file costs nothing', () => {
    const dir = tempDir('idx-sparse');
    const file = path.join(dir, 'sparse-idx3-ubyte');
    fs.writeFileSync(file, encodeIdx([1, 28, 28], new Uint8Array(784)));
    fs.truncateSync(file, 1 << 30); // 1 GiB, no disk blocks
    const before = process.resourceUsage().maxRSS;
    assert.throws(() => readIdx(file), { message: `${file}: ${(1 << 30) - 800} unexpected bytes after the IDX data` });
    assert.ok((process.resourceUsage().maxRSS - before) / 1024 < 32, 'the file was read');
  });

  it('detects gzip by content, not by the file name', () => {
    const dir = tempDir('idx-sniff');
    const encoded = encodeIdx([3], Uint8Array.from([1, 2, 3]));
    fs.writeFileSync(path.join(dir, 'gz-without-suffix'), zlib.gzipSync(encoded));
    fs.writeFileSync(path.join(dir, 'plain-with-suffix.gz'), encoded);
    assert.deepEqual([...readIdx(path.join(dir, 'gz-without-suffix')).data], [1, 2, 3]);
    assert.deepEqual([...readIdx(path.join(dir, 'plain-with-suffix.gz')).data], [1, 2, 3]);
  });
});
