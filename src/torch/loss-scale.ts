// Dynamic loss scaling for float16 mixed precision, as torch.cuda.amp.GradScaler does it: float16 gradients of
// small losses underflow to zero, so backward() runs on loss × S; each optimizer divides its gradients by S
// before its update and skips the update when any is inf/NaN (S was too large); after each training step S
// halves if an update was skipped, and doubles after `growthInterval` clean steps. Kept here, in the tensor
// layer, so every model family gets it from Tensor.backward and Optimizer.step without knowing of it.
import { Handle, native } from './native';
import type { Tensor } from './tensor';

export class LossScaler {
  /** Steps in a row without an overflow. */
  #cleanSteps = 0;
  #overflowed = false;
  /** Updates skipped since the scaler was made (for the log). */
  skipped = 0;

  constructor(public scale = 65536, readonly growthInterval = 2000) {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`loss scale must be a positive number, got ${scale}`);
  }

  /** Ends a training step: halves S after an overflow, else doubles it after growthInterval clean steps. */
  update(): void {
    if (this.#overflowed) {
      this.scale = Math.max(this.scale / 2, 1);
      this.#cleanSteps = 0;
    } else if (++this.#cleanSteps >= this.growthInterval) {
      this.scale *= 2;
      this.#cleanSteps = 0;
    }
    this.#overflowed = false;
  }

  /** Divides the parameters' gradients by S in place; false (and the update must be skipped) if any is not finite. */
  unscale(params: Tensor[]): boolean {
    const grads = params.map((p) => p.grad).filter((g): g is Tensor => g !== null);
    try {
      // p.grad is a view of the stored gradient, so copy_ rewrites what the optimizer will read.
      for (const g of grads) {
        const unscaled = g.mul(1 / this.scale);
        g.copy_(unscaled);
        unscaled.dispose();
      }
      const finite = grads.every((g) => g.allFinite());
      if (!finite) {
        this.#overflowed = true;
        this.skipped++;
      }
      return finite;
    } finally {
      grads.forEach((g) => g.dispose());
    }
  }
}

let active: LossScaler | null = null;

/** Runs fn with `scaler` scaling every backward() and unscaling every optimizer step inside it (null: none). */
export function withLossScaling<T>(scaler: LossScaler | null, fn: () => T): T {
  const outer = active;
  active = scaler;
  try {
    return fn();
  } finally {
    active = outer;
  }
}

/** The gradient backward() should start from for a scalar loss: S where a scaler is active, else none. */
export function backwardSeed(loss: Tensor): Handle | null {
  return active ? native.full(loss.shape, active.scale, loss.dtype, loss.device) : null;
}

/** Called by every optimizer before it updates: false means skip this update (an fp16 overflow). */
export function unscaleBeforeStep(params: Tensor[]): boolean {
  return active ? active.unscale(params) : true;
}
