// StyleGAN2's layers: the modulated convolution against a per-sample loop in plain JS and against libtorch's
// grouped convolution with per-sample kernels (the paper's fused form), equalised linear/conv against their
// definitions, noise injection and minibatch stddev against hand computations; finite-difference gradients of
// each in its inputs and its own parameters (float64).
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EqualConv2d, EqualLinear, minibatchStddev, ModulatedConv2d, modulatedConv2d, NoiseInjection, stddevGroupSize, trackAverage_ } from '../../src/nn';
import { F, manualSeed, memory, noGrad, setDefaultDType, tensor, tidy, zeros } from '../../src/torch';
import { gradcheck, gradcheckParameters, values } from '../helpers/gradcheck';

/** Plain convolution, stride 1, zero padding `pad`: x [C, H, W] (one sample) with kernel(o, i, kh, kw). */
function convOne(x: number[], c: number, h: number, w: number, outs: number, k: number, kernel: (o: number, i: number, a: number, b: number) => number): number[] {
  const pad = (k - 1) / 2;
  const out: number[] = [];
  for (let o = 0; o < outs; o++) {
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        let sum = 0;
        for (let i = 0; i < c; i++) {
          for (let a = 0; a < k; a++) {
            for (let b = 0; b < k; b++) {
              const yy = y + a - pad;
              const xc = xx + b - pad;
              if (yy >= 0 && yy < h && xc >= 0 && xc < w) sum += x[(i * h + yy) * w + xc] * kernel(o, i, a, b);
            }
          }
        }
        out.push(sum);
      }
    }
  }
  return out;
}

/** The per-sample modulated (and demodulated) kernels, built element by element as the paper writes them. */
function modulatedKernels(weight: number[], styles: number[], n: number, outs: number, ins: number, k: number, demodulate: boolean): number[][] {
  return Array.from({ length: n }, (_, s) => {
    const kernel = weight.map((v, idx) => v * styles[s * ins + Math.floor(idx / (k * k)) % ins]);
    if (!demodulate) return kernel;
    for (let o = 0; o < outs; o++) {
      const per = ins * k * k;
      const energy = kernel.slice(o * per, (o + 1) * per).reduce((a, v) => a + v * v, 0);
      for (let j = 0; j < per; j++) kernel[o * per + j] /= Math.sqrt(energy + 1e-8);
    }
    return kernel;
  });
}

describe('modulated convolution (StyleGAN2)', () => {
  const [n, ins, outs, h, w, k] = [2, 3, 2, 4, 5, 3];
  const x = values(n * ins * h * w, 501);
  const weight = values(outs * ins * k * k, 502);
  const styles = values(n * ins, 503, 0.2, 1.5);

  for (const demodulate of [true, false]) {
    it(`${demodulate ? 'with' : 'without'} demodulation: equals a per-sample loop conv with the modulated kernels`, () => {
      const got = tidy(() => modulatedConv2d(tensor(x, [n, ins, h, w]), tensor(weight, [outs, ins, k, k]), tensor(styles, [n, ins]), demodulate).toArray());
      const kernels = modulatedKernels(weight, styles, n, outs, ins, k, demodulate);
      const expected = kernels.flatMap((kernel, s) => convOne(x.slice(s * ins * h * w, (s + 1) * ins * h * w), ins, h, w, outs, k,
        (o, i, a, b) => kernel[((o * ins + i) * k + a) * k + b]));
      assert.equal(got.length, expected.length);
      got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-5, `[${i}] ${v} vs ${expected[i]}`));
    });

    it(`${demodulate ? 'with' : 'without'} demodulation: equals libtorch's grouped conv with one kernel per sample (the fused form)`, () => {
      const kernels = modulatedKernels(weight, styles, n, outs, ins, k, demodulate).flat();
      const [got, grouped] = tidy(() => [
        modulatedConv2d(tensor(x, [n, ins, h, w]), tensor(weight, [outs, ins, k, k]), tensor(styles, [n, ins]), demodulate).toArray(),
        F.conv2d(tensor(x, [1, n * ins, h, w]), tensor(kernels, [n * outs, ins, k, k]), undefined, { padding: 1, groups: n }).toArray(),
      ]);
      got.forEach((v, i) => assert.ok(Math.abs(v - grouped[i]) < 1e-5, `[${i}] ${v} vs ${grouped[i]}`));
    });
  }

  it('demodulation gives every output unit variance for unit-variance input, whatever the styles scale', () => {
    manualSeed(7);
    const big = tidy(() => {
      const input = zeros([4, 16, 12, 12]).normal_(0, 1);
      const kernel = zeros([8, 16, 3, 3]).normal_(0, 1);
      const style = zeros([4, 16]).uniform_(0.5, 8);
      return modulatedConv2d(input, kernel, style, true).square().mean().item();
    });
    // Independent N(0, 1) inputs and a unit-norm kernel: E[y²] = 1 (edges, padded with zeros, pull it down a little).
    assert.ok(big > 0.8 && big < 1.1, `mean square ${big}`);
  });

  describe('gradients (float64)', () => {
    before(() => setDefaultDType('float64'));
    after(() => setDefaultDType('float32'));

    for (const demodulate of [true, false]) {
      it(`${demodulate ? 'demodulated' : 'modulated'}: in the input, the kernel and the styles`, () => {
        gradcheck(`modulatedConv2d(demodulate ${demodulate})`, (a, b, c) => modulatedConv2d(a, b, c, demodulate), [
          { data: values(2 * 2 * 3 * 3, 511), shape: [2, 2, 3, 3] },
          { data: values(3 * 2 * 3 * 3, 512), shape: [3, 2, 3, 3] },
          { data: values(2 * 2, 513, 0.3, 1.2), shape: [2, 2] },
        ], { atol: 1e-5 });
      });
    }

    it('the layer: its style affine, kernel and bias through convolve + bias', () => {
      manualSeed(11);
      const layer = new ModulatedConv2d(2, 3, 3, 4, true);
      noGrad(() => layer.bias.normal_(0, 1));
      const input = tensor(values(2 * 2 * 3 * 3, 521), [2, 2, 3, 3]);
      const wv = tensor(values(2 * 4, 522), [2, 4]);
      gradcheckParameters('ModulatedConv2d', () => layer.convolve(input, wv).add(layer.biasMap()), layer.namedParameters(), { atol: 1e-5 });
      input.dispose();
      wv.dispose();
      layer.dispose();
    });
  });
});

describe('equalised learning rate', () => {
  it('EqualLinear computes x·(W·lr/√in)ᵀ + b·lr, with W stored N(0, 1/lr²)', () => {
    manualSeed(3);
    const layer = new EqualLinear(64, 48, { lrMultiplier: 0.01, biasInit: 0.5 });
    const stored = layer.weight.toArray();
    const std = Math.sqrt(stored.reduce((a, v) => a + v * v, 0) / stored.length);
    assert.ok(std > 90 && std < 110, `stored weights' std ${std}, expected about 1/lr = 100`);
    assert.ok(layer.bias!.toArray().every((b) => Math.abs(b - 50) < 1e-4), 'bias stored as biasInit/lr');
    const x = values(2 * 64, 531);
    const got = tidy(() => layer.forward(tensor(x, [2, 64])).toArray());
    const bias = layer.bias!.toArray();
    for (let s = 0; s < 2; s++) {
      for (let o = 0; o < 48; o++) {
        let sum = 0;
        for (let i = 0; i < 64; i++) sum += x[s * 64 + i] * stored[o * 64 + i] * (0.01 / 8);
        const expected = sum + bias[o] * 0.01;
        assert.ok(Math.abs(got[s * 48 + o] - expected) < 1e-4, `[${s}, ${o}] ${got[s * 48 + o]} vs ${expected}`);
      }
    }
    layer.dispose();
  });

  it('EqualConv2d is a conv with W/√(in·k²), W stored N(0, 1), same padding, bias 0', () => {
    manualSeed(4);
    const layer = new EqualConv2d(2, 3, 3);
    const x = values(2 * 4 * 4, 541);
    const weight = layer.weight.toArray();
    const got = tidy(() => layer.forward(tensor(x, [1, 2, 4, 4])).toArray());
    const expected = convOne(x, 2, 4, 4, 3, 3, (o, i, a, b) => weight[((o * 2 + i) * 3 + a) * 3 + b] / Math.sqrt(18));
    got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-5, `[${i}] ${v} vs ${expected[i]}`));
    assert.deepEqual(layer.bias!.toArray(), [0, 0, 0]);
    layer.dispose();
  });

  describe('gradients (float64)', () => {
    before(() => setDefaultDType('float64'));
    after(() => setDefaultDType('float32'));

    it('EqualLinear (lr multiplier 0.01): in the input, the stored weight and bias', () => {
      manualSeed(5);
      const layer = new EqualLinear(3, 2, { lrMultiplier: 0.01 });
      noGrad(() => layer.bias!.normal_(0, 50));
      gradcheck('EqualLinear input', (x) => layer.forward(x), [{ data: values(2 * 3, 551), shape: [2, 3] }]);
      const x = tensor(values(2 * 3, 552), [2, 3]);
      // The stored weight is ~100: its nudges need a relative tolerance, the gradient itself is lr/√3 smaller.
      gradcheckParameters('EqualLinear', () => layer.forward(x), layer.namedParameters(), { atol: 1e-6, eps: 1e-4 });
      x.dispose();
      layer.dispose();
    });

    it('EqualConv2d: in the input, the weight and the bias', () => {
      manualSeed(6);
      const layer = new EqualConv2d(2, 2, 3);
      gradcheck('EqualConv2d input', (x) => layer.forward(x), [{ data: values(2 * 9 * 2, 561), shape: [2, 2, 3, 3] }]);
      const x = tensor(values(2 * 9 * 2, 562), [2, 2, 3, 3]);
      gradcheckParameters('EqualConv2d', () => layer.forward(x), layer.namedParameters());
      x.dispose();
      layer.dispose();
    });
  });
});

describe('noise injection', () => {
  it('adds the noise map to every channel, scaled per channel; strengths start at 0; no tensor left behind', () => {
    const layer = new NoiseInjection(2);
    assert.deepEqual(layer.strength.toArray(), [0, 0]);
    noGrad(() => layer.strength.copy_(tensor([0.5, -2], [2])));
    const x = values(2 * 2 * 2 * 2, 571);
    const noise = values(2 * 1 * 2 * 2, 572);
    const before = memory().liveTensors;
    const got = tidy(() => layer.forward(tensor(x, [2, 2, 2, 2]), tensor(noise, [2, 1, 2, 2])).toArray());
    assert.equal(memory().liveTensors, before);
    got.forEach((v, idx) => {
      const [s, c, p] = [Math.floor(idx / 8), Math.floor(idx / 4) % 2, idx % 4];
      const expected = x[idx] + [0.5, -2][c] * noise[s * 4 + p];
      assert.ok(Math.abs(v - expected) < 1e-6, `[${idx}] ${v} vs ${expected}`);
    });
    layer.dispose();
  });

  it('draws fresh noise from the global generator when none is given: the same seed gives the same map', () => {
    const layer = new NoiseInjection(1);
    noGrad(() => layer.strength.fill_(1));
    const draw = (seed: number) => tidy(() => {
      manualSeed(seed);
      return layer.forward(zeros([1, 1, 3, 3])).toArray();
    });
    assert.deepEqual(draw(1), draw(1));
    assert.notDeepEqual(draw(1), draw(2));
    layer.dispose();
  });

  describe('gradients (float64)', () => {
    before(() => setDefaultDType('float64'));
    after(() => setDefaultDType('float32'));

    it('in the input, the noise map and the strengths', () => {
      const layer = new NoiseInjection(2);
      noGrad(() => layer.strength.copy_(tensor([0.7, -0.3], [2])));
      gradcheck('NoiseInjection', (x, noise) => layer.forward(x, noise), [
        { data: values(2 * 2 * 2 * 2, 581), shape: [2, 2, 2, 2] }, { data: values(2 * 4, 582), shape: [2, 1, 2, 2] },
      ]);
      const x = tensor(values(16, 583), [2, 2, 2, 2]);
      const noise = tensor(values(8, 584), [2, 1, 2, 2]);
      gradcheckParameters('NoiseInjection strength', () => layer.forward(x, noise), layer.namedParameters());
      x.dispose();
      noise.dispose();
      layer.dispose();
    });
  });
});

describe('minibatch standard deviation', () => {
  it('group sizes: the largest of at most 4 that divides the batch', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 8, 9, 12].map((b) => stddevGroupSize(b)), [1, 2, 3, 4, 1, 3, 4, 3, 4]);
  });

  it('appends, for sample i, the spread of group i mod N/G averaged over features, as one constant channel', () => {
    const [n, c, h, w] = [4, 2, 2, 2];
    const x = values(n * c * h * w, 591, -2, 2);
    const got = tidy(() => minibatchStddev(tensor(x, [n, c, h, w]), 2).toArray());
    const per = c * h * w;
    // Groups of 2 over a batch of 4: samples {0, 2} and {1, 3}.
    const stat = [0, 1].map((g) => {
      let total = 0;
      for (let f = 0; f < per; f++) {
        const a = x[g * per + f];
        const b = x[(g + 2) * per + f];
        const mean = (a + b) / 2;
        total += Math.sqrt(((a - mean) ** 2 + (b - mean) ** 2) / 2 + 1e-8);
      }
      return total / per;
    });
    const outPer = (c + 1) * h * w;
    for (let s = 0; s < n; s++) {
      for (let f = 0; f < per; f++) assert.equal(got[s * outPer + f], Math.fround(x[s * per + f]), 'the input is kept');
      for (let p = 0; p < h * w; p++) {
        const v = got[s * outPer + per + p];
        assert.ok(Math.abs(v - stat[s % 2]) < 1e-5, `sample ${s}: ${v} vs ${stat[s % 2]}`);
      }
    }
  });

  it('refuses a group size that does not divide the batch', () => {
    assert.throws(() => tidy(() => minibatchStddev(zeros([3, 1, 2, 2]), 2)), /a batch of 3 does not split into groups of 2/);
  });

  describe('gradients (float64)', () => {
    before(() => setDefaultDType('float64'));
    after(() => setDefaultDType('float32'));

    it('in the input, groups of 2 over a batch of 4', () => {
      gradcheck('minibatchStddev', (x) => minibatchStddev(x, 2), [{ data: values(4 * 2 * 2 * 2, 595, -2, 2), shape: [4, 2, 2, 2] }]);
    });
  });
});

describe('running average of w', () => {
  it('moves by (1 − decay) towards the value, in place, without autograd', () => {
    const average = tensor([1, 2], [2]);
    tidy(() => trackAverage_(average, tensor([3, -2], [2]).requiresGrad_(), 0.75));
    assert.deepEqual(average.toArray(), [1.5, 1]);
    assert.equal(average.requiresGrad, false);
    average.dispose();
  });
});
