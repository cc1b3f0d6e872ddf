import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { writeFileAtomic } from '../../src/io/atomic';
import { tempDir } from '../helpers/fixtures';


describe('writeFileAtomic', () => {
  it('writes strings, Buffers and Uint8Arrays, overwrites, and leaves only the target', () => {
    const dir = tempDir('atomic');
    const file = path.join(dir, 'a.txt');
    writeFileAtomic(file, 'one ✓');
    assert.equal(fs.readFileSync(file, 'utf8'), 'one ✓');
    writeFileAtomic(file, Buffer.from('two'));
    assert.equal(fs.readFileSync(file, 'utf8'), 'two');
    const bytes = Uint8Array.from([0, 1, 2, 250, 251]);
    writeFileAtomic(file, bytes.subarray(1, 4)); // a view: only its own bytes are written
    assert.deepEqual([...fs.readFileSync(file)], [1, 2, 250]);
    writeFileAtomic(file, '');
    assert.equal(fs.statSync(file).size, 0);
    assert.deepEqual(fs.readdirSync(dir), ['a.txt']);
  });

  it('replaces the file rather than writing into it: an open reader keeps the old content', () => {
    const dir = tempDir('atomic');
    const file = path.join(dir, 'b.bin');
    writeFileAtomic(file, 'old content');
    const reader = fs.openSync(file, 'r');
    try {
      writeFileAtomic(file, 'new');
      const seen = Buffer.alloc(32);
      const n = fs.readSync(reader, seen, 0, 32, 0);
      assert.equal(seen.toString('utf8', 0, n), 'old content');
    } finally {
      fs.closeSync(reader);
    }
    assert.equal(fs.readFileSync(file, 'utf8'), 'new');
  });

  it('fails with one line naming the file when its folder is missing, creating nothing', () => {
    const dir = tempDir('atomic');
    const file = path.join(dir, 'missing', 'x.bin');
    assert.throws(() => writeFileAtomic(file, 'x'), { message: `cannot write ${file}: ENOENT: the folder does not exist` });
    assert.deepEqual(fs.readdirSync(dir), []);
    const underFile = path.join(dir, 'plain');
    fs.writeFileSync(underFile, 'p');
    assert.throws(() => writeFileAtomic(path.join(underFile, 'y'), 'y'), { message: `cannot write ${path.join(underFile, 'y')}: ENOTDIR: a part of the path is not a folder` });
  });

  it('fails when the target is a folder, keeping the folder and removing its temp file', () => {
    // Runs as root in CI, so permission bits cannot make a folder unwritable; a folder as target can.
    const dir = tempDir('atomic');
    const target = path.join(dir, 'sub');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep'), 'k');
    assert.throws(() => writeFileAtomic(target, 'x'), (e: Error) => {
      assert.match(e.message, new RegExp(`^cannot write ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (EISDIR|ENOTEMPTY|EEXIST): `));
      assert.doesNotMatch(e.message, /\.tmp|\n/, 'no temp file name, one line');
      return true;
    });
    assert.equal(fs.readFileSync(path.join(target, 'keep'), 'utf8'), 'k');
    assert.deepEqual(fs.readdirSync(dir), ['sub']);
  });
});
