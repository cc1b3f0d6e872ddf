// Adam and SGD against independent references: a hand-worked first Adam step, a plain-JS scalar
// implementation of the published update rules, and (when Debian's python3-torch is installed) PyTorch.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Adam, SGD } from '../../src/optim';
import { Tensor, tensor, tidy } from '../../src/torch';
import { python } from '../helpers/python';

// Loss L(p) = Σ c·p² + s·p, so ∂L/∂p = 2c·p + s: gradients change every step, exercising the moments.
const C = [0.5, 1.5, 0.25, 2];
const S = [0.3, -0.2, 1, 0];
const START = [1, -2, 0.5, 3];

function lossOf(p: Tensor): Tensor {
  const c = tensor(C, undefined, p.dtype === 'float64' ? 'float64' : 'float32');
  const s = tensor(S, undefined, p.dtype === 'float64' ? 'float64' : 'float32');
  return p.square().mul(c).add(p.mul(s)).sum();
}

interface AdamRef { lr: number; b1: number; b2: number; eps: number; wd: number; amsgrad: boolean }

/** Adam as written in Kingma & Ba (with PyTorch's L2 decay and AMSGrad variant), one scalar at a time. */
function adamReference(steps: number, h: AdamRef): number[] {
  return START.map((p0, i) => {
    let p = p0, m = 0, v = 0, vmax = 0;
    for (let t = 1; t <= steps; t++) {
      const g = 2 * C[i] * p + S[i] + h.wd * p;
      m = h.b1 * m + (1 - h.b1) * g;
      v = h.b2 * v + (1 - h.b2) * g * g;
      vmax = Math.max(vmax, v);
      const mHat = m / (1 - h.b1 ** t);
      const vHat = (h.amsgrad ? vmax : v) / (1 - h.b2 ** t);
      p -= (h.lr * mHat) / (Math.sqrt(vHat) + h.eps);
    }
    return p;
  });
}

function runAdam(steps: number, h: AdamRef, dtype: 'float32' | 'float64'): number[] {
  const p = tensor(START, undefined, dtype).requiresGrad_();
  const opt = new Adam([p], { lr: h.lr, betas: [h.b1, h.b2], eps: h.eps, weightDecay: h.wd, amsgrad: h.amsgrad });
  for (let t = 0; t < steps; t++) {
    opt.zeroGrad();
    tidy(() => lossOf(p).backward());
    opt.step();
  }
  const out = p.toArray();
  p.dispose();
  opt.dispose();
  return out;
}

function assertClose(actual: number[], expected: number[], tol: number, label: string): void {
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tol, `${label}[${i}]: ${v} vs ${expected[i]}`));
}

const GAN_ADAM: AdamRef = { lr: 2e-4, b1: 0.5, b2: 0.999, eps: 1e-8, wd: 0, amsgrad: false };

describe('Adam', () => {
  it('first step by hand: m̂ = g and v̂ = g², so each parameter moves by lr·g/(|g|+eps)', () => {
    // g = 2c·p + s = [1.3, -6.2, 1.25, 12]; the step is lr·sign(g) up to eps.
    const after = runAdam(1, { ...GAN_ADAM, lr: 0.1 }, 'float64');
    const g = [1.3, -6.2, 1.25, 12];
    assertClose(after, START.map((p, i) => p - (0.1 * g[i]) / (Math.abs(g[i]) + 1e-8)), 1e-12, 'step 1');
  });

  for (const dtype of ['float64', 'float32'] as const) {
    // float32 parameters take the fused native loop; float64 takes the ATen-op path.
    const tol = dtype === 'float64' ? 1e-12 : 2e-6;
    it(`matches the reference over 50 steps (${dtype}): GAN settings, weight decay, AMSGrad`, () => {
      for (const h of [GAN_ADAM, { ...GAN_ADAM, lr: 0.05 }, { ...GAN_ADAM, lr: 0.05, wd: 0.1 }, { ...GAN_ADAM, lr: 0.05, b1: 0.9, amsgrad: true }]) {
        assertClose(runAdam(50, h, dtype), adamReference(50, h), tol, JSON.stringify(h));
      }
    });
  }

  it('state dict round trip continues identically', () => {
    const h = { ...GAN_ADAM, lr: 0.05, amsgrad: true };
    const straight = runAdam(10, h, 'float64');
    const p = tensor(START, undefined, 'float64').requiresGrad_();
    let opt = new Adam([p], { lr: h.lr, betas: [h.b1, h.b2], amsgrad: true });
    const step = () => {
      opt.zeroGrad();
      tidy(() => lossOf(p).backward());
      opt.step();
    };
    for (let t = 0; t < 4; t++) step();
    const saved = new Map([...opt.stateDict()].map(([k, v]) => [k, v.clone()] as [string, Tensor]));
    opt.dispose();
    opt = new Adam([p], { lr: h.lr, betas: [h.b1, h.b2], amsgrad: true });
    opt.loadStateDict(saved);
    for (let t = 0; t < 6; t++) step();
    assert.deepEqual(p.toArray(), straight);
    saved.forEach((t) => t.dispose());
    p.dispose();
    opt.dispose();
  });

  it('rejects bad hyperparameters with a clear message', () => {
    const p = tensor([1]).requiresGrad_();
    assert.throws(() => new Adam([p], { lr: -1 }), /learning rate must be positive/);
    assert.throws(() => new Adam([p], { betas: [1, 0.9] }), /beta1 must be in \[0, 1\)/);
    assert.throws(() => new Adam([]), /empty parameter list/);
    p.dispose();
  });

  it('agrees with torch.optim.Adam (when python3-torch is installed)', (t) => {
    const h = { ...GAN_ADAM, lr: 0.05, wd: 0.01, amsgrad: true };
    const script = `
import torch
p = torch.tensor(${JSON.stringify(START)}, dtype=torch.float64, requires_grad=True)
c = torch.tensor(${JSON.stringify(C)}, dtype=torch.float64); s = torch.tensor(${JSON.stringify(S)}, dtype=torch.float64)
opt = torch.optim.Adam([p], lr=${h.lr}, betas=(${h.b1}, ${h.b2}), eps=${h.eps}, weight_decay=${h.wd}, amsgrad=True)
for _ in range(30):
    opt.zero_grad(); (c * p * p + s * p).sum().backward(); opt.step()
print(' '.join(repr(v) for v in p.tolist()))`;
    const out = python(t, 'torch', script);
    if (out === null) return;
    assertClose(runAdam(30, h, 'float64'), out.trim().split(' ').map(Number), 1e-12, 'vs PyTorch');
  });
});

describe('SGD', () => {
  function runSgd(steps: number, options: { lr: number; momentum?: number; dampening?: number; weightDecay?: number; nesterov?: boolean }): number[] {
    const p = tensor(START, undefined, 'float64').requiresGrad_();
    const opt = new SGD([p], options);
    for (let t = 0; t < steps; t++) {
      opt.zeroGrad();
      tidy(() => lossOf(p).backward());
      opt.step();
    }
    const out = p.toArray();
    p.dispose();
    opt.dispose();
    return out;
  }

  /** SGD with momentum as PyTorch documents it: the buffer starts at the first gradient. */
  function sgdReference(steps: number, lr: number, mu: number, damp: number, wd: number, nesterov: boolean): number[] {
    return START.map((p0, i) => {
      let p = p0, buf = 0;
      for (let t = 1; t <= steps; t++) {
        const g = 2 * C[i] * p + S[i] + wd * p;
        buf = t === 1 ? g : mu * buf + (1 - damp) * g;
        const d = mu === 0 ? g : nesterov ? g + mu * buf : buf;
        p -= lr * d;
      }
      return p;
    });
  }

  it('plain, momentum, dampening, Nesterov and weight decay match the reference', () => {
    assertClose(runSgd(20, { lr: 0.1 }), sgdReference(20, 0.1, 0, 0, 0, false), 1e-12, 'plain');
    assertClose(runSgd(20, { lr: 0.05, momentum: 0.9 }), sgdReference(20, 0.05, 0.9, 0, 0, false), 1e-12, 'momentum');
    assertClose(runSgd(20, { lr: 0.05, momentum: 0.9, dampening: 0.3 }), sgdReference(20, 0.05, 0.9, 0.3, 0, false), 1e-12, 'dampening');
    assertClose(runSgd(20, { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.1 }), sgdReference(20, 0.05, 0.8, 0, 0.1, true), 1e-12, 'nesterov');
  });
});
