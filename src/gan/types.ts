// What the trainer knows about a GAN: a generator, a discriminator and a loss. Model families (models/)
// build the first two from a config; the trainer never learns a family's name.
import type { Module } from '../nn';
import type { Tensor } from '../torch';

/** C×H×W of the data a model is built for. */
export type ImageShape = [number, number, number];

export interface Generator extends Module {
  readonly latentDim: number;
  readonly imageShape: ImageShape;
  /** Noise [N, latentDim] (and class indices [N] for conditional models) → images [N, C, H, W] in [-1, 1]. */
  forward(z: Tensor, labels?: Tensor): Tensor;
}

export interface Discriminator extends Module {
  /** Images [N, C, H, W] (and class indices) → one logit per image, [N, 1]. D(x) is its sigmoid. */
  forward(x: Tensor, labels?: Tensor): Tensor;
}

export interface ModelPair {
  generator: Generator;
  discriminator: Discriminator;
}

/** Everything a family needs to build its networks. */
export interface ModelSpec {
  imageShape: ImageShape;
  latentDim: number;
  numClasses: number;
}

export interface ModelFamily {
  name: string;
  summary: string;
  build(spec: ModelSpec): ModelPair;
}
