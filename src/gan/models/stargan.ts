// StarGAN (Choi et al. 2018): one generator that moves an image into any of K domains (a digit class; a hair
// colour, an age group, glasses, a smile) instead of one generator per pair of domains. G(x, c) gets the target
// domain vector c as extra channels; D has an adversarial head and a domain classifier. Per step:
//   D: adversarial loss on real x against G(x, c_trg) (WGAN-GP in the paper) + λ_cls · cls(D(x), c_org)
//   G: adversarial loss on G(x, c_trg) + λ_cls · cls(D(G(x, c_trg)), c_trg) + λ_rec · |G(G(x, c_trg), c_org) − x|₁
// where c_trg is c_org of another image in the batch (a random permutation, as the paper's code draws it, so
// every target is a combination the data really has). D updates every step, G every dSteps (n_critic = 5).
// The classification loss is a cross-entropy over the classes for class-labelled data and a binary
// cross-entropy per attribute for attribute-labelled data (the paper's RaFD and CelebA choices).
import type { ImageDataset } from '../../data/dataset';
import type { Image } from '../../io/png';
import type { Module } from '../../nn';
import { scheduleRates } from '../optimizers';
import { arange, F, keep, noGrad, randperm, stack, Tensor, tensor, tidy } from '../../torch';
import type { TrainConfig } from '../config';
import { totalSteps } from '../run-length';
import { domainRows, Domains, domainsOf, singleEdits } from '../domains';
import { gradientPenalty } from '../losses';
import { exampleGrid, fixedExamples, previewCount } from '../translation';
import type { FamilyRun, LogField, ModelFamily, Scalars, StepPosition } from '../types';
import { GeneratorDiscriminatorRun } from './generator-discriminator-run';
import { StarDiscriminator, starDiscriminatorSize, StarGenerator, starGeneratorSize, unsupportedStarShape } from './stargan-parts';

/** The paper's width is 64 (with 6 residual blocks at 128 pixels); the recipes choose less for small images. */
const DEFAULT_WIDTH = 64;

const LOG_FIELDS: LogField[] = [
  { label: 'Loss_D', keys: ['loss_d'] },
  { label: 'D_cls', keys: ['loss_d_cls'] },
  { label: 'Loss_G', keys: ['loss_g'] },
  { label: 'G_cls', keys: ['loss_g_cls'] },
  { label: 'Rec', keys: ['loss_rec'] },
];

export function starGenerator(config: TrainConfig): StarGenerator {
  return new StarGenerator(config.imageShape, domainsOf(config).names.length, config.width ?? DEFAULT_WIDTH, config.residualBlocks);
}

export function starDiscriminator(config: TrainConfig): StarDiscriminator {
  return new StarDiscriminator(config.imageShape, domainsOf(config).names.length, config.width ?? DEFAULT_WIDTH);
}

/** Why StarGAN has no domains to learn in this config's data, or null. */
function missingDomains(config: Pick<TrainConfig, 'attributes' | 'numClasses'>): string | null {
  return config.attributes === null && config.numClasses < 2 ? 'needs domains: class labels (2 or more classes) or attribute labels (a list_attr.txt)' : null;
}

class StarganRun extends GeneratorDiscriminatorRun<StarGenerator, StarDiscriminator> implements FamilyRun {
  readonly domains: Domains;
  /** The run's length in steps, which the learning-rate decay is spread over. */
  readonly totalSteps: number;
  readonly fixedInputs: Tensor;
  /** The fixed examples' own domain vectors [n, K]. */
  readonly fixedDomains: Tensor;
  readonly logFields = LOG_FIELDS;
  readonly tensors: ReadonlyMap<string, Tensor>;

  constructor(config: TrainConfig, dataset: ImageDataset) {
    super(config, dataset, starGenerator(config), starDiscriminator(config));
    this.domains = domainsOf(config);
    this.totalSteps = totalSteps(config, this.loader.batchesPerEpoch);
    const fixed = fixedExamples(dataset, previewCount(config.gridSize));
    this.fixedInputs = fixed.inputs;
    this.fixedDomains = keep(tensor(domainRows(fixed.source, fixed.rows, this.domains), [fixed.rows.length, this.domains.names.length]));
    this.tensors = new Map([['fixed_input', this.fixedInputs], ['fixed_domains', this.fixedDomains]]);
  }

  step(at: StepPosition): Scalars {
    const batch = this.loader.batch(at.epoch, at.batchInEpoch);
    try {
      const original = tidy(() => (batch.attributes ? batch.attributes.clone() : classVectors(batch.labels!, this.domains.names.length)));
      try {
        return this.#update(batch.images, original, at.step, (at.step + 1) % this.config.dSteps === 0);
      } finally {
        original.dispose();
      }
    } finally {
      batch.images.dispose();
      batch.labels?.dispose();
      batch.attributes?.dispose();
    }
  }

  /** The domain-classification loss of D's logits against domain vectors. */
  #classLoss(logits: Tensor, domains: Tensor): Tensor {
    return tidy(() => (this.domains.kind === 'classes' ? F.crossEntropy(logits, domains.argmax(1)) : F.bceWithLogits(logits, domains)));
  }

  #update(x: Tensor, cOrg: Tensor, step: number, updateG: boolean): Scalars {
    return tidy(() => {
      const { generator: G, discriminator: D, optimizerG, optimizerD, loss, config } = this;
      const factor = scheduleRates(config, step, this.totalSteps, optimizerG, optimizerD);
      const cTrg = cOrg.indexSelect(0, randperm(x.shape[0]));
      const fake = G.edit(x, cTrg);

      // D: real images (and their domains) against edits; the edits are detached so this backward stops at D.
      optimizerD.zeroGrad();
      const real = D.judge(x);
      const edited = D.judge(fake.detach());
      const clsD = this.#classLoss(real.logits, cOrg);
      let lossD = loss.discriminator(real.scores, edited.scores).add(clsD.mul(config.classWeight));
      if (loss.name === 'wgan-gp' && config.gpWeight > 0) {
        const critic = (images: Tensor) => tidy(() => D.judge(images).scores.reshape([images.shape[0], -1]).mean([1]));
        lossD = lossD.add(gradientPenalty(critic, x, fake).mul(config.gpWeight));
      }
      lossD.backward();
      optimizerD.step();
      const measured: [string, Tensor][] = [['loss_d', lossD], ['loss_d_cls', clsD]];

      if (updateG) {
        // G: fool D, be classified as the target, and come back to x when edited back to its own domains.
        // D's weights are frozen meanwhile (no gradients wasted on them).
        optimizerG.zeroGrad();
        D.requiresGrad_(false);
        try {
          const after = D.judge(fake);
          const clsG = this.#classLoss(after.logits, cTrg);
          const reconstruction = G.edit(fake, cOrg).sub(x).abs().mean();
          const lossG = loss.generator(after.scores).add(clsG.mul(config.classWeight)).add(reconstruction.mul(config.cycleWeight));
          lossG.backward();
          measured.push(['loss_g', lossG], ['loss_g_cls', clsG], ['loss_rec', reconstruction]);
        } finally {
          D.requiresGrad_(true);
        }
        optimizerG.step();
      }
      // One read of every number at the end (one wait for a GPU's queue per step).
      const values = stack(measured.map(([, t]) => t.detach().reshape([]))).toFloat32Array();
      return { ...Object.fromEntries(measured.map(([name], k) => [name, values[k]])), lr_factor: factor };
    });
  }

  /** Each fixed example, then its single-attribute edits (one column per domain value). */
  preview(): Image {
    const wasTraining = this.generator.training;
    this.generator.eval();
    try {
      const edits = singleEdits(this.domains);
      const n = this.fixedInputs.shape[0];
      const K = this.domains.names.length;
      const own = this.fixedDomains.toFloat32Array();
      const columns = noGrad(() => edits.map((edit) => tidy(() => {
        const target = new Float32Array(n * K);
        for (let i = 0; i < n; i++) target.set(edit.apply(own.subarray(i * K, (i + 1) * K)), i * K);
        return this.generator.edit(this.fixedInputs, tensor(target, [n, K])).toFloat32Array();
      })));
      return exampleGrid([this.fixedInputs.toFloat32Array(), ...columns], this.fixedInputs.shape as [number, number, number, number]);
    } finally {
      this.generator.train(wasTraining);
    }
  }

  override dispose(): void {
    this.fixedInputs.dispose();
    this.fixedDomains.dispose();
    super.dispose();
  }
}

/** One-hot float vectors [N, K] of int64 class labels. */
function classVectors(labels: Tensor, classes: number): Tensor {
  return tidy(() => labels.unsqueeze(1).eq(arange(classes, undefined, 1, { dtype: 'int64' }).unsqueeze(0)).to({ dtype: 'float32' }));
}

export const starganFamily: ModelFamily = {
  name: 'stargan',
  summary: 'StarGAN: one generator edits images into any of K domains (classes or attributes); PatchGAN D with a domain classifier, WGAN-GP, classification + reconstruction losses',
  needsLabels: false,
  // The paper's: λ_rec 10 (cycleWeight), 6 residual blocks, rates decaying linearly over the second half.
  defaults: { lrG: 1e-4, lrD: 1e-4, beta1: 0.5, beta2: 0.999, loss: 'wgan-gp', gpWeight: 10, dSteps: 5, classWeight: 1, cycleWeight: 10, residualBlocks: 6, lrDecayStart: 0.5, batchSize: 16 },
  // A spec read from a config also carries its attributes (a bare ModelSpec has none).
  unsupported: (spec) => unsupportedStarShape(spec.imageShape) ?? missingDomains({ attributes: (spec as Partial<TrainConfig>).attributes ?? null, numClasses: spec.numClasses }),
  checkpointLayout: (config) => {
    const width = config.width ?? DEFAULT_WIDTH;
    const K = domainsOf(config).names.length;
    const fixed = previewCount(config.gridSize);
    return {
      networks: new Map([
        ['G', { size: starGeneratorSize(config.imageShape, K, width, config.residualBlocks), label: 'StarGAN generator' }],
        ['D', { size: starDiscriminatorSize(config.imageShape, K, width), label: 'StarGAN discriminator' }],
      ]),
      optimizers: ['optG', 'optD'],
      tensors: new Map([['fixed_input', [fixed, ...config.imageShape]], ['fixed_domains', [fixed, K]]]),
    };
  },
  editor: { generator: starGenerator, domainReader: starDiscriminator },
  createRun: (config, dataset, parallel) => {
    if (parallel && parallel.worldSize > 1) throw new Error('stargan does not train data-parallel yet: run it in one process');
    const problem = missingDomains(config);
    if (problem) throw new Error(`model 'stargan' ${problem}, and ${dataset.name} has none`);
    return new StarganRun(config, dataset);
  },
};
