// The native boundary's argument checks (issue 8, defect 1): each case below is a call that, before the checks
// in native/src/handle.cc and optim.cc, crashed the process, corrupted memory or silently did the wrong thing.
// Now each is a JS TypeError (wrong kind) or RangeError (wrong size or value) naming the op, and nothing was
// touched. The fuzzer (test/fuzz/native-fuzz.test.ts) covers the same ground at random over every export.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adamUpdate, emaUpdate, memory, sgdUpdate, tensor, tidy, zeros, type AdamHyper, type Tensor } from '../../src/torch';
import { native, type Handle } from '../../src/torch/native';

const adam: AdamHyper = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false };
const sgd = { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false };

/** A float parameter with a gradient of ones. */
function param(shape: number[], dtype: 'float32' | 'float64' = 'float32'): Tensor {
  const p = zeros(shape, { dtype }).requiresGrad_();
  p.mul(1).sum().backward();
  return p;
}

const values = (t: Tensor) => Array.from(t.toTypedArray() as Float32Array);

describe('optimizer state is checked before the fused loop touches a pointer', () => {
  it('a state tensor smaller than its parameter is a RangeError (was: read/written past its end, SIGSEGV)', () => {
    tidy(() => {
      const p = param([4096]);
      const steps = new Float64Array(1);
      assert.throws(() => adamUpdate([p], [zeros([1])], [zeros([4096])], [], steps, adam), (e: Error) =>
        e instanceof RangeError && /adamStep: argument 1 \(expAvg\) element 0 has shape \[1\]/.test(e.message));
      assert.throws(() => adamUpdate([p], [zeros([4096])], [zeros([7])], [], steps, adam), RangeError);
      assert.throws(() => adamUpdate([p], [zeros([4096])], [zeros([4096])], [zeros([3])], steps, { ...adam, amsgrad: true }), RangeError);
      assert.equal(steps[0], 0, 'no step was counted');
      assert.deepEqual(values(p).slice(0, 3), [0, 0, 0], 'the parameter was not touched');
    });
  });

  it('a larger state tensor is a RangeError (was: silently updated part of the parameter)', () => {
    tidy(() => {
      const p = param([4]);
      assert.throws(() => adamUpdate([p], [zeros([8])], [zeros([8])], [], new Float64Array(1), adam), RangeError);
    });
  });

  it('a state tensor of another dtype is a TypeError (was: float64 memory read as float32 by the fused loop)', () => {
    tidy(() => {
      const p = param([4]);
      assert.throws(() => adamUpdate([p], [zeros([4], { dtype: 'float64' })], [zeros([4])], [], new Float64Array(1), adam), TypeError);
      assert.throws(() => adamUpdate([p], [zeros([4], { dtype: 'int32' })], [zeros([4])], [], new Float64Array(1), adam), TypeError);
    });
  });

  it('steps must be a Float64Array of one count per parameter (was: a Uint8Array or Float32Array written as float64, heap overflow)', () => {
    tidy(() => {
      const p = param([4]);
      const state = (): [Tensor[], Tensor[]] => [[zeros([4])], [zeros([4])]];
      for (const steps of [new Uint8Array(1), new Float32Array(1), new Int8Array(1), new Uint16Array(1), new BigInt64Array(1)]) {
        const [m, v] = state();
        assert.throws(() => adamUpdate([p], m, v, [], steps as unknown as Float64Array, adam), (e: Error) =>
          e instanceof TypeError && /adamStep: argument 4 must be a Float64Array/.test(e.message), steps.constructor.name);
        assert.throws(() => sgdUpdate([p], m, steps as unknown as Float64Array, sgd), TypeError, steps.constructor.name);
      }
      const [m, v] = state();
      assert.throws(() => adamUpdate([p], m, v, [], new Float64Array(0), adam), RangeError);
      assert.throws(() => adamUpdate([p], m, v, [], new Float64Array(2), adam), RangeError);
      assert.throws(() => adamUpdate([p], m, v, [], undefined as unknown as Float64Array, adam), TypeError);
    });
  });

  it('the ATen path (float64) rejects a mismatched shape instead of broadcasting it', () => {
    tidy(() => {
      // Was: a [4] state against a [1, 4] parameter broadcast silently and trained with the wrong state.
      const p = param([1, 4], 'float64');
      assert.throws(() => adamUpdate([p], [zeros([4], { dtype: 'float64' })], [zeros([1, 4], { dtype: 'float64' })], [],
        new Float64Array(1), adam), RangeError);
      assert.throws(() => sgdUpdate([p], [zeros([4], { dtype: 'float64' })], new Float64Array(1), sgd), RangeError);
    });
  });

  it('state that shares memory with its parameter, or a list of the wrong length, is an error', () => {
    tidy(() => {
      const p = param([4]);
      assert.throws(() => adamUpdate([p], [p], [zeros([4])], [], new Float64Array(1), adam), RangeError);
      const m = zeros([4]);
      assert.throws(() => adamUpdate([p], [m], [m], [], new Float64Array(1), adam), RangeError);
      assert.throws(() => adamUpdate([p], [], [zeros([4])], [], new Float64Array(1), adam), RangeError);
      assert.throws(() => sgdUpdate([p], [], new Float64Array(1), sgd), RangeError);
    });
  });

  it('emaUpdate needs averages shaped like their parameters (was: [1, n] against [n] broadcast silently)', () => {
    tidy(() => {
      assert.throws(() => emaUpdate([zeros([1, 4])], [zeros([4])], 0.99), RangeError);
      assert.throws(() => emaUpdate([zeros([4])], [zeros([4], { dtype: 'float64' })], 0.99), TypeError);
      assert.throws(() => emaUpdate([zeros([4])], [], 0.99), RangeError);
    });
  });

  it('valid calls still update as before', () => {
    tidy(() => {
      const p = param([3]);
      const steps = new Float64Array(1);
      adamUpdate([p], [zeros([3])], [zeros([3])], [], steps, adam);
      assert.equal(steps[0], 1);
      for (const x of values(p)) assert.ok(Math.abs(x + 1e-3) < 1e-7, `${x}`);
    });
  });
});

describe('integers, shapes and sizes are checked in the shared helpers', () => {
  const h = () => native.zeros([2, 3]);
  const cleanup = (hs: Handle[]) => hs.forEach((x) => native.dispose(x));

  it('NaN, ±Infinity, fractions and values outside int64 are RangeErrors (was: cast silently, NaN → 0 or INT64_MIN)', () => {
    for (const bad of [NaN, Infinity, -Infinity, 2.5, 2 ** 63, -(2 ** 64)]) {
      assert.throws(() => native.zeros([bad]), RangeError, `zeros([${bad}])`);
      const t = h();
      assert.throws(() => native.narrow(t, 0, bad, 1), RangeError, `narrow start ${bad}`);
      assert.throws(() => native.softmax(t, bad), RangeError, `softmax dim ${bad}`);
      native.dispose(t);
    }
    // A BigInt that does not fit int64 was truncated silently (2n ** 64n + 3n became 3).
    assert.throws(() => native.randperm((2n ** 64n + 3n) as unknown as number), RangeError);
    assert.throws(() => native.zeros(['2' as unknown as number]), TypeError);
  });

  it('negative dimensions, overflowing element counts and tensors over the byte cap are RangeErrors before allocating', () => {
    assert.throws(() => native.zeros([-1]), (e: Error) => e instanceof RangeError && /zeros: .*negative dimension/.test(e.message));
    assert.throws(() => native.randn([2 ** 62, 4]), RangeError); // was: int64 overflow inside libtorch
    assert.throws(() => native.full([1e6, 1e6], 1), RangeError); // was: a 4 TB request (the OOM killer, or an opaque error)
    assert.throws(() => native.randint(0, 5, [-3, -2]), RangeError);
    assert.throws(() => native.randperm(-1), RangeError);
    assert.throws(() => native.randperm(2 ** 60), RangeError);
    assert.throws(() => native.arange(0, 1, 1e-15), RangeError);
    assert.throws(() => native.arange(0, NaN, 1), RangeError);
    const t = h();
    assert.throws(() => native.expand(t, [2 ** 40, 2 ** 40, 3]), RangeError);
    assert.throws(() => native.reshape(t, [-2, 3]), RangeError);
    // An op whose output size comes from its arguments meets the allocator's cap (was: a multi-terabyte malloc).
    assert.throws(() => native.pad(t, [0, 2 ** 40]), RangeError);
    assert.throws(() => native.upsampleNearest2d(native.zeros([1, 1, 2, 2]), [1e6, 1e6]), RangeError);
    native.dispose(t);
  });

  it('fromTypedArray checks the shape against the array (was: an overflowing shape matched an empty array)', () => {
    assert.throws(() => native.fromTypedArray(new Float32Array(0), [2 ** 32, 2 ** 32]), RangeError);
    assert.throws(() => native.fromTypedArray(new Float32Array(2), [-1, -2]), RangeError);
    assert.throws(() => native.fromTypedArray(new Float32Array(6), [2, 2]), RangeError);
    assert.throws(() => native.fromTypedArray(new Uint16Array(4) as never, [4]), TypeError);
    assert.throws(() => native.fromTypedArray(new Float32Array(4), [4], 'float64'), TypeError);
    const t = native.fromTypedArray(new Float32Array(new ArrayBuffer(32), 8, 4).fill(2), [2, 2]);
    assert.deepEqual(Array.from(native.toTypedArray(t) as Float32Array), [2, 2, 2, 2]);
    native.dispose(t);
    assert.throws(() => tensor([1, 2, 3], [2, 2]), /shape holds 4 elements but the array has 3/);
  });

  it('setRngState takes exactly the bytes rngState gives (was: any typed array, any length)', () => {
    const state = native.rngState();
    assert.throws(() => native.setRngState(new Float64Array(state.length) as never), TypeError);
    assert.throws(() => native.setRngState(state.subarray(1)), RangeError);
    assert.throws(() => native.setRngState(new Uint8Array(state.length + 8)), RangeError);
    native.setRngState(state);
    assert.deepEqual(native.rngState(), state);
  });

  it('expand refuses -1 in a new leading dimension (was: an empty input came back with size -1)', () => {
    const empty = native.zeros([1, 0]);
    try {
      assert.throws(() => native.expand(empty, [-1, 1, 0]), /expand: argument 1: -1 in new leading dimension 0/);
      const kept = native.expand(empty, [3, -1, 0]);
      assert.deepEqual(native.shape(kept), [3, 1, 0]);
      native.dispose(kept);
    } finally {
      native.dispose(empty);
    }
  });

  it('out-of-range indices throw instead of reading out of bounds', () => {
    const t = native.zeros([3, 4]);
    const idx = native.fromTypedArray(new BigInt64Array([0n, 7n]), [2]);
    const neg = native.fromTypedArray(new BigInt64Array([-9n]), [1]);
    const idx2 = native.fromTypedArray(new BigInt64Array([0n, 9n, 0n, 0n]), [1, 4]);
    const cases: [string, () => unknown][] = [
      ['narrow', () => native.narrow(t, 1, 2, 5)],
      ['narrow dim', () => native.narrow(t, 5, 0, 1)],
      ['select', () => native.select(t, 0, 3)],
      ['select negative', () => native.select(t, 0, -4)],
      ['indexSelect', () => native.indexSelect(t, 1, idx)],
      ['indexSelect negative', () => native.indexSelect(t, 0, neg)],
      ['gather', () => native.gather(t, 1, idx2)],
      ['embedding', () => native.embedding(t, idx)],
      ['embedding negative', () => native.embedding(t, neg)],
      ['transpose', () => native.transpose(t, 0, 2)],
      ['crossEntropy class', () => native.crossEntropy(t, idx)],
    ];
    for (const [name, call] of cases) assert.throws(call, Error, name);
    cleanup([t, idx, neg, idx2]);
  });

  it('other wrong kinds are TypeErrors naming the op', () => {
    const t = h();
    assert.throws(() => native.dropout(t, 0.5, 'yes' as never), /dropout: argument 2 must be a boolean/);
    assert.throws(() => native.add({} as never, 1), /add: argument 0 is not a tensor/);
    assert.throws(() => native.cat([t, null as never], 0), /cat: argument 0 element 1 is not a tensor/);
    assert.throws(() => native.zeros([1], 'complex' as never), (e: Error) => e instanceof RangeError && /unknown dtype 'complex'/.test(e.message));
    assert.throws(() => native.to(t, 'float32', 'gpu:banana'), RangeError);
    assert.throws(() => native.setNumThreads(1e9), RangeError); // was: cast to int and handed to OpenMP
    assert.throws(() => native.setNumThreads(0), RangeError);
    native.dispose(t);
    assert.throws(() => native.neg(t), (e: Error) => e instanceof TypeError && /neg: argument 0: tensor used after dispose\(\)/.test(e.message));
  });

  it('no checked call leaks a tensor', () => {
    const before = memory().liveTensors;
    for (let k = 0; k < 50; k++) {
      assert.throws(() => native.fromTypedArray(new Float32Array(3), [2, 2]));
      assert.throws(() => native.zeros([-1]));
    }
    assert.equal(memory().liveTensors, before);
  });
});
