// `ganforge train` and `ganforge sample` as a user runs them: outputs, resume after SIGKILL, and every
// bad-input case giving one clear line, a non-zero exit, and no damage to earlier checkpoints.
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readIdx } from '../../src/data/idx';
import { decodeNpy } from '../../src/io/npy';
import { decodePng } from '../../src/io/png';
import { deterministicPart, ganforge, ganforgeUntil, mnistSubsetFolder, readMetrics, tempDir } from '../helpers/fixtures';

const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** One line on stderr, no stack trace. */
function assertOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one error line, got:\n${stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(stderr, /\n\s+at /);
}

describe('ganforge train / sample', () => {
  const data = mnistSubsetFolder(640, true); // 10 batches per epoch, gzipped IDX like the real downloads

  it('trains from an IDX folder, then samples .idx, .npy and .png', () => {
    const out = path.join(tempDir('cli'), 'run');
    const trained = ganforge(['train', '--model', 'mlp', '--dataset', data, '--steps', '30', '--out', out, '--log-every', '10']);
    assert.equal(trained.status, 0, trained.stderr);
    assert.match(trained.stdout, /\[3\/3\]\[10\/10\] Loss_D: \d+\.\d{4} Loss_G: \d+\.\d{4} D\(x\): 0\.\d{4} D\(G\(z\)\): 0\.\d{4} \/ 0\.\d{4}/);
    assert.ok(fs.existsSync(path.join(out, 'samples', 'epoch-0003.png')));

    const idx = path.join(out, 'gen.idx');
    assert.equal(ganforge(['sample', '--checkpoint', out, '--n', '100', '--out', idx]).status, 0);
    const read = readIdx(idx);
    assert.deepEqual(read.dims, [100, 28, 28]);
    const npy = path.join(out, 'gen.npy');
    assert.equal(ganforge(['sample', '--checkpoint', out, '--n', '10', '--out', npy, '--seed', '3']).status, 0);
    const decoded = decodeNpy(fs.readFileSync(npy), npy);
    assert.deepEqual(decoded.shape, [10, 1, 28, 28]);
    assert.ok(Array.from(decoded.data).every((v) => v >= 0 && v <= 1));
    const png = path.join(out, 'gen.png');
    assert.equal(ganforge(['sample', '--checkpoint', out, '--n', '16', '--out', png]).status, 0);
    const grid = decodePng(fs.readFileSync(png), png);
    assert.deepEqual([grid.width, grid.height], [4 * 28 + 5 * 2, 4 * 28 + 5 * 2]);
    // Same seed, same samples.
    const again = path.join(out, 'again.npy');
    ganforge(['sample', '--checkpoint', out, '--n', '10', '--out', again, '--seed', '3']);
    assert.equal(sha(again), sha(npy));
  });

  it('a run killed with SIGKILL mid-epoch resumes from its last checkpoint and ends as an uninterrupted run', async () => {
    const root = tempDir('kill');
    const straight = path.join(root, 'straight');
    assert.equal(ganforge(['train', '--model', 'mlp', '--dataset', data, '--steps', '60', '--metrics-every', '1', '--out', straight]).status, 0);

    const killed = path.join(root, 'killed');
    // Wait until the epoch-2 checkpoint exists and training has moved on past it, then kill without warning.
    const run = ganforgeUntil(['train', '--model', 'mlp', '--dataset', data, '--steps', '60', '--metrics-every', '1', '--out', killed],
      () => readMetrics(killed).some((r) => r.step >= 24));
    await run.isReady;
    run.child.kill('SIGKILL');
    await run.exited;
    assert.ok(readMetrics(killed).length < 60, 'killed before the end');

    const resumed = ganforge(['train', '--out', killed, '--resume']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout + resumed.stderr, /resuming .* at step \d+ of 60/);
    assert.deepEqual(readMetrics(killed).map(deterministicPart), readMetrics(straight).map(deterministicPart));
  });

  it('Ctrl-C (SIGINT) writes a checkpoint and exits 130; --resume finishes the run', async () => {
    const out = path.join(tempDir('sigint'), 'run');
    const run = ganforgeUntil(['train', '--model', 'mlp', '--dataset', data, '--steps', '200', '--metrics-every', '1', '--out', out],
      () => readMetrics(out).some((r) => r.step >= 5));
    await run.isReady;
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 130);
    const stoppedAt = readMetrics(out).length;
    assert.ok(stoppedAt < 200);
    const resumed = ganforge(['train', '--out', out, '--resume', '--steps', '40']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal(readMetrics(out).at(-1)!.step, 40);
  });

  describe('bad input: one clear line, non-zero exit, earlier checkpoints untouched', () => {
    it('unknown flags and bad values name the flag', () => {
      const unknown = ganforge(['train', '--epoch', '3']);
      assert.equal(unknown.status, 2);
      assertOneLineError(unknown.stderr, /--epoch.*did you mean --epochs/);
      const bad = ganforge(['train', '--batch-size', 'abc']);
      assert.equal(bad.status, 2);
      assertOneLineError(bad.stderr, /--batch-size/);
      const both = ganforge(['train', '--steps', '3', '--epochs', '2']);
      assert.equal(both.status, 2);
      assertOneLineError(both.stderr, /--epochs or --steps, not both/);
      const format = ganforge(['sample', '--checkpoint', 'x', '--out', 'x.jpg']);
      assertOneLineError(format.stderr, /--out: unknown format '\.jpg'/);
    });

    it('missing, corrupt and truncated dataset files are named', () => {
      const missing = ganforge(['train', '--dataset', '/nonexistent/data', '--steps', '1']);
      assert.equal(missing.status, 1);
      assertOneLineError(missing.stderr, /unknown dataset '\/nonexistent\/data'/);

      const empty = tempDir('empty');
      assertOneLineError(ganforge(['train', '--dataset', empty, '--steps', '1']).stderr, /train-images-idx3-ubyte/);

      const corrupt = tempDir('corrupt');
      fs.copyFileSync(path.join(data, 'train-labels-idx1-ubyte.gz'), path.join(corrupt, 'train-labels-idx1-ubyte.gz'));
      fs.writeFileSync(path.join(corrupt, 'train-images-idx3-ubyte'), Buffer.from('this is not an IDX file at all'));
      const bad = ganforge(['train', '--dataset', corrupt, '--steps', '1']);
      assert.equal(bad.status, 1);
      assertOneLineError(bad.stderr, /train-images-idx3-ubyte/);

      const truncated = tempDir('truncated');
      fs.copyFileSync(path.join(data, 'train-labels-idx1-ubyte.gz'), path.join(truncated, 'train-labels-idx1-ubyte.gz'));
      const whole = fs.readFileSync(path.join(data, 'train-images-idx3-ubyte.gz'));
      fs.writeFileSync(path.join(truncated, 'train-images-idx3-ubyte.gz'), whole.subarray(0, whole.length >> 1));
      const cut = ganforge(['train', '--dataset', truncated, '--steps', '1']);
      assert.equal(cut.status, 1);
      assertOneLineError(cut.stderr, /train-images-idx3-ubyte\.gz.*truncated/i);
    });

    it('a truncated checkpoint, a foreign file, and another model are refused without touching the run', () => {
      const out = path.join(tempDir('ckpt'), 'run');
      assert.equal(ganforge(['train', '--model', 'mlp', '--dataset', data, '--steps', '12', '--out', out]).status, 0);
      const checkpoint = path.join(out, 'checkpoints', 'last.safetensors');
      const before = sha(checkpoint);

      const otherModel = ganforge(['train', '--out', out, '--resume', '--lr', '0.1']);
      assert.equal(otherModel.status, 2);
      assertOneLineError(otherModel.stderr, /--lr-g 0\.1 differs from the run's config \(0\.0002\)/);
      assert.equal(sha(checkpoint), before);

      const copy = path.join(tempDir('trunc'), 'cut.safetensors');
      const bytes = fs.readFileSync(checkpoint);
      fs.writeFileSync(copy, bytes.subarray(0, bytes.length - 1000));
      const cut = ganforge(['sample', '--checkpoint', copy, '--out', path.join(path.dirname(copy), 'x.png')]);
      assert.equal(cut.status, 1);
      assertOneLineError(cut.stderr, /cut\.safetensors/);

      const foreign = path.join(path.dirname(copy), 'foreign.safetensors');
      fs.writeFileSync(foreign, Buffer.from('{"a": 1}'));
      assertOneLineError(ganforge(['sample', '--checkpoint', foreign, '--out', 'x.png']).stderr, /foreign\.safetensors/);

      const noRun = ganforge(['train', '--out', path.join(out, 'nope'), '--resume']);
      assertOneLineError(noRun.stderr, /nothing to resume/);
      assert.equal(sha(checkpoint), before);
    });

    it('an unwritable output folder fails before training', () => {
      const file = path.join(tempDir('unwritable'), 'a-file');
      fs.writeFileSync(file, 'x');
      const result = ganforge(['train', '--model', 'mlp', '--dataset', data, '--steps', '1', '--out', path.join(file, 'run')]);
      assert.equal(result.status, 1);
      assertOneLineError(result.stderr, /cannot write to .*a-file\/run/);
    });

    it('NaN/Inf losses stop the run with a message and keep the last good checkpoint', () => {
      const out = path.join(tempDir('nan'), 'run');
      const result = ganforge(['train', '--model', 'mlp', '--dataset', data, '--steps', '200', '--lr', '1e30', '--checkpoint-every', '1', '--out', out]);
      assert.equal(result.status, 3, result.stderr);
      assertOneLineError(result.stderr, /training diverged (at|by) step \d+: .*(the last good checkpoint is kept|no checkpoint was written)/);
      const checkpoint = path.join(out, 'checkpoints', 'last.safetensors');
      if (fs.existsSync(checkpoint)) {
        // What is there is a checkpoint one can resume from: it reads back and its weights are finite.
        const again = ganforge(['sample', '--checkpoint', out, '--n', '4', '--out', path.join(out, 'after.npy')]);
        assert.equal(again.status, 0, again.stderr);
      }
    });
  });
});
