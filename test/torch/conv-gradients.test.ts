// Finite-difference gradient checks for the convolutional ops, and forward values against hand-computed cases.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { F, ones, tensor, tidy, zeros } from '../../src/torch';
import { gradcheck, values } from '../helpers/gradcheck';

const X = { data: values(2 * 2 * 4 * 4, 61), shape: [2, 2, 4, 4] };

describe('convolution gradients', () => {
  it('conv2d: input, weight and bias, with stride, padding, dilation and groups', () => {
    const W = { data: values(3 * 2 * 3 * 3, 62), shape: [3, 2, 3, 3] };
    const b = { data: values(3, 63), shape: [3] };
    gradcheck('conv2d', (x, w, bias) => F.conv2d(x, w, bias, { padding: 1 }), [X, W, b]);
    gradcheck('conv2d strided', (x, w) => F.conv2d(x, w, undefined, { stride: 2, padding: 1 }), [X, W]);
    gradcheck('conv2d dilated', (x, w) => F.conv2d(x, w, undefined, { dilation: 2, padding: 2 }), [X, W]);
    gradcheck('conv2d grouped', (x, w) => F.conv2d(x, w, undefined, { groups: 2 }), [X, { data: values(4 * 1 * 2 * 2, 64), shape: [4, 1, 2, 2] }]);
  });
  it('convTranspose2d: input, weight and bias, with stride, padding and output padding', () => {
    const W = { data: values(2 * 3 * 4 * 4, 65), shape: [2, 3, 4, 4] };
    gradcheck('convTranspose2d', (x, w, bias) => F.convTranspose2d(x, w, bias, { stride: 2, padding: 1 }), [X, W, { data: values(3, 66), shape: [3] }]);
    gradcheck('convTranspose2d output padding', (x, w) => F.convTranspose2d(x, w, undefined, { stride: 2, padding: 1, outputPadding: 1 }),
      [X, { data: values(2 * 1 * 3 * 3, 67), shape: [2, 1, 3, 3] }]);
  });
});

describe('normalisation, pooling and resampling gradients', () => {
  it('batchNorm (training and eval), instanceNorm, layerNorm', () => {
    const gamma = { data: values(2, 68, 0.5, 1.5), shape: [2] };
    const beta = { data: values(2, 69), shape: [2] };
    gradcheck('batchNorm train', (x, g, b) => F.batchNorm(x, true, { weight: g, bias: b }), [X, gamma, beta]);
    tidy(() => {
      const mean = tensor([0.1, -0.2], [2], 'float64');
      const variance = tensor([0.5, 2], [2], 'float64');
      gradcheck('batchNorm eval', (x, g, b) => F.batchNorm(x, false, { weight: g, bias: b, runningMean: mean, runningVar: variance }), [X, gamma, beta]);
    });
    gradcheck('instanceNorm', (x) => F.instanceNorm(x, true), [X]);
    gradcheck('layerNorm', (x, g, b) => F.layerNorm(x, [4], { weight: g, bias: b }), [X, { data: values(4, 70), shape: [4] }, { data: values(4, 71), shape: [4] }]);
  });
  it('maxPool2d, avgPool2d, bilinear (both align_corners modes) and nearest upsampling, embedding, pad', () => {
    gradcheck('maxPool2d', (x) => F.maxPool2d(x, 2), [X]);
    gradcheck('avgPool2d', (x) => F.avgPool2d(x, 2, { stride: 1 }), [X]);
    gradcheck('bilinear align', (x) => F.upsampleBilinear(x, [7, 6], true), [X]);
    gradcheck('bilinear no align', (x) => F.upsampleBilinear(x, [8, 8], false), [X]);
    gradcheck('nearest', (x) => F.upsampleNearest(x, [8, 8]), [X]);
    const idx = tensor([2, 0, 2], [3], 'int64');
    gradcheck('embedding', (w) => F.embedding(w, idx), [{ data: values(3 * 4, 72), shape: [3, 4] }]);
    idx.dispose();
    gradcheck('reflect pad', (x) => F.pad(x, [1, 1, 2, 0], 'reflect'), [X]);
  });
});

describe('forward values by hand', () => {
  it('a 3×3 box filter sums neighbourhoods; a stride-2 transposed conv spreads each pixel into a 2×2 block', () => {
    tidy(() => {
      const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
      const box = ones([1, 1, 3, 3]);
      assert.deepEqual(F.conv2d(x, box, undefined, { padding: 1 }).toArray(), [12, 21, 16, 27, 45, 33, 24, 39, 28]);
      const spread = F.convTranspose2d(tensor([1, 2, 3, 4], [1, 1, 2, 2]), ones([1, 1, 2, 2]), undefined, { stride: 2 });
      assert.deepEqual(spread.toArray(), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    });
  });
  it('bilinear with align_corners true keeps the corners; false averages as half-pixel centres', () => {
    tidy(() => {
      const x = tensor([0, 1, 2, 3], [1, 1, 2, 2]);
      assert.deepEqual(F.upsampleBilinear(x, [3, 3], true).toArray(), [0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3]);
      // half-pixel: output row centres at 0.25 and 0.75 of the way between inputs (clamped at the edges)
      assert.deepEqual(F.upsampleBilinear(x, [4, 4], false).toArray().slice(0, 4), [0, 0.25, 0.75, 1]);
    });
  });
  it('batch norm in training normalises each channel and updates running statistics with momentum', () => {
    tidy(() => {
      const x = tensor([1, 3, 5, 7], [4, 1]);
      const mean = zeros([1]);
      const variance = ones([1]);
      const y = F.batchNorm(x, true, { runningMean: mean, runningVar: variance, momentum: 0.1, eps: 0 });
      const std = Math.sqrt(5); // biased variance of [1,3,5,7] is 5
      y.toArray().forEach((v, i) => assert.ok(Math.abs(v - ([1, 3, 5, 7][i] - 4) / std) < 1e-6));
      assert.ok(Math.abs(mean.item() - 0.4) < 1e-6); // 0.9·0 + 0.1·4
      assert.ok(Math.abs(variance.item() - (0.9 + 0.1 * (20 / 3))) < 1e-6); // unbiased variance 20/3
    });
  });
});
