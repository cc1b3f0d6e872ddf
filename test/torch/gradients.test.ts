// Finite-difference gradient checks for every differentiable op of the tensor layer.
import { describe, it } from 'node:test';
import { cat, F, grad, manualSeed, stack, tensor, Tensor, where } from '../../src/torch';
import { gradcheck, values } from '../helpers/gradcheck';

const A = { data: values(6, 1), shape: [2, 3] };
const B = { data: values(6, 2), shape: [2, 3] };
const POSITIVE = { data: values(6, 3, 0.5, 2), shape: [2, 3] };
const AWAY_FROM_ZERO = { data: values(6, 4, -1, 1, [0], 0.1), shape: [2, 3] };

describe('elementwise gradients', () => {
  it('add, sub, mul, div (tensor and scalar operands, broadcasting)', () => {
    gradcheck('add', (a, b) => a.add(b), [A, B]);
    gradcheck('sub', (a, b) => a.sub(b), [A, B]);
    gradcheck('mul', (a, b) => a.mul(b), [A, B]);
    gradcheck('div', (a, b) => a.div(b), [A, POSITIVE]);
    gradcheck('add scalar', (a) => a.add(3).mul(-2).div(5).sub(1), [A]);
    gradcheck('broadcast row', (a, row) => a.mul(row), [A, { data: values(3, 5), shape: [3] }]);
    gradcheck('broadcast column', (a, col) => a.add(col), [A, { data: values(2, 6), shape: [2, 1] }]);
  });
  it('pow, neg, abs, exp, log, sqrt, square', () => {
    gradcheck('pow scalar', (a) => a.pow(3), [A]);
    gradcheck('pow tensor', (a, b) => a.pow(b), [POSITIVE, B]);
    gradcheck('neg', (a) => a.neg(), [A]);
    gradcheck('abs', (a) => a.abs(), [AWAY_FROM_ZERO]);
    gradcheck('exp', (a) => a.exp(), [A]);
    gradcheck('log', (a) => a.log(), [POSITIVE]);
    gradcheck('sqrt', (a) => a.sqrt(), [POSITIVE]);
    gradcheck('square', (a) => a.square(), [A]);
  });
  it('activations: tanh, sigmoid, relu, leakyRelu, softmax, logSoftmax, clamp', () => {
    gradcheck('tanh', (a) => a.tanh(), [A]);
    gradcheck('sigmoid', (a) => a.sigmoid(), [A]);
    gradcheck('relu', (a) => a.relu(), [AWAY_FROM_ZERO]);
    gradcheck('leakyRelu', (a) => a.leakyRelu(0.2), [AWAY_FROM_ZERO]);
    gradcheck('softmax', (a) => a.softmax(1), [A]);
    gradcheck('logSoftmax', (a) => a.logSoftmax(0), [A]);
    gradcheck('clamp', (a) => a.clamp(-0.5, 0.5), [{ data: values(6, 7, -1, 1, [-0.5, 0.5], 0.05), shape: [2, 3] }]);
  });
  it('maximum, minimum, where', () => {
    gradcheck('maximum', (a, b) => a.maximum(b), [A, B]);
    gradcheck('minimum', (a, b) => a.minimum(b), [A, B]);
    const mask = tensor([1, 0, 1, 0, 0, 1], [2, 3], 'bool');
    gradcheck('where', (a, b) => where(mask, a, b), [A, B]);
    mask.dispose();
  });
});

describe('linear algebra and reduction gradients', () => {
  it('matmul and linear', () => {
    gradcheck('matmul', (a, b) => a.matmul(b), [A, { data: values(12, 8), shape: [3, 4] }]);
    const W = { data: values(12, 9), shape: [4, 3] };
    gradcheck('linear', (x, w, b) => F.linear(x, w, b), [A, W, { data: values(4, 10), shape: [4] }]);
    gradcheck('linear without bias', (x, w) => F.linear(x, w), [A, W]);
  });
  it('sum, mean, variance, max', () => {
    gradcheck('sum all', (a) => a.sum(), [A]);
    gradcheck('sum dim keepdim', (a) => a.sum([1], true), [A]);
    gradcheck('mean all', (a) => a.mean(), [A]);
    gradcheck('mean dim', (a) => a.mean([0]), [A]);
    gradcheck('variance unbiased', (a) => a.variance([1]), [A]);
    gradcheck('variance biased all', (a) => a.variance(undefined, { unbiased: false }), [A]);
    gradcheck('max', (a) => a.max(), [A]);
    gradcheck('maxAlong', (a) => a.maxAlong(1).values, [A]);
  });
});

describe('shape and indexing gradients', () => {
  it('reshape, view, flatten, transpose, permute, unsqueeze, squeeze, expand', () => {
    gradcheck('reshape', (a) => a.reshape([3, 2]).mul(a.reshape([3, 2])), [A]);
    gradcheck('view', (a) => a.view([6]).square(), [A]);
    gradcheck('flatten', (a) => a.flatten().exp(), [A]);
    gradcheck('transpose', (a, b) => a.transpose(0, 1).matmul(b), [A, B]);
    gradcheck('permute', (a) => a.reshape([1, 2, 3]).permute([2, 0, 1]).square(), [A]);
    gradcheck('unsqueeze/squeeze', (a) => a.unsqueeze(0).squeeze(0).tanh(), [A]);
    gradcheck('expand', (a) => a.expand([4, 3]).square(), [{ data: values(3, 11), shape: [1, 3] }]);
  });
  it('narrow, select, indexSelect, gather, cat, stack', () => {
    gradcheck('narrow', (a) => a.narrow(1, 1, 2).square(), [A]);
    gradcheck('select', (a) => a.select(0, 1).exp(), [A]);
    const index = tensor([2, 0, 2], [3], 'int64');
    gradcheck('indexSelect (repeated index accumulates)', (a) => a.indexSelect(1, index), [A]);
    const gatherIndex = tensor([0, 2, 1, 1], [2, 2], 'int64');
    gradcheck('gather', (a) => a.gather(1, gatherIndex), [A]);
    gradcheck('cat', (a, b) => cat([a, b], 1).square(), [A, B]);
    gradcheck('stack', (a, b) => stack([a, b], 0).square(), [A, B]);
    index.dispose();
    gatherIndex.dispose();
  });
});

describe('loss gradients', () => {
  const targets01 = { data: values(6, 12, 0, 1), shape: [2, 3] };
  it('bceWithLogits (mean, sum, none), bce, mse', () => {
    gradcheck('bceWithLogits mean', (x, y) => F.bceWithLogits(x, y), [A, targets01]);
    gradcheck('bceWithLogits sum', (x, y) => F.bceWithLogits(x, y, 'sum'), [A, targets01]);
    gradcheck('bceWithLogits none', (x, y) => F.bceWithLogits(x, y, 'none'), [{ data: values(6, 13, -30, 30), shape: [2, 3] }, targets01]);
    gradcheck('bce', (p, y) => F.bce(p, y), [{ data: values(6, 14, 0.05, 0.95), shape: [2, 3] }, targets01]);
    gradcheck('mse', (a, b) => F.mse(a, b), [A, B]);
  });
  it('crossEntropy (with label smoothing)', () => {
    const classes = tensor([2, 0], [2], 'int64');
    gradcheck('crossEntropy', (x) => F.crossEntropy(x, classes), [A]);
    gradcheck('crossEntropy smoothed', (x) => F.crossEntropy(x, classes, 'sum', 0.1), [A]);
    classes.dispose();
  });
  it('dropout (same mask on every evaluation via the seed)', () => {
    gradcheck('dropout', (x) => F.dropout(x, 0.5, true), [A], { before: () => manualSeed(5) });
  });
});

describe('double backward', () => {
  it('the gradient of a gradient norm (as in WGAN-GP) matches finite differences', () => {
    // f(x, w) = ‖∂/∂x Σ tanh(x·w)‖²: differentiating it needs the graph of the first gradient.
    gradcheck(
      'grad norm',
      (x: Tensor, w: Tensor) => {
        const y = x.matmul(w).tanh().sum();
        const [gx] = grad([y], [x], { createGraph: true });
        return gx!.square().sum();
      },
      [A, { data: values(6, 15), shape: [3, 2] }],
    );
  });
});
