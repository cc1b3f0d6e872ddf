// pix2pix (Isola et al. 2017): image-to-image translation learned from pairs. G is a U-Net whose decoder
// dropout is the only noise; D is a PatchGAN that sees the input beside the real or translated image, so it
// judges whether the output fits the input, patch by patch. G minimises the GAN loss plus λ·L1 to the target
// (λ = 100); D's loss is halved, as in the paper, to slow it relative to G. Adam 2e-4, β1 0.5.
import type { ImageDataset } from '../../data/dataset';
import type { Image } from '../../io/png';
import type { Module } from '../../nn';
import { cat, Tensor, tidy } from '../../torch';
import type { TrainConfig } from '../config';
import { applyGenerator, exampleGrid, fixedExamples, previewCount } from '../translation';
import type { FamilyRun, LogField, ModelFamily, Scalars, StepPosition } from '../types';
import { initDcgan } from './dcgan-parts';
import { GeneratorDiscriminatorRun } from './generator-discriminator-run';
import { PatchDiscriminator, patchDiscriminatorSize, UNetGenerator, unetSize, unsupportedTranslationShape } from './translation-parts';

/** The paper's base width (ngf = ndf = 64); recipes for the 2-core machine choose less. */
const DEFAULT_WIDTH = 64;
/** Decoder dropout, the paper's. */
const DROPOUT = 0.5;

const LOG_FIELDS: LogField[] = [
  { label: 'Loss_D', keys: ['loss_d'] },
  { label: 'Loss_G_GAN', keys: ['loss_g'] },
  { label: 'L1', keys: ['loss_l1'] },
  { label: 'D(x,y)', keys: ['d_x'] },
  { label: 'D(x,G(x))', keys: ['d_g_z', 'd_g_z2'] },
];

export function pix2pixGenerator(config: TrainConfig): UNetGenerator {
  const g = new UNetGenerator(config.imageShape, config.width ?? DEFAULT_WIDTH, { norm: config.norm, dropout: DROPOUT });
  initDcgan(g);
  return g;
}

function pix2pixDiscriminator(config: TrainConfig): PatchDiscriminator {
  const [c, side] = config.imageShape;
  const d = new PatchDiscriminator(2 * c, side, config.width ?? DEFAULT_WIDTH, config.norm);
  initDcgan(d);
  return d;
}

class Pix2pixRun extends GeneratorDiscriminatorRun<UNetGenerator, PatchDiscriminator> implements FamilyRun {
  readonly fixedInputs: Tensor;
  readonly fixedTargets: Tensor;
  readonly logFields = LOG_FIELDS;
  readonly tensors: ReadonlyMap<string, Tensor>;

  constructor(config: TrainConfig, dataset: ImageDataset) {
    if (config.loss === 'wgan-gp') throw new Error("model 'pix2pix' takes the non-saturating, minimax, lsgan or hinge loss, not wgan-gp (its gradient penalty is not defined for a conditional patch critic here)");
    super(config, dataset, pix2pixGenerator(config), pix2pixDiscriminator(config));
    const fixed = fixedExamples(dataset, previewCount(config.gridSize));
    this.fixedInputs = fixed.inputs;
    this.fixedTargets = fixed.targets!;
    this.tensors = new Map([['fixed_input', this.fixedInputs], ['fixed_target', this.fixedTargets]]);
  }

  step(at: StepPosition): Scalars {
    const batch = this.loader.batch(at.epoch, at.batchInEpoch);
    try {
      return this.#update(batch.images, batch.targets!);
    } finally {
      batch.images.dispose();
      batch.labels?.dispose();
      batch.targets?.dispose();
    }
  }

  #update(input: Tensor, target: Tensor): Scalars {
    return tidy(() => {
      const { generator: G, discriminator: D, optimizerG, optimizerD, loss } = this;
      const judge = (output: Tensor) => D.forward(cat([input, output], 1));
      const fake = G.forward(input);

      // D: real pairs against translated ones; the translation is detached so this backward stops at D.
      optimizerD.zeroGrad();
      const realOut = judge(target);
      const fakeOut = judge(fake.detach());
      const lossD = loss.discriminator(realOut, fakeOut).mul(0.5);
      lossD.backward();
      optimizerD.step();

      // G: fool the updated D and stay near the target; D's weights are frozen meanwhile (no gradients wasted).
      optimizerG.zeroGrad();
      D.requiresGrad_(false);
      let after: Tensor;
      let lossGan: Tensor;
      let l1: Tensor;
      try {
        after = judge(fake);
        lossGan = loss.generator(after);
        l1 = fake.sub(target).abs().mean();
        lossGan.add(l1.mul(this.config.l1Weight)).backward();
      } finally {
        D.requiresGrad_(true);
      }
      optimizerG.step();
      const mean = (out: Tensor) => tidy(() => (loss.probabilistic ? out.sigmoid() : out).mean().item());
      return {
        loss_d: lossD.item(), loss_g: lossGan.item(), loss_l1: l1.item(),
        d_x: mean(realOut), d_g_z: mean(fakeOut), d_g_z2: mean(after),
      };
    });
  }

  /** input | output | target for the fixed (held-out) examples. */
  preview(): Image {
    const output = applyGenerator(this.generator, this.fixedInputs);
    const shape = this.fixedInputs.shape as [number, number, number, number];
    return exampleGrid([this.fixedInputs.toFloat32Array(), output, this.fixedTargets.toFloat32Array()], shape);
  }

  override dispose(): void {
    this.fixedInputs.dispose();
    this.fixedTargets.dispose();
    super.dispose();
  }
}

export const pix2pixFamily: ModelFamily = {
  name: 'pix2pix',
  summary: 'pix2pix: paired image-to-image translation; U-Net G (skips, decoder dropout), conditional PatchGAN D, GAN + 100·L1 loss',
  needsLabels: false,
  dataKind: 'paired',
  defaults: { lrG: 2e-4, lrD: 2e-4, beta1: 0.5, beta2: 0.999, loss: 'non-saturating', l1Weight: 100, norm: 'batch', batchSize: 16 },
  unsupported: (spec) => unsupportedTranslationShape(spec.imageShape),
  checkpointLayout: (config) => {
    const width = config.width ?? DEFAULT_WIDTH;
    const [c, side] = config.imageShape;
    const fixed = [previewCount(config.gridSize), ...config.imageShape];
    return {
      networks: new Map([
        ['G', { size: unetSize(config.imageShape, width, { norm: config.norm, dropout: DROPOUT }), label: 'U-Net generator' }],
        ['D', { size: patchDiscriminatorSize(2 * c, side, width, config.norm), label: 'PatchGAN discriminator' }],
      ]),
      optimizers: ['optG', 'optD'],
      tensors: new Map([['fixed_input', fixed], ['fixed_target', fixed]]),
    };
  },
  createRun: (config, dataset, parallel) => {
    // Its step does not yet sync gradients or split batches over ranks (the adversarial families do).
    if (parallel && parallel.worldSize > 1) throw new Error('pix2pix does not train data-parallel yet: run it in one process');
    return new Pix2pixRun(config, dataset);
  },
  translator: {
    // One generator, for the direction the run was trained in.
    weightsPrefix: (config, direction) => (direction === config.direction ? 'G' : null),
    generator: (config) => pix2pixGenerator(config),
  },
};
