// DiscoGAN (Kim et al. 2017): unpaired translation A ↔ B with two encoder-decoder generators (4×4 stride-2 convs
// with batch norm and LeakyReLU 0.2 down to a bottleneck, transposed convs with ReLU back up, no skips: the
// U-Net of translation-parts.ts with its skips off and no dropout) and two convolutional discriminators (the
// PatchGAN of one image: strided 4×4 convs with batch norm and LeakyReLU, its logit map averaged by the loss),
// trained with the BCE GAN loss (non-saturating for G) plus the reconstruction loss of both directions in L2,
// the paper's choice: G's loss is adv + λ‖F(G(a)) − a‖² and F's adv + λ‖G(F(b)) − b‖², summed, with λ the
// `cycleWeight` (1 by default; the shoes2bags recipe's is larger, see recipes.ts). As in the authors' code
// (SKTBrain/DiscoGAN, image_translation.py), each adversarial term is 0.1·BCE + 0.9·feature matching on D's
// hidden layers: without it the generators collapsed to a few blurry shapes whatever the input (README "Unpaired
// translation"). Not taken from that code: its schedule of the reconstruction weight (rate 0.01 against the GAN
// terms for the first 10,000 iterations, 0.5 after), longer than any run this machine makes, and its one D update
// per three iterations. Adam 2e-4, β1 0.5, constant; no identity loss, no history pool. The step is CycleGAN's
// (two-way.ts).
import { LeakyReLU, Module } from '../../nn';
import type { Tensor } from '../../torch';
import type { TrainConfig } from '../config';
import { initDcgan } from './dcgan-parts';
import { PatchDiscriminator, UNetGenerator, unetSize, unsupportedTranslationShape } from './translation-parts';
import { patchDiscriminatorDesign, twoWayFamily } from './two-way';
import type { ModelFamily } from '../types';

/** The paper's base width (64 channels in the first conv); recipes for the 2-core machine choose less. */
const DEFAULT_WIDTH = 64;

/**
 * DiscoGAN's reference code: each generator's adversarial term is 0.1·BCE + 0.9·feature matching on D's hidden
 * layers (the outputs of its normalised conv blocks; not the first, which has no norm).
 */
const FEATURE_MATCHING = 0.9;

/**
 * The discriminator run layer by layer: its logits, and the output of each LeakyReLU after the first (those of
 * the normalised blocks, as the reference code's D returns relu2..relu4).
 */
export function discriminatorHidden(d: Module, x: Tensor): { logits: Tensor; hidden: Tensor[] } {
  if (!(d instanceof PatchDiscriminator)) throw new Error('discogan: feature matching reads a PatchDiscriminator\'s layers');
  const activations: Tensor[] = [];
  let out = x;
  for (const layer of d.main.layers) {
    out = layer.forward(out);
    if (layer instanceof LeakyReLU) activations.push(out);
  }
  return { logits: out, hidden: activations.slice(1) };
}

/** The encoder-decoder: the U-Net's stages without skips or dropout. */
const encoderDecoder = (config: TrainConfig) => ({ norm: config.norm, skips: false, dropout: 0 });

export function discoganGenerator(config: TrainConfig): UNetGenerator {
  const g = new UNetGenerator(config.imageShape, config.width ?? DEFAULT_WIDTH, encoderDecoder(config));
  initDcgan(g);
  return g;
}

export const discoganFamily: ModelFamily = {
  name: 'discogan',
  summary: 'DiscoGAN: unpaired image-to-image translation A ↔ B; two encoder-decoder Gs (no skips), two conv Ds, BCE GAN with feature matching + L2 reconstruction both ways',
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
    featureMatching: { weight: FEATURE_MATCHING, hidden: discriminatorHidden },
    generatorSize: (config) => ({ size: unetSize(config.imageShape, config.width ?? DEFAULT_WIDTH, encoderDecoder(config)), label: 'encoder-decoder generator' }),
    ...patchDiscriminatorDesign(DEFAULT_WIDTH, 'convolutional discriminator'),
  }),
};
