// SAGAN (Zhang et al. 2019) at small scale: the DCGAN networks with one self-attention block each, where the
// feature maps are mid-sized (after G's second stage, after D's first: 14×14 for 28×28 images, 8×8 or 16×16 for
// 32 and 64), so every position can draw on distant ones without the HW × HW cost of the full image. The paper's
// other parts are training settings the sagan recipes set: spectral norm in G and D (`spectralNorm: 'gd'`),
// the hinge loss and separate learning rates for G and D (TTUR). Its BatchNorm (not conditional here) stays.
import { GraphOps, Module, SelfAttention, Sequential, tensorOps } from '../../nn';
import { Conv2d } from '../../nn';
import { Tensor, tidy } from '../../torch';
import { adversarialFamily } from '../adversarial';
import type { Discriminator, Generator, ImageShape, ModelSpec } from '../types';
import { discriminatorTrunk, generatorTrunk, initDcgan, stagesFor, unsupportedSize } from './dcgan-parts';
import { conv, dcganDiscriminatorTrunkSize, dcganGeneratorTrunkSize } from './sizes';

const DEFAULT_WIDTH = 64;

/** Elements of a SelfAttention(channels): f and g to C/8, h to C (1×1 convs with bias), and γ. */
export const selfAttentionSize = (channels: number) => {
  const inner = Math.max(1, Math.floor(channels / 8));
  return 2 * conv(channels, inner, 1) + conv(channels, channels, 1) + 1;
};

/**
 * Where G attends: after its second stage (its first when it has only one before the output), and the channels
 * there (DCGAN halves them per stage from width·2^(count−1)).
 */
function generatorAttention(shape: ImageShape, width: number): { after: number; channels: number } {
  const { count } = stagesFor(shape)!;
  const stages = Math.min(2, count);
  return { after: 3 * stages, channels: (width * 2 ** (count - 1)) / 2 ** (stages - 1) };
}

export class SaganGenerator extends Module implements Generator {
  readonly main: Sequential;

  constructor(readonly latentDim: number, readonly imageShape: ImageShape, width: number) {
    super();
    const layers = generatorTrunk(latentDim, imageShape, width).layers;
    // [ConvT, BN, ReLU] per stage before the output's [ConvT, Tanh].
    const { after, channels } = generatorAttention(imageShape, width);
    this.main = this.addModule('main', new Sequential(...layers.slice(0, after), new SelfAttention(channels), ...layers.slice(after)));
    initDcgan(this);
  }

  forward(z: Tensor): Tensor {
    return tidy(() => this.describe(tensorOps, z));
  }

  describe<V>(ops: GraphOps<V>, z: V): V {
    return ops.layer(this.main, ops.reshape(z, [this.latentDim, 1, 1]));
  }
}

export class SaganDiscriminator extends Module implements Discriminator {
  readonly main: Sequential;

  constructor(imageShape: ImageShape, width: number) {
    super();
    const { layers, channels, start } = discriminatorTrunk(imageShape, width);
    // [Conv, LeakyReLU] first (to width channels at half the side): attention right after it.
    this.main = this.addModule('main', new Sequential(
      ...(layers.slice(0, 2) as never[]), new SelfAttention(width), ...(layers.slice(2) as never[]), new Conv2d(channels, 1, start, { bias: false }),
    ));
    initDcgan(this);
  }

  forward(x: Tensor): Tensor {
    return tidy(() => this.main.forward(x).reshape([x.shape[0], 1]));
  }
}

export const saganFamily = adversarialFamily({
  name: 'sagan',
  summary: 'SAGAN: DCGAN with a self-attention block in G (after its second stage) and in D (after its first); use with --spectral-norm gd and --loss hinge (the sagan recipes)',
  conditioning: 'none',
  defaults: { lrG: 1e-4, lrD: 4e-4, beta1: 0, beta2: 0.9, loss: 'hinge', spectralNorm: 'gd' },
  unsupported: unsupportedSize,
  generator: (spec: ModelSpec) => new SaganGenerator(spec.latentDim, spec.imageShape, spec.width ?? DEFAULT_WIDTH),
  discriminator: (spec: ModelSpec) => new SaganDiscriminator(spec.imageShape, spec.width ?? DEFAULT_WIDTH),
  stateSize: ({ latentDim, imageShape, width }: ModelSpec) => {
    const w = width ?? DEFAULT_WIDTH;
    const trunk = dcganDiscriminatorTrunkSize(imageShape, w);
    return {
      generator: dcganGeneratorTrunkSize(latentDim, imageShape, w) + selfAttentionSize(generatorAttention(imageShape, w).channels),
      discriminator: trunk.size + selfAttentionSize(w) + conv(trunk.channels, 1, trunk.start, false),
    };
  },
});
