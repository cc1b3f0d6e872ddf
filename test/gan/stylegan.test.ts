// The stylegan family: its networks' layout and state sizes, training (finite losses, flat live tensors, the
// w average, lazy R1), style mixing only while training, truncation in w (and `sample` using it), the
// style-mixing and noise-variation pictures (shape, determinism), `sample --picture` from the CLI, and a resume
// through the trainer that ends bit-identical.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { ImageDataset } from '../../src/data/dataset';
import { loadBundledMnist } from '../../src/data/mnist';
import type { AdversarialRun } from '../../src/gan/adversarial';
import type { TrainConfig } from '../../src/gan/config';
import { COARSE_STYLES, StyleDiscriminator, styleDiscriminatorSize, StyleGenerator, styleGeneratorSize } from '../../src/gan/models/stylegan-parts';
import { buildRun } from '../../src/gan/registry';
import { resolveConfig } from '../../src/gan/resolve';
import { sampleInBatches } from '../../src/gan/sampling';
import { stylePicture } from '../../src/gan/style-pictures';
import { train } from '../../src/gan/trainer';
import { decodePng, encodePng } from '../../src/io/png';
import { manualSeed, memory, noGrad, randn, tidy } from '../../src/torch';
import { ganforge, mnistSubsetFolder, readMetrics, tempDir } from '../helpers/fixtures';
import { assertSameTensors, trainInTwoSessions } from '../helpers/same-checkpoint';
import { stepRun } from '../helpers/tiny-run';

function digits(count: number): ImageDataset {
  const all = loadBundledMnist();
  const images = new Uint8Array(count * 784);
  for (let i = 0; i < count; i++) {
    const at = (i * 97) % all.count;
    images.set(all.images.subarray(at * 784, (at + 1) * 784), i * 784);
  }
  return { name: `digits-${count}`, images, labels: null, count, channels: 1, height: 28, width: 28, classes: null };
}

function config(data: ImageDataset, overrides: Partial<TrainConfig>): TrainConfig {
  return {
    ...resolveConfig({ flags: { model: 'stylegan', steps: 12, batchSize: 4, width: 4, latentDim: 8, r1Every: 4, metricsEvery: 1, logEvery: 4, ...overrides } }),
    imageShape: [data.channels, data.height, data.width],
    numClasses: 0,
  };
}

const stateElements = (m: { stateDict(): Map<string, { numel: number }> }) => [...m.stateDict().values()].reduce((a, t) => a + t.numel, 0);

/** A small G: width 4, z and w of 8; noise strengths start at 0. */
function generator(shape: [number, number, number] = [1, 28, 28], seed = 1): StyleGenerator {
  manualSeed(seed);
  return new StyleGenerator(8, shape, 4);
}

const same = (a: number[], b: number[], tol = 1e-6) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= tol);

describe('StyleGAN networks', () => {
  it('G draws images of every supported size, D scores them; state sizes match the counts', () => {
    for (const shape of [[1, 28, 28], [3, 32, 32], [3, 64, 64], [3, 8, 8]] as [number, number, number][]) {
      const g = generator(shape);
      const d = new StyleDiscriminator(shape, 4);
      tidy(() => {
        const x = g.forward(randn([4, 8]));
        assert.deepEqual(x.shape, [4, ...shape]);
        assert.deepEqual(d.forward(x).shape, [4, 1]);
      });
      assert.equal(stateElements(g), styleGeneratorSize(8, shape, 4), `G ${shape}`);
      assert.equal(stateElements(d), styleDiscriminatorSize(shape, 4), `D ${shape}`);
      g.dispose();
      d.dispose();
    }
  });

  it('one style per modulated conv plus the last toRGB; noise maps at each resolution', () => {
    const g = generator([1, 28, 28]);
    // 7×7: one conv; 14 and 28: two each; the toRGBs share the next conv's style, the last its own.
    assert.equal(g.numStyles, 6);
    assert.deepEqual(g.noiseShapes(2).map((s) => s[2]), [7, 14, 14, 28, 28]);
    assert.ok(COARSE_STYLES < g.numStyles);
    g.dispose();
  });

  it('mix: styles before the cutoff from the first w, the rest from the second', () => {
    const g = generator();
    tidy(() => {
      const a = randn([2, 8]);
      const b = randn([2, 8]);
      const ws = g.mix(a, b, 2);
      assert.deepEqual(ws.shape, [2, 6, 8]);
      for (let k = 0; k < 6; k++) assert.deepEqual(ws.select(1, k).toArray(), (k < 2 ? a : b).toArray(), `style ${k}`);
    });
    g.dispose();
  });
});

describe('StyleGAN style mixing and w average', () => {
  it('while training, about 90% of batches are drawn from two latents; in eval mode none, and w_avg stays', () => {
    const g = generator();
    // Noise strengths are 0 at the start, so an unmixed batch equals the synthesis of w alone, whatever noise is drawn.
    let mixed = 0;
    const seeds = 40;
    for (let seed = 0; seed < seeds; seed++) {
      tidy(() => {
        const z = randn([2, 8]);
        manualSeed(100 + seed);
        const trained = noGrad(() => g.forward(z).toArray());
        const plain = noGrad(() => g.synthesize(g.broadcast(g.mapping.forward(z))).toArray());
        if (!same(trained, plain, 1e-5)) mixed++;
      });
    }
    assert.ok(mixed >= 30 && mixed < seeds, `${mixed} of ${seeds} batches mixed`);

    g.eval();
    const before = g.wAverage.toArray();
    tidy(() => {
      const z = randn([3, 8]);
      const got = noGrad(() => g.forward(z).toArray());
      const plain = noGrad(() => g.synthesize(g.broadcast(g.mapping.forward(z))).toArray());
      assert.ok(same(got, plain, 1e-6), 'eval: never mixed');
    });
    assert.deepEqual(g.wAverage.toArray(), before, 'eval forwards leave w_avg');
    g.dispose();
  });

  it('a training forward moves w_avg by 0.005 towards the batch mean of w', () => {
    const g = generator();
    tidy(() => {
      const z = randn([4, 8]);
      const mean = noGrad(() => g.mapping.forward(z).mean([0]).toArray());
      const before = g.wAverage.toArray();
      noGrad(() => g.forward(z));
      const after = g.wAverage.toArray();
      after.forEach((v, i) => assert.ok(Math.abs(v - (0.995 * before[i] + 0.005 * mean[i])) < 1e-6, `[${i}]`));
    });
    g.dispose();
  });
});

describe('StyleGAN truncation in w', () => {
  it('ψ = 0 draws the average w for every z, ψ = 1 the plain forward; sampling with --truncation takes this path', () => {
    const g = generator();
    noGrad(() => g.wAverage.normal_(0, 1));
    g.eval();
    tidy(() => {
      const z = randn([3, 8]);
      manualSeed(5);
      const atAverage = noGrad(() => g.forwardTruncated(z, 0).toArray());
      const per = atAverage.length / 3;
      manualSeed(5);
      const expected = noGrad(() => g.synthesize(g.broadcast(g.wAverage.unsqueeze(0).expand([3, 8]))).clamp(-1, 1).toArray());
      assert.ok(same(atAverage, expected, 1e-6));
      assert.ok(same(atAverage.slice(0, per), atAverage.slice(per, 2 * per)), 'every row alike');
      manualSeed(6);
      const full = noGrad(() => g.forwardTruncated(z, 1).toArray());
      manualSeed(6);
      // w_avg + 1·(w − w_avg) is w up to rounding, which the layers carry through.
      assert.ok(same(full, noGrad(() => g.forward(z).toArray()), 1e-4));
    });
    // sampleInBatches at ψ = 0.001: nearly one image (z truncation at 0.001 would draw many different ones).
    const images: Float32Array[] = [];
    manualSeed(9);
    sampleInBatches(g, 4, 4, (data) => images.push(data.slice()), undefined, 0.001);
    const per = 784;
    const spread = Math.max(...Array.from({ length: per }, (_, p) => Math.abs(images[0][p] - images[0][3 * per + p])));
    assert.ok(spread < 0.02, `images at ψ = 0.001 differ by ${spread}`);
    g.dispose();
  });
});

describe('StyleGAN pictures', () => {
  it('style mixing: (rows + 1) × (columns + 1) tiles, black corner; the same seed gives the same picture', () => {
    const g = generator();
    noGrad(() => g.blocks.forEach((b) => b.layers.forEach((l) => l.noise.strength.fill_(0.3))));
    const a = stylePicture(g, 'style-mixing', { seed: 3 });
    assert.deepEqual([a.width, a.height], [7 * 30 + 2, 6 * 30 + 2]);
    for (let y = 2; y < 30; y++) for (let x = 2; x < 30; x++) assert.equal(a.pixels[y * a.width + x], 0, 'corner tile black');
    assert.ok(Buffer.from(encodePng(a)).equals(Buffer.from(encodePng(stylePicture(g, 'style-mixing', { seed: 3 })))));
    assert.ok(!Buffer.from(encodePng(a)).equals(Buffer.from(encodePng(stylePicture(g, 'style-mixing', { seed: 4 })))));
    const truncated = stylePicture(g, 'style-mixing', { seed: 3, truncation: 0.5 });
    assert.ok(!Buffer.from(encodePng(a)).equals(Buffer.from(encodePng(truncated))), 'truncation changes it');
    assert.equal(g.training, true, 'the mode is restored');
    g.dispose();
  });

  it('noise variation: rows × (draws + 1) tiles; with noise strengths 0 every draw is alike and the spread column black', () => {
    const g = generator();
    const tile = (img: { width: number; pixels: Uint8Array }, row: number, col: number) => {
      const out: number[] = [];
      for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) out.push(img.pixels[(2 + row * 30 + y) * img.width + 2 + col * 30 + x]);
      return out;
    };
    const quiet = stylePicture(g, 'noise-variation', { seed: 1 });
    assert.deepEqual([quiet.width, quiet.height], [7 * 30 + 2, 4 * 30 + 2]);
    assert.deepEqual(tile(quiet, 1, 0), tile(quiet, 1, 5));
    assert.ok(tile(quiet, 1, 6).every((v) => v === 0), 'no spread at strength 0');
    noGrad(() => g.blocks.forEach((b) => b.layers.forEach((l) => l.noise.strength.fill_(1))));
    const noisy = stylePicture(g, 'noise-variation', { seed: 1 });
    assert.notDeepEqual(tile(noisy, 1, 0), tile(noisy, 1, 5));
    assert.ok(Math.max(...tile(noisy, 1, 6)) === 255, 'the spread column is scaled to white at its largest');
    assert.ok(Buffer.from(encodePng(noisy)).equals(Buffer.from(encodePng(stylePicture(g, 'noise-variation', { seed: 1 })))));
    g.dispose();
  });
});

describe('StyleGAN trains', () => {
  it('finite losses, lazy R1 every 4 steps, flat live tensors, w_avg moving and shared with the moving average', () => {
    const data = digits(24);
    const run = buildRun(config(data, {}), data) as AdversarialRun;
    const { scalars, live } = stepRun(run, 12);
    for (const s of scalars) for (const key of ['loss_d', 'loss_g']) assert.ok(Number.isFinite(s[key]), `${key}: ${JSON.stringify(s)}`);
    assert.deepEqual(scalars.flatMap((s, i) => ('r1' in s ? [i] : [])), [0, 4, 8]);
    assert.ok(scalars.every((s) => !('r1' in s) || (Number.isFinite(s.r1) && s.r1 >= 0)));
    assert.equal(new Set(live.slice(2)).size, 1, `live tensors flat: ${[...new Set(live)]}`);
    const g = run.generator as StyleGenerator;
    assert.ok(g.wAverage.toArray().some((v) => v !== 0), 'w_avg moved');
    assert.deepEqual((run.averageGenerator as StyleGenerator).wAverage.toArray(), g.wAverage.toArray());
    run.dispose();
  });

  it('refuses spectral norm and orthogonal regularisation in one line (the equalised layers scale their own weights)', () => {
    const data = digits(8);
    assert.throws(() => buildRun(config(data, { spectralNorm: 'd' }), data), /model 'stylegan' does not apply it/);
    assert.throws(() => buildRun(config(data, { orthoBeta: 1e-4 }), data), /model 'stylegan' does not apply it/);
  });

  it('through the trainer: a resume ends bit-identical', async () => {
    const data = digits(24);
    const root = tempDir('stylegan-resume');
    const straight = path.join(root, 'straight');
    const before = memory().liveTensors;
    await train(config(data, {}), data, straight, null, { log: () => undefined });
    assert.equal(memory().liveTensors, before, 'the run frees every tensor');
    const split = path.join(root, 'split');
    await trainInTwoSessions(config(data, {}), data, split, 5);
    // (r1 is left out: the records carry its last value forward, and a resumed session has none until its next R1 step.)
    const keys = ['step', 'loss_d', 'loss_g', 'd_x', 'd_g_z'];
    const pick = (r: Record<string, number>) => keys.map((k) => r[k]);
    assert.deepEqual(readMetrics(split).map(pick), readMetrics(straight).map(pick));
    assertSameTensors(path.join(split, 'checkpoints', 'last.safetensors'), path.join(straight, 'checkpoints', 'last.safetensors'));
  });
});

describe('ganforge sample --picture', () => {
  const root = tempDir('stylegan-cli');
  const data = mnistSubsetFolder(16);
  const run = path.join(root, 'run');

  it('writes the style-mixing picture of a stylegan run, the same for the same seed', () => {
    const trained = ganforge(['train', '--model', 'stylegan', '--dataset', data, '--width', '4', '--latent-dim', '8', '--batch-size', '4', '--steps', '3', '--out', run]);
    assert.equal(trained.status, 0, trained.stderr);
    const out = [path.join(root, 'a.png'), path.join(root, 'b.png')];
    for (const file of out) {
      const r = ganforge(['sample', '--checkpoint', run, '--picture', 'style-mixing', '--seed', '2', '--out', file]);
      assert.equal(r.status, 0, r.stderr);
    }
    const picture = decodePng(fs.readFileSync(out[0]));
    assert.deepEqual([picture.width, picture.height], [7 * 30 + 2, 6 * 30 + 2]);
    assert.ok(fs.readFileSync(out[0]).equals(fs.readFileSync(out[1])));
  });

  it('refuses other families, other formats and --n in one line, writing nothing', () => {
    const dcgan = path.join(root, 'dcgan');
    assert.equal(ganforge(['train', '--model', 'dcgan', '--dataset', data, '--width', '4', '--batch-size', '4', '--steps', '1', '--out', dcgan]).status, 0);
    const cases: [string[], RegExp][] = [
      [['--checkpoint', dcgan, '--picture', 'noise-variation', '--out', path.join(root, 'x.png')], /--picture noise-variation: model 'dcgan' has no styles to mix or noise inputs \(it needs a stylegan run\)/],
      [['--checkpoint', run, '--picture', 'style-mixing', '--out', path.join(root, 'x.npy')], /--picture writes a \.png, not \.npy/],
      [['--checkpoint', run, '--picture', 'style-mixing', '--n', '4', '--out', path.join(root, 'x.png')], /--picture draws a fixed layout: drop --n/],
    ];
    for (const [args, message] of cases) {
      const r = ganforge(['sample', ...args]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.ok(!fs.existsSync(path.join(root, 'x.png')) && !fs.existsSync(path.join(root, 'x.npy')));
  });
});
