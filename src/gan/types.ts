// What the trainer knows about a GAN: a generator, a discriminator and a loss. Model families (models/)
// build the first two from a spec; the trainer never learns a family's name.
import type { Module } from '../nn';
import type { Tensor } from '../torch';
import type { TrainConfig } from './config';

/** C×H×W of the data a model is built for. */
export type ImageShape = [number, number, number];

export interface Generator extends Module {
  readonly latentDim: number;
  readonly imageShape: ImageShape;
  /** Noise [N, latentDim] (and int64 classes [N] for conditional models) → images [N, C, H, W] in [-1, 1]. */
  forward(z: Tensor, labels?: Tensor): Tensor;
}

export interface Discriminator extends Module {
  /**
   * Images [N, C, H, W] (and classes, for conditional models) → [N, 1 + auxiliaryClasses]: column 0 is the
   * real/fake output (a logit for the BCE losses), the rest are class logits (AC-GAN).
   */
  forward(x: Tensor, labels?: Tensor): Tensor;
}

/** Everything a family needs to build its networks. */
export interface ModelSpec {
  imageShape: ImageShape;
  latentDim: number;
  numClasses: number;
  /** Base channel width (null: the family's default). */
  width: number | null;
}

export interface ModelFamily {
  name: string;
  summary: string;
  /** 'conditional': G and D take class labels; 'auxiliary': G takes labels and D also predicts them (AC-GAN). */
  conditioning: 'none' | 'conditional' | 'auxiliary';
  /**
   * Intra-op threads that train this family fastest on a 2-core CPU (measured; default 1). Convolutions with
   * wide feature maps gain from 2; GEMM-bound models lose, as OpenBLAS already uses every core.
   */
  threads?: number;
  /** Hyperparameters that come with the architecture (its paper's or tutorial's). */
  defaults: Partial<TrainConfig>;
  /** Why this family cannot model images of this shape, or null when it can. */
  unsupported?(spec: ModelSpec): string | null;
  generator(spec: ModelSpec): Generator;
  discriminator(spec: ModelSpec): Discriminator;
  /** Elements in the state dicts (parameters and buffers) of the networks `generator(spec)` and
   *  `discriminator(spec)` build, computed without building them; for a spec the family supports. */
  stateSize(spec: ModelSpec): { generator: number; discriminator: number };
}
