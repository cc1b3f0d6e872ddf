// Modules and layers: naming, state dicts, PyTorch's default initialisation, and gradient checks in float64.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Dropout, Flatten, LeakyReLU, Linear, ReLU, Sequential, Sigmoid, Tanh, Unflatten } from '../../src/nn';
import { manualSeed, memory, setDefaultDType, Tensor, tensor, tidy, zeros } from '../../src/torch';
import { gradcheck, values } from '../helpers/gradcheck';
import { python } from '../helpers/python';

describe('Linear', () => {
  it('initialises like PyTorch: weight and bias in ±1/√fan_in', () => {
    manualSeed(3);
    const layer = new Linear(400, 50);
    const bound = 1 / Math.sqrt(400);
    const w = layer.weight.toArray();
    assert.ok(w.every((v) => Math.abs(v) <= bound));
    assert.ok(Math.max(...w) > 0.95 * bound && Math.min(...w) < -0.95 * bound, 'spans the bound');
    assert.ok(layer.bias!.toArray().every((v) => Math.abs(v) <= bound));
    assert.deepEqual(layer.weight.shape, [50, 400]);
    layer.dispose();
  });

  it('draws the same initial weights as torch.nn.Linear after the same seed (when python3-torch is installed)', (t) => {
    const script = `
import torch
torch.manual_seed(11)
l1 = torch.nn.Linear(5, 3); l2 = torch.nn.Linear(3, 2)
print(' '.join(repr(v) for v in torch.cat([l1.weight.flatten(), l1.bias, l2.weight.flatten(), l2.bias]).tolist()))`;
    const out = python(t, 'torch', script);
    if (out === null) return;
    manualSeed(11);
    const l1 = new Linear(5, 3);
    const l2 = new Linear(3, 2);
    const ours = [l1.weight, l1.bias!, l2.weight, l2.bias!].flatMap((p) => p.toArray());
    assert.deepEqual(ours, out.trim().split(' ').map(Number));
    l1.dispose();
    l2.dispose();
  });
});

describe('gradients of layers (float64)', () => {
  before(() => setDefaultDType('float64'));
  after(() => setDefaultDType('float32'));

  it('Linear: w.r.t. input, weight and bias (central differences on the parameters themselves)', () => {
    manualSeed(1);
    const layer = new Linear(3, 2);
    gradcheck('Linear w.r.t. input', (x) => layer.forward(x), [{ data: values(6, 40), shape: [2, 3] }]);
    // Direct check of the parameter gradients: autograd on the layer vs central differences of its loss.
    const x = tensor(values(6, 43), [2, 3]);
    const lossFor = () => tidy(() => layer.forward(x).tanh().sum().item());
    layer.zeroGrad();
    tidy(() => layer.forward(x).tanh().sum().backward());
    for (const p of layer.parameters()) {
      const analytic = p.grad!.toArray();
      const data = p.toArray();
      data.forEach((v, k) => {
        const set = (value: number) => tidy(() => p.copy_(tensor(data.map((d, j) => (j === k ? value : d)), p.shape)));
        set(v + 1e-6);
        const plus = lossFor();
        set(v - 1e-6);
        const minus = lossFor();
        set(v);
        assert.ok(Math.abs((plus - minus) / 2e-6 - analytic[k]) < 1e-6, `param grad ${k}`);
      });
    }
    x.dispose();
    layer.dispose();
  });

  it('activations, Flatten, Unflatten, Dropout and Sequential w.r.t. their input', () => {
    manualSeed(2);
    const input = { data: values(12, 44, -1, 1, [0], 0.02), shape: [2, 6] };
    for (const [name, layer] of [
      ['LeakyReLU', new LeakyReLU(0.2)], ['ReLU', new ReLU()], ['Tanh', new Tanh()], ['Sigmoid', new Sigmoid()],
      ['Unflatten+Flatten', new Sequential(new Unflatten([2, 3]), new Flatten())],
      ['MLP', new Sequential(new Linear(6, 5), new LeakyReLU(0.2), new Linear(5, 1))],
    ] as const) {
      gradcheck(name, (x) => layer.forward(x), [input]);
      layer.dispose();
    }
    const dropout = new Dropout(0.3);
    gradcheck('Dropout', (x) => dropout.forward(x), [input], { before: () => manualSeed(9) });
  });
});

describe('Module', () => {
  it('names parameters like PyTorch and round-trips a state dict', () => {
    manualSeed(4);
    const net = new Sequential(new Linear(4, 3), new LeakyReLU(0.2), new Linear(3, 1));
    assert.deepEqual(net.namedParameters().map(([n]) => n), ['0.weight', '0.bias', '2.weight', '2.bias']);
    assert.equal(net.numParameters(), 4 * 3 + 3 + 3 + 1);
    manualSeed(5);
    const other = new Sequential(new Linear(4, 3), new LeakyReLU(0.2), new Linear(3, 1));
    other.loadStateDict(net.stateDict());
    assert.deepEqual(other.parameters().flatMap((p) => p.toArray()), net.parameters().flatMap((p) => p.toArray()));
    net.dispose();
    other.dispose();
  });

  it('refuses a state dict with missing, unexpected or mis-shaped entries, naming them', () => {
    const net = new Sequential(new Linear(4, 3));
    const wrongShape = new Map([['0.weight', zeros([3, 5])], ['0.bias', zeros([3])]]);
    assert.throws(() => net.loadStateDict(wrongShape, 'x.safetensors'), /x\.safetensors does not fit Sequential: wrong shape 0\.weight \(expected \[3,4\], found \[3,5\]\)/);
    const missing = new Map([['0.weight', zeros([3, 4])]]);
    assert.throws(() => net.loadStateDict(missing), /missing 0\.bias/);
    const extra = new Map([['0.weight', zeros([3, 4])], ['0.bias', zeros([3])], ['1.weight', zeros([1])]]);
    assert.throws(() => net.loadStateDict(extra), /unexpected 1\.weight/);
    [...wrongShape.values(), ...missing.values(), ...extra.values()].forEach((t) => t.dispose());
    net.dispose();
  });

  it('train/eval propagate to children; Dropout is the identity in eval', () => {
    const drop = new Dropout(0.5);
    const net = new Sequential(drop);
    net.eval();
    assert.equal(drop.training, false);
    tidy(() => assert.deepEqual(net.forward(tensor([1, 2, 3])).toArray(), [1, 2, 3]));
    net.train();
    assert.equal(drop.training, true);
  });

  it('Sequential frees its intermediate handles (live tensors stay flat)', () => {
    const net = new Sequential(new Linear(8, 8), new Tanh(), new Linear(8, 8), new Tanh());
    const x = tensor(values(16, 50), [2, 8]);
    const before = memory().liveTensors;
    for (let i = 0; i < 5; i++) net.forward(x).dispose();
    assert.equal(memory().liveTensors, before);
    x.dispose();
    net.dispose();
  });
});

