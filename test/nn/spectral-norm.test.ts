import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Conv2d, Linear, spectralNormalize } from '../../src/nn';
import { F, manualSeed, tensor, Tensor, tidy } from '../../src/torch';
import { gradcheck, values } from '../helpers/gradcheck';

describe('spectral norm', () => {
  it('divides by the largest singular value (checked against the eigenvalues of WᵀW)', () => {
    tidy(() => {
      const w = tensor(values(12, 81), [3, 4], 'float64');
      const u = tensor([1, 0, 0], [3], 'float64');
      const normalized = spectralNormalize(w, u, 100, true);
      const top = Math.sqrt(Math.max(...F.eigh(w.transpose(0, 1).matmul(w)).values.toArray()));
      const ratio = w.toArray()[0] / normalized.toArray()[0];
      assert.ok(Math.abs(ratio - top) < 1e-9, `σ ${ratio} vs ${top}`);
      // u was updated in place towards the top singular vector: one more iteration changes nothing.
      const before = u.toArray();
      spectralNormalize(w, u, 1, true);
      u.toArray().forEach((v, i) => assert.ok(Math.abs(v - before[i]) < 1e-9));
    });
  });

  it('gradient through σ = uᵀWv matches finite differences at convergence', () => {
    const u = tensor([0.3, -0.5, 0.8], [3], 'float64');
    gradcheck('spectralNormalize', (w: Tensor) => spectralNormalize(w, u.clone(), 200, false), [{ data: values(12, 82), shape: [3, 4] }], { atol: 1e-5, rtol: 1e-4 });
    u.dispose();
  });

  it('Linear and Conv2d with spectralNorm keep a weight_u buffer and have output scale bounded by the input', () => {
    manualSeed(3);
    const linear = new Linear(20, 10, { spectralNorm: true, bias: false });
    assert.deepEqual(linear.namedBuffers().map(([n]) => n), ['weight_u']);
    const conv = new Conv2d(3, 8, 3, { spectralNorm: true, padding: 1 });
    assert.deepEqual(conv.stateDict().get('weight_u')!.shape, [8]);
    tidy(() => {
      // After enough calls, ‖W x‖ ≤ ‖x‖ for the normalised W (σ ≈ 1).
      const x = tensor(values(20, 83), [1, 20]);
      for (let k = 0; k < 30; k++) linear.forward(x);
      const ratio = Math.sqrt(linear.forward(x).square().sum().item() / x.square().sum().item());
      assert.ok(ratio <= 1.0001, `gain ${ratio}`);
      assert.deepEqual(conv.forward(tensor(values(3 * 5 * 5, 84), [1, 3, 5, 5])).shape, [1, 8, 5, 5]);
    });
    linear.dispose();
    conv.dispose();
  });
});
