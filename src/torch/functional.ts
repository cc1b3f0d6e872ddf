// Functions of several tensors used by layers and losses. Targets are tensors of the same shape as the
// input (BCE, MSE) or int64 class indices (cross-entropy). Reductions: 'mean' (default), 'sum', 'none'.
import { native, Reduction } from './native';
import { Tensor } from './tensor';
import { convTranspose2d as routedConvTranspose2d } from './conv-transpose';

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

// ---- convolution, normalisation, pooling, resampling ----
export type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

export interface ConvOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/** 2-D convolution of x [N, Cin, H, W] with weight [Cout, Cin/groups, kh, kw]. */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor, o: ConvOptions = {}): Tensor {
  return new Tensor(native.conv2d(x.handle, weight.handle, bias?.handle, pair(o.stride ?? 1), pair(o.padding ?? 0), pair(o.dilation ?? 1), o.groups ?? 1));
}

/**
 * Transposed 2-D convolution; weight is [Cin, Cout/groups, kh, kw] as in PyTorch. DCGAN's shapes go through faster
 * exact rewrites (conv-transpose.ts), the rest through libtorch's kernel.
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor, o: ConvOptions & { outputPadding?: Pair } = {}): Tensor {
  return routedConvTranspose2d(x, weight, bias, {
    stride: pair(o.stride ?? 1), padding: pair(o.padding ?? 0), outputPadding: pair(o.outputPadding ?? 0),
    groups: o.groups ?? 1, dilation: pair(o.dilation ?? 1),
  });
}

export interface NormOptions {
  weight?: Tensor;
  bias?: Tensor;
  runningMean?: Tensor;
  runningVar?: Tensor;
  momentum?: number;
  eps?: number;
}

/** Batch normalisation over dim 1; while training it updates runningMean/runningVar in place. */
export function batchNorm(x: Tensor, training: boolean, o: NormOptions = {}): Tensor {
  return new Tensor(native.batchNorm(x.handle, o.weight?.handle, o.bias?.handle, o.runningMean?.handle, o.runningVar?.handle,
    training, o.momentum ?? 0.1, o.eps ?? 1e-5));
}

/** Instance normalisation: each sample's channels normalised over their own spatial positions. */
export function instanceNorm(x: Tensor, useInputStats: boolean, o: NormOptions = {}): Tensor {
  return new Tensor(native.instanceNorm(x.handle, o.weight?.handle, o.bias?.handle, o.runningMean?.handle, o.runningVar?.handle,
    useInputStats, o.momentum ?? 0.1, o.eps ?? 1e-5));
}

export function layerNorm(x: Tensor, normalizedShape: number[], o: { weight?: Tensor; bias?: Tensor; eps?: number } = {}): Tensor {
  return new Tensor(native.layerNorm(x.handle, normalizedShape, o.weight?.handle, o.bias?.handle, o.eps ?? 1e-5));
}

export function maxPool2d(x: Tensor, kernel: Pair, o: { stride?: Pair; padding?: Pair; dilation?: Pair; ceilMode?: boolean } = {}): Tensor {
  return new Tensor(native.maxPool2d(x.handle, pair(kernel), pair(o.stride ?? kernel), pair(o.padding ?? 0), pair(o.dilation ?? 1), o.ceilMode ?? false));
}

export function avgPool2d(x: Tensor, kernel: Pair, o: { stride?: Pair; padding?: Pair; ceilMode?: boolean; countIncludePad?: boolean } = {}): Tensor {
  return new Tensor(native.avgPool2d(x.handle, pair(kernel), pair(o.stride ?? kernel), pair(o.padding ?? 0), o.ceilMode ?? false, o.countIncludePad ?? true));
}

/** Bilinear resize of x [N, C, H, W] to size [h, w]. */
export function upsampleBilinear(x: Tensor, size: [number, number], alignCorners: boolean): Tensor {
  return new Tensor(native.upsampleBilinear2d(x.handle, size, alignCorners));
}

export function upsampleNearest(x: Tensor, size: [number, number]): Tensor {
  return new Tensor(native.upsampleNearest2d(x.handle, size));
}

/** Rows of weight [num, dim] picked by int64 indices. */
export function embedding(weight: Tensor, indices: Tensor): Tensor {
  return new Tensor(native.embedding(weight.handle, indices.handle));
}

/** Pads the last dims: [left, right] for the last, then [top, bottom] for the one before, … */
export function pad(x: Tensor, amounts: number[], mode: 'constant' | 'reflect' | 'replicate' = 'constant', value = 0): Tensor {
  return new Tensor(native.pad(x.handle, amounts, mode, mode === 'constant' ? value : undefined));
}

// ---- linear algebra ----
/** Eigen-decomposition of a symmetric matrix: eigenvalues ascending, eigenvectors as columns. */
export function eigh(symmetric: Tensor): { values: Tensor; vectors: Tensor } {
  const [values, vectors] = native.linalgEigh(symmetric.handle);
  return { values: new Tensor(values), vectors: new Tensor(vectors) };
}

/** Pairwise Euclidean distances between the rows of a [N, D] and b [M, D]: [N, M]. */
export function cdist(a: Tensor, b: Tensor): Tensor {
  return new Tensor(native.cdist(a.handle, b.handle));
}
