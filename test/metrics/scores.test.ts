// FID, KID, the Inception-style score, precision/recall and coverage against closed forms and constructed sets.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classCoverage } from '../../src/metrics/coverage';
import { fid, frechetDistance } from '../../src/metrics/fid';
import { inceptionScore } from '../../src/metrics/inception-score';
import { kid, mmdUnbiased } from '../../src/metrics/kid';
import { kthNeighbourRadii, precisionRecall } from '../../src/metrics/precision-recall';
import { manualSeed, randn, tensor, Tensor, tidy } from '../../src/torch';

/** Samples of N(mean, diag(std²)) rotated by R: rows x = R·(mean + std ⊙ ε). */
function gaussian(n: number, mean: number[], std: number[], rotation?: number[][]): Tensor {
  return tidy(() => {
    const d = mean.length;
    let x = randn([n, d], { dtype: 'float64' }).mul(tensor(std, [d], 'float64')).add(tensor(mean, [d], 'float64'));
    if (rotation) x = x.matmul(tensor(rotation.flat(), [d, d], 'float64').transpose(0, 1));
    return x;
  });
}

const c = Math.cos(0.7), s = Math.sin(0.7);
const R = [[c, -s, 0], [s, c, 0], [0, 0, 1]];

describe('FID', () => {
  it('of a set against itself is 0', () => {
    manualSeed(1);
    tidy(() => {
      const x = gaussian(500, [1, 2, 3], [1, 0.5, 2]);
      assert.ok(Math.abs(fid(x, x)) < 1e-6);
    });
  });

  it('of exact Gaussian statistics equals the closed form, with non-diagonal covariances', () => {
    // Σ₁ = R D₁ Rᵀ and Σ₂ = R D₂ Rᵀ commute, so tr(Σ₁ + Σ₂ − 2(Σ₁^½Σ₂Σ₁^½)^½) = Σ (√d₁ − √d₂)².
    tidy(() => {
      const rot = tensor(R.flat(), [3, 3], 'float64');
      const cov = (d: number[]) => rot.matmul(tensor([d[0], 0, 0, 0, d[1], 0, 0, 0, d[2]], [3, 3], 'float64')).matmul(rot.transpose(0, 1));
      const d1 = [4, 1, 0.25], d2 = [1, 9, 0.25];
      const a = { mean: tensor([0, 1, 2], [3], 'float64'), covariance: cov(d1), count: 0 };
      const b = { mean: tensor([1, 1, 0], [3], 'float64'), covariance: cov(d2), count: 0 };
      const expected = (1 + 0 + 4) + d1.reduce((sum, v, i) => sum + (Math.sqrt(v) - Math.sqrt(d2[i])) ** 2, 0);
      assert.ok(Math.abs(frechetDistance(a, b) - expected) < 1e-9, `${frechetDistance(a, b)} vs ${expected}`);
    });
  });

  it('of two sampled Gaussians approaches the closed form', () => {
    manualSeed(2);
    tidy(() => {
      const a = gaussian(40000, [0, 0, 0], [2, 1, 1], R);
      const b = gaussian(40000, [0.5, 0, 1], [1, 1, 3], R);
      const expected = (0.25 + 1) + (2 - 1) ** 2 + 0 + (1 - 3) ** 2; // means rotated keep their distance
      assert.ok(Math.abs(fid(a, b) - expected) < 0.1, `${fid(a, b)} vs ${expected}`);
    });
  });

  it('refuses fewer samples than feature dimensions', () => {
    tidy(() => assert.throws(() => fid(gaussian(10, new Array(16).fill(0), new Array(16).fill(1)), gaussian(100, new Array(16).fill(0), new Array(16).fill(1))),
      /FID needs at least 16 reference samples \(one per feature dimension\), got 10/));
  });
});

describe('KID', () => {
  it('the unbiased MMD² matches a brute-force sum over pairs', () => {
    tidy(() => {
      const x = [[1, 0], [0, 2], [1, 1]];
      const y = [[0, 0], [2, 1], [1, -1]];
      const k = (u: number[], v: number[]) => ((u[0] * v[0] + u[1] * v[1]) / 2 + 1) ** 3;
      let xx = 0, yy = 0, xy = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
        if (i !== j) {
          xx += k(x[i], x[j]);
          yy += k(y[i], y[j]);
        }
        xy += k(x[i], y[j]);
      }
      const expected = xx / 6 + yy / 6 - (2 * xy) / 9;
      assert.ok(Math.abs(mmdUnbiased(tensor(x.flat(), [3, 2], 'float64'), tensor(y.flat(), [3, 2], 'float64')) - expected) < 1e-9);
    });
  });

  it('is about 0 for two samples of one distribution (unbiased) and clearly positive for different ones', () => {
    manualSeed(3);
    tidy(() => {
      const same = kid(gaussian(2000, [0, 0, 0, 0], [1, 1, 1, 1]), gaussian(2000, [0, 0, 0, 0], [1, 1, 1, 1]), { subsetSize: 200, subsets: 200 });
      const stderr = same.std / Math.sqrt(same.subsets);
      assert.ok(Math.abs(same.mean) < 4 * stderr + 1e-3, `same: ${same.mean} ± ${stderr}`);
      const other = kid(gaussian(2000, [0, 0, 0, 0], [1, 1, 1, 1]), gaussian(2000, [1, 0, 0, 0], [1, 1, 1, 1]), { subsetSize: 200, subsets: 50 });
      assert.ok(other.mean > 20 * stderr && other.mean > 0.05, `different: ${other.mean}`);
    });
  });
});

describe('precision and recall', () => {
  it('k-th neighbour radii on a line', () => {
    tidy(() => {
      const x = tensor([0, 1, 3, 7], [4, 1], 'float64');
      assert.deepEqual(Array.from(kthNeighbourRadii(x, 1)), [1, 1, 2, 4]);
      assert.deepEqual(Array.from(kthNeighbourRadii(x, 2)), [3, 2, 3, 6]);
    });
  });

  it('a fake subset of the reals is fully precise but misses recall; far fakes have neither', () => {
    manualSeed(4);
    tidy(() => {
      const real = gaussian(400, [0, 0], [1, 1]);
      const narrow = real.narrow(0, 0, 400).mul(0.2); // all within the dense middle of the real cloud
      const pr = precisionRecall(real, narrow);
      assert.ok(pr.precision > 0.95, `precision ${pr.precision}`);
      assert.ok(pr.recall < 0.5, `recall ${pr.recall}`);
      const far = precisionRecall(real, real.add(50));
      assert.deepEqual([far.precision, far.recall], [0, 0]);
      const same = precisionRecall(real, gaussian(400, [0, 0], [1, 1]));
      assert.ok(same.precision > 0.8 && same.recall > 0.8, JSON.stringify(same));
    });
  });
});

describe('Inception-style score and coverage', () => {
  it('confident, balanced predictions over K classes score K; one class scores 1', () => {
    tidy(() => {
      const k = 4;
      const balanced = tensor(Array.from({ length: 40 * k }, (_, i) => (i % k === Math.floor(i / k) % k ? 1 : 0)), [40, k], 'float64');
      assert.ok(Math.abs(inceptionScore(balanced, 1).mean - k) < 1e-6);
      const single = tensor(Array.from({ length: 40 * k }, (_, i) => (i % k === 0 ? 1 : 0)), [40, k], 'float64');
      assert.ok(Math.abs(inceptionScore(single, 1).mean - 1) < 1e-6);
    });
  });

  it('coverage flags a one-class set and passes a balanced one', () => {
    tidy(() => {
      const classes = ['a', 'b', 'c', 'd'];
      const oneClass = classCoverage(tensor(Array.from({ length: 80 }, (_, i) => (i % 4 === 2 ? 0.9 : 0.033)), [20, 4], 'float64'), classes);
      assert.deepEqual(oneClass.missing, ['a', 'b', 'd']);
      assert.equal(oneClass.normalizedEntropy, 0);
      assert.deepEqual(oneClass.shares, [0, 0, 1, 0]);
      const balanced = classCoverage(tensor(Array.from({ length: 80 }, (_, i) => (i % 4 === Math.floor(i / 4) % 4 ? 1 : 0)), [20, 4], 'float64'), classes);
      assert.deepEqual(balanced.missing, []);
      assert.ok(Math.abs(balanced.normalizedEntropy - 1) < 1e-12);
    });
  });
});
