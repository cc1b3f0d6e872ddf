// Age-cGAN's networks (Antipov et al. 2017), DCGAN-style at 32×32 or 64×64 (any 4·2ⁿ or 7·2ⁿ side):
//   G(z, y): z and the age group y's code concatenated into a 1×1 map, then DCGAN's transposed-conv trunk. The
//     paper concatenates the one-hot y; here y picks a learned row of an A×A embedding (cgan's way), which is the
//     one-hot times a learned A×A matrix: the same information, and G's first layer is linear in it anyway.
//   D(x, y): the one-hot y tiled over the image as A extra channels, then DCGAN's strided-conv trunk and one
//     logit (the paper joins y after D's first conv; at the input it costs A more input channels and nothing else).
//   E(x): DCGAN's strided-conv trunk and a linear layer to the latent (the paper's encoder: 4 convs and an FC).
// The identity embedding and the age reader are the judge's classifier CNN (src/metrics/classifier.ts).
import { Embedding, Flatten, GraphOps, Linear, Module, Sequential, tensorOps } from '../../nn';
import { arange, cat, Tensor, tidy } from '../../torch';
import type { ImageShape } from '../types';
import { discriminatorTrunk, generatorTrunk, initDcgan } from './dcgan-parts';
import { conv, dcganDiscriminatorTrunkSize, dcganGeneratorTrunkSize, embedding, linear } from './sizes';
import { FEATURE_DIMS } from '../../metrics/classifier';

export class AgeGenerator extends Module {
  readonly ageEmbedding: Embedding;
  readonly main: Sequential;

  constructor(readonly latentDim: number, readonly imageShape: ImageShape, readonly ages: number, width: number) {
    super();
    this.ageEmbedding = this.addModule('age_emb', new Embedding(ages, ages));
    this.main = this.addModule('main', generatorTrunk(latentDim + ages, imageShape, width));
    initDcgan(this.main);
  }

  /** Noise [N, latentDim] and int64 age groups [N] → images [N, C, H, W] in [-1, 1]. */
  forward(z: Tensor, ages: Tensor): Tensor {
    return tidy(() => this.describe(tensorOps, z, ages));
  }

  describe<V>(ops: GraphOps<V>, z: V, ages: V): V {
    const input = ops.concat([z, ops.layer(this.ageEmbedding, ages)], 1);
    return ops.layer(this.main, ops.reshape(input, [this.latentDim + this.ages, 1, 1]));
  }
}

export function ageGeneratorSize(latentDim: number, shape: ImageShape, ages: number, width: number): number {
  return embedding(ages, ages) + dcganGeneratorTrunkSize(latentDim + ages, shape, width);
}

/** One-hot float rows [N, A] of int64 groups [N]. */
export function oneHotRows(groups: Tensor, count: number): Tensor {
  return tidy(() => groups.unsqueeze(1).eq(arange(count, undefined, 1, { dtype: 'int64' }).unsqueeze(0)).to({ dtype: 'float32' }));
}

export class AgeDiscriminator extends Module {
  readonly main: Sequential;

  constructor(readonly imageShape: ImageShape, readonly ages: number, width: number) {
    super();
    const [c, h, w] = imageShape;
    const { layers, channels, start } = discriminatorTrunk([c + ages, h, w], width);
    this.main = this.addModule('main', new Sequential(...(layers as never[]), new Flatten(), new Linear(channels * start * start, 1)));
    initDcgan(this.main);
  }

  /** Images [N, C, H, W] and int64 age groups [N] → logits [N, 1]. */
  forward(x: Tensor, ages: Tensor): Tensor {
    return tidy(() => {
      const [, h, w] = this.imageShape;
      return this.main.forward(cat([x, tensorOps.tile(oneHotRows(ages, this.ages), this.ages, h, w)], 1));
    });
  }
}

export function ageDiscriminatorSize([c, h, w]: ImageShape, ages: number, width: number): number {
  const trunk = dcganDiscriminatorTrunkSize([c + ages, h, w], width);
  return trunk.size + linear(trunk.channels * trunk.start * trunk.start, 1);
}

export class AgeEncoder extends Module {
  readonly main: Sequential;

  constructor(readonly imageShape: ImageShape, readonly latentDim: number, width: number) {
    super();
    const { layers, channels, start } = discriminatorTrunk(imageShape, width);
    this.main = this.addModule('main', new Sequential(...(layers as never[]), new Flatten(), new Linear(channels * start * start, latentDim)));
    initDcgan(this.main);
  }

  /** Images [N, C, H, W] → latents [N, latentDim]. */
  forward(x: Tensor): Tensor {
    return this.main.forward(x);
  }
}

export function ageEncoderSize(shape: ImageShape, latentDim: number, width: number): number {
  const trunk = dcganDiscriminatorTrunkSize(shape, width);
  return trunk.size + linear(trunk.channels * trunk.start * trunk.start, latentDim);
}

/** Elements of `new ClassifierNet(shape, classes)` (classifier.ts): two 3×3 convs, two linear layers. */
export function classifierNetSize([c, h, w]: ImageShape, classes: number): number {
  return conv(c, 32, 3) + conv(32, 64, 3) + linear(64 * (h / 4) * (w / 4), FEATURE_DIMS) + linear(FEATURE_DIMS, classes);
}
