// The transformer layers (src/nn/transformer.ts): each against a reference worked out in plain JS (layer norm
// from its mean and variance, GELU at points PyTorch gives, attention as softmax(QKᵀ/√d)V per row, pixel shuffle
// from its index formula, grid attention window by window), finite-difference gradients in float64, and flat
// live tensors through a block's forward and backward.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  gelu, GridAttention, ImageToTokens, LayerNorm, MultiHeadAttention, PixelShuffle, PositionalEmbedding, scaledDotProductAttention,
  TokensToImage, TransformerBlock,
} from '../../src/nn';
import { F, manualSeed, memory, noGrad, setDefaultDType, tensor, tidy } from '../../src/torch';
import { gradcheck, values } from '../helpers/gradcheck';

const close = (got: number[], expected: number[], tol: number, what: string) => {
  assert.equal(got.length, expected.length, `${what}: length`);
  got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tol, `${what}[${i}]: ${v} vs ${expected[i]}`));
};

/** Rows of a row-major [rows, cols] array. */
const rowsOf = (data: number[], cols: number) => Array.from({ length: data.length / cols }, (_, r) => data.slice(r * cols, (r + 1) * cols));

/** softmax(q·kᵀ/√d)·v for one head: q [Tq][d], k [Tk][d], v [Tk][dv], in plain JS. */
function attentionJs(q: number[][], k: number[][], v: number[][]): number[][] {
  const d = q[0].length;
  return q.map((qi) => {
    const scores = k.map((kj) => qi.reduce((a, x, c) => a + x * kj[c], 0) / Math.sqrt(d));
    const top = Math.max(...scores);
    const e = scores.map((s) => Math.exp(s - top));
    const total = e.reduce((a, x) => a + x, 0);
    return v[0].map((_, c) => e.reduce((a, ej, j) => a + (ej / total) * v[j][c], 0));
  });
}

/** x·Wᵀ + b for each row, W [out][in] row-major. */
const linearJs = (x: number[][], w: number[], b: number[]) => x.map((row) => b.map((bo, o) => bo + row.reduce((a, xi, i) => a + xi * w[o * row.length + i], 0)));

describe('transformer layers: reference values', () => {
  it('layer norm: (x − mean)/√(var + eps)·γ + β over the last dim, biased variance', () => {
    manualSeed(1);
    const norm = new LayerNorm(5);
    noGrad(() => {
      norm.weight.normal_(1, 0.5);
      norm.bias.normal_(0, 0.5);
    });
    const x = values(3 * 5, 11, -2, 3);
    const got = tidy(() => norm.forward(tensor(x, [3, 5])).toArray());
    const [w, b] = [norm.weight.toArray(), norm.bias.toArray()];
    const expected = rowsOf(x, 5).flatMap((row) => {
      const mean = row.reduce((a, v) => a + v, 0) / 5;
      const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / 5;
      return row.map((v, i) => ((v - mean) / Math.sqrt(variance + 1e-5)) * w[i] + b[i]);
    });
    close(got, expected, 1e-5, 'layer norm');
    norm.dispose();
  });

  it('GELU (tanh form) at points where PyTorch 1.13 gelu(approximate="tanh") gives these values', () => {
    const points = [-3, -1, -0.5, 0, 0.5, 1, 2];
    const torchTanhForm = [-0.0036373921, -0.1588080094, -0.1542859902, 0, 0.3457140098, 0.8411919906, 1.9545976941];
    close(tidy(() => gelu(tensor(points, [points.length], 'float64')).toArray()), torchTanhForm, 1e-9, 'gelu');
    // And within 5e-4 of the exact x·Φ(x) (PyTorch's erf form at the same points): the approximation is tight.
    const torchErfForm = [-0.0040496941, -0.1586552539, -0.1542687694, 0, 0.3457312306, 0.8413447461, 1.9544997361];
    close(tidy(() => gelu(tensor(points, [points.length], 'float64')).toArray()), torchErfForm, 5e-4, 'gelu vs erf form');
  });

  it('scaled dot-product attention is softmax(QKᵀ/√d)V row by row, per batch and head', () => {
    const [b, h, tq, tk, d, dv] = [2, 2, 3, 4, 2, 3];
    const q = values(b * h * tq * d, 21), k = values(b * h * tk * d, 22), v = values(b * h * tk * dv, 23);
    const got = tidy(() => scaledDotProductAttention(tensor(q, [b, h, tq, d]), tensor(k, [b, h, tk, d]), tensor(v, [b, h, tk, dv])).toArray());
    const expected: number[] = [];
    for (let s = 0; s < b * h; s++) {
      expected.push(...attentionJs(rowsOf(q.slice(s * tq * d, (s + 1) * tq * d), d), rowsOf(k.slice(s * tk * d, (s + 1) * tk * d), d), rowsOf(v.slice(s * tk * dv, (s + 1) * tk * dv), dv)).flat());
    }
    close(got, expected, 1e-6, 'attention');
  });

  it('multi-head attention: projections, heads of D/H columns each, attention per head, heads side by side, output projection', () => {
    manualSeed(2);
    const [n, t, dim, heads] = [2, 3, 4, 2];
    const layer = new MultiHeadAttention(dim, heads);
    const x = values(n * t * dim, 31);
    const got = tidy(() => layer.forward(tensor(x, [n, t, dim])).toArray());
    const p = (l: typeof layer.q) => [l.weight.toArray(), l.bias!.toArray()] as const;
    const expected: number[] = [];
    for (let s = 0; s < n; s++) {
      const rows = rowsOf(x.slice(s * t * dim, (s + 1) * t * dim), dim);
      const [q, k, v] = [layer.q, layer.k, layer.v].map((l) => linearJs(rows, ...p(l)));
      const head = (m: number[][], i: number) => m.map((row) => row.slice(i * 2, (i + 1) * 2));
      const perHead = [0, 1].map((i) => attentionJs(head(q, i), head(k, i), head(v, i)));
      const merged = rows.map((_, j) => [...perHead[0][j], ...perHead[1][j]]);
      expected.push(...linearJs(merged, ...p(layer.proj)).flat());
    }
    close(got, expected, 1e-5, 'multi-head attention');
    assert.throws(() => new MultiHeadAttention(6, 4), /6 dims do not split into 4 heads/);
    layer.dispose();
  });

  it('grid attention attends within each window only: the same as the attention applied to each window alone', () => {
    manualSeed(3);
    const [n, side, window, dim] = [2, 4, 2, 4];
    const layer = new GridAttention(dim, 2, side, window);
    const x = values(n * side * side * dim, 41);
    const got = tidy(() => layer.forward(tensor(x, [n, side * side, dim])).toArray());
    const expected = new Array<number>(x.length);
    for (let s = 0; s < n; s++) {
      for (let gy = 0; gy < side / window; gy++) {
        for (let gx = 0; gx < side / window; gx++) {
          // The window's tokens by the grid's row-major index: (gy·w + y)·side + gx·w + x.
          const tokens: number[] = [];
          for (let y = 0; y < window; y++) for (let xx = 0; xx < window; xx++) tokens.push((gy * window + y) * side + gx * window + xx);
          const input = tokens.flatMap((tok) => x.slice((s * side * side + tok) * dim, (s * side * side + tok + 1) * dim));
          const out = tidy(() => layer.attention.forward(tensor(input, [1, tokens.length, dim])).toArray());
          tokens.forEach((tok, i) => out.slice(i * dim, (i + 1) * dim).forEach((v, c) => (expected[(s * side * side + tok) * dim + c] = v)));
        }
      }
    }
    close(got, expected, 1e-6, 'grid attention');
    assert.throws(() => new GridAttention(4, 1, 6, 4), /windows of 4 do not tile a grid of side 6/);
    layer.dispose();
  });

  it('pixel shuffle: out[n, c, h·r + i, w·r + j] = in[n, c·r² + i·r + j, h, w]', () => {
    const [n, c, r, h, w] = [2, 2, 2, 2, 3];
    const x = Array.from({ length: n * c * r * r * h * w }, (_, i) => i);
    const got = tidy(() => new PixelShuffle(r).forward(tensor(x, [n, c * r * r, h, w])).toArray());
    const expected: number[] = [];
    for (let s = 0; s < n; s++) for (let ch = 0; ch < c; ch++) for (let y = 0; y < h * r; y++) for (let xx = 0; xx < w * r; xx++) {
      const [hh, i, ww, j] = [Math.floor(y / r), y % r, Math.floor(xx / r), xx % r];
      expected.push(x[((s * c * r * r + ch * r * r + i * r + j) * h + hh) * w + ww]);
    }
    assert.deepEqual(got, expected);
    assert.throws(() => tidy(() => new PixelShuffle(2).forward(tensor(values(6, 1), [1, 6, 1, 1]))), /6 channels are not a multiple of 4/);
  });

  it('tokens ⇄ maps: token (row·side + col) holds the map\'s column of channels at (row, col), and back', () => {
    const [n, side, c] = [2, 3, 4];
    const tokens = Array.from({ length: n * side * side * c }, (_, i) => i);
    const map = tidy(() => new TokensToImage(side).forward(tensor(tokens, [n, side * side, c])).toArray());
    for (let s = 0; s < n; s++) for (let ch = 0; ch < c; ch++) for (let p = 0; p < side * side; p++) {
      assert.equal(map[(s * c + ch) * side * side + p], tokens[(s * side * side + p) * c + ch]);
    }
    assert.deepEqual(tidy(() => new ImageToTokens().forward(tensor(map, [n, c, side, side])).toArray()), tokens);
  });

  it('pre-norm block: h = x + attn(LN₁(x)), y = h + MLP(LN₂(h)), from its parts; positional embedding adds one vector per token', () => {
    manualSeed(4);
    const block = new TransformerBlock(8, 2);
    noGrad(() => block.norm1.weight.normal_(1, 0.3));
    const x = tensor(values(2 * 5 * 8, 51), [2, 5, 8]);
    const got = tidy(() => block.forward(x).toArray());
    const expected = tidy(() => {
      const h = x.add(block.attention.forward(block.norm1.forward(x)));
      return h.add(block.mlp.layers[2].forward(gelu(block.mlp.layers[0].forward(block.norm2.forward(h))))).toArray();
    });
    close(got, expected, 1e-6, 'block');
    const positions = new PositionalEmbedding(5, 8);
    const pos = positions.weight.toArray();
    close(tidy(() => positions.forward(x).toArray()), x.toArray().map((v, i) => v + pos[i % 40]), 1e-7, 'positions');
    assert.deepEqual(positions.weight.shape, [1, 5, 8]);
    x.dispose();
    block.dispose();
    positions.dispose();
  });

  it('a block\'s forward and backward leave no tensor behind', () => {
    manualSeed(5);
    const block = new TransformerBlock(8, 2, { grid: { side: 4, window: 2 } });
    const x = tensor(values(2 * 16 * 8, 52), [2, 16, 8]);
    const before = memory().liveTensors;
    for (let k = 0; k < 3; k++) {
      tidy(() => block.forward(x).square().sum().backward());
      block.zeroGrad();
    }
    assert.equal(memory().liveTensors, before);
    x.dispose();
    block.dispose();
  });
});

describe('transformer layers: gradients match finite differences (float64)', () => {
  before(() => setDefaultDType('float64'));
  after(() => setDefaultDType('float32'));

  it('layer norm in x, weight and bias', () => {
    gradcheck('layerNorm', (x, w, b) => F.layerNorm(x, [4], { weight: w, bias: b }), [
      { data: values(3 * 4, 61, -2, 2), shape: [3, 4] }, { data: values(4, 62, 0.5, 1.5), shape: [4] }, { data: values(4, 63), shape: [4] },
    ], { atol: 1e-5 });
  });

  it('GELU', () => {
    gradcheck('gelu', (x) => gelu(x), [{ data: values(12, 64, -3, 3), shape: [12] }]);
  });

  it('scaled dot-product attention in q, k and v', () => {
    gradcheck('attention', (q, k, v) => scaledDotProductAttention(q, k, v), [
      { data: values(2 * 3 * 2, 65), shape: [2, 3, 2] }, { data: values(2 * 4 * 2, 66), shape: [2, 4, 2] }, { data: values(2 * 4 * 3, 67), shape: [2, 4, 3] },
    ]);
  });

  it('multi-head attention and a whole block in their input', () => {
    manualSeed(6);
    const mha = new MultiHeadAttention(4, 2);
    noGrad(() => mha.q.weight.normal_(0, 1)); // sharper attention than the default start, so softmax's curvature shows
    gradcheck('multi-head attention', (x) => mha.forward(x), [{ data: values(2 * 3 * 4, 68), shape: [2, 3, 4] }]);
    const block = new TransformerBlock(4, 2);
    gradcheck('transformer block', (x) => block.forward(x), [{ data: values(2 * 3 * 4, 69), shape: [2, 3, 4] }], { atol: 1e-5 });
    mha.dispose();
    block.dispose();
  });

  it('grid attention and pixel shuffle in their input', () => {
    manualSeed(7);
    const grid = new GridAttention(4, 1, 4, 2);
    noGrad(() => grid.attention.k.weight.normal_(0, 1));
    gradcheck('grid attention', (x) => grid.forward(x), [{ data: values(16 * 4, 70), shape: [1, 16, 4] }]);
    gradcheck('pixel shuffle', (x) => new PixelShuffle(2).forward(x), [{ data: values(2 * 8 * 2 * 1, 71), shape: [2, 8, 2, 1] }]);
    grid.dispose();
  });
});
