// BigGAN: the hierarchical split of z and the shapes it feeds, the projection discriminator's output against a
// hand computation from its pooled features, a few training steps on tiny digits (finite losses, flat live
// tensors), `--class` and truncation from a trained run (the same seed, the same picture), and a resume through
// the trainer that ends bit-identical.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { ImageDataset } from '../../src/data/dataset';
import { loadBundledMnist } from '../../src/data/mnist';
import { buildDiscriminator, type AdversarialRun } from '../../src/gan/adversarial';
import type { TrainConfig } from '../../src/gan/config';
import { BigGanDiscriminator, BigGanGenerator, bigganFamily, SHARED_EMBEDDING_DIM } from '../../src/gan/models/biggan';
import { chunkStarts, latentChunks } from '../../src/gan/models/biggan-parts';
import { buildRun } from '../../src/gan/registry';
import { resolveConfig } from '../../src/gan/resolve';
import { sampleRun } from '../../src/gan/run-samples';
import { train } from '../../src/gan/trainer';
import { manualSeed, memory, randn, tensor, tidy } from '../../src/torch';
import { ganforge, tempDir } from '../helpers/fixtures';
import { assertSameRun, trainInTwoSessions } from '../helpers/same-checkpoint';

/** `count` bundled digits spread over the classes (the bundled set is sorted by class). */
function digits(count: number): ImageDataset {
  const all = loadBundledMnist();
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const at = (i * 97) % all.count;
    images.set(all.images.subarray(at * 784, (at + 1) * 784), i * 784);
    labels[i] = all.labels![at];
  }
  return { ...all, name: `digits-${count}`, images, labels, count };
}

function config(data: ImageDataset, overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    ...resolveConfig({ flags: { model: 'biggan', steps: 8, batchSize: 8, width: 4, gridSize: 10, metricsEvery: 1, logEvery: 4, ...overrides } }),
    imageShape: [data.channels, data.height, data.width],
    numClasses: data.classes!.length,
  };
}

describe('BigGAN networks', () => {
  it('z is split into one chunk per consumer, the first taking the remainder', () => {
    assert.deepEqual(latentChunks(100, 3), [34, 33, 33]);
    assert.deepEqual(latentChunks(120, 4), [30, 30, 30, 30]);
    assert.deepEqual(latentChunks(8, 2), [4, 4]);
    assert.deepEqual(latentChunks(7, 4), [4, 1, 1, 1]);
    assert.deepEqual(chunkStarts([34, 33, 33]), [0, 34, 67]);
  });

  it('G: one up block per doubling, each conditioned on the shared embedding and its own chunk; images of the data\'s shape', () => {
    manualSeed(1);
    for (const [shape, blocks, chunks] of [[[1, 28, 28], 2, [34, 33, 33]], [[3, 32, 32], 3, [25, 25, 25, 25]], [[3, 8, 8], 1, [50, 50]]] as const) {
      const g = new BigGanGenerator(100, [...shape], 10, 4);
      assert.equal(g.blocks.length, blocks);
      assert.deepEqual(g.chunks, chunks);
      assert.deepEqual(g.linear.weight.shape, [g.channels[0] * g.start * g.start, chunks[0]]);
      // The class vectors start at about unit length (BigGAN's orthogonal init's scale), not PyTorch's √dim.
      const rows = g.shared.weight.toFloat32Array();
      const lengths = Array.from({ length: 10 }, (_, k) => Math.hypot(...rows.subarray(k * SHARED_EMBEDDING_DIM, (k + 1) * SHARED_EMBEDDING_DIM)));
      assert.ok(lengths.every((l) => l > 0.5 && l < 1.5), `class vector lengths ${lengths}`);
      g.blocks.forEach((block, i) => {
        for (const norm of [block.bn1, block.bn2]) assert.deepEqual(norm.gain.weight.shape.slice(1), [SHARED_EMBEDDING_DIM + chunks[i + 1]]);
      });
      tidy(() => {
        const z = randn([3, 100]);
        const labels = tensor([0, 4, 9], [3], 'int64');
        const x = g.forward(z, labels);
        assert.deepEqual(x.shape, [3, ...shape]);
        assert.ok(x.abs().max().item() <= 1, 'tanh output');
        // Every chunk reaches the image: changing only chunk i (of sample 0) changes sample 0.
        g.eval();
        const base = g.forward(z, labels).toFloat32Array().subarray(0, shape[0] * shape[1] * shape[2]);
        chunkStarts(g.chunks).forEach((start, i) => {
          const moved = z.toFloat32Array().slice();
          for (let k = start; k < start + g.chunks[i]; k++) moved[k] += 1;
          const other = g.forward(tensor(Array.from(moved), [3, 100]), labels).toFloat32Array().subarray(0, base.length);
          assert.ok(other.some((v, k) => Math.abs(v - base[k]) > 1e-6), `chunk ${i} changes the image`);
        });
        g.train();
      });
      g.dispose();
    }
  });

  it('D: linear(h) + ⟨embed(y), h⟩ with h the ReLU\'d features summed over positions, then the auxiliary class logits from the whole ReLU\'d map, as computed by hand', () => {
    manualSeed(2);
    const d = new BigGanDiscriminator([1, 28, 28], 10, 4);
    tidy(() => {
      const x = randn([3, 1, 28, 28]);
      const labels = [2, 7, 7];
      const out = d.forward(x, tensor(labels, [3], 'int64'));
      assert.deepEqual(out.shape, [3, 11]);
      // h from the blocks (attention after the first), then the head in plain JS.
      let features = d.blocks[0].forward(x);
      features = d.attention.forward(features);
      features = d.blocks[1].forward(features);
      const [, channels, height, width] = features.shape;
      const f = features.toFloat32Array();
      const w = d.linear.weight.toFloat32Array(), b = d.linear.bias!.toFloat32Array()[0], e = d.embed.weight.toFloat32Array();
      // The classifier: a conv the size of the map, i.e. Σ over channels and positions of weight · ReLU(feature).
      const a = d.classifier.weight.toFloat32Array(), ab = d.classifier.bias!.toFloat32Array();
      const positions = height * width;
      const got = out.toFloat32Array();
      const close = (value: number, expected: number, what: string) =>
        assert.ok(Math.abs(value - expected) < 1e-3 * Math.max(1, Math.abs(expected)), `${what}: ${value} vs ${expected}`);
      labels.forEach((y, n) => {
        const h = Array.from({ length: channels }, (_, c) => {
          let sum = 0;
          for (let p = 0; p < height * width; p++) sum += Math.max(0, f[(n * channels + c) * height * width + p]);
          return sum;
        });
        close(got[n * 11], h.reduce((s, hc, c) => s + (w[c] + e[y * channels + c]) * hc, b), `sample ${n}, adversarial`);
        for (let k = 0; k < 10; k++) {
          let logit = ab[k];
          for (let c = 0; c < channels; c++) {
            for (let p = 0; p < positions; p++) logit += a[(k * channels + c) * positions + p] * Math.max(0, f[(n * channels + c) * positions + p]);
          }
          close(got[n * 11 + 1 + k], logit, `sample ${n}, class ${k}`);
        }
      });
    });
    d.dispose();
  });

  it('spectral norm (the family\'s gd) covers every weight layer of D but the auxiliary classifier', () => {
    manualSeed(3);
    const d = buildDiscriminator(bigganFamily.parts, { imageShape: [1, 28, 28], latentDim: 100, numClasses: 10, width: 4, spectralNorm: 'gd' });
    const normalised = d.namedBuffers().filter(([name]) => name.endsWith('weight_u')).map(([name]) => name.replace(/\.weight_u$/, ''));
    const weighted = d.namedParameters().filter(([name]) => name.endsWith('.weight') && !name.startsWith('embed')).map(([name]) => name.replace(/\.weight$/, ''));
    assert.ok(weighted.includes('aux'));
    assert.deepEqual(normalised.sort(), weighted.filter((name) => name !== 'aux').sort());
    d.dispose();
  });

  it('the family refuses data without labels and a latent too small to split', () => {
    const spec = { imageShape: [1, 28, 28] as [number, number, number], latentDim: 100, numClasses: 10, width: 4 };
    assert.equal(bigganFamily.unsupported!(spec), null);
    assert.match(bigganFamily.unsupported!({ ...spec, numClasses: 0 })!, /needs a labelled data set/);
    assert.match(bigganFamily.unsupported!({ ...spec, latentDim: 2 })!, /^splits z into 3 chunks for 28×28 images: needs --latent-dim 3 or more$/);
    assert.match(bigganFamily.unsupported!({ ...spec, imageShape: [1, 30, 30] })!, /needs square images/);
  });
});

describe('BigGAN training', () => {
  const data = digits(64);

  it('trains a few steps with its defaults (spectral norm in G and D, hinge, ortho, EMA): finite losses, live tensors flat', () => {
    const cfg = config(data);
    assert.deepEqual([cfg.spectralNorm, cfg.loss, cfg.orthoBeta, cfg.emaDecay > 0], ['gd', 'hinge', 1e-4, true]);
    const run = buildRun(cfg, data) as AdversarialRun;
    assert.ok(run.generator.namedBuffers().some(([name]) => name.endsWith('weight_u')), 'spectral norm in G');
    const live: number[] = [];
    for (let step = 0; step < 10; step++) {
      const s = run.step({ step, epoch: Math.floor(step / run.batchesPerEpoch) + 1, batchInEpoch: step % run.batchesPerEpoch });
      for (const key of ['loss_d', 'loss_g']) assert.ok(Number.isFinite(s[key]), `${key}: ${JSON.stringify(s)}`);
      live.push(memory().liveTensors);
    }
    run.dispose();
    assert.equal(new Set(live.slice(2)).size, 1, `live tensors flat: ${[...new Set(live)]}`);
  });

  it('G\'s loss carries D\'s class cross-entropy ×classWeight (the family\'s defaults: weight 3, the classifier learning on real digits only)', () => {
    assert.deepEqual([config(data).classifyFakes, config(data).classWeight], [false, 3]);
    // One step from the same seed for several weights: D's step does not depend on the weight, so G's losses
    // differ only by weight × the same cross-entropy, and (L₃ − L₀) / (L₁ − L₀) is 3.
    const first = (classWeight: number) => {
      manualSeed(7);
      const run = buildRun(config(data, { classWeight }), data) as AdversarialRun;
      try {
        return run.step({ step: 0, epoch: 1, batchInEpoch: 0 });
      } finally {
        run.dispose();
      }
    };
    const [l0, l1, l3] = [0, 1, 3].map(first);
    assert.equal(l1.loss_d, l0.loss_d, "D's step ignores the weight");
    const crossEntropy = l1.loss_g - l0.loss_g;
    assert.ok(crossEntropy > 0.5 && crossEntropy < 20, `G's class cross-entropy ${crossEntropy}`);
    assert.ok(Math.abs((l3.loss_g - l0.loss_g) / crossEntropy - 3) < 1e-3, `${l3.loss_g - l0.loss_g} vs 3 × ${crossEntropy}`);
  });

  it('through the trainer and the CLI: --class K and --truncation (the same seed, the same picture), and a resume that ends bit-identical', async () => {
    const straight = tempDir('biggan-straight');
    const before = memory().liveTensors;
    await train(config(data), data, straight, null, { log: () => undefined });
    assert.equal(memory().liveTensors, before, 'the run frees every tensor');

    const draw = (seed: number, truncation?: number, classIndex?: number) =>
      sampleRun(straight, { n: 6, seed, truncation, classIndex }).images;
    const truncated = draw(3, 0.5);
    assert.deepEqual(draw(3, 0.5), truncated, 'same seed, same ψ: the same images');
    assert.notDeepEqual(draw(4, 0.5), truncated, 'another seed, other images');
    assert.notDeepEqual(draw(3, 0.5, 3), truncated, 'another class (all 3s instead of 0…5 in turn), other images');

    const file = path.join(straight, 'sevens.png');
    const sampled = ganforge(['sample', '--checkpoint', straight, '--class', '7', '--n', '4', '--truncation', '0.7', '--out', file]);
    assert.equal(sampled.status, 0, sampled.stderr);
    assert.ok(fs.statSync(file).size > 0);
    const refused = ganforge(['sample', '--checkpoint', straight, '--class', '10', '--n', '4', '--out', path.join(straight, 'none.png')]);
    assert.equal(refused.status, 2, refused.stderr);
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    assert.ok(!fs.existsSync(path.join(straight, 'none.png')));

    const split = tempDir('biggan-split');
    await trainInTwoSessions(config(data), data, split, 3);
    assertSameRun(split, straight, ['step', 'loss_d', 'loss_g', 'd_x', 'd_g_z']);
  });
});
