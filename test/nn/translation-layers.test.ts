// The layers of the image-to-image networks (pix2pix, CycleGAN, DiscoGAN): instance norm with and without
// affine parameters, reflection padding, the residual block, the norm choice, and dropout as their noise.
// Forward values are checked against cases worked out by hand; gradients against central differences in float64.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchNorm, Dropout, Identity, InstanceNorm, Layer, Module, normLayer, ReflectionPad2d, ResidualBlock } from '../../src/nn';
import { manualSeed, memory, noGrad, setDefaultDType, Tensor, tensor, tidy } from '../../src/torch';
import { gradcheck, values } from '../helpers/gradcheck';

/** Central differences of sum(w · module(x)) w.r.t. every parameter of `module`, against autograd. */
function checkParameterGradients(name: string, module: Module & Layer, x: Tensor): void {
  const weights = tidy(() => tensor(values(module.forward(x).numel, 91, 0.5, 1.5), module.forward(x).shape));
  const loss = () => tidy(() => module.forward(x).mul(weights).sum().item());
  module.zeroGrad();
  tidy(() => module.forward(x).mul(weights).sum().backward());
  for (const [pname, p] of module.namedParameters()) {
    const analytic = p.grad!.toArray();
    const data = p.toArray();
    data.forEach((v, k) => {
      const set = (value: number) => noGrad(() => tidy(() => p.copy_(tensor(data.map((d, j) => (j === k ? value : d)), p.shape))));
      set(v + 1e-6);
      const plus = loss();
      set(v - 1e-6);
      const minus = loss();
      set(v);
      const numeric = (plus - minus) / 2e-6;
      assert.ok(Math.abs(numeric - analytic[k]) <= 1e-6 + 1e-5 * Math.abs(numeric), `${name} ${pname}[${k}]: analytic ${analytic[k]} vs numeric ${numeric}`);
    });
  }
  weights.dispose();
}

describe('image-to-image layers: values by hand', () => {
  it('InstanceNorm normalises each sample and channel over its own pixels; affine scales and shifts per channel', () => {
    tidy(() => {
      // Sample 0 channel 0: [1, 2, 3, 4] has mean 2.5 and biased variance 1.25; channel 1 is [10, 10, 10, 14]:
      // mean 11, variance 3. Sample 1 repeats sample 0 times 2 plus 7, which instance norm must not see.
      const x = tensor([1, 2, 3, 4, 10, 10, 10, 14, 9, 11, 13, 15, 27, 27, 27, 35], [2, 2, 2, 2]);
      const eps = 1e-5;
      const c0 = [1, 2, 3, 4].map((v) => (v - 2.5) / Math.sqrt(1.25 + eps));
      const c1 = [10, 10, 10, 14].map((v) => (v - 11) / Math.sqrt(3 + eps));
      const plain = new InstanceNorm(2).forward(x).toArray();
      [...c0, ...c1, ...c0, ...c1].forEach((v, i) => assert.ok(Math.abs(plain[i] - v) < 1e-5, `plain [${i}] ${plain[i]} vs ${v}`));
      const affine = new InstanceNorm(2, { affine: true });
      affine.weight!.copy_(tensor([2, -1]));
      affine.bias!.copy_(tensor([0.5, 3]));
      const scaled = affine.forward(x).toArray();
      const want = [...c0.map((v) => 2 * v + 0.5), ...c1.map((v) => 3 - v)];
      [...want, ...want].forEach((v, i) => assert.ok(Math.abs(scaled[i] - v) < 1e-5, `affine [${i}] ${scaled[i]} vs ${v}`));
      affine.dispose();
    });
  });

  it('ReflectionPad2d mirrors without repeating the border pixel, each side by its own amount', () => {
    tidy(() => {
      const x = tensor([1, 2, 3, 4, 5, 6], [1, 1, 2, 3]);
      // left 2, right 1, top 1, bottom 0: row [1 2 3] → [3 2 1 2 3 2]; the top row mirrors row 1 ([4 5 6]).
      const out = new ReflectionPad2d([2, 1, 1, 0]).forward(x);
      assert.deepEqual(out.shape, [1, 1, 3, 6]);
      assert.deepEqual(out.toArray(), [6, 5, 4, 5, 6, 5, 3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5]);
      assert.throws(() => new ReflectionPad2d(3).forward(x), /reflection padding \[3,3,3,3\] needs each amount smaller than the side it mirrors \(input 2×3\)/);
      assert.throws(() => new ReflectionPad2d(-1), /non-negative integers/);
    });
  });

  it('ResidualBlock adds its branch to the input: with the last norm zeroed (affine batch norm) it is the identity', () => {
    manualSeed(3);
    const block = new ResidualBlock(2, { norm: 'batch' });
    // The branch ends in BatchNorm, whose affine weight and bias set to 0 make the branch output 0.
    const last = block.block.layers.at(-1) as BatchNorm;
    noGrad(() => {
      last.weight!.fill_(0);
      last.bias!.fill_(0);
    });
    tidy(() => {
      const x = tensor(values(2 * 2 * 4 * 4, 12), [2, 2, 4, 4]);
      const y = block.forward(x);
      assert.deepEqual(y.shape, [2, 2, 4, 4]);
      const d = y.sub(x).abs().max().item();
      assert.ok(d < 1e-6, `max difference ${d}`);
    });
    block.dispose();
  });

  it('normLayer builds the asked norm; none is an identity that hands back a new handle', () => {
    const layers = [normLayer('batch', 3), normLayer('instance', 3), normLayer('none', 3)];
    assert.ok(layers[0] instanceof BatchNorm && layers[1] instanceof InstanceNorm && layers[2] instanceof Identity);
    assert.equal(layers[1].parameters().length, 0, 'instance norm without affine parameters, as pix2pix and CycleGAN');
    assert.equal(layers[1].namedBuffers().length, 0, 'and without running statistics');
    tidy(() => {
      const x = tensor([1, 2, 3], [1, 3, 1, 1]);
      const y = layers[2].forward(x);
      assert.notEqual(y, x);
      assert.deepEqual(y.toArray(), [1, 2, 3]);
    });
    layers.forEach((l) => l.dispose());
  });
});

describe('image-to-image layers: dropout as noise', () => {
  it('draws its mask from the global generator: the same seed gives the same mask, another seed another one', () => {
    const drop = new Dropout(0.5);
    const x = tensor(Array.from({ length: 64 }, () => 1), [64]);
    const maskAfter = (seed: number) => tidy(() => {
      manualSeed(seed);
      return drop.forward(x).toArray().join(',');
    });
    assert.equal(maskAfter(5), maskAfter(5));
    assert.notEqual(maskAfter(5), maskAfter(6));
    const kept = maskAfter(5).split(',').map(Number);
    assert.ok(kept.every((v) => v === 0 || v === 2), 'kept values are scaled by 1/(1−p)');
    drop.eval();
    assert.equal(maskAfter(5), x.toArray().join(','), 'the identity in eval mode');
    x.dispose();
  });
});

describe('image-to-image layers: gradients (float64)', () => {
  before(() => setDefaultDType('float64'));
  after(() => setDefaultDType('float32'));
  const X = { data: values(2 * 2 * 4 * 4, 77), shape: [2, 2, 4, 4] };

  it('InstanceNorm with affine parameters: w.r.t. input, weight and bias', () => {
    const norm = new InstanceNorm(2, { affine: true });
    noGrad(() => {
      norm.weight!.copy_(tensor([1.3, 0.7]));
      norm.bias!.copy_(tensor([0.2, -0.4]));
    });
    gradcheck('InstanceNorm affine', (x) => norm.forward(x), [X]);
    const x = tensor(X.data, X.shape);
    checkParameterGradients('InstanceNorm affine', norm, x);
    x.dispose();
    norm.dispose();
  });

  it('ReflectionPad2d w.r.t. its input', () => {
    const pad = new ReflectionPad2d([1, 2, 3, 1]);
    gradcheck('ReflectionPad2d', (x) => pad.forward(x), [X]);
  });

  it('ResidualBlock (instance and batch norm, and with dropout): w.r.t. input and every parameter', () => {
    for (const options of [{ norm: 'instance' as const }, { norm: 'batch' as const }, { norm: 'instance' as const, dropout: 0.3 }]) {
      manualSeed(8);
      const block = new ResidualBlock(2, options);
      const reseed = () => manualSeed(21); // the same dropout mask in every evaluation
      gradcheck(`ResidualBlock ${JSON.stringify(options)}`, (x) => block.forward(x), [X], { before: reseed });
      const x = tensor(X.data, X.shape);
      reseed();
      if (!options.dropout) checkParameterGradients(`ResidualBlock ${options.norm}`, block, x);
      x.dispose();
      block.dispose();
    }
  });

  it('forward passes leave no tensors behind', () => {
    manualSeed(2);
    const block = new ResidualBlock(2, { dropout: 0.5 });
    const x = tensor(X.data, X.shape);
    const before = memory().liveTensors;
    for (let i = 0; i < 3; i++) block.forward(x).dispose();
    assert.equal(memory().liveTensors, before);
    x.dispose();
    block.dispose();
  });
});
