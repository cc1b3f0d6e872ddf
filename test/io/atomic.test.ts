import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { makeFolders, removeStaleTemps, writeFileAtomic } from '../../src/io/atomic';
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

describe('makeFolders', () => {
  it('creates missing levels and returns them; existing folders are fine', () => {
    const dir = tempDir('mkdirs');
    const deep = path.join(dir, 'a', 'b', 'c');
    assert.deepEqual(makeFolders(deep), [path.join(dir, 'a'), path.join(dir, 'a', 'b'), deep]);
    assert.deepEqual(makeFolders(deep), []);
  });

  it('fails in one line, at once, where Node\'s recursive mkdir loops forever (/proc) or a file is in the way', () => {
    if (fs.existsSync('/proc/self')) {
      const started = Date.now();
      assert.throws(() => makeFolders('/proc/x/y'), /^Error: cannot create \/proc\/x\/y: ENOENT: \/proc does not accept new folders$/);
      assert.ok(Date.now() - started < 1000);
    }
    const file = path.join(tempDir('mkdirs-file'), 'f');
    fs.writeFileSync(file, 'x');
    assert.throws(() => makeFolders(path.join(file, 'sub')), /cannot create .*f\/sub: ENOTDIR/);
  });
});

describe('removeStaleTemps', () => {
  it("removes temp files of dead writers (own pid too: writes are synchronous), keeps live writers' and other files", () => {
    const dir = tempDir('stale');
    fs.mkdirSync(path.join(dir, 'sub', 'deeper'), { recursive: true });
    // A process that has exited: its id is free (reuse within this test is unlikely, and would only keep the file).
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const names = {
      dead: `.last.safetensors.${dead}.0123456789ab.tmp`,
      own: `.config.json.${process.pid}.0123456789ab.tmp`,
      live: `.metrics.jsonl.${process.ppid}.0123456789ab.tmp`,
      other: '.notes.tmp',
      real: 'last.safetensors',
    };
    for (const name of Object.values(names)) {
      fs.writeFileSync(path.join(dir, name), 'x');
      fs.writeFileSync(path.join(dir, 'sub', name), 'x');
      fs.writeFileSync(path.join(dir, 'sub', 'deeper', name), 'x');
    }
    const removed = removeStaleTemps(dir, 1).map((f) => path.relative(dir, f)).sort();
    assert.deepEqual(removed, [names.own, names.dead, path.join('sub', names.own), path.join('sub', names.dead)].sort());
    for (const at of [dir, path.join(dir, 'sub')]) assert.deepEqual(fs.readdirSync(at).filter((n) => n !== 'sub' && n !== 'deeper').sort(), [names.live, names.other, names.real].sort());
    assert.equal(fs.readdirSync(path.join(dir, 'sub', 'deeper')).length, 5, 'below the depth: untouched');
    assert.deepEqual(removeStaleTemps(path.join(dir, 'absent')), []);
  });
});
