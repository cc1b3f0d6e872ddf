// The stabilisers as a run uses them: every adversarial family trains a few steps with each one on (finite
// losses, flat live tensors), resumes bit for bit with all of them on (spectral norm's u vectors and
// DiffAugment's draws included), and a family that does not apply one refuses it in one line.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { ImageDataset } from '../../src/data/dataset';
import { loadBundledMnist } from '../../src/data/mnist';
import { AdversarialRun } from '../../src/gan/adversarial';
import { readCheckpoint } from '../../src/gan/checkpoint';
import { DEFAULT_CONFIG, TrainConfig, validateConfig } from '../../src/gan/config';
import { buildRun, modelFamily } from '../../src/gan/registry';
import { checkStabilisers } from '../../src/gan/stabilisers';
import { train } from '../../src/gan/trainer';
import { memory } from '../../src/torch';
import { deterministicPart, readMetrics, tempDir } from '../helpers/fixtures';
import { assertSameTensors, trainInTwoSessions } from '../helpers/same-checkpoint';

const quiet = { log: () => undefined };

/** `count` bundled digits spread over the classes, subsampled to side×side (nearest pixel). */
function digits(count: number, side = 28): ImageDataset {
  const full = loadBundledMnist();
  const stride = Math.floor(full.count / count);
  const images = new Uint8Array(count * side * side);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * stride * 784;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) images[(i * side + y) * side + x] = full.images[at + Math.floor(((y + 0.5) * 28) / side) * 28 + Math.floor(((x + 0.5) * 28) / side)];
    }
    labels[i] = full.labels![i * stride];
  }
  return { ...full, name: 'mnist-small', images, labels, count, height: side, width: side };
}

function config(overrides: Partial<TrainConfig>): TrainConfig {
  return validateConfig({
    ...DEFAULT_CONFIG, imageShape: [1, 28, 28], numClasses: 10, epochs: null, steps: 6, batchSize: 8, width: 4, gridSize: 4,
    metricsEvery: 1, ...overrides,
  } as TrainConfig);
}

const EACH: [string, Partial<TrainConfig>][] = [
  ['spectral norm in D', { spectralNorm: 'd' }],
  ['spectral norm in G and D', { spectralNorm: 'gd' }],
  ['DiffAugment', { diffAugment: 'color,translation,cutout' }],
  ['lazy R1', { r1Gamma: 10, r1Every: 2 }],
  ['orthogonal regularisation', { orthoBeta: 1e-4 }],
];
// With the learning rates decaying over the second half too, so a resume must restore them from the position.
const ALL: Partial<TrainConfig> = { spectralNorm: 'gd', diffAugment: 'color,translation,cutout', r1Gamma: 10, r1Every: 2, orthoBeta: 1e-4, emaDecay: 0.9, lrDecayStart: 0.5 };

describe('stabilisers in training', () => {
  const data = digits(64);
  // The conv family's fixed 256-channel layers are slow at 28×28 on two cores: it trains on 8×8 digits.
  const small = digits(64, 8);
  for (const model of ['mlp', 'conv', 'dcgan', 'cgan', 'acgan', 'sagan']) {
    it(`${model}: each stabiliser trains with finite losses and a flat live-tensor count`, () => {
      for (const [what, overrides] of EACH) {
        const side = model === 'conv' ? 8 : 28;
        const c = config({ ...modelFamily(model).defaults, model, imageShape: [1, side, side], ...overrides });
        const before = memory().liveTensors;
        const run = buildRun(c, side === 8 ? small : data) as AdversarialRun;
        const live: number[] = [];
        try {
          for (let step = 0; step < 5; step++) {
            const s = run.step({ step, epoch: 1, batchInEpoch: step % run.batchesPerEpoch });
            assert.ok(Number.isFinite(s.loss_d) && Number.isFinite(s.loss_g), `${model} with ${what}: finite losses at step ${step}`);
            if (c.r1Gamma > 0) assert.equal(s.r1 !== undefined, step % c.r1Every === 0, `${model}: R1 measured on its steps only`);
            live.push(memory().liveTensors);
          }
        } finally {
          run.dispose();
        }
        assert.equal(new Set(live.slice(1)).size, 1, `${model} with ${what}: live tensors flat: ${live}`);
        assert.equal(memory().liveTensors, before, `${model} with ${what}: the run frees every tensor`);
      }
    });
  }

  it('spectral norm adds a weight_u vector to every weight layer of the networks asked for, and none elsewhere', () => {
    const data8 = digits(16);
    for (const [target, inG, inD] of [['none', 0, 0], ['d', 0, 3], ['gd', 3, 3]] as const) {
      const run = buildRun(config({ model: 'dcgan', spectralNorm: target }), data8) as AdversarialRun;
      try {
        const count = (m: { namedBuffers(): [string, unknown][] }) => m.namedBuffers().filter(([n]) => n.endsWith('weight_u')).length;
        // dcgan at 28×28: G has three transposed convs (7×7, then 14, 28), D two strided convs and the final one.
        assert.equal(count(run.generator), inG, `${target}: G`);
        assert.equal(count(run.discriminator), inD, `${target}: D`);
      } finally {
        run.dispose();
      }
    }
  });

  it('resume with every stabiliser on continues exactly as an uninterrupted run', async () => {
    for (const model of ['dcgan', 'acgan', 'sagan']) {
      const c = config({ ...modelFamily(model).defaults, model, steps: 9, ...ALL });
      const straight = tempDir('stab-straight');
      await train(c, data, straight, null, quiet);
      const resumed = tempDir('stab-resumed');
      await trainInTwoSessions(c, data, resumed, 5); // 8 batches per epoch: the stop falls mid-epoch, on a lazy-R1 step's neighbour
      assert.deepEqual(readMetrics(resumed).map(deterministicPart), readMetrics(straight).map(deterministicPart));
      assertSameTensors(path.join(straight, 'checkpoints', 'last.safetensors'), path.join(resumed, 'checkpoints', 'last.safetensors'));
      const saved = readCheckpoint(path.join(resumed, 'checkpoints', 'last.safetensors'));
      try {
        assert.ok([...saved.tensors.keys()].some((n) => n.startsWith('G.') && n.endsWith('.weight_u')), 'the u vectors are in the checkpoint');
      } finally {
        saved.dispose();
      }
    }
  });

  it('lrDecayStart: both rates hold until that share of the steps, then fall linearly, the last step still training', async () => {
    const c = config({ model: 'dcgan', steps: 8, lrG: 4e-4, lrD: 2e-4, lrDecayStart: 0.5 });
    const run = buildRun(c, data) as AdversarialRun;
    try {
      const seen: [number, number][] = [];
      for (let step = 0; step < 8; step++) {
        run.step({ step, epoch: 0, batchInEpoch: step });
        seen.push([run.optimizerG.lr, run.optimizerD.lr]);
      }
      // Steps 0–4 at the full rates; from step 4 on 1 − (step − 4)/5: 0.8, 0.6, 0.4 at steps 5, 6, 7.
      const expected = [1, 1, 1, 1, 1, 0.8, 0.6, 0.4].map((f) => [4e-4 * f, 2e-4 * f]);
      seen.forEach(([g, d], i) => {
        assert.ok(Math.abs(g - expected[i][0]) < 1e-12 && Math.abs(d - expected[i][1]) < 1e-12, `step ${i}: ${g}, ${d}`);
      });
    } finally {
      run.dispose();
    }
    const straight = tempDir('decay-metrics');
    await train(c, data, straight, null, quiet);
    assert.deepEqual(readMetrics(straight).map((r) => r.lr_factor), [1, 1, 1, 1, 1, 0.8, 0.6, 0.4]);
    // A constant run records no factor.
    const constant = tempDir('constant-metrics');
    await train(config({ model: 'dcgan', steps: 2 }), data, constant, null, quiet);
    assert.ok(readMetrics(constant).every((r) => !('lr_factor' in r)));
  });

  it('a family that does not apply a stabiliser refuses it in one line naming it', () => {
    const pix2pix = modelFamily('pix2pix');
    assert.throws(() => checkStabilisers(pix2pix, config({ model: 'pix2pix', r1Gamma: 10 })), /^OptionError: 'r1Gamma': model 'pix2pix' does not apply it/);
    assert.throws(() => checkStabilisers(pix2pix, config({ model: 'pix2pix', diffAugment: 'color' })), /'diffAugment'/);
    assert.doesNotThrow(() => checkStabilisers(pix2pix, config({ model: 'pix2pix' })));
    assert.doesNotThrow(() => checkStabilisers(modelFamily('dcgan'), config({ model: 'dcgan', ...ALL })));
  });
});
