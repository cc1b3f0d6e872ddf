// AC-GAN (Odena et al. 2017): G gets the class (its embedding multiplies the noise); D gets only the image
// and has two heads: real/fake and a classifier over the classes. Both networks also minimise the
// classification loss, which pushes G to make images that are recognisably of the asked class.
import { Conv2d, Embedding, GraphOps, Module, Sequential, tensorOps } from '../../nn';
import { cat, Tensor, tidy } from '../../torch';
import { adversarialFamily } from '../adversarial';
import type { Discriminator, Generator, ImageShape, ModelSpec } from '../types';
import { requireLabels, unlabelledReason } from './conditioning';
import { discriminatorTrunk, generatorTrunk, initDcgan, unsupportedSize } from './dcgan-parts';
import { conv, dcganDiscriminatorTrunkSize, dcganGeneratorTrunkSize, embedding } from './sizes';

const DEFAULT_WIDTH = 64;

export class AcganGenerator extends Module implements Generator {
  readonly labelEmbedding: Embedding;
  readonly main: Sequential;

  constructor(readonly latentDim: number, readonly imageShape: ImageShape, numClasses: number, width: number) {
    super();
    this.labelEmbedding = this.addModule('label_emb', new Embedding(numClasses, latentDim));
    this.main = this.addModule('main', generatorTrunk(latentDim, imageShape, width));
    initDcgan(this.main);
  }

  forward(z: Tensor, labels?: Tensor): Tensor {
    return tidy(() => this.describe(tensorOps, z, labels));
  }

  describe<V>(ops: GraphOps<V>, z: V, labels?: V): V {
    const conditioned = ops.mul(z, ops.layer(this.labelEmbedding, requireLabels(labels, 'acgan generator')));
    return ops.layer(this.main, ops.reshape(conditioned, [this.latentDim, 1, 1]));
  }
}

export class AcganDiscriminator extends Module implements Discriminator {
  readonly trunk: Sequential;
  readonly adversarial: Conv2d;
  readonly classifier: Conv2d;

  constructor(imageShape: ImageShape, readonly numClasses: number, width: number) {
    super();
    const { layers, channels, start } = discriminatorTrunk(imageShape, width);
    this.trunk = this.addModule('trunk', new Sequential(...(layers as never[])));
    this.adversarial = this.addModule('adv', new Conv2d(channels, 1, start));
    this.classifier = this.addModule('aux', new Conv2d(channels, numClasses, start));
    initDcgan(this);
  }

  /** [N, 1 + classes]: the real/fake logit, then the class logits. */
  forward(x: Tensor): Tensor {
    return tidy(() => {
      const features = this.trunk.forward(x);
      const n = x.shape[0];
      return cat([this.adversarial.forward(features).reshape([n, 1]), this.classifier.forward(features).reshape([n, this.numClasses])], 1);
    });
  }
}

export const acganFamily = adversarialFamily({
  name: 'acgan',
  summary: 'AC-GAN: DCGAN with the class in G and an auxiliary classifier head on D',
  conditioning: 'auxiliary',
  threads: 2, // as DCGAN's; at the default recipe's width 32, 56–63 vs 79 ms/step with 1
  // 100 grid images: with ten classes, a 10×10 grid of one class per column.
  defaults: { lrG: 2e-4, lrD: 2e-4, beta1: 0.5, loss: 'non-saturating', gridSize: 100 },
  unsupported: (spec: ModelSpec) => unlabelledReason(spec) ?? unsupportedSize(spec),
  generator: (spec: ModelSpec) => new AcganGenerator(spec.latentDim, spec.imageShape, spec.numClasses, spec.width ?? DEFAULT_WIDTH),
  discriminator: (spec: ModelSpec) => new AcganDiscriminator(spec.imageShape, spec.numClasses, spec.width ?? DEFAULT_WIDTH),
  stateSize: ({ latentDim, imageShape, numClasses, width }: ModelSpec) => {
    const trunk = dcganDiscriminatorTrunkSize(imageShape, width ?? DEFAULT_WIDTH);
    return {
      generator: embedding(numClasses, latentDim) + dcganGeneratorTrunkSize(latentDim, imageShape, width ?? DEFAULT_WIDTH),
      discriminator: trunk.size + conv(trunk.channels, 1, trunk.start) + conv(trunk.channels, numClasses, trunk.start),
    };
  },
});
