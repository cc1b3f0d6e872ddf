// Conditional GAN (Mirza & Osindero 2014): the MLP GAN with the class given to both networks as a learned
// embedding concatenated to G's noise and to D's flattened image, so G learns p(x | y) and
// `ganforge sample --class 7` draws sevens.
import { Embedding, GraphOps, Module, Sequential, tensorOps } from '../../nn';
import { cat, Tensor, tidy } from '../../torch';
import { adversarialFamily } from '../adversarial';
import type { Discriminator, Generator, ImageShape, ModelSpec } from '../types';
import { requireLabels, unlabelledReason } from './conditioning';
import { mlpDiscriminatorLayers, mlpGeneratorLayers } from './mlp';
import { embedding, mlpDiscriminatorSize, mlpGeneratorSize, pixels } from './sizes';

export class CganGenerator extends Module implements Generator {
  readonly labelEmbedding: Embedding;
  readonly model: Sequential;

  constructor(readonly latentDim: number, readonly imageShape: ImageShape, numClasses: number) {
    super();
    const pixels = imageShape[0] * imageShape[1] * imageShape[2];
    this.labelEmbedding = this.addModule('label_emb', new Embedding(numClasses, numClasses));
    this.model = this.addModule('model', mlpGeneratorLayers(latentDim + numClasses, pixels));
  }

  forward(z: Tensor, labels?: Tensor): Tensor {
    return tidy(() => this.describe(tensorOps, z, labels));
  }

  describe<V>(ops: GraphOps<V>, z: V, labels?: V): V {
    const input = ops.concat([z, ops.layer(this.labelEmbedding, requireLabels(labels, 'cgan generator'))], 1);
    return ops.reshape(ops.layer(this.model, input), this.imageShape);
  }
}

export class CganDiscriminator extends Module implements Discriminator {
  readonly labelEmbedding: Embedding;
  readonly model: Sequential;

  constructor(imageShape: ImageShape, numClasses: number) {
    super();
    const pixels = imageShape[0] * imageShape[1] * imageShape[2];
    this.labelEmbedding = this.addModule('label_emb', new Embedding(numClasses, numClasses));
    this.model = this.addModule('model', mlpDiscriminatorLayers(pixels + numClasses));
  }

  forward(x: Tensor, labels?: Tensor): Tensor {
    return tidy(() => this.model.forward(cat([x.flatten(1), this.labelEmbedding.forward(requireLabels(labels, 'cgan discriminator'))], 1)));
  }
}

export const cganFamily = adversarialFamily({
  name: 'cgan',
  summary: 'conditional MLP GAN: a class embedding joins G\'s noise and D\'s input',
  conditioning: 'conditional',
  // 100 grid images: with ten classes, a 10×10 grid of one class per column.
  defaults: { lrG: 2e-4, lrD: 2e-4, beta1: 0.5, loss: 'non-saturating', gridSize: 100 },
  unsupported: unlabelledReason,
  generator: (spec: ModelSpec) => new CganGenerator(spec.latentDim, spec.imageShape, spec.numClasses),
  discriminator: (spec: ModelSpec) => new CganDiscriminator(spec.imageShape, spec.numClasses),
  stateSize: ({ latentDim, imageShape, numClasses: k }: ModelSpec) => ({
    generator: embedding(k, k) + mlpGeneratorSize(latentDim + k, pixels(imageShape)),
    discriminator: embedding(k, k) + mlpDiscriminatorSize(pixels(imageShape) + k),
  }),
});
