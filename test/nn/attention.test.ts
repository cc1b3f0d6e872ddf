// SAGAN's self-attention block: against a per-position computation in plain JS, the identity at γ = 0, and
// finite-difference gradients of the attention in the input, the keys, queries, values and γ.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attend, SelfAttention } from '../../src/nn';
import { manualSeed, memory, noGrad, tensor, tidy } from '../../src/torch';
import { gradcheck, values } from '../helpers/gradcheck';

describe('self-attention (SAGAN)', () => {
  it('matches a per-position computation: β_ji = softmax_i(g_jᵀ f_i), y_j = γ Σ_i β_ji h_i + x_j', () => {
    manualSeed(4);
    const layer = new SelfAttention(16); // keys and queries of 2 channels
    const [n, c, height, width] = [2, 16, 2, 3];
    const P = height * width;
    const x = values(n * c * P, 401);
    noGrad(() => layer.gamma.fill_(0.7));
    const got = tidy(() => layer.forward(tensor(x, [n, c, height, width])).toArray());
    // 1×1 convs as matrices: out[o] = Σ_ch W[o, ch]·x[ch] + b[o].
    const conv = (w: number[], b: number[], outs: number, sample: number, p: number) => Array.from({ length: outs }, (_, o) =>
      b[o] + Array.from({ length: c }, (_, ch) => w[o * c + ch] * x[(sample * c + ch) * P + p]).reduce((a, v) => a + v, 0));
    const [fw, fb, gw, gb, hw, hb] = [layer.f.weight, layer.f.bias!, layer.g.weight, layer.g.bias!, layer.h.weight, layer.h.bias!].map((t) => t.toArray());
    const expected: number[] = new Array(n * c * P);
    for (let s = 0; s < n; s++) {
      const f = Array.from({ length: P }, (_, p) => conv(fw, fb, 2, s, p));
      const g = Array.from({ length: P }, (_, p) => conv(gw, gb, 2, s, p));
      const h = Array.from({ length: P }, (_, p) => conv(hw, hb, c, s, p));
      for (let j = 0; j < P; j++) {
        const scores = f.map((fi) => fi[0] * g[j][0] + fi[1] * g[j][1]);
        const top = Math.max(...scores);
        const e = scores.map((v) => Math.exp(v - top));
        const total = e.reduce((a, v) => a + v, 0);
        for (let ch = 0; ch < c; ch++) {
          const o = e.reduce((a, ei, i) => a + (ei / total) * h[i][ch], 0);
          expected[(s * c + ch) * P + j] = 0.7 * o + x[(s * c + ch) * P + j];
        }
      }
    }
    got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-5, `[${i}] ${v} vs ${expected[i]}`));
    layer.dispose();
  });

  it('starts as the identity (γ = 0) and leaves no tensor behind', () => {
    manualSeed(5);
    const layer = new SelfAttention(8);
    const before = memory().liveTensors;
    tidy(() => {
      const x = tensor(values(2 * 8 * 9, 402), [2, 8, 3, 3]);
      assert.deepEqual(layer.forward(x).toArray(), x.toArray());
    });
    assert.equal(memory().liveTensors, before);
    assert.deepEqual(layer.namedParameters().map(([name]) => name), ['gamma', 'f.weight', 'f.bias', 'g.weight', 'g.bias', 'h.weight', 'h.bias']);
    layer.dispose();
  });

  it('gradients in x, keys, queries, values and γ match finite differences', () => {
    const [n, c, inner, height, width] = [2, 3, 2, 2, 2];
    gradcheck('attend', (x, k, q, v, gamma) => attend(x, k, q, v, gamma), [
      { data: values(n * c * height * width, 403), shape: [n, c, height, width] },
      { data: values(n * inner * height * width, 404), shape: [n, inner, height, width] },
      { data: values(n * inner * height * width, 405), shape: [n, inner, height, width] },
      { data: values(n * c * height * width, 406), shape: [n, c, height, width] },
      { data: [0.6], shape: [1] },
    ]);
  });
});
