// CycleGAN and DiscoGAN: the ResNet generator's shapes, size and gradients, the history pool and the rate
// schedule on constructed cases, a few training steps of each family on tiny unpaired digits (finite losses,
// flat live tensors), an exact resume through the trainer with the pool filling and swapping before the stop,
// the A | G(A) | F(G(A)) | B | F(B) | G(F(B)) preview, and `ganforge translate --direction BtoA` on a folder.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ImageDataset } from '../../src/data/dataset';
import { loadBundledMnist } from '../../src/data/mnist';
import type { TrainConfig } from '../../src/gan/config';
import { PatchDiscriminator, ResnetGenerator, resnetGeneratorSize } from '../../src/gan/models/translation-parts';
import { HistoryPool } from '../../src/gan/models/two-way';
import { learningRateFactor } from '../../src/optim';
import { buildRun } from '../../src/gan/registry';
// After the registry: discogan.ts reached first would meet the registry half-built through config.ts.
import { discriminatorHidden } from '../../src/gan/models/discogan';
import { resolveConfig } from '../../src/gan/resolve';
import { train } from '../../src/gan/trainer';
import { decodePng } from '../../src/io/png';
import { manualSeed, memory, randn, setDefaultDType, tensor, tidy } from '../../src/torch';
import { ganforge, readMetrics, tempDir } from '../helpers/fixtures';
import { gradcheck, values } from '../helpers/gradcheck';
import { assertSameRun, trainInTwoSessions } from '../helpers/same-checkpoint';
import { stepRun } from '../helpers/tiny-run';

/**
 * Unpaired digits: domain A `countA` bundled digits, domain B `countB` other digits inverted (255 − x), so the
 * two domains share no image; `test` more of each as the held-out split.
 */
function unpairedDigits(countA: number, countB: number, test: number): ImageDataset {
  const digits = loadBundledMnist();
  let next = 0;
  const make = (n: number, invert: boolean): ImageDataset => {
    const images = new Uint8Array(n * 784);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const at = (next++ * 97) % digits.count; // spread over the classes (the bundled digits are sorted)
      const digit = digits.images.subarray(at * 784, (at + 1) * 784);
      images.set(invert ? digit.map((v) => 255 - v) : digit, i * 784);
      labels[i] = digits.labels![at];
    }
    return { name: `digits-${n}`, images, labels, count: n, channels: 1, height: 28, width: 28, classes: digits.classes };
  };
  const train = { ...make(countA, false), otherDomain: make(countB, true) };
  return { ...train, heldOut: { ...make(test, false), otherDomain: make(test, true) } };
}

function config(model: 'cyclegan' | 'discogan', overrides: Partial<TrainConfig>): TrainConfig {
  return {
    ...resolveConfig({ flags: { model, steps: 12, batchSize: 4, width: 4, residualBlocks: 1, metricsEvery: 1, logEvery: 4, ...overrides } }),
    imageShape: [1, 28, 28], numClasses: 10,
  };
}

describe('the ResNet generator', () => {
  it('keeps the image shape through ¼-side residual blocks, ends in tanh, and has the size resnetGeneratorSize counts', () => {
    manualSeed(1);
    for (const shape of [[1, 28, 28], [3, 16, 16]] as const) {
      for (const norm of ['instance', 'batch', 'none'] as const) {
        const g = new ResnetGenerator([...shape], 4, 2, norm);
        tidy(() => {
          const y = g.forward(randn([2, ...shape]));
          assert.deepEqual(y.shape, [2, ...shape]);
          assert.ok(y.abs().max().item() <= 1, 'tanh output');
        });
        const count = [...g.stateDict().values()].reduce((n, t) => n + t.numel, 0);
        assert.equal(count, resnetGeneratorSize([...shape], 4, 2, norm), `${shape} ${norm}`);
        g.dispose();
      }
    }
    // Worked by hand for 1 channel, width 1, one block, no norm (every conv with a bias): c7s1 1·1·49 + 1,
    // downs 1·2·9 + 2 and 2·4·9 + 4, the block 2 × (4·4·9 + 4), ups 4·2·9 + 2 and 2·1·9 + 1, c7s1 1·1·49 + 1.
    assert.equal(resnetGeneratorSize([1, 8, 8], 1, 1, 'none'), 50 + 20 + 76 + 2 * 148 + 74 + 19 + 50);
    assert.throws(() => new ResnetGenerator([1, 30, 30], 4, 1, 'instance'), /ResNet generator needs a side that is a multiple of 4 \(two stride-2 downs and ups\), got 30×30/);
  });
});

describe('ResNet generator gradients (float64)', () => {
  before(() => setDefaultDType('float64'));
  after(() => setDefaultDType('float32'));

  it('w.r.t. its input (8×8, instance norm, one residual block)', () => {
    manualSeed(6);
    const g = new ResnetGenerator([1, 8, 8], 2, 1, 'instance');
    gradcheck('ResNet generator', (x) => g.forward(x), [{ data: values(2 * 64, 41), shape: [2, 1, 8, 8] }], { atol: 1e-5 });
    g.dispose();
  });
});

describe('the history pool and the rate schedule', () => {
  it('fills with the first fakes, then shows each new fake or swaps it for an older one, from the seeded generator', () => {
    const batch = (start: number) => tensor(Float32Array.from([start, start + 1]), [2, 1, 1, 1]);
    const run = (seed: number) => {
      manualSeed(seed);
      const pool = new HistoryPool(3, [1, 1, 1]);
      const shown: number[][] = [];
      for (const start of [10, 20, 30, 40, 50]) {
        const fakes = batch(start);
        const out = pool.query(fakes);
        shown.push(out.toArray());
        out.dispose();
        fakes.dispose();
      }
      const state = { shown, pool: pool.images.toArray(), filled: pool.filled.item() };
      pool.dispose();
      return state;
    };
    const a = run(3);
    // The first batch and the first fake of the second fill the pool's three rows; the fourth fake meets a full pool.
    assert.deepEqual(a.shown[0], [10, 11]);
    assert.equal(a.filled, 3);
    // Every image shown is the new fake or one the pool held; whatever is shown of a swapped slot is gone from it.
    const seen = new Set<number>([10, 11]);
    for (let k = 1; k < 5; k++) {
      const news = [10 + 10 * k, 11 + 10 * k];
      a.shown[k].forEach((v, i) => assert.ok(v === news[i] || seen.has(v), `batch ${k}: ${v} is neither new nor an earlier fake`));
      news.forEach((v) => seen.add(v));
    }
    assert.ok(a.shown.slice(2).flat().some((v, i) => v !== [30, 31, 40, 41, 50, 51][i]), `some older fake is shown: ${JSON.stringify(a.shown)}`);
    assert.equal(new Set(a.pool).size, 3, 'the pool holds three distinct fakes');
    // The seeded generator decides: the same seed, the same choices.
    assert.deepEqual(run(3), a);
  });

  it('the learning rate is constant, then falls linearly, never reaching 0 within the run', () => {
    assert.deepEqual([0, 4, 5, 6, 9].map((s) => learningRateFactor(s, 10, 0.5)), [1, 1, 1, 1 - 1 / 6, 1 - 4 / 6]);
    assert.deepEqual([0, 9].map((s) => learningRateFactor(s, 10, 1)), [1, 1]);
    assert.equal(learningRateFactor(0, 4, 0), 1);
    assert.equal(learningRateFactor(3, 4, 0), 1 - 3 / 5);
  });
});

describe('DiscoGAN\'s discriminator, layer by layer (for feature matching)', () => {
  it('gives the logits of forward and the outputs of its normalised blocks; refuses another network', () => {
    manualSeed(3);
    const before = memory().liveTensors;
    const d = new PatchDiscriminator(1, 28, 4, 'batch');
    try {
      tidy(() => {
        const x = randn([5, 1, 28, 28]);
        const { logits, hidden } = discriminatorHidden(d, x);
        const direct = d.forward(x);
        assert.deepEqual(logits.shape, direct.shape);
        assert.ok(logits.sub(direct).abs().max().item() < 1e-6, 'the same logits as forward');
        // 28 → 14 → 7 (the second, normalised, strided block) → 6 (the stride-1 normalised block): two hidden outputs.
        assert.deepEqual(hidden.map((h) => h.shape), [[5, 8, 7, 7], [5, 16, 6, 6]]);
        assert.ok(hidden.every((h) => h.min().item() < 0 && h.max().item() > 0), 'LeakyReLU outputs, both signs');
        assert.throws(() => discriminatorHidden(d.main, x), /feature matching reads a PatchDiscriminator's layers/);
      });
    } finally {
      d.dispose();
    }
    assert.equal(memory().liveTensors, before, 'every tensor freed');
  });
});

describe('CycleGAN and DiscoGAN train', () => {
  for (const model of ['cyclegan', 'discogan'] as const) {
    it(`${model}: a few steps on tiny unpaired digits: finite losses, the cycle loss falls, live tensors flat`, () => {
      const data = unpairedDigits(32, 20, 8);
      const run = buildRun(config(model, { poolSize: model === 'cyclegan' ? 6 : 0 }), data);
      const { scalars, live } = stepRun(run, 16);
      run.dispose();
      const keys = ['loss_d_a', 'loss_d_b', 'loss_g_ab', 'loss_g_ba', 'loss_cycle', ...(model === 'cyclegan' ? ['loss_idt'] : ['loss_fm'])];
      for (const s of scalars) for (const key of keys) assert.ok(Number.isFinite(s[key]), `${model} ${key}: ${JSON.stringify(s)}`);
      if (model === 'discogan') assert.ok(!('loss_idt' in scalars[0]), 'no identity loss');
      // Feature matching is DiscoGAN's alone: CycleGAN's step is as it was.
      if (model === 'cyclegan') assert.ok(!('loss_fm' in scalars[0]), 'no feature matching');
      else assert.ok(scalars.every((s) => s.loss_fm > 0), 'a translated batch differs from a real one in D\'s features');
      assert.equal(new Set(live.slice(2)).size, 1, `${model}: live tensors flat: ${[...new Set(live)]}`);
      const early = (scalars[0].loss_cycle + scalars[1].loss_cycle) / 2;
      const late = (scalars[14].loss_cycle + scalars[15].loss_cycle) / 2;
      assert.ok(late < early, `${model}: cycle loss falls (${early} → ${late})`);
    });
  }

  it('cycleNoise: noise reaches the cycle only (the first step\'s GAN losses are those of the run without it), training stays finite with live tensors flat', () => {
    const data = unpairedDigits(32, 20, 8);
    const first = (cycleNoise: number) => {
      manualSeed(7);
      const run = buildRun(config('cyclegan', { cycleNoise, poolSize: 0, identityWeight: 0 }), data);
      try {
        return stepRun(run, cycleNoise > 0 ? 12 : 1);
      } finally {
        run.dispose();
      }
    };
    const plain = first(0).scalars[0];
    const { scalars, live } = first(0.3);
    // G(a) and F(b) come before any noise is drawn, so D's verdicts on them are the same; their reconstructions are not.
    assert.equal(scalars[0].loss_g_ab, plain.loss_g_ab);
    assert.equal(scalars[0].loss_g_ba, plain.loss_g_ba);
    assert.notEqual(scalars[0].loss_cycle, plain.loss_cycle);
    for (const s of scalars) for (const key of ['loss_d_a', 'loss_d_b', 'loss_g_ab', 'loss_g_ba', 'loss_cycle']) assert.ok(Number.isFinite(s[key]), `${key}: ${JSON.stringify(s)}`);
    assert.equal(new Set(live.slice(2)).size, 1, `live tensors flat: ${[...new Set(live)]}`);
  });

  it('refuses one set of images, pairs, and the wgan-gp loss, in one line each; other families refuse unpaired data', () => {
    const digits = loadBundledMnist();
    assert.throws(() => buildRun(config('cyclegan', {}), digits), /^Error: model 'cyclegan' translates images and needs unpaired data \(CycleGAN's layout: DIR\/trainA, DIR\/trainB.*; mnist is one set of images$/);
    const pairs = { ...digits, targets: digits.images };
    assert.throws(() => buildRun(config('discogan', {}), pairs), /model 'discogan' translates images and needs unpaired data .*; mnist holds pairs of images \(A\|B\)$/);
    assert.throws(() => buildRun(config('cyclegan', { loss: 'wgan-gp' }), unpairedDigits(8, 8, 2)), /model 'cyclegan' takes .* not wgan-gp/);
    const unpaired = unpairedDigits(8, 8, 2);
    assert.throws(() => buildRun({ ...config('cyclegan', {}), model: 'pix2pix' }, unpaired), /model 'pix2pix' translates images and needs paired data .*; digits-8 holds two unpaired domains \(trainA, trainB\)$/);
    assert.throws(() => buildRun({ ...config('cyclegan', {}), model: 'dcgan' }, unpaired), /digits-8 holds two unpaired domains \(trainA, trainB\), which model 'dcgan' does not train on: use --model cyclegan or discogan$/);
  });

  it('through the trainer: its log line, the two-way grid, and a resume (pool full and swapping) that ends bit-identical', async () => {
    const data = unpairedDigits(24, 14, 8);
    const root = tempDir('cyclegan-resume');
    const straight = path.join(root, 'straight');
    // Batch 2 and a pool of 3: full after the second step, swapping from then on, before the stop at step 5.
    const cfg = config('cyclegan', { steps: 12, batchSize: 2, poolSize: 3, lrDecayStart: 0.5 });
    const lines: string[] = [];
    const before = memory().liveTensors;
    await train(cfg, data, straight, null, { log: (line) => lines.push(line) });
    assert.equal(memory().liveTensors, before, 'the run frees every tensor');
    assert.match(lines.join('\n'), /\[1\/1\]\[12\/12\] D_A \/ D_B: \d+\.\d{4} \/ \d+\.\d{4} GAN_AB \/ GAN_BA: \d+\.\d{4} \/ \d+\.\d{4} Cycle: \d+\.\d{4} Idt: \d+\.\d{4}/);
    const grid = decodePng(fs.readFileSync(path.join(straight, 'samples', 'epoch-0001.png')));
    // 8 held-out examples of each domain: A | G(A) | F(G(A)) | B | F(B) | G(F(B)), two examples (12 tiles of 28 + 2) a row.
    assert.deepEqual([grid.width, grid.height, grid.channels], [12 * 30 + 2, 4 * 30 + 2, 1]);
    // The first tile is the first held-out A image and the fourth the first held-out B image, exactly.
    const tile = (k: number) => Array.from({ length: 784 }, (_, p) => grid.pixels[(2 + Math.floor(p / 28)) * grid.width + 2 + k * 30 + (p % 28)]);
    assert.deepEqual(tile(0), [...data.heldOut!.images.subarray(0, 784)]);
    assert.deepEqual(tile(3), [...data.heldOut!.otherDomain!.images.subarray(0, 784)]);
    // The rate decays over the second half.
    const factors = readMetrics(straight).map((r) => r.lr_factor);
    assert.deepEqual(factors.slice(0, 7), [1, 1, 1, 1, 1, 1, 1]);
    assert.ok(factors[11] < factors[7] && factors[11] > 0, `decaying: ${factors}`);

    const split = path.join(root, 'split');
    await trainInTwoSessions(cfg, data, split, 5);
    assertSameRun(split, straight, ['step', 'loss_d_a', 'loss_d_b', 'loss_g_ab', 'loss_g_ba', 'loss_cycle', 'loss_idt']);
  });

  it('with cycleNoise, a resume draws the same noise and ends bit-identical', async () => {
    const data = unpairedDigits(24, 14, 8);
    const root = tempDir('cyclegan-noise-resume');
    const cfg = config('cyclegan', { steps: 8, batchSize: 2, poolSize: 3, cycleNoise: 0.2 });
    const straight = path.join(root, 'straight');
    await train(cfg, data, straight, null, { log: () => undefined });
    const split = path.join(root, 'split');
    await trainInTwoSessions(cfg, data, split, 3);
    assertSameRun(split, straight, ['step', 'loss_d_a', 'loss_d_b', 'loss_g_ab', 'loss_g_ba', 'loss_cycle', 'loss_idt']);
  });
});

describe('ganforge train and translate on the unpaired layout', () => {
  const root = tempDir('cyclegan-cli');
  const set = path.join(root, 'm2m');
  const run = path.join(root, 'run');

  it('trains cyclegan by itself on an unpaired folder, then translates testB with F (BtoA) and testA with G, names and count kept', () => {
    assert.equal(ganforge(['data', 'mnist2mnistm', '--out', set, '--n', '8', '--test-n', '5']).status, 0);
    // No --model: unpaired data gets the cyclegan recipe.
    const trained = ganforge(['train', '--dataset', set, '--image-size', '28', '--width', '4', '--residual-blocks', '1',
      '--batch-size', '2', '--steps', '3', '--out', run]);
    assert.equal(trained.status, 0, trained.stderr);
    const saved = JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8'));
    assert.deepEqual([saved.model, saved.recipe, saved.imageShape], ['cyclegan', 'cyclegan', [3, 28, 28]]);

    const outputs: Record<string, Buffer[]> = {};
    for (const [direction, folder] of [['BtoA', 'testB'], ['AtoB', 'testA']]) {
      const out = path.join(root, direction);
      const done = ganforge(['translate', '--checkpoint', run, '--in', path.join(set, folder), '--direction', direction, '--out', out]);
      assert.equal(done.status, 0, done.stderr);
      assert.deepEqual(fs.readdirSync(out).sort(), fs.readdirSync(path.join(set, folder)).sort());
      outputs[direction] = fs.readdirSync(out).sort().map((name) => {
        const image = decodePng(fs.readFileSync(path.join(out, name)));
        assert.deepEqual([image.width, image.height, image.channels], [28, 28, 3], name);
        return fs.readFileSync(path.join(out, name));
      });
    }
    // G and F are different networks: the same input goes two ways.
    const same = path.join(root, 'same');
    assert.equal(ganforge(['translate', '--checkpoint', run, '--in', path.join(set, 'testB'), '--direction', 'AtoB', '--out', same]).status, 0);
    const viaG = fs.readdirSync(same).sort().map((name) => fs.readFileSync(path.join(same, name)));
    assert.ok(viaG.some((b, i) => !b.equals(outputs.BtoA[i])), 'BtoA (F) and AtoB (G) differ on the same images');
  });
});
