// The tensor layer: creation, dtypes, data in and out, errors, disposal, scopes, memory and the RNG.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  arange, cat, full, keep, manualSeed, memory, noGrad, ones, rand, randint, randn, randperm, randomState,
  setRandomState, stack, tensor, tidy, zeros,
} from '../../src/torch';
import { gradcheck } from '../helpers/gradcheck';

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `element ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('creation and data', () => {
  it('zeros, ones, full, arange have the asked shapes, dtypes and values', () => {
    tidy(() => {
      const z = zeros([2, 3]);
      assert.deepEqual(z.shape, [2, 3]);
      assert.equal(z.dtype, 'float32');
      assert.deepEqual(z.toArray(), [0, 0, 0, 0, 0, 0]);
      assert.deepEqual(ones([2], { dtype: 'int64' }).toTypedArray(), BigInt64Array.from([1n, 1n]));
      assert.deepEqual(full([3], 2.5, { dtype: 'float64' }).toArray(), [2.5, 2.5, 2.5]);
      assert.deepEqual(arange(5).toArray(), [0, 1, 2, 3, 4]);
      assert.deepEqual(arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
    });
  });
  it('tensor() keeps typed array element types and reshapes', () => {
    tidy(() => {
      const u = tensor(Uint8Array.from([0, 128, 255]), [3]);
      assert.equal(u.dtype, 'uint8');
      assert.deepEqual(Array.from(u.toTypedArray() as Uint8Array), [0, 128, 255]);
      const l = tensor([1, -2, 3, 4], [2, 2], 'int64');
      assert.equal(l.dtype, 'int64');
      assert.deepEqual(l.toArray(), [1, -2, 3, 4]);
      const b = tensor([1, 0, 1], [3], 'bool');
      assert.equal(b.dtype, 'bool');
      assert.deepEqual(b.toArray(), [1, 0, 1]);
      assert.throws(() => tensor([1, 2, 3], [2, 2]), /shape holds 4 elements but the array has 3/);
      assert.throws(() => zeros([2, -1]), /invalid shape/);
    });
  });
  it('arithmetic broadcasts and reductions match hand-computed values', () => {
    tidy(() => {
      const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      const row = tensor([10, 20, 30]);
      assert.deepEqual(a.add(row).toArray(), [11, 22, 33, 14, 25, 36]);
      assert.deepEqual(a.mul(2).sub(1).toArray(), [1, 3, 5, 7, 9, 11]);
      assert.deepEqual(a.sum([1]).toArray(), [6, 15]);
      assert.deepEqual(a.mean([0], true).shape, [1, 3]);
      assert.deepEqual(a.mean([0]).toArray(), [2.5, 3.5, 4.5]);
      assert.equal(a.max().item(), 6);
      assert.deepEqual(a.argmax(1).toArray(), [2, 2]);
      const { values, indices } = a.minAlong(0);
      assert.deepEqual(values.toArray(), [1, 2, 3]);
      assert.deepEqual(indices.toArray(), [0, 0, 0]);
      close(a.variance().toArray(), [3.5]);
      assert.deepEqual(a.matmul(a.transpose(0, 1)).toArray(), [14, 32, 32, 77]);
      assert.deepEqual(cat([a, a], 0).shape, [4, 3]);
      assert.deepEqual(stack([a, a], 1).shape, [2, 2, 3]);
      assert.deepEqual(a.narrow(1, 1, 2).toArray(), [2, 3, 5, 6]);
      assert.deepEqual(a.select(1, 0).toArray(), [1, 4]);
      assert.deepEqual(a.gt(3).toArray(), [0, 0, 0, 1, 1, 1]);
      close(tensor([0, 100, -100]).sigmoid().toArray(), [0.5, 1, 0]);
      close(tensor([-1, 2]).leakyRelu(0.2).toArray(), [-0.2, 2]);
      close(tensor([1, 2, 3]).softmax(0).toArray(), [0.09003057, 0.24472847, 0.66524096]);
      assert.equal(tensor([1, NaN]).allFinite(), false);
      assert.equal(tensor([1, 2]).allFinite(), true);
    });
  });
});

describe('errors and disposal', () => {
  it('a libtorch error becomes a JS Error carrying its message', () => {
    tidy(() => {
      const a = zeros([2, 3]);
      assert.throws(() => a.matmul(zeros([2, 3])), /mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)/);
      assert.throws(() => a.view([4]), /shape '\[4\]' is invalid for input of size 6/);
      assert.throws(() => a.to({ dtype: 'complex' as never }), /unknown dtype 'complex'/);
    });
  });
  it('dispose is idempotent and use after dispose throws', () => {
    const before = memory().liveTensors;
    const t = ones([4]);
    assert.equal(memory().liveTensors, before + 1);
    assert.equal(memory().bytes >= 16, true);
    t.dispose();
    t.dispose();
    assert.equal(t.isDisposed, true);
    assert.equal(memory().liveTensors, before);
    assert.throws(() => t.add(1), /tensor used after dispose\(\)/);
  });
  it('using disposes at the end of the block', () => {
    const before = memory().liveTensors;
    {
      using t = zeros([3]);
      assert.equal(memory().liveTensors, before + 1);
      assert.equal(t.numel, 3);
    }
    assert.equal(memory().liveTensors, before);
  });
});

describe('scopes', () => {
  it('tidy frees intermediates and keeps what it returns', () => {
    const before = memory().liveTensors;
    const result = tidy(() => {
      const a = ones([10]);
      const b = a.mul(3);
      return { sum: b.sum(), list: [b.add(1)] };
    });
    assert.equal(memory().liveTensors, before + 2);
    assert.equal(result.sum.item(), 30);
    result.sum.dispose();
    result.list[0].dispose();
    assert.equal(memory().liveTensors, before);
  });
  it('nested tidy hands survivors to the outer scope; keep escapes all scopes', () => {
    const before = memory().liveTensors;
    let kept: ReturnType<typeof ones> | null = null;
    tidy(() => {
      const inner = tidy(() => ones([2]).mul(2));
      kept = keep(inner.add(1));
      assert.equal(inner.isDisposed, false);
      return undefined;
    });
    assert.equal(memory().liveTensors, before + 1);
    assert.deepEqual(kept!.toArray(), [3, 3]);
    kept!.dispose();
    assert.equal(memory().liveTensors, before);
  });
  it('tidy disposes everything when the function throws', () => {
    const before = memory().liveTensors;
    assert.throws(() => tidy(() => {
      ones([5]);
      throw new Error('boom');
    }), /boom/);
    assert.equal(memory().liveTensors, before);
  });
  it('noGrad stops recording and restores the mode', () => {
    tidy(() => {
      const w = ones([2]).requiresGrad_();
      const y = noGrad(() => w.mul(2));
      assert.equal(y.requiresGrad, false);
      assert.equal(w.mul(2).requiresGrad, true);
    });
  });
});

describe('random numbers', () => {
  it('manualSeed reproduces draws; the state round-trips', () => {
    tidy(() => {
      manualSeed(42);
      const a = randn([5]).toArray();
      manualSeed(42);
      assert.deepEqual(randn([5]).toArray(), a);
      const state = randomState();
      const b = rand([4]).toArray();
      setRandomState(state);
      assert.deepEqual(rand([4]).toArray(), b);
      const ints = randint(3, 7, [100]).toArray();
      assert.ok(ints.every((v) => v >= 3 && v < 7));
    });
  });
  it('randperm with a seed is a permutation independent of the global stream', () => {
    tidy(() => {
      const p = randperm(50, 7).toArray();
      assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
      randn([100]);
      assert.deepEqual(randperm(50, 7).toArray(), p);
      assert.notDeepEqual(randperm(50, 8).toArray(), p);
    });
  });
  it('torch.manual_seed(0); torch.randn(2, 3) in PyTorch gives these values (same generator)', () => {
    // Reference printed by PyTorch 1.13: tensor([[ 1.5410, -0.2934, -2.1788], [ 0.5684, -1.0845, -1.3986]])
    manualSeed(0);
    tidy(() => close(randn([2, 3]).toArray(), [1.541, -0.2934, -2.1788, 0.5684, -1.0845, -1.3986], 1e-4));
  });
});

describe('the gradient checker itself', () => {
  it('rejects a function whose autograd gradient is wrong', () => {
    // d/da (detach(a)·a) is a by autograd but 2a numerically: the checker must notice.
    assert.throws(
      () => gradcheck('wrong', (a) => a.detach().mul(a), [{ data: [0.5, -1, 2], shape: [3] }]),
      /analytic .* vs numeric/,
    );
  });
});
