// TransGAN: its layout (stages, heads, grid attention at the last stage), shapes and state sizes, the sizes it
// refuses, its paper defaults (DiffAugment, Adam β (0, 0.99)), gradients of G and D, a few training steps on tiny
// digits with finite losses and flat live tensors, the same picture from the same seed, an exact resume, and
// an ONNX export of G with weights far from their small start.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ImageDataset } from '../../src/data/dataset';
import { loadBundledMnist } from '../../src/data/mnist';
import { exportGenerator } from '../../src/export/onnx';
import { DEFAULT_CONFIG, TrainConfig, validateConfig } from '../../src/gan/config';
import { transganFamily, TransganDiscriminator, TransganGenerator } from '../../src/gan/models/transgan';
import { transganDiscriminatorSize, transganGeneratorSize, transganLayout } from '../../src/gan/models/transgan-parts';
import { RECIPES } from '../../src/gan/recipes';
import { buildRun } from '../../src/gan/registry';
import { resolveConfig } from '../../src/gan/resolve';
import { generate } from '../../src/gan/sampling';
import { train } from '../../src/gan/trainer';
import { GridAttention, MultiHeadAttention, TransformerBlock } from '../../src/nn';
import { manualSeed, memory, noGrad, randn, setDefaultDType, tidy } from '../../src/torch';
import { readMetrics, tempDir } from '../helpers/fixtures';
import { gradcheck, values } from '../helpers/gradcheck';
import { maxAbsDiff, ortMissing, runOnnx } from '../helpers/onnx';
import { assertSameRun, trainInTwoSessions } from '../helpers/same-checkpoint';

const quiet = { log: () => undefined };
const elements = (m: { stateDict(): Map<string, { numel: number }> }) => [...m.stateDict().values()].reduce((n, t) => n + t.numel, 0);

/** `count` bundled digits subsampled to side×side (nearest pixel). */
function digits(count: number, side: number): ImageDataset {
  const full = loadBundledMnist();
  const stride = Math.floor(full.count / count);
  const images = new Uint8Array(count * side * side);
  for (let i = 0; i < count; i++) {
    const at = i * stride * 784;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) images[(i * side + y) * side + x] = full.images[at + Math.floor(((y + 0.5) * 28) / side) * 28 + Math.floor(((x + 0.5) * 28) / side)];
    }
  }
  return { ...full, name: `digits-${side}`, images, labels: null, classes: null, count, height: side, width: side };
}

function config(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return validateConfig({
    ...DEFAULT_CONFIG, ...transganFamily.defaults, model: 'transgan', imageShape: [1, 16, 16], numClasses: 0, epochs: null, steps: 6,
    batchSize: 8, width: 4, gridSize: 4, metricsEvery: 1, logEvery: 2, ...overrides,
  } as TrainConfig);
}

/** Every parameter N(0, 0.3²): far from the N(0, 0.02²) start, so attention is sharp and every term matters. */
function randomise(network: { parameters(): { normal_(m: number, s: number): unknown }[] }): void {
  noGrad(() => network.parameters().forEach((p) => p.normal_(0, 0.3)));
}

describe('TransGAN networks', () => {
  it('layout: three stages, dims ÷ 4 and side × 2 per stage, grid attention (windows of side/4) at the last only', () => {
    const { start, stages, discriminator } = transganLayout([1, 28, 28], 8);
    assert.equal(start, 7);
    assert.deepEqual(stages.map((s) => [s.side, s.dim, s.heads, s.window ?? null]), [[7, 128, 4, null], [14, 32, 2, null], [28, 8, 1, 7]]);
    assert.deepEqual(discriminator, { tokens: 49, dim: 64, heads: 4, depth: 3 });
    manualSeed(1);
    const g = new TransganGenerator(16, [1, 28, 28], 8);
    const blocks = g.body.layers.filter((l): l is TransformerBlock => l instanceof TransformerBlock);
    assert.deepEqual(blocks.map((b) => [b.dim, b.attention instanceof GridAttention]), [[128, false], [128, false], [32, false], [32, false], [8, true]]);
    const grid = blocks[4].attention as GridAttention;
    assert.deepEqual([grid.side, grid.window, grid.cells], [28, 7, 4]);
    assert.ok(blocks.slice(0, 4).every((b) => b.attention instanceof MultiHeadAttention));
    g.dispose();
  });

  it('G draws [N, C, H, W] in [-1, 1] and D scores [N, 1]; state sizes match the counts, at 28, 32 and 8 pixels', () => {
    for (const [shape, width] of [[[1, 28, 28], 8], [[3, 32, 32], 4], [[3, 8, 8], 4]] as const) {
      manualSeed(2);
      const g = new TransganGenerator(10, [...shape], width);
      const d = new TransganDiscriminator([...shape], width);
      randomise(g);
      tidy(() => {
        const images = g.forward(randn([3, 10]));
        assert.deepEqual(images.shape, [3, ...shape]);
        assert.ok(images.abs().max().item() <= 1);
        assert.ok(images.variance().item() > 1e-3, 'the images vary');
        assert.deepEqual(d.forward(images).shape, [3, 1]);
      });
      assert.equal(elements(g), transganGeneratorSize(10, [...shape], width), `${shape}: G size`);
      assert.equal(elements(d), transganDiscriminatorSize([...shape], width), `${shape}: D size`);
      g.dispose();
      d.dispose();
    }
  });

  it('refuses sizes without two ×2 stages from side/4, in one line', () => {
    const spec = (h: number, w: number) => ({ imageShape: [1, h, w] as [number, number, number], latentDim: 8, numClasses: 0, width: null });
    assert.equal(transganFamily.unsupported!(spec(28, 28)), null);
    assert.equal(transganFamily.unsupported!(spec(12, 12)), null);
    for (const [h, w] of [[30, 30], [4, 4], [28, 32]]) {
      assert.match(transganFamily.unsupported!(spec(h, w))!, new RegExp(`^needs square images whose side is a multiple of 4, at least 8 \\(28, 32, 64, …\\), got ${h}×${w}$`));
    }
  });

  it('the paper\'s settings are the family\'s defaults and the recipe\'s: DiffAugment color,translation,cutout, Adam β (0, 0.99)', () => {
    const resolved = resolveConfig({ flags: { model: 'transgan' } });
    assert.deepEqual([resolved.diffAugment, resolved.beta1, resolved.beta2, resolved.loss], ['color,translation,cutout', 0, 0.99, 'hinge']);
    const recipe = resolveConfig({ recipe: 'transgan-mnist', flags: {} });
    assert.deepEqual([recipe.model, recipe.diffAugment, recipe.beta1, recipe.beta2, recipe.timeBudget], ['transgan', 'color,translation,cutout', 0, 0.99, 300]);
    assert.ok(RECIPES['transgan-mnist'].summary.includes('DiffAugment'));
  });
});

describe('TransGAN gradients (float64)', () => {
  before(() => setDefaultDType('float64'));
  after(() => setDefaultDType('float32'));

  it('G w.r.t. z and D w.r.t. its input', () => {
    manualSeed(3);
    const g = new TransganGenerator(3, [1, 8, 8], 4);
    randomise(g);
    gradcheck('TransGAN G', (z) => g.forward(z), [{ data: values(2 * 3, 81), shape: [2, 3] }], { atol: 1e-5 });
    g.dispose();
    const d = new TransganDiscriminator([1, 8, 8], 4);
    randomise(d);
    gradcheck('TransGAN D', (x) => d.forward(x), [{ data: values(2 * 64, 82), shape: [2, 1, 8, 8] }], { atol: 1e-5 });
    d.dispose();
  });
});

describe('TransGAN trains', () => {
  const data = digits(48, 16);

  it('a few steps with DiffAugment on: finite losses, live tensors flat, every tensor freed', () => {
    const before = memory().liveTensors;
    const run = buildRun(config(), data);
    const live: number[] = [];
    try {
      for (let step = 0; step < 5; step++) {
        const s = run.step({ step, epoch: 1, batchInEpoch: step % run.batchesPerEpoch });
        assert.ok(Number.isFinite(s.loss_d) && Number.isFinite(s.loss_g), `finite losses at step ${step}: ${JSON.stringify(s)}`);
        live.push(memory().liveTensors);
      }
    } finally {
      run.dispose();
    }
    assert.equal(new Set(live.slice(1)).size, 1, `live tensors flat: ${live}`);
    assert.equal(memory().liveTensors, before, 'the run frees every tensor');
  });

  it('the same seed draws the same picture, another seed another; a resume ends bit-identical', async () => {
    const root = tempDir('transgan');
    const run = async (name: string, seed: number) => {
      const out = path.join(root, name);
      await train(config({ seed }), data, out, null, quiet);
      return fs.readFileSync(path.join(out, 'samples.png'));
    };
    const [a, b, c] = [await run('a', 1), await run('b', 1), await run('c', 2)];
    assert.ok(a.equals(b), 'same seed, same samples.png');
    assert.ok(!a.equals(c), 'another seed, other samples');

    const split = path.join(root, 'split');
    await trainInTwoSessions(config({ seed: 1 }), data, split, 3);
    assert.equal(readMetrics(split).length, 6);
    assertSameRun(split, path.join(root, 'a'), ['step', 'loss_d', 'loss_g', 'd_x', 'd_g_z', 'd_g_z2']);
  });
});

describe('TransGAN G as ONNX, weights far from their start', { skip: ortMissing() }, () => {
  it('onnxruntime draws libtorch\'s images at opsets 13 and 21 (the composed layer norm and GELU serve both)', async () => {
    manualSeed(4);
    const g = new TransganGenerator(6, [1, 16, 16], 4);
    randomise(g);
    const z = randn([3, 6]);
    const expected = generate(g, z);
    for (const opset of [13, 21]) {
      const { image } = await runOnnx(exportGenerator(g, { conditional: false, opset }), { z: { data: z.toFloat32Array(), dims: [3, 6] } });
      assert.ok(maxAbsDiff(image.data, expected) <= 1e-4, `opset ${opset}: max abs difference ${maxAbsDiff(image.data, expected)}`);
    }
    assert.ok(Math.max(...expected.map(Math.abs)) > 0.1, 'the images are not all near 0');
    z.dispose();
    g.dispose();
  });
});
