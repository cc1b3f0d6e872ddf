// StyleGAN2 (Karras et al. 2020) at small scale: the networks of stylegan-parts.ts in the adversarial step,
// with the paper's training: the non-saturating loss, lazy R1 on reals every 16 D steps, Adam β (0, 0.99),
// an exponential moving average of G, and in G itself the running average of w (for truncation in w) and
// style mixing regularisation. Spectral norm and orthogonal regularisation are refused: the equalised layers
// scale their weights themselves, which those two would fight (and the paper uses neither).
import { adversarialFamily } from '../adversarial';
import type { ModelSpec } from '../types';
import { unsupportedSize } from './dcgan-parts';
import { StyleDiscriminator, styleDiscriminatorSize, StyleGenerator, styleGeneratorSize } from './stylegan-parts';

/** Channels at the image's resolution (doubling as the side halves, up to 4×): small enough for a 2-core CPU. */
const DEFAULT_WIDTH = 32;

export const styleganFamily = adversarialFamily({
  name: 'stylegan',
  summary: 'StyleGAN2: mapping network z → w, learned constant, modulated/demodulated convs with noise, skip toRGB, style mixing, w-space truncation; residual D with minibatch stddev; lazy R1',
  conditioning: 'none',
  // γ follows StyleGAN2-ADA's rule of thumb (0.0002·side²/batch): about 0.01 at 28–64 pixels and batch 32.
  defaults: { loss: 'non-saturating', lrG: 2e-3, lrD: 2e-3, beta1: 0, beta2: 0.99, r1Gamma: 0.01, r1Every: 16, emaDecay: 0.999 },
  stabilisers: ['diffAugment', 'r1Gamma'],
  unsupported: unsupportedSize,
  generator: (spec: ModelSpec) => new StyleGenerator(spec.latentDim, spec.imageShape, spec.width ?? DEFAULT_WIDTH),
  discriminator: (spec: ModelSpec) => new StyleDiscriminator(spec.imageShape, spec.width ?? DEFAULT_WIDTH),
  stateSize: ({ latentDim, imageShape, width }: ModelSpec) => ({
    generator: styleGeneratorSize(latentDim, imageShape, width ?? DEFAULT_WIDTH),
    discriminator: styleDiscriminatorSize(imageShape, width ?? DEFAULT_WIDTH),
  }),
});
