import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { writeFileAtomic } from '../../src/io/atomic';
import { tempDir } from '../helpers/fixtures';

describe('writeFileAtomic', () => {
  it('writes and overwrites, leaving no temp files', () => {
    const dir = tempDir('atomic');
    const file = path.join(dir, 'a.txt');
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, Buffer.from('two'));
    assert.equal(fs.readFileSync(file, 'utf8'), 'two');
    assert.deepEqual(fs.readdirSync(dir), ['a.txt']);
  });

  it('fails with a message naming the file, keeps the old content and leaves no temp file', () => {
    const dir = tempDir('atomic-fail');
    assert.throws(() => writeFileAtomic(path.join(dir, 'missing', 'x.bin'), 'x'), /cannot write .*missing\/x\.bin: ENOENT: the folder does not exist/);
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'keep'), 'k');
    // Renaming a file over a non-empty folder fails: the folder and its content stay as they were.
    assert.throws(() => writeFileAtomic(path.join(dir, 'sub'), 'x'), /cannot write .*sub: /);
    assert.equal(fs.readFileSync(path.join(dir, 'sub', 'keep'), 'utf8'), 'k');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['sub']);
  });
});
