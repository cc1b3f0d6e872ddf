// `ganforge eval` on files any tool could make: real held-out digits, noise and a one-class set must be far
// apart, with the protocol stated; and on a run, whose metrics.jsonl gets the result.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { writeIdx } from '../../src/data/idx';
import { splitEightyTwenty } from '../../src/metrics/reference';
import { loadBundledMnist } from '../../src/data/mnist';
import { encodeNpy } from '../../src/io/npy';
import { ganforge, tempDir } from '../helpers/fixtures';

function evalJson(args: string[]) {
  const result = ganforge(['eval', ...args, '--json']);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!);
}

describe('ganforge eval', { timeout: 600_000 }, () => {
  const dir = tempDir('eval');
  const { train } = splitEightyTwenty(loadBundledMnist());
  const n = 1000;

  it('separates real digits, noise and a collapsed set, and states the protocol', () => {
    const real = path.join(dir, 'real.idx');
    writeIdx(real, [n, 28, 28], train.images.subarray(0, n * 784));
    const noise = path.join(dir, 'noise.npy');
    let s = 7;
    fs.writeFileSync(noise, encodeNpy(Float32Array.from({ length: n * 784 }, () => ((s = (s * 16807) % 2147483647) / 2147483647)), [n, 1, 28, 28]));
    const ones: number[] = [];
    train.labels!.forEach((l, i) => l === 1 && ones.push(i));
    const collapsed = path.join(dir, 'ones.idx');
    const oneImages = new Uint8Array(n * 784);
    for (let i = 0; i < n; i++) oneImages.set(train.images.subarray(ones[i % ones.length] * 784, (ones[i % ones.length] + 1) * 784), i * 784);
    writeIdx(collapsed, [n, 28, 28], oneImages);

    const r = evalJson(['--samples', real, '--dataset', 'mnist']);
    const z = evalJson(['--samples', noise, '--dataset', 'mnist']);
    const c = evalJson(['--samples', collapsed, '--dataset', 'mnist']);
    assert.ok(r.fid < 20 && z.fid > 500 && c.fid > 500, `FID real ${r.fid}, noise ${z.fid}, collapsed ${c.fid}`);
    assert.ok(r.kid.mean < 0.05 && z.kid.mean > 0.5 && c.kid.mean > 0.5);
    assert.ok(r.coverage.normalizedEntropy > 0.95 && r.coverage.missing.length === 0);
    assert.ok(c.coverage.missing.length >= 8, `collapsed set misses ${c.coverage.missing}`);
    assert.ok(r.recall > 0.7 && c.recall < 0.3 && z.recall < 0.05);
    assert.ok(r.inceptionScore.mean > 7 && c.inceptionScore.mean < 2);
    assert.equal(r.protocol.sampleCount, n);
    assert.equal(r.protocol.referenceCount, 2000);
    assert.match(r.protocol.reference, /bundled MNIST: 2,000 held-out digits/);
    assert.equal(r.protocol.extractor.kind, 'classifier');
    assert.ok(r.protocol.extractor.accuracy > 0.95, `classifier accuracy ${r.protocol.extractor.accuracy}`);
  });

  it('scores a run, prints a table and appends the result to metrics.jsonl', () => {
    const run = path.join(dir, 'run');
    assert.equal(ganforge(['train', '--model', 'mlp', '--steps', '20', '--out', run]).status, 0);
    const table = ganforge(['eval', '--checkpoint', run, '--n', '300']);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /\(step 20\)\n\s+FID\s+\d+\.\d\d\n\s+KID/);
    assert.match(table.stdout, /protocol\s+300 samples vs 2000 reference images/);
    const records = fs.readFileSync(path.join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const evalRecord = records.find((r) => r.kind === 'eval');
    assert.ok(evalRecord && evalRecord.step === 20 && typeof evalRecord.fid === 'number');
    const tooFew = ganforge(['eval', '--checkpoint', run, '--n', '50']);
    assert.equal(tooFew.status, 1);
    assert.match(tooFew.stderr, /FID needs at least 128 generated samples/);
  });

  it('names a missing file, and samples whose size does not match the reference, in one line', () => {
    const missing = ganforge(['eval', '--samples', path.join(dir, 'nope.npy')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nope\.npy: no such file or folder/);
    const wrongSize = path.join(dir, 'big.npy');
    fs.writeFileSync(wrongSize, encodeNpy(new Float32Array(200 * 32 * 32).fill(0.5), [200, 1, 32, 32]));
    const result = ganforge(['eval', '--samples', wrongSize, '--dataset', 'mnist']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /big\.npy: images are 1×32×32, but the mnist reference is 1×28×28/);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  });
});
