// CycleGAN (Zhu et al. 2017): unpaired translation A ↔ B with two ResNet generators (G: A → B, F: B → A) and two
// PatchGAN discriminators of one image each, trained with the least-squares GAN loss, cycle consistency
// λ·(|F(G(a)) − a| + |G(F(b)) − b|) with λ = 10, the identity loss 0.5·λ·(|G(b) − b| + |F(a) − a|), a history
// pool of 50 translations for each D, and Adam 2e-4, β1 0.5, constant for the first half of the run and falling
// linearly to 0 over the second (the paper: 100 + 100 epochs). Instance norm, as the paper. The step, pool,
// preview and checkpoint layout are shared with DiscoGAN (two-way.ts).
//
// The least-squares loss is the library's lsgan (losses.ts): D's ½(D(x) − 1)² + ½D(G(a))² is the reference code's
// 0.5·(MSE real + MSE fake); G's ½(D(G(a)) − 1)² is half the reference's MSE, so the GAN term weighs half as much
// against λ as in the reference code.
import type { TrainConfig } from '../config';
import { initDcgan } from './dcgan-parts';
import { ResnetGenerator, resnetGeneratorSize, unsupportedResnetShape } from './translation-parts';
import { patchDiscriminatorDesign, twoWayFamily } from './two-way';
import type { ModelFamily } from '../types';

/** The paper's base width (ngf = ndf = 64); recipes for the 2-core machine choose less. */
const DEFAULT_WIDTH = 64;

export function cycleganGenerator(config: TrainConfig): ResnetGenerator {
  const g = new ResnetGenerator(config.imageShape, config.width ?? DEFAULT_WIDTH, config.residualBlocks, config.norm);
  initDcgan(g);
  return g;
}

export const cycleganFamily: ModelFamily = {
  name: 'cyclegan',
  summary: 'CycleGAN: unpaired image-to-image translation A ↔ B; two ResNet Gs, two PatchGAN Ds, least-squares GAN + 10·cycle L1 + 5·identity L1, history pool of 50, linearly decaying rate',
  needsLabels: false,
  defaults: {
    lrG: 2e-4, lrD: 2e-4, beta1: 0.5, beta2: 0.999, loss: 'lsgan', norm: 'instance', batchSize: 1,
    cycleWeight: 10, identityWeight: 0.5, poolSize: 50, residualBlocks: 6, lrDecayStart: 0.5,
  },
  unsupported: (spec) => unsupportedResnetShape(spec.imageShape),
  ...twoWayFamily({
    name: 'cyclegan',
    generator: cycleganGenerator,
    reconstruction: 'l1',
    generatorSize: (config) => ({
      size: resnetGeneratorSize(config.imageShape, config.width ?? DEFAULT_WIDTH, config.residualBlocks, config.norm), label: 'ResNet generator',
    }),
    ...patchDiscriminatorDesign(DEFAULT_WIDTH, 'PatchGAN discriminator'),
  }),
};
