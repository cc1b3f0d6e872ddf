// Every model family and every loss trains a few dozen steps on tiny data: finite losses, the expected
// shapes, a flat live-tensor count; plus the gradient penalty against hand-computed cases.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateFaces } from '../../src/data/faces';
import type { ImageDataset } from '../../src/data/dataset';
import { loadBundledMnist } from '../../src/data/mnist';
import { TrainConfig } from '../../src/gan/config';
import { gradientPenalty, ganLoss } from '../../src/gan/losses';
import { allFamilies, buildRun, familyFor } from '../../src/gan/registry';
import { resolveConfig } from '../../src/gan/resolve';
import type { AdversarialRun } from '../../src/gan/adversarial';
import { randn, tensor, tidy } from '../../src/torch';
import { stepRun } from '../helpers/tiny-run';

function tinyMnist(count: number): ImageDataset {
  const full = loadBundledMnist();
  const stride = Math.floor(full.count / count);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    images.set(full.images.subarray(i * stride * 784, (i * stride + 1) * 784), i * 784);
    labels[i] = full.labels![i * stride];
  }
  return { ...full, images, labels, count };
}

function configFor(data: ImageDataset, flags: Partial<TrainConfig>): TrainConfig {
  return {
    ...resolveConfig({ flags: { steps: 30, batchSize: 8, ...flags } }),
    imageShape: [data.channels, data.height, data.width],
    numClasses: data.classes?.length ?? 0,
  };
}

/** Trains `steps` steps; returns the scalars, and checks live tensors stay flat after the first steps. */
function trainFew(config: TrainConfig, data: ImageDataset, steps: number) {
  const run = buildRun(config, data) as AdversarialRun;
  const { scalars, live } = stepRun(run, steps);
  const grid = tidy(() => run.samplingGenerator.forward(run.fixedNoise.narrow(0, 0, 4), run.fixedLabels?.narrow(0, 0, 4)).shape);
  run.dispose();
  assert.equal(new Set(live.slice(3)).size, 1, `live tensors flat: ${[...new Set(live)]}`);
  return { scalars, grid };
}

describe('every model family trains', () => {
  const mnist = tinyMnist(96);
  const faces = generateFaces(24, 64, 3);

  // Noise-to-image families; the image-to-image and editing ones have their own tests (pix2pix, stargan).
  for (const family of allFamilies().filter((f) => f.noiseSampler)) {
    it(`${family.name} on 28×28 digits: finite losses, images of the data's shape`, () => {
      const config = configFor(mnist, { model: family.name });
      const { scalars, grid } = trainFew(config, mnist, 24);
      for (const s of scalars) assert.ok(Number.isFinite(s.loss_d) && Number.isFinite(s.loss_g), JSON.stringify(s));
      assert.deepEqual(grid, [4, 1, 28, 28]);
    });
  }

  it('dcgan on 64×64 colour faces (the standard four-stage DCGAN)', () => {
    const config = configFor(faces, { model: 'dcgan', width: 16 });
    const { scalars, grid } = trainFew(config, faces, 6);
    assert.ok(scalars.every((s) => Number.isFinite(s.loss_d) && Number.isFinite(s.loss_g)));
    assert.deepEqual(grid, [4, 3, 64, 64]);
  });

  it('a family refuses data it cannot model, naming the model and the reason', () => {
    assert.throws(() => familyFor({ ...configFor(mnist, { model: 'dcgan' }), imageShape: [1, 30, 30] }), /model 'dcgan' needs square images of side 4·2ⁿ or 7·2ⁿ/);
    assert.throws(() => familyFor({ ...configFor(mnist, { model: 'cgan' }), numClasses: 0 }), /model 'cgan' needs a labelled data set/);
  });
});

describe('every loss trains', () => {
  const mnist = tinyMnist(96);
  const cases: Partial<TrainConfig>[] = [
    { loss: 'minimax' }, { loss: 'non-saturating', labelSmoothing: 0.1 }, { loss: 'lsgan', lsganA: -1, lsganB: 1, lsganC: 0 },
    { loss: 'wgan-gp', dSteps: 5 }, { loss: 'hinge', emaDecay: 0.9 }, { loss: 'non-saturating', lrG: 1e-4, lrD: 4e-4, amsgrad: true },
  ];
  for (const flags of cases) {
    it(`mlp with ${JSON.stringify(flags)}`, () => {
      const { scalars } = trainFew(configFor(mnist, { model: 'mlp', ...flags }), mnist, 20);
      for (const s of scalars) assert.ok(Number.isFinite(s.loss_d), JSON.stringify(s));
      assert.ok(scalars.filter((s) => Number.isFinite(s.loss_g)).length >= 20 / (flags.dSteps ?? 1) - 1);
    });
  }
});

describe('loss values by hand', () => {
  const o = { labelSmoothing: 0, lsganA: 0, lsganB: 1, lsganC: 1 };
  it('lsgan, hinge and wgan on fixed outputs', () => {
    tidy(() => {
      const real = tensor([0.5, 2]);
      const fake = tensor([-1, 0]);
      // lsgan: ½·mean((r−1)²) + ½·mean(f²) = ½·(0.25+1)/2 + ½·(1+0)/2
      assert.ok(Math.abs(ganLoss('lsgan', o).discriminator(real, fake).item() - (0.3125 + 0.25)) < 1e-6);
      assert.ok(Math.abs(ganLoss('lsgan', o).generator(fake).item() - 0.5 * (4 + 1) / 2) < 1e-6);
      // hinge: mean(relu(1−r)) + mean(relu(1+f)) = (0.5+0)/2 + (0+1)/2
      assert.ok(Math.abs(ganLoss('hinge', o).discriminator(real, fake).item() - 0.75) < 1e-6);
      assert.ok(Math.abs(ganLoss('hinge', o).generator(fake).item() - 0.5) < 1e-6);
      assert.ok(Math.abs(ganLoss('wgan-gp', o).discriminator(real, fake).item() - (-0.5 - 1.25)) < 1e-6);
      // label smoothing: BCE(r, 0.9) + BCE(f, 0)
      const sp = (x: number) => Math.log1p(Math.exp(x));
      const expected = [0.5, 2].map((x) => sp(x) - 0.9 * x).reduce((a, b) => a + b) / 2 + [-1, 0].map(sp).reduce((a, b) => a + b) / 2;
      assert.ok(Math.abs(ganLoss('non-saturating', { ...o, labelSmoothing: 0.1 }).discriminator(real, fake).item() - expected) < 1e-6);
    });
  });
});

describe('gradient penalty', () => {
  it('a linear critic w·x has gradient w everywhere: GP = (‖w‖ − 1)², and its gradient in w is 2(‖w‖ − 1)·w/‖w‖', () => {
    tidy(() => {
      const w = tensor([2, -1, 2, 0], [1, 1, 2, 2], 'float64').requiresGrad_(); // ‖w‖ = 3
      const critic = (x: typeof w) => x.mul(w).sum([1, 2, 3]);
      const real = randn([5, 1, 2, 2], { dtype: 'float64' });
      const fake = randn([5, 1, 2, 2], { dtype: 'float64' });
      const gp = gradientPenalty(critic, real, fake);
      assert.ok(Math.abs(gp.item() - 4) < 1e-9, `GP ${gp.item()}`);
      gp.backward();
      const expected = [2, -1, 2, 0].map((v) => (2 * (3 - 1) * v) / 3);
      w.grad!.toArray().forEach((g, i) => assert.ok(Math.abs(g - expected[i]) < 1e-9, `∂GP/∂w[${i}] ${g} vs ${expected[i]}`));
    });
  });

  it('the norm is per sample over the flattened gradient, not over the batch', () => {
    tidy(() => {
      // critic ½‖x‖² per sample: its gradient at x̂ is x̂; with real = fake, x̂ = x whatever ε is.
      const x = tensor([3, 0, 0, 4, 0, 0, 0, 0.5], [2, 1, 2, 2], 'float64'); // per-sample norms 5 and 0.5
      const gp = gradientPenalty((v) => v.square().sum([1, 2, 3]).mul(0.5), x, x);
      assert.ok(Math.abs(gp.item() - ((5 - 1) ** 2 + (0.5 - 1) ** 2) / 2) < 1e-9, `GP ${gp.item()}`);
    });
  });
});
