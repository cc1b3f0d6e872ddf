// The run folder's doors: a resume that is refused changes nothing (bad progress, a hostile checkpoint), a
// fresh run never mixes into a folder holding another run's files, temp files of killed writes are cleaned
// up, an output folder that cannot be made fails at once, and a run killed before its first checkpoint
// resumes by starting over. Every refusal: one line, a non-zero exit, the folder byte-identical.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { deterministicPart, ganforge, readMetrics, tempDir } from '../helpers/fixtures';
import { assertCleanRefusal, assertFolderUnchanged, folderFingerprint, ganforgeMeasured } from '../helpers/hostile';
import { copyRun, readParts, rewriteCheckpoint, tinyDigitsFolder } from '../helpers/tiny-run';

const data = tinyDigitsFolder(128, 8); // 8×8 digits: 4 batches of 32 per epoch
const RUN = ['--model', 'mlp', '--dataset', data, '--batch-size', '32', '--latent-dim', '8', '--grid-size', '16', '--metrics-every', '1'];
// Peak memory of a refused command: a normal `sample` of this run measured 294 MiB here (node + libtorch + the
// 17 MB checkpoint read twice); a refusal must stay within that plus margin, whatever its config claims.
const RSS_CAP_MIB = 500;

function refusedUnchanged(args: string[], folder: string, pattern: RegExp, what: string): void {
  const before = folderFingerprint(folder);
  const result = ganforgeMeasured(args, { timeoutMs: 60_000 });
  assertCleanRefusal(result, what, { pattern, maxRssMiB: RSS_CAP_MIB });
  assertFolderUnchanged(folder, before, what);
}

const tensorsOf = (file: string) => readParts(fs.readFileSync(file)).tensors;

describe('run folder: refusals change nothing, fresh runs never mix, kills leave nothing behind', () => {
  const root = tempDir('runfolder');
  const base = path.join(root, 'base');
  const made = ganforge(['train', ...RUN, '--steps', '12', '--out', base]);
  assert.equal(made.status, 0, made.stderr);
  const checkpointOf = (run: string) => path.join(run, 'checkpoints', 'last.safetensors');

  it('a resume with bad progress counters is refused in one line and the run is byte-identical (metrics not truncated)', () => {
    const run = copyRun(base, path.join(root, 'progress'));
    const original = fs.readFileSync(checkpointOf(run));
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['step -100', { step: -100 }, /progress\.step must be a non-negative integer, got -100/],
      ['step "abc"', { step: 'abc' }, /progress\.step must be a non-negative integer, got "abc"/],
      ['batch 100000', { batchInEpoch: 100000 }, /progress\.batchInEpoch 100000 is past an epoch of 4 batches/],
      ['epoch 0', { epoch: 0 }, /progress\.epoch must be a positive integer/],
      ['step off its epoch', { step: 7 }, /progress\.step 7 does not match epoch 4, batch 0/],
      ['past the end', { step: 16, epoch: 5 }, /at step 16, past the run's length of 12 steps/],
      ['elapsedMs -1', { elapsedMs: -1 }, /progress\.elapsedMs must be a finite number >= 0/],
      ['elapsedMs null', { elapsedMs: null }, /progress\.elapsedMs must be a finite number >= 0/],
      ['unknown key', { __proto__: null, polluted: 1 }, /progress has unknown key 'polluted'/],
    ];
    for (const [what, change, pattern] of cases) {
      fs.writeFileSync(checkpointOf(run), rewriteCheckpoint(original, (p) => Object.assign(p.progress, change)));
      refusedUnchanged(['train', '--out', run, '--resume'], run, pattern, what);
    }
    fs.writeFileSync(checkpointOf(run), rewriteCheckpoint(original, (p) => delete p.progress.step));
    refusedUnchanged(['train', '--out', run, '--resume'], run, /progress\.step must be a non-negative integer, got undefined/, 'no step');
  });

  it('a checkpoint whose config claims a bigger model than its tensors, wrong dtypes or NaN weights: one line each, bounded memory', () => {
    const run = copyRun(base, path.join(root, 'hostile'));
    const original = fs.readFileSync(checkpointOf(run));
    const normal = ganforgeMeasured(['sample', '--checkpoint', run, '--n', '4', '--out', path.join(root, 'normal.npy')]);
    assert.equal(normal.status, 0, normal.stderr);
    assert.ok(normal.maxRssMiB! < RSS_CAP_MIB, `a normal sample takes ${normal.maxRssMiB} MiB`);
    const sample = ['sample', '--checkpoint', run, '--n', '4', '--out', path.join(root, 'x.npy')];
    const cases: [string, Buffer, RegExp][] = [
      ['latentDim 1e6', rewriteCheckpoint(original, (p) => (p.config.latentDim = 1e6)), /checkpoint config: latentDim must be at most 4096, got 1000000/],
      ['latentDim 4096 over tensors for 8', rewriteCheckpoint(original, (p) => (p.config.latentDim = 4096)), /the generator's tensors hold \d+ values; the config's mlp \(latentDim 4096, image 1×8×8\) needs \d+/],
      ['image 4×4096×4096', rewriteCheckpoint(original, (p) => (p.config.imageShape = [4, 4096, 4096])), /the generator's tensors hold \d+ values/],
      ['unknown model', rewriteCheckpoint(original, (p) => (p.config.model = 'resnet')), /unknown model 'resnet'/],
      ['a missing key', rewriteCheckpoint(original, (p) => delete p.config.width), /the config lacks width/],
      ['G as float64', rewriteCheckpoint(original, (p) => {
        const t = p.tensors.get('G.model.0.weight')!;
        const values = new Float32Array(new Uint8Array(t.data).buffer);
        p.tensors.set('G.model.0.weight', { dtype: 'F64', shape: t.shape, data: new Uint8Array(Float64Array.from(values).buffer) });
      }), /the generator's tensors must be float32, found float64/],
      ['NaN weights', rewriteCheckpoint(original, (p) => {
        const t = p.tensors.get('G.model.2.weight')!;
        new DataView(t.data.buffer, t.data.byteOffset).setFloat32(0, NaN, true);
      }), /the checkpoint's generator has non-finite weights/],
    ];
    for (const [what, bytes, pattern] of cases) {
      fs.writeFileSync(checkpointOf(run), bytes);
      refusedUnchanged(sample, run, pattern, `sample: ${what}`);
      refusedUnchanged(['train', '--out', run, '--resume'], run, pattern, `resume: ${what}`);
    }
  });

  it('a fresh run into a folder holding any run file is refused, saying what to do; empty folders and temp files are not a run', () => {
    const leftovers: [string, string][] = [
      ['metrics.jsonl', 'metrics.jsonl'], ['config.json', 'config.json'], ['samples.png', 'samples.png'],
      ['samples/epoch-0001.png', 'samples/'], ['checkpoints/last.safetensors', 'checkpoints/'], ['per-class.json', 'per-class.json'],
    ];
    for (const [file, named] of leftovers) {
      const run = path.join(root, `leftover-${file.replace(/\W/g, '-')}`);
      fs.mkdirSync(path.dirname(path.join(run, file)), { recursive: true });
      fs.copyFileSync(path.join(base, file === 'per-class.json' ? 'config.json' : file), path.join(run, file));
      const pattern = new RegExp(`already holds a run: pass --resume to continue it, or choose another --out \\(found ${named.replace('.', '\\.')}\\)$`);
      refusedUnchanged(['train', ...RUN, '--steps', '2', '--out', run], run, pattern, `leftover ${file}`);
      refusedUnchanged(['train', ...RUN, '--steps', '2', '--per-class', '--out', run], run, pattern, `per-class, leftover ${file}`);
    }
    const empty = path.join(root, 'empty-folders');
    fs.mkdirSync(path.join(empty, 'samples'), { recursive: true });
    fs.mkdirSync(path.join(empty, 'checkpoints'));
    fs.writeFileSync(path.join(empty, 'checkpoints', '.last.safetensors.999999999.0123456789ab.tmp'), 'x');
    const fresh = ganforge(['train', ...RUN, '--steps', '2', '--out', empty]);
    assert.equal(fresh.status, 0, fresh.stderr);
  });

  it('temp files of killed writers are removed when the run starts again; a live writer\'s are kept', () => {
    const run = copyRun(base, path.join(root, 'stale'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const stale = [path.join('checkpoints', `.last.safetensors.${dead}.0123456789ab.tmp`), `.metrics.jsonl.${dead}.a0a0a0a0a0a0.tmp`, path.join('samples', `.epoch-0001.png.${dead}.ffffffffffff.tmp`)];
    const live = `.config.json.${process.pid}.0123456789ab.tmp`;
    for (const file of [...stale, live]) fs.writeFileSync(path.join(run, file), 'partial');
    const resumed = ganforge(['train', '--out', run, '--resume', '--steps', '14']);
    assert.equal(resumed.status, 0, resumed.stderr);
    for (const file of stale) assert.ok(!fs.existsSync(path.join(run, file)), `${file} is left`);
    assert.ok(fs.existsSync(path.join(run, live)), 'a live process\'s temp file was removed');
  });

  it('--out under /proc fails at once in one line (Node\'s recursive mkdir would loop forever)', { skip: !fs.existsSync('/proc/self') }, () => {
    const result = ganforgeMeasured(['train', ...RUN, '--steps', '1', '--out', '/proc/x/run'], { timeoutMs: 60_000 });
    assertCleanRefusal(result, '/proc/x', { pattern: /cannot write to \/proc\/x\/run: ENOENT: \/proc does not accept new folders/, maxRssMiB: RSS_CAP_MIB });
  });

  it('a run stopped before its first checkpoint resumes by starting over, and ends as an uninterrupted run', () => {
    const run = copyRun(base, path.join(root, 'no-checkpoint'));
    // What a kill before the first checkpoint leaves: the config, some metrics, no checkpoint.
    fs.rmSync(path.join(run, 'checkpoints'), { recursive: true });
    fs.rmSync(path.join(run, 'samples'), { recursive: true });
    fs.writeFileSync(path.join(run, 'metrics.jsonl'), fs.readFileSync(path.join(run, 'metrics.jsonl'), 'utf8').split('\n').slice(0, 3).join('\n') + '\n{"step": 4, "ep');
    const resumed = ganforge(['train', '--out', run, '--resume']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, /has no checkpoint yet: starting its run over from step 0 of 12/);
    assert.deepEqual(readMetrics(run).map(deterministicPart), readMetrics(base).map(deterministicPart));
    const [a, b] = [tensorsOf(checkpointOf(run)), tensorsOf(checkpointOf(base))];
    assert.deepEqual([...a.keys()], [...b.keys()]);
    for (const [name, t] of a) assert.ok(Buffer.from(t.data).equals(Buffer.from(b.get(name)!.data)), `${name} differs`);
    // And a folder with no run at all is still "nothing to resume".
    refusedUnchanged(['train', '--out', path.join(root, 'nothing'), '--resume'], path.join(root, 'nothing'), /nothing to resume/, 'empty resume');
  });
});
