// The stabilisers' numerical ops against values worked out independently (per pixel in plain JS, or in closed
// form), and finite-difference gradient checks of each: DiffAugment's transforms with a fixed draw, the R1
// penalty (double backward) and orthogonal regularisation; spectral norm of transposed convolutions.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AugmentDraws, diffAugment, drawsFor, parseDiffAugment, randBrightness, randContrast, randCutout, randSaturation, randTranslation,
} from '../../src/gan/diffaugment';
import { orthogonalPenalty, orthogonalWeights, r1Due, r1Penalty, r1Weight } from '../../src/gan/regularisers';
import { ConvTranspose2d, Embedding, Linear, Sequential, spectralNorm_, spectralNormalize, withoutSpectralNorm } from '../../src/nn';
import { F, manualSeed, memory, tensor, Tensor, tidy } from '../../src/torch';
import { gradcheck, values } from '../helpers/gradcheck';

/** Draws that return the given numbers, in order of the calls (uniform: one per image; integers: one per image). */
function fixedDraws(uniform: number[][], integers: number[][]): AugmentDraws {
  let u = 0;
  let k = 0;
  return {
    uniform: (rest) => tensor(uniform[u++], [uniform[u - 1].length, ...rest], 'float64'),
    integers: () => tensor(BigInt64Array.from(integers[k++].map(BigInt)), [integers[k - 1].length]),
  };
}

const SHAPE = [2, 3, 8, 12]; // N, C, H, W: translation shifts up to 1 row and 2 columns, cutout 4×6
const X = values(2 * 3 * 8 * 12, 301);
const at = (n: number, c: number, i: number, j: number) => ((n * 3 + c) * 8 + i) * 12 + j;

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = 1e-12): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

function apply(op: (x: Tensor, d: AugmentDraws) => Tensor, draws: () => AugmentDraws): number[] {
  return tidy(() => op(tensor(X, SHAPE, 'float64'), draws()).toArray());
}

describe('DiffAugment', () => {
  it('parses a list of transforms and refuses unknown or repeated ones in one line', () => {
    assert.deepEqual(parseDiffAugment('color, translation,cutout'), ['color', 'translation', 'cutout']);
    assert.deepEqual(parseDiffAugment(''), []);
    assert.throws(() => parseDiffAugment('color,flip'), /^RangeError: diffAugment: unknown transform 'flip' \(expected a comma-separated list of color, translation, cutout\)$/);
    assert.throws(() => parseDiffAugment('cutout,cutout'), /'cutout' is listed twice/);
  });

  it('brightness, saturation and contrast match a per-pixel computation', () => {
    const r = [0.1, 0.85];
    const brightness = apply(randBrightness, () => fixedDraws([r], []));
    close(brightness, X.map((v, i) => v + r[Math.floor(i / (3 * 96))] - 0.5), 'brightness');

    const saturation = apply(randSaturation, () => fixedDraws([r], []));
    const expectedSaturation = X.map((_, idx) => {
      const n = Math.floor(idx / 288);
      const c = Math.floor(idx / 96) % 3;
      const p = idx % 96;
      const mean = (X[(n * 3) * 96 + p] + X[(n * 3 + 1) * 96 + p] + X[(n * 3 + 2) * 96 + p]) / 3;
      return (X[(n * 3 + c) * 96 + p] - mean) * 2 * r[n] + mean;
    });
    close(saturation, expectedSaturation, 'saturation');

    const contrast = apply(randContrast, () => fixedDraws([r], []));
    const means = [0, 1].map((n) => X.slice(n * 288, (n + 1) * 288).reduce((a, b) => a + b, 0) / 288);
    close(contrast, X.map((v, i) => (v - means[Math.floor(i / 288)]) * (r[Math.floor(i / 288)] + 0.5) + means[Math.floor(i / 288)]), 'contrast');
  });

  it('translation moves each image by its drawn shift with zero padding, per pixel', () => {
    const rows = [1, -1];
    const cols = [-2, 1];
    const out = apply(randTranslation, () => fixedDraws([], [rows, cols]));
    const expected: number[] = [];
    for (let n = 0; n < 2; n++) for (let c = 0; c < 3; c++) for (let i = 0; i < 8; i++) for (let j = 0; j < 12; j++) {
      const si = i + rows[n];
      const sj = j + cols[n];
      expected.push(si >= 0 && si < 8 && sj >= 0 && sj < 12 ? X[at(n, c, si, sj)] : 0);
    }
    close(out, expected, 'translation');
  });

  it('cutout zeroes a half-side square around the drawn offset, clipped at the border, per pixel', () => {
    // Sizes 4 (rows) and 6 (columns): rows o − 2 … o + 1, columns o − 3 … o + 2.
    const oy = [0, 5];
    const ox = [7, 12];
    const out = apply(randCutout, () => fixedDraws([], [oy, ox]));
    const expected: number[] = [];
    for (let n = 0; n < 2; n++) for (let c = 0; c < 3; c++) for (let i = 0; i < 8; i++) for (let j = 0; j < 12; j++) {
      const inside = i >= oy[n] - 2 && i <= oy[n] + 1 && j >= ox[n] - 3 && j <= ox[n] + 2;
      expected.push(inside ? 0 : X[at(n, c, i, j)]);
    }
    close(out, expected, 'cutout');
    assert.ok(expected.filter((v) => v === 0).length === 3 * (2 * 6 + 4 * 3), 'the squares were clipped as worked out');
  });

  it('the gradient flows through each transform (finite differences, fixed draws)', () => {
    const small = [{ data: values(2 * 2 * 5 * 6, 302), shape: [2, 2, 5, 6] }];
    const cases: [string, (x: Tensor, d: AugmentDraws) => Tensor, () => AugmentDraws][] = [
      ['brightness', randBrightness, () => fixedDraws([[0.2, 0.7]], [])],
      ['saturation', randSaturation, () => fixedDraws([[0.2, 0.7]], [])],
      ['contrast', randContrast, () => fixedDraws([[0.2, 0.7]], [])],
      ['translation', randTranslation, () => fixedDraws([], [[1, -1], [0, 1]])],
      ['cutout', randCutout, () => fixedDraws([], [[2, 4], [0, 3]])],
    ];
    for (const [name, op, draws] of cases) gradcheck(name, (x) => op(x, draws()), small);
  });

  it('draws come from the seeded generator: the same seed augments alike, another does not; no tensor is left', () => {
    const ops = parseDiffAugment('color,translation,cutout');
    const before = memory().liveTensors;
    const run = (seed: number) => tidy(() => {
      manualSeed(seed);
      const x = tensor(X, SHAPE, 'float64');
      return diffAugment(x, ops, drawsFor(2, x.device)).toArray();
    });
    assert.deepEqual(run(4), run(4));
    assert.notDeepEqual(run(4), run(5));
    assert.equal(memory().liveTensors, before);
  });
});

describe('R1 penalty', () => {
  it('on a linear D equals ‖w‖² (the gradient of w·x + b is w for every image), lazily weighted γ/2·N', () => {
    tidy(() => {
      manualSeed(2);
      const d = new Linear(12, 1);
      const x = tensor(values(4 * 12, 303), [4, 12]).requiresGrad_();
      const r1 = r1Penalty(d.forward(x), x).item();
      const w = d.weight.toArray();
      const expected = w.reduce((a, v) => a + v * v, 0);
      assert.ok(Math.abs(r1 - expected) < 1e-5 * expected, `${r1} vs ${expected}`);
      d.dispose();
    });
    assert.equal(r1Weight(10, 16), 80);
    assert.deepEqual([0, 1, 2, 3, 4].map((s) => r1Due(s, 2)), [true, false, true, false, true]);
  });

  it('on D(x) = Σ tanh(W x) equals the closed form E‖Σ_k (1 − tanh²(w_k·x)) w_k‖², and its gradient in W matches finite differences', () => {
    const W = values(3 * 4, 304);
    const X2 = values(2 * 4, 305);
    const critic = (w: Tensor, x: Tensor) => x.matmul(w.transpose(0, 1)).tanh().sum([1]);
    const expected = [0, 1].reduce((total, n) => {
      const g = [0, 0, 0, 0];
      for (let k = 0; k < 3; k++) {
        const a = Math.tanh([0, 1, 2, 3].reduce((s, i) => s + W[k * 4 + i] * X2[n * 4 + i], 0));
        for (let i = 0; i < 4; i++) g[i] += (1 - a * a) * W[k * 4 + i];
      }
      return total + g.reduce((s, v) => s + v * v, 0) / 2;
    }, 0);
    const r1 = tidy(() => {
      const x = tensor(X2, [2, 4], 'float64').requiresGrad_();
      return r1Penalty(critic(tensor(W, [3, 4], 'float64'), x), x).item();
    });
    assert.ok(Math.abs(r1 - expected) < 1e-12, `${r1} vs ${expected}`);
    gradcheck('r1Penalty', (w) => {
      const x = tensor(X2, [2, 4], 'float64').requiresGrad_();
      return r1Penalty(critic(w, x), x);
    }, [{ data: W, shape: [3, 4] }]);
  });
});

describe('orthogonal regularisation', () => {
  it('equals ‖W Wᵀ ⊙ (1 − I)‖² worked out by hand, and its gradient is 4 (W Wᵀ ⊙ (1 − I)) W', () => {
    // Rows (1, 2), (3, 4), (0, 1): inner products 11, 2 and 4, each counted twice: 2·(121 + 4 + 16) = 282.
    tidy(() => {
      const w = tensor([1, 2, 3, 4, 0, 1], [3, 2], 'float64').requiresGrad_();
      const penalty = orthogonalPenalty([w]);
      assert.equal(penalty.item(), 282);
      penalty.backward();
      // Off-diagonal Gram [[0, 11, 2], [11, 0, 4], [2, 4, 0]] times W, times 4.
      const expected = [[0, 11, 2], [11, 0, 4], [2, 4, 0]].flatMap((row) => [0, 1].map((j) => 4 * row.reduce((s, g, k) => s + g * [1, 2, 3, 4, 0, 1][k * 2 + j], 0)));
      assert.deepEqual(w.grad!.toArray(), expected);
    });
    gradcheck('orthogonalPenalty', (a, b) => orthogonalPenalty([a, b]), [{ data: values(12, 306), shape: [3, 4] }, { data: values(6, 307), shape: [2, 3] }]);
  });

  it('covers the weights of Linear and conv layers (transposed convs by their output channels), not embeddings', () => {
    manualSeed(1);
    const net = new Sequential(new Linear(5, 4) as never, new Embedding(7, 3) as never, new ConvTranspose2d(6, 2, 3) as never);
    tidy(() => assert.deepEqual(orthogonalWeights(net).map((w) => w.shape), [[4, 5], [2, 54]]));
    net.dispose();
  });
});

describe('spectral norm of a transposed convolution', () => {
  it('divides by the largest singular value of the weight viewed as [out, in·k·k], as PyTorch does for ConvTranspose', () => {
    tidy(() => {
      const w = tensor(values(4 * 3 * 2 * 2, 308), [4, 3, 2, 2], 'float64'); // [in 4, out 3, 2, 2]
      const u = tensor([1, 0, 0], [3], 'float64');
      const normalized = spectralNormalize(w, u, 200, true, 1);
      const m = w.transpose(0, 1).reshape([3, -1]);
      const top = Math.sqrt(Math.max(...F.eigh(m.matmul(m.transpose(0, 1))).values.toArray()));
      assert.ok(Math.abs(w.toArray()[0] / normalized.toArray()[0] - top) < 1e-9);
      // The other view ([in, rest]) has another top singular value: the choice of dim matters.
      const other = w.reshape([4, -1]);
      const otherTop = Math.sqrt(Math.max(...F.eigh(other.matmul(other.transpose(0, 1))).values.toArray()));
      assert.ok(Math.abs(otherTop - top) > 1e-3);
    });
    manualSeed(2);
    const layer = new ConvTranspose2d(4, 3, 2);
    const net = new Sequential(layer as never);
    assert.equal(spectralNorm_(net), 1);
    assert.deepEqual(layer.weightU!.shape, [3]);
    assert.equal(spectralNorm_(net), 0, 'a second call adds nothing');
    net.dispose();
  });
});

describe('spectral norm left off a layer', () => {
  it('spectralNorm_ skips a layer marked withoutSpectralNorm and normalises the others', () => {
    manualSeed(3);
    const kept = new Linear(4, 3);
    const spared = withoutSpectralNorm(new Linear(3, 2));
    const net = new Sequential(kept as never, spared as never);
    assert.equal(spectralNorm_(net), 1);
    assert.deepEqual(kept.weightU!.shape, [3]);
    assert.equal(spared.weightU, null);
    assert.deepEqual(net.namedBuffers().map(([name]) => name), ['0.weight_u']);
    net.dispose();
  });
});
