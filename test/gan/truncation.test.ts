// The truncation trick at sampling (BigGAN's: entries with |z| > ψ drawn again), and the stabiliser flags from
// the command line: a run trained with them records them, samples with --truncation are the same picture for
// the same seed, and a family with no noise latent refuses --truncation in one line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { ImageDataset } from '../../src/data/dataset';
import { loadBundledMnist } from '../../src/data/mnist';
import { resolveConfig } from '../../src/gan/resolve';
import { sampleRun } from '../../src/gan/run-samples';
import { truncatedNoise } from '../../src/gan/sampling';
import { train } from '../../src/gan/trainer';
import { manualSeed, memory, tidy } from '../../src/torch';
import { ganforge, mnistSubsetFolder, tempDir } from '../helpers/fixtures';

describe('truncated noise', () => {
  it('keeps every entry within ±ψ, with the truncated normal\'s variance, the same for the same seed', () => {
    const before = memory().liveTensors;
    const draw = (seed: number, psi: number) => tidy(() => {
      manualSeed(seed);
      return Array.from(truncatedNoise([200, 500], psi).toFloat32Array());
    });
    const z = draw(3, 1);
    assert.ok(z.every((v) => Math.abs(v) <= 1), 'all within ±1');
    // Var of N(0, 1) truncated to [−1, 1]: 1 − 2φ(1)/(2Φ(1) − 1) = 1 − 2·0.2419707/0.6826895 = 0.2911.
    const variance = z.reduce((s, v) => s + v * v, 0) / z.length;
    assert.ok(Math.abs(variance - 0.2911) < 0.005, `variance ${variance}`);
    assert.deepEqual(draw(3, 1), z);
    assert.notDeepEqual(draw(4, 1), z);
    assert.ok(draw(3, 0.1).every((v) => Math.abs(v) <= 0.1));
    assert.equal(memory().liveTensors, before);
    assert.throws(() => truncatedNoise([2, 2], 0), /^RangeError: truncation must be a positive number, got 0$/);
  });
});

describe('stabilisers from the command line, and sample --truncation', () => {
  it('a run trained with every stabiliser flag records them; --truncation gives the same picture for the same seed', () => {
    const root = tempDir('stab-cli');
    const out = path.join(root, 'run');
    const digits = mnistSubsetFolder(64);
    const trained = ganforge(['train', '--model', 'dcgan', '--width', '4', '--dataset', digits, '--steps', '4', '--batch-size', '16', '--out', out,
      '--spectral-norm', 'gd', '--diffaugment', 'color,translation,cutout', '--r1', '10', '--r1-every', '2', '--ortho', '1e-4']);
    assert.equal(trained.status, 0, trained.stderr);
    const saved = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.deepEqual([saved.spectralNorm, saved.diffAugment, saved.r1Gamma, saved.r1Every, saved.orthoBeta], ['gd', 'color,translation,cutout', 10, 2, 1e-4]);

    const picture = (name: string, ...extra: string[]) => {
      const file = path.join(root, name);
      const result = ganforge(['sample', '--checkpoint', out, '--n', '16', '--seed', '5', '--out', file, ...extra]);
      assert.equal(result.status, 0, result.stderr);
      return fs.readFileSync(file);
    };
    const truncated = picture('a.png', '--truncation', '0.5');
    assert.ok(truncated.equals(picture('b.png', '--truncation', '0.5')), 'same seed, same truncation: the same picture');
    assert.ok(!truncated.equals(picture('c.png')), 'truncation changes the noise');
    assert.ok(!truncated.equals(picture('d.png', '--truncation', '1.5')), 'another ψ, another picture');

    const bad = ganforge(['train', '--model', 'dcgan', '--dataset', digits, '--steps', '1', '--out', path.join(root, 'bad'), '--spectral-norm', 'both']);
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.ok(!fs.existsSync(path.join(root, 'bad')), 'a refused run creates nothing');
  });

  it('a family with no noise latent (pix2pix) refuses --truncation in one line', async () => {
    const digits = loadBundledMnist();
    const n = 8;
    const images = digits.images.slice(0, n * 784);
    const data: ImageDataset = { name: 'pairs', images, targets: images.slice(), labels: null, classes: null, count: n, channels: 1, height: 28, width: 28 };
    const out = tempDir('pix2pix-trunc');
    const config = { ...resolveConfig({ flags: { model: 'pix2pix', steps: 1, batchSize: 4, width: 4, gridSize: 2 } }), imageShape: [1, 28, 28] as [number, number, number], numClasses: 0 };
    await train(config, data, out, null, { log: () => undefined });
    assert.throws(() => sampleRun(out, { n: 2, seed: 0, truncation: 0.5 }), (err: Error) => {
      assert.match(err.message, /^'truncation': .*model 'pix2pix' does not draw images from noise \(it translates images: use ganforge translate\), so it has no latent to truncate$/);
      return true;
    });
  });
});
