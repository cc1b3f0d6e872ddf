// DiscoGAN (Kim et al. 2017): unpaired translation A ↔ B with two encoder-decoder generators (4×4 stride-2 convs
// with batch norm and LeakyReLU 0.2 down to a bottleneck, transposed convs with ReLU back up, no skips: the
// U-Net of translation-parts.ts with its skips off and no dropout) and two convolutional discriminators (the
// PatchGAN of one image: strided 4×4 convs with batch norm and LeakyReLU, its logit map averaged by the loss),
// trained with the BCE GAN loss (non-saturating for G) plus the reconstruction loss of both directions in L2,
// the paper's choice, with weight 1: G's loss is GAN + ‖F(G(a)) − a‖² and F's GAN + ‖G(F(b)) − b‖², summed.
// Adam 2e-4, β1 0.5, constant; no identity loss, no history pool. The step is CycleGAN's (two-way.ts).
import type { TrainConfig } from '../config';
import { initDcgan } from './dcgan-parts';
import { UNetGenerator, unetSize, unsupportedTranslationShape } from './translation-parts';
import { patchDiscriminatorDesign, twoWayFamily } from './two-way';
import type { ModelFamily } from '../types';

/** The paper's base width (64 channels in the first conv); recipes for the 2-core machine choose less. */
const DEFAULT_WIDTH = 64;

/** The encoder-decoder: the U-Net's stages without skips or dropout. */
const encoderDecoder = (config: TrainConfig) => ({ norm: config.norm, skips: false, dropout: 0 });

export function discoganGenerator(config: TrainConfig): UNetGenerator {
  const g = new UNetGenerator(config.imageShape, config.width ?? DEFAULT_WIDTH, encoderDecoder(config));
  initDcgan(g);
  return g;
}

export const discoganFamily: ModelFamily = {
  name: 'discogan',
  summary: 'DiscoGAN: unpaired image-to-image translation A ↔ B; two encoder-decoder Gs (no skips), two conv Ds, BCE GAN + L2 reconstruction both ways',
  needsLabels: false,
  defaults: {
    lrG: 2e-4, lrD: 2e-4, beta1: 0.5, beta2: 0.999, loss: 'non-saturating', norm: 'batch', batchSize: 64,
    cycleWeight: 1, identityWeight: 0, poolSize: 0, lrDecayStart: 1,
  },
  unsupported: (spec) => unsupportedTranslationShape(spec.imageShape),
  ...twoWayFamily({
    name: 'discogan',
    generator: discoganGenerator,
    reconstruction: 'l2',
    generatorSize: (config) => ({ size: unetSize(config.imageShape, config.width ?? DEFAULT_WIDTH, encoderDecoder(config)), label: 'encoder-decoder generator' }),
    ...patchDiscriminatorDesign(DEFAULT_WIDTH, 'convolutional discriminator'),
  }),
};
