// Finite-difference gradient checks in float64. The analytic gradient (autograd) of a random projection
// Σ w·f(inputs) is compared with central differences, element by element, for every input.
import * as assert from 'node:assert/strict';
import { clearGrads, noGrad, rand, Tensor, tensor, tidy } from '../../src/torch';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Re-run before every evaluation (e.g. manualSeed, so random ops repeat their draws). */
  before?: () => void;
}

/**
 * `inputs` are float64 data with shapes; `fn` maps tensors to one output tensor. Fails with the first
 * element whose analytic and numeric derivatives disagree.
 */
export function gradcheck(
  name: string,
  fn: (...xs: Tensor[]) => Tensor,
  inputs: { data: number[]; shape: number[] }[],
  options: GradcheckOptions = {},
): void {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-6;
  const rtol = options.rtol ?? 1e-5;
  const values = inputs.map((x) => Float64Array.from(x.data));

  tidy(() => {
    // Output shape and a fixed random projection, so every output element contributes.
    options.before?.();
    const probe = fn(...values.map((v, i) => tensor(v, inputs[i].shape, 'float64').requiresGrad_()));
    const weights = rand(probe.shape, { dtype: 'float64' }).add(0.5);

    const evaluate = (): number =>
      tidy(() => {
        options.before?.();
        // Inputs require grad here too, so functions that differentiate inside (double backward) work.
        const xs = values.map((v, i) => tensor(v, inputs[i].shape, 'float64').requiresGrad_());
        return fn(...xs).mul(weights).sum().item();
      });

    options.before?.();
    const leaves = values.map((v, i) => tensor(v, inputs[i].shape, 'float64').requiresGrad_());
    fn(...leaves).mul(weights).sum().backward();
    const analytic = leaves.map((leaf) => {
      const g = leaf.grad;
      return g ? (g.toTypedArray() as Float64Array) : new Float64Array(leaf.numel);
    });

    values.forEach((v, i) => {
      for (let k = 0; k < v.length; k++) {
        const original = v[k];
        v[k] = original + eps;
        const plus = evaluate();
        v[k] = original - eps;
        const minus = evaluate();
        v[k] = original;
        const numeric = (plus - minus) / (2 * eps);
        const diff = Math.abs(numeric - analytic[i][k]);
        assert.ok(
          diff <= atol + rtol * Math.abs(numeric),
          `${name}: d/d(input ${i})[${k}] analytic ${analytic[i][k]} vs numeric ${numeric}`,
        );
      }
    });
  });
}

/**
 * The same check for a layer's own float64 parameters: `fn` runs the layer (reading its parameters), and each
 * parameter is nudged in place, element by element, for the central differences. Parameters are restored.
 */
export function gradcheckParameters(name: string, fn: () => Tensor, parameters: [string, Tensor][], options: GradcheckOptions = {}): void {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-6;
  const rtol = options.rtol ?? 1e-5;
  for (const [label, p] of parameters) assert.equal(p.dtype, 'float64', `${name}: ${label} must be float64 (build the layer after setDefaultDType('float64'))`);
  tidy(() => {
    options.before?.();
    const weights = rand(fn().shape, { dtype: 'float64' }).add(0.5);
    const evaluate = (): number => tidy(() => {
      options.before?.();
      return fn().mul(weights).sum().item();
    });
    clearGrads(parameters.map(([, p]) => p));
    options.before?.();
    fn().mul(weights).sum().backward();
    const analytic = parameters.map(([, p]) => (p.grad ? Float64Array.from(p.grad.toTypedArray() as Float64Array) : new Float64Array(p.numel)));
    parameters.forEach(([label, p], i) => {
      const data = Float64Array.from(p.toTypedArray() as Float64Array);
      const set = () => noGrad(() => tidy(() => p.copy_(tensor(data, p.shape, 'float64'))));
      for (let k = 0; k < data.length; k++) {
        const original = data[k];
        data[k] = original + eps;
        set();
        const plus = evaluate();
        data[k] = original - eps;
        set();
        const minus = evaluate();
        data[k] = original;
        set();
        const numeric = (plus - minus) / (2 * eps);
        const diff = Math.abs(numeric - analytic[i][k]);
        assert.ok(diff <= atol + rtol * Math.abs(numeric), `${name}: d/d${label}[${k}] analytic ${analytic[i][k]} vs numeric ${numeric}`);
      }
    });
  });
}

/** Deterministic pseudo-random values in [lo, hi), kept at least `gap` away from the points in `avoid`. */
export function values(n: number, seed: number, lo = -1, hi = 1, avoid: number[] = [], gap = 0.05): number[] {
  let state = seed >>> 0 || 1;
  const out: number[] = [];
  while (out.length < n) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const v = lo + ((state >>> 8) / (1 << 24)) * (hi - lo);
    if (avoid.every((a) => Math.abs(v - a) >= gap)) out.push(v);
  }
  return out;
}
