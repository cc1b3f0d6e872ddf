// The optimizer base: a parameter list, per-parameter state tensors and step counts, and a state dict
// (tensors by name) so checkpoints can hold the optimizer exactly.
import { clearGrads, noGrad, Tensor, tensor, unscaleBeforeStep, zeros } from '../torch';

export abstract class Optimizer {
  /** Steps taken per parameter (a parameter without a gradient at a step keeps its count, as in PyTorch). */
  protected readonly steps: Float64Array;

  constructor(readonly params: Tensor[], public lr: number) {
    if (params.length === 0) throw new Error('optimizer got an empty parameter list');
    if (!(lr > 0)) throw new RangeError(`learning rate must be positive, got ${lr}`);
    this.steps = new Float64Array(params.length);
  }

  /** Clears every parameter's gradient (sets it to none). */
  zeroGrad(): void {
    clearGrads(this.params);
  }

  /** One update from the parameters' gradients; skipped when fp16 loss scaling found them overflowed. */
  step(): void {
    if (unscaleBeforeStep(this.params)) this.update();
  }

  protected abstract update(): void;

  /** Named state tensors, owned by the optimizer; do not dispose them. */
  protected abstract namedState(): [string, Tensor[]][];

  /** The state as named tensors; `steps` is a float64 copy the caller owns, the rest are the optimizer's own. */
  stateDict(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [kind, list] of this.namedState()) list.forEach((t, i) => out.set(`${kind}.${i}`, t));
    out.set('steps', tensor(this.steps, [this.steps.length]));
    return out;
  }

  /** Restores state saved by stateDict(); shapes and counts must match. */
  loadStateDict(state: Map<string, Tensor>, source = 'optimizer state'): void {
    const steps = state.get('steps');
    if (!steps || steps.numel !== this.params.length) {
      throw new Error(`${source} does not fit this optimizer (${this.params.length} parameters)`);
    }
    for (const [kind, list] of this.namedState()) {
      list.forEach((t, i) => {
        const saved = state.get(`${kind}.${i}`);
        if (!saved || saved.shape.join('x') !== t.shape.join('x')) {
          throw new Error(`${source} does not fit this optimizer: ${kind}.${i} is missing or mis-shaped`);
        }
        if (saved.dtype !== t.dtype) throw new Error(`${source} does not fit this optimizer: ${kind}.${i} is ${saved.dtype}, expected ${t.dtype}`);
      });
    }
    if (steps.dtype !== 'float64') throw new Error(`${source} does not fit this optimizer: steps is ${steps.dtype}, expected float64`);
    const counts = steps.toTypedArray() as Float64Array;
    if (!counts.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new Error(`${source}: step counts must be non-negative integers`);
    noGrad(() => {
      for (const [kind, list] of this.namedState()) list.forEach((t, i) => t.copy_(state.get(`${kind}.${i}`)!));
    });
    this.steps.set(counts);
  }

  /** Frees the optimizer's state tensors (not the parameters). */
  dispose(): void {
    for (const [, list] of this.namedState()) list.forEach((t) => t.dispose());
  }

  protected zerosLikeParams(): Tensor[] {
    return this.params.map((p) => zeros(p.shape, { dtype: p.dtype, device: p.device }));
  }
}
