// Loss values against formulas evaluated by hand in plain JavaScript doubles.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { F, tensor, tidy } from '../../src/torch';

const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

function near(actual: number, expected: number, tol = 1e-6): void {
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} vs ${expected}`);
}

describe('losses', () => {
  const logits = [-3, -0.5, 0, 0.7, 4, 25];
  const targets = [0, 1, 1, 0, 1, 0];

  it('bceWithLogits = softplus(x) − x·y, averaged, summed or per element', () => {
    const expected = logits.map((x, i) => softplus(x) - x * targets[i]);
    tidy(() => {
      const x = tensor(logits, undefined, 'float64');
      const y = tensor(targets, undefined, 'float64');
      near(F.bceWithLogits(x, y).item(), expected.reduce((a, b) => a + b) / expected.length);
      near(F.bceWithLogits(x, y, 'sum').item(), expected.reduce((a, b) => a + b));
      F.bceWithLogits(x, y, 'none').toArray().forEach((v, i) => near(v, expected[i]));
      // Stable at large logits, where sigmoid + log would give log(0).
      near(F.bceWithLogits(tensor([200]), tensor([0])).item(), 200, 1e-6);
    });
  });

  it('the GAN identities: BCE(l, 1) = −log σ(l) and BCE(l, 0) = −log(1 − σ(l))', () => {
    tidy(() => {
      const l = 0.3;
      const sigma = 1 / (1 + Math.exp(-l));
      near(F.bceWithLogits(tensor([l], undefined, 'float64'), tensor([1], undefined, 'float64')).item(), -Math.log(sigma), 1e-12);
      near(F.bceWithLogits(tensor([l], undefined, 'float64'), tensor([0], undefined, 'float64')).item(), -Math.log(1 - sigma), 1e-12);
    });
  });

  it('bce on probabilities, mse, cross-entropy', () => {
    tidy(() => {
      const p = [0.1, 0.8, 0.5];
      const y = [0, 1, 1];
      const bce = p.map((v, i) => -(y[i] * Math.log(v) + (1 - y[i]) * Math.log(1 - v)));
      near(F.bce(tensor(p, undefined, 'float64'), tensor(y, undefined, 'float64')).item(), bce.reduce((a, b) => a + b) / 3);
      near(F.mse(tensor([1, 2, 3]), tensor([1.5, 2, 5])).item(), (0.25 + 0 + 4) / 3);
      // cross-entropy of rows [1, 2, 3] (class 2) and [0, 0, 0] (class 0): logsumexp − chosen logit
      const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
      const expected = ((lse - 3) + Math.log(3)) / 2;
      near(F.crossEntropy(tensor([1, 2, 3, 0, 0, 0], [2, 3], 'float64'), tensor([2, 0], [2], 'int64')).item(), expected);
    });
  });
});
