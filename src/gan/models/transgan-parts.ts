// TransGAN's layout for an image size and width, and the element counts of its networks (for stateSize).
// The generator has three stages: a start × start token grid (side/4) at 16·width dims, then pixel shuffle
// (dims ÷ 4, side × 2) twice, to side × side tokens of `width` dims — the paper's CIFAR-10 model is 8×8 at
// 384 → 16×16 at 96 → 32×32 at 24, i.e. width 24. The last stage attends within windows (grid attention).
// The discriminator is a ViT over 4×4 patches with a class token.
import type { ImageShape, ModelSpec } from '../types';
import { conv, linear } from './sizes';

/** Transformer blocks per generator stage. The paper's TransGAN-S has 5, 4, 2 on CIFAR-10; fewer train faster on a CPU. */
export const GENERATOR_DEPTHS = [2, 2, 1] as const;
/** Transformer blocks in D (the paper's has 7 on CIFAR-10; 3 here for the CPU). */
export const DISCRIMINATOR_DEPTH = 3;
/** D's token dim as a multiple of the width (G's last-stage dim). */
export const DISCRIMINATOR_DIM_FACTOR = 8;
/** D's patches: 4×4 pixels, so 28×28 digits are 7×7 tokens and 32×32 images 8×8 (the paper's CIFAR-10 grid). */
export const PATCH = 4;
/** The MLP's hidden width over the token dim (ViT's and TransGAN's). */
export const MLP_RATIO = 4;
/** The fewest dims per attention head (see headsFor). */
export const MIN_HEAD_DIM = 16;

export interface GeneratorStage {
  side: number;
  dim: number;
  heads: number;
  depth: number;
  /** Attention within window × window squares of the grid (the last stage only). */
  window?: number;
}

export interface TransganLayout {
  start: number;
  stages: GeneratorStage[];
  discriminator: { tokens: number; dim: number; heads: number; depth: number };
}

/**
 * Heads for a token dim: 4 as the paper, fewer where heads would have under 16 dims each. Each head costs a
 * tokens × tokens score matrix, which at 196 tokens (14×14) dominates a step on a CPU; narrow stages get 1 or 2.
 * Always divides dim.
 */
export function headsFor(dim: number): number {
  return [4, 2].find((h) => dim % h === 0 && dim / h >= MIN_HEAD_DIM) ?? 1;
}

/** Square images whose side is a multiple of 4, at least 8 (two ×2 stages from side/4 ≥ 2). */
export function unsupportedTransgan(spec: ModelSpec): string | null {
  const [, h, w] = spec.imageShape;
  if (h !== w || h % 4 !== 0 || h < 8) return `needs square images whose side is a multiple of 4, at least 8 (28, 32, 64, …), got ${h}×${w}`;
  return null;
}

export function transganLayout(shape: ImageShape, width: number): TransganLayout {
  const side = shape[1];
  const start = side / 4;
  const stages: GeneratorStage[] = GENERATOR_DEPTHS.map((depth, i) => {
    const dim = width * 4 ** (GENERATOR_DEPTHS.length - 1 - i);
    return { side: start * 2 ** i, dim, heads: headsFor(dim), depth };
  });
  // Windows of the start grid's side: the last grid (4·start) is 4 × 4 windows of start² tokens (7×7 for digits).
  stages[stages.length - 1].window = start;
  const dDim = width * DISCRIMINATOR_DIM_FACTOR;
  return { start, stages, discriminator: { tokens: (side / PATCH) ** 2, dim: dDim, heads: headsFor(dDim), depth: DISCRIMINATOR_DEPTH } };
}

/** Elements of a TransformerBlock(dim): two layer norms, q/k/v/proj, the MLP's two linears. */
export const transformerBlockSize = (dim: number) => 2 * 2 * dim + 4 * linear(dim, dim) + linear(dim, MLP_RATIO * dim) + linear(MLP_RATIO * dim, dim);

export function transganGeneratorSize(latentDim: number, shape: ImageShape, width: number): number {
  const { start, stages } = transganLayout(shape, width);
  let size = linear(latentDim, start * start * stages[0].dim);
  for (const s of stages) size += s.side * s.side * s.dim + s.depth * transformerBlockSize(s.dim);
  return size + conv(stages[stages.length - 1].dim, shape[0], 1);
}

export function transganDiscriminatorSize(shape: ImageShape, width: number): number {
  const { tokens, dim, depth } = transganLayout(shape, width).discriminator;
  // patch embedding, class token, positions (class token included), blocks, final norm, head.
  return conv(shape[0], dim, PATCH) + dim + (tokens + 1) * dim + depth * transformerBlockSize(dim) + 2 * dim + linear(dim, 1);
}
