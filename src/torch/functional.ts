// Functions of several tensors used by layers and losses. Targets are tensors of the same shape as the
// input (BCE, MSE) or int64 class indices (cross-entropy). Reductions: 'mean' (default), 'sum', 'none'.
import { native, Reduction } from './native';
import { Tensor } from './tensor';

/** x · weightᵀ + bias, in one fused call (torch.nn.functional.linear). */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  return new Tensor(native.linear(x.handle, weight.handle, bias?.handle));
}

/** Binary cross-entropy on logits: stable for any logit, unlike sigmoid followed by BCE. */
export function bceWithLogits(logits: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return new Tensor(native.bceWithLogits(logits.handle, target.handle, reduction));
}

/** Binary cross-entropy on probabilities in [0, 1] (log terms clamped at -100, as in PyTorch). */
export function bce(probabilities: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return new Tensor(native.bce(probabilities.handle, target.handle, reduction));
}

export function mse(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return new Tensor(native.mse(input.handle, target.handle, reduction));
}

/** Cross-entropy of logits [N, C] against int64 classes [N]. */
export function crossEntropy(logits: Tensor, classes: Tensor, reduction: Reduction = 'mean', labelSmoothing = 0): Tensor {
  return new Tensor(native.crossEntropy(logits.handle, classes.handle, reduction, labelSmoothing));
}

/** Zeroes elements with probability p while training and scales the rest by 1/(1-p). */
export function dropout(x: Tensor, p: number, training: boolean): Tensor {
  return new Tensor(native.dropout(x.handle, p, training));
}
