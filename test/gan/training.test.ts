// The MLP GAN trained end to end in-process: a smoke run on the bundled MNIST, determinism, exact resume.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { loadBundledMnist } from '../../src/data/mnist';
import type { ImageDataset } from '../../src/data/dataset';
import { readCheckpoint } from '../../src/gan/checkpoint';
import { DEFAULT_CONFIG, TrainConfig } from '../../src/gan/config';
import { train } from '../../src/gan/trainer';
import { decodePng } from '../../src/io/png';
import { memory } from '../../src/torch';
import { deterministicPart, readMetrics, tempDir } from '../helpers/fixtures';

const quiet = { log: () => undefined };

function config(overrides: Partial<TrainConfig>): TrainConfig {
  return { ...DEFAULT_CONFIG, imageShape: [1, 28, 28], numClasses: 10, epochs: null, ...overrides } as TrainConfig;
}

/** The first `count` bundled digits in a fixed spread, so short runs see every class. */
function smallMnist(count: number): ImageDataset {
  const full = loadBundledMnist();
  const pixels = 28 * 28;
  const stride = Math.floor(full.count / count);
  const images = new Uint8Array(count * pixels);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    images.set(full.images.subarray(i * stride * pixels, (i * stride + 1) * pixels), i * pixels);
    labels[i] = full.labels![i * stride];
  }
  return { ...full, name: 'mnist-small', images, labels, count };
}

describe('MLP GAN training', () => {
  it('smoke: 300 steps on the bundled MNIST give finite losses, D outputs in (0, 1), a grid, curves, a checkpoint and flat memory', async () => {
    const out = tempDir('smoke');
    const liveBefore = memory().liveTensors;
    const result = await train(config({ steps: 300, metricsEvery: 5 }), loadBundledMnist(), out, null, quiet);
    assert.equal(result.progress.step, 300);
    assert.equal(memory().liveTensors, liveBefore, 'every tensor of the run is freed at the end');

    const records = readMetrics(out);
    assert.equal(records.length, 60);
    for (const r of records) {
      assert.ok(Number.isFinite(r.loss_d) && Number.isFinite(r.loss_g), `finite losses at step ${r.step}`);
      for (const key of ['d_x', 'd_g_z', 'd_g_z2']) assert.ok(r[key] > 0 && r[key] < 1, `${key} in (0, 1) at step ${r.step}`);
      assert.ok(r.step_ms > 0);
    }
    const fromStep50 = records.filter((r) => r.step >= 50).map((r) => r.live_tensors);
    assert.equal(new Set(fromStep50).size, 1, `live tensors flat from step 50 on: ${[...new Set(fromStep50)]}`);
    // Learning happened: D separates real from fake early on; G's loss moved off its start.
    assert.ok(records.some((r) => r.d_x - r.d_g_z > 0.1), 'D tells real from fake at some point');

    const grid = decodePng(fs.readFileSync(path.join(out, 'samples.png')), 'samples.png');
    assert.deepEqual([grid.width, grid.height, grid.channels], [242, 242, 1]);
    const epochGrid = decodePng(fs.readFileSync(path.join(out, 'samples', 'epoch-0001.png')), 'epoch grid');
    assert.equal(epochGrid.width, 242);
    assert.ok(grid.pixels.some((v) => v > 128) && grid.pixels.some((v) => v < 64), 'the grid is not blank');
    assert.match(fs.readFileSync(path.join(out, 'loss.svg'), 'utf8'), /^<svg[\s\S]*Loss_D[\s\S]*<\/svg>\s*$/);
    assert.ok(fs.existsSync(path.join(out, 'd-outputs.svg')));
    const saved = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.equal(saved.model, 'mlp');
    assert.deepEqual(saved.imageShape, [1, 28, 28]);
    const ckpt = readCheckpoint(path.join(out, 'checkpoints', 'last.safetensors'));
    assert.equal(ckpt.progress.step, 300);
    assert.deepEqual(ckpt.tensors.get('G.model.0.weight')!.shape, [256, 100]);
    assert.deepEqual(ckpt.tensors.get('D.model.6.weight')!.shape, [1, 256]);
    ckpt.dispose();
  });

  it('the same seed gives the same run, bit for bit; another seed does not', async () => {
    const data = smallMnist(640);
    const runs = [];
    for (const seed of [7, 7, 8]) {
      const out = tempDir('same-seed');
      await train(config({ steps: 25, seed, metricsEvery: 1 }), data, out, null, quiet);
      runs.push(readMetrics(out).map(deterministicPart));
    }
    assert.deepEqual(runs[1], runs[0]);
    assert.notDeepEqual(runs[2], runs[0]);
  });

  it('resume continues exactly as an uninterrupted run (losses and weights, bit for bit)', async () => {
    const data = smallMnist(640); // 10 batches per epoch: the resume point falls mid-epoch
    const straight = tempDir('straight');
    await train(config({ steps: 47, metricsEvery: 1 }), data, straight, null, quiet);

    const resumed = tempDir('resumed');
    await train(config({ steps: 23, metricsEvery: 1 }), data, resumed, null, quiet);
    const checkpoint = readCheckpoint(path.join(resumed, 'checkpoints', 'last.safetensors'));
    assert.equal(checkpoint.progress.step, 23);
    await train({ ...checkpoint.config, steps: 47 }, data, resumed, checkpoint, quiet);

    assert.deepEqual(readMetrics(resumed).map(deterministicPart), readMetrics(straight).map(deterministicPart));
    const a = readCheckpoint(path.join(straight, 'checkpoints', 'last.safetensors'));
    const b = readCheckpoint(path.join(resumed, 'checkpoints', 'last.safetensors'));
    for (const name of ['G.model.6.weight', 'D.model.0.weight', 'optG.exp_avg_sq.3', 'rng_state']) {
      assert.deepEqual(b.tensors.get(name)!.toTypedArray(), a.tensors.get(name)!.toTypedArray(), name);
    }
    a.dispose();
    b.dispose();
  });

  it('refuses to overwrite a run that has a checkpoint', async () => {
    const out = tempDir('twice');
    const data = smallMnist(128);
    await train(config({ steps: 2 }), data, out, null, quiet);
    await assert.rejects(train(config({ steps: 2 }), data, out, null, quiet), /already holds a run: pass 'resume' to continue it/);
  });
});
