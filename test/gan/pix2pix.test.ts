// pix2pix: the U-Net and PatchGAN shapes and gradients, a few training steps on tiny paired digits (finite
// losses, L1 falling, flat live tensors), an exact resume through the trainer, the input | output | target
// preview, and `ganforge translate` on a trained run (names and count kept; a noise model's run refused).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ImageDataset } from '../../src/data/dataset';
import { sobelEdges } from '../../src/data/edges';
import { loadBundledMnist } from '../../src/data/mnist';
import type { TrainConfig } from '../../src/gan/config';
import { patchDiscriminatorSize, PatchDiscriminator, UNetGenerator, unetSize } from '../../src/gan/models/translation-parts';
import { buildRun } from '../../src/gan/registry';
import { resolveConfig } from '../../src/gan/resolve';
import { train } from '../../src/gan/trainer';
import { decodePng, encodePng } from '../../src/io/png';
import { manualSeed, memory, randn, setDefaultDType, tidy } from '../../src/torch';
import { ganforge, readMetrics, tempDir } from '../helpers/fixtures';
import { gradcheck, values } from '../helpers/gradcheck';
import { assertSameRun, trainInTwoSessions } from '../helpers/same-checkpoint';
import { stepRun } from '../helpers/tiny-run';

/** `count` bundled digits as pairs: the edge map as input, the digit as target; `test` more as the held-out split. */
function edgePairs(count: number, test: number, offset = 0): ImageDataset {
  const digits = loadBundledMnist();
  const make = (from: number, n: number): ImageDataset => {
    const images = new Uint8Array(n * 784);
    const targets = new Uint8Array(n * 784);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const at = ((from + i) * 97) % digits.count; // spread over the classes (the bundled digits are sorted)
      const digit = digits.images.subarray(at * 784, (at + 1) * 784);
      targets.set(digit, i * 784);
      images.set(sobelEdges(digit, 28, 28), i * 784);
      labels[i] = digits.labels![at];
    }
    return { name: `edges-${n}`, images, targets, labels, count: n, channels: 1, height: 28, width: 28, classes: digits.classes };
  };
  return { ...make(offset, count), heldOut: make(offset + count, test) };
}

function config(overrides: Partial<TrainConfig>): TrainConfig {
  return {
    ...resolveConfig({ flags: { model: 'pix2pix', steps: 12, batchSize: 4, width: 8, metricsEvery: 1, logEvery: 4, ...overrides } }),
    imageShape: [1, 28, 28], numClasses: 10,
  };
}

describe('pix2pix networks', () => {
  it('the U-Net pads 28 to 32 and crops back; the PatchGAN keeps a few patches per side; sizes match the counts', () => {
    manualSeed(1);
    for (const [shape, patches] of [[[1, 28, 28], 5], [[3, 64, 64], 6], [[3, 16, 16], 2]] as const) {
      for (const norm of ['batch', 'instance', 'none'] as const) {
        const g = new UNetGenerator([...shape], 4, { norm, dropout: 0.5 });
        const d = new PatchDiscriminator(2 * shape[0], shape[1], 4, norm);
        tidy(() => {
          const x = randn([2, ...shape]);
          const y = g.forward(x);
          assert.deepEqual(y.shape, [2, ...shape]);
          assert.ok(y.abs().max().item() <= 1, 'tanh output');
          assert.deepEqual(d.forward(randn([2, 2 * shape[0], shape[1], shape[2]])).shape, [2, 1, patches, patches]);
        });
        const count = (m: UNetGenerator | PatchDiscriminator) => [...m.stateDict().values()].reduce((n, t) => n + t.numel, 0);
        assert.equal(count(g), unetSize([...shape], 4, { norm }), `U-Net size ${shape} ${norm}`);
        assert.equal(count(d), patchDiscriminatorSize(2 * shape[0], shape[1], 4, norm), `PatchGAN size ${shape} ${norm}`);
        g.dispose();
        d.dispose();
      }
    }
    // Without skips (DiscoGAN's encoder-decoder) the decoder reads half the channels.
    assert.ok(unetSize([1, 32, 32], 4, { norm: 'batch', skips: false }) < unetSize([1, 32, 32], 4, { norm: 'batch' }));
    assert.throws(() => new UNetGenerator([1, 28, 30], 4, { norm: 'batch' }), /U-Net needs square images, got 28×30/);
  });
});

describe('pix2pix network gradients (float64)', () => {
  before(() => setDefaultDType('float64'));
  after(() => setDefaultDType('float32'));

  it('U-Net (8×8, instance norm, with decoder dropout) and the padded U-Net (12×12 → 16×16) w.r.t. their input', () => {
    manualSeed(4);
    const g = new UNetGenerator([1, 8, 8], 2, { norm: 'instance', dropout: 0.5 });
    gradcheck('U-Net', (x) => g.forward(x), [{ data: values(2 * 64, 31), shape: [2, 1, 8, 8] }], { before: () => manualSeed(17), atol: 1e-5 });
    g.dispose();
    const padded = new UNetGenerator([1, 12, 12], 2, { norm: 'batch' });
    gradcheck('padded U-Net', (x) => padded.forward(x), [{ data: values(2 * 144, 32), shape: [2, 1, 12, 12] }], { atol: 1e-5 });
    padded.dispose();
  });

  it('PatchGAN w.r.t. its input', () => {
    manualSeed(5);
    const d = new PatchDiscriminator(2, 8, 2, 'instance');
    gradcheck('PatchGAN', (x) => d.forward(x), [{ data: values(2 * 2 * 64, 33), shape: [2, 2, 8, 8] }]);
    d.dispose();
  });
});

describe('pix2pix trains', () => {
  it('a few steps on tiny paired digits: finite losses, L1 falls, live tensors flat, every norm', () => {
    const data = edgePairs(32, 8);
    for (const norm of ['batch', 'instance'] as const) {
      const run = buildRun(config({ norm }), data);
      const { scalars, live } = stepRun(run, 16);
      run.dispose();
      for (const s of scalars) for (const key of ['loss_d', 'loss_g', 'loss_l1', 'd_x', 'd_g_z', 'd_g_z2']) assert.ok(Number.isFinite(s[key]), `${norm} ${key}: ${JSON.stringify(s)}`);
      assert.equal(new Set(live.slice(2)).size, 1, `${norm}: live tensors flat: ${[...new Set(live)]}`);
      const early = (scalars[0].loss_l1 + scalars[1].loss_l1) / 2;
      const late = (scalars[14].loss_l1 + scalars[15].loss_l1) / 2;
      assert.ok(late < early, `${norm}: L1 falls (${early} → ${late})`);
    }
  });

  it('refuses unpaired data and the wgan-gp loss, in one line each', () => {
    const digits = loadBundledMnist();
    assert.throws(() => buildRun(config({}), digits), /^Error: model 'pix2pix' translates images and needs paired data/);
    assert.throws(() => buildRun(config({ loss: 'wgan-gp' }), edgePairs(8, 2)), /not wgan-gp/);
  });

  it('through the trainer: its log line, input | output | target grids, and a resume that ends bit-identical', async () => {
    const data = edgePairs(24, 8);
    const root = tempDir('pix2pix-resume');
    const straight = path.join(root, 'straight');
    const lines: string[] = [];
    const before = memory().liveTensors;
    await train(config({ steps: 12 }), data, straight, null, { log: (line) => lines.push(line) });
    assert.equal(memory().liveTensors, before, 'the run frees every tensor');
    assert.match(lines.join('\n'), /\[2\/2\]\[6\/6\] Loss_D: \d+\.\d{4} Loss_G_GAN: \d+\.\d{4} L1: \d+\.\d{4} D\(x,y\): \d\.\d{4} D\(x,G\(x\)\): \d\.\d{4} \/ \d\.\d{4}/);
    const grid = decodePng(fs.readFileSync(path.join(straight, 'samples', 'epoch-0002.png')));
    // 8 held-out examples, input | output | target, two examples (six tiles of 28 + 2 padding) per row.
    assert.deepEqual([grid.width, grid.height, grid.channels], [6 * 30 + 2, 4 * 30 + 2, 1]);
    // The first tile is the first held-out input, exactly (the edge map).
    const firstInput = data.heldOut!.images.subarray(0, 784);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) assert.equal(grid.pixels[(2 + y) * grid.width + 2 + x], firstInput[y * 28 + x]);

    const split = path.join(root, 'split');
    await trainInTwoSessions(config({ steps: 12 }), data, split, 5);
    assertSameRun(split, straight, ['step', 'loss_d', 'loss_g', 'loss_l1', 'd_x', 'd_g_z', 'd_g_z2']);
  });
});

describe('ganforge translate', () => {
  const root = tempDir('translate-cli');
  const pairs = path.join(root, 'pairs');
  const run = path.join(root, 'run');

  it('trains from the aligned layout, then translates a folder with the same names and count, and one file', () => {
    assert.equal(ganforge(['data', 'edges2digits', '--out', pairs, '--n', '16', '--test-n', '5']).status, 0);
    const trained = ganforge(['train', '--model', 'pix2pix', '--dataset', pairs, '--image-size', '28', '--grayscale', '--width', '4',
      '--batch-size', '4', '--steps', '3', '--out', run]);
    assert.equal(trained.status, 0, trained.stderr);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8')).imageShape, [1, 28, 28]);

    const out = path.join(root, 'out');
    const done = ganforge(['translate', '--checkpoint', run, '--in', path.join(pairs, 'test'), '--paired', '--out', out]);
    assert.equal(done.status, 0, done.stderr);
    assert.deepEqual(fs.readdirSync(out).sort(), fs.readdirSync(path.join(pairs, 'test')).sort());
    for (const name of fs.readdirSync(out)) {
      const image = decodePng(fs.readFileSync(path.join(out, name)));
      assert.deepEqual([image.width, image.height, image.channels], [28, 28, 1], name);
    }
    // One file, not a pair: the whole 56×28 image is resized (center-cropped) to the model's 28×28.
    const single = path.join(root, 'single');
    const file = fs.readdirSync(path.join(pairs, 'test'))[0];
    const one = ganforge(['translate', '--checkpoint', run, '--in', path.join(pairs, 'test', file), '--out', single]);
    assert.equal(one.status, 0, one.stderr);
    assert.deepEqual(fs.readdirSync(single), [file]);
  });

  it('refuses a noise model, a direction the run did not learn, an odd-width pair and --out = --in, each in one line', () => {
    const noise = path.join(root, 'noise');
    assert.equal(ganforge(['train', '--model', 'mlp', '--steps', '1', '--batch-size', '8', '--out', noise]).status, 0);
    const cases: [string[], RegExp][] = [
      [['--checkpoint', noise, '--in', path.join(pairs, 'test'), '--out', path.join(root, 'x')], /model 'mlp' draws images from noise; translate needs an image-to-image run/],
      [['--checkpoint', run, '--in', path.join(pairs, 'test'), '--out', path.join(root, 'y'), '--direction', 'BtoA'], /this pix2pix run learned AtoB only, not BtoA/],
      [['--checkpoint', run, '--in', path.join(pairs, 'test'), '--out', path.join(pairs, 'test')], /--out is the --in folder/],
    ];
    const odd = path.join(root, 'odd');
    fs.mkdirSync(odd);
    fs.writeFileSync(path.join(odd, 'a.png'), encodePng({ width: 57, height: 28, channels: 1, pixels: new Uint8Array(57 * 28) }));
    cases.push([['--checkpoint', run, '--in', odd, '--paired', '--out', path.join(root, 'z')], /a\.png: 57×28 is not two images of the same size side by side/]);
    // The other way round: sample and eval-every on a translation run point elsewhere.
    cases.push([['sample', '--checkpoint', run, '--out', path.join(root, 's.png')], /model 'pix2pix' does not draw images from noise \(it translates images: use ganforge translate\)/]);
    cases.push([['train', '--model', 'pix2pix', '--dataset', pairs, '--image-size', '28', '--grayscale', '--eval-every', '5', '--out', path.join(root, 'e')],
      /--eval-every: model 'pix2pix' draws no samples from noise for the judge to score/]);
    for (const [args, pattern] of cases) {
      const result = ganforge(['sample', 'train'].includes(args[0]) ? args : ['translate', ...args]);
      assert.notEqual(result.status, 0, args.join(' '));
      const lines = result.stderr.trim().split('\n').filter((l) => !l.startsWith('translate '));
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0], pattern);
    }
  });
});
