// What the unpaired translation families (CycleGAN, DiscoGAN) share: two generators, G from the data's first
// domain to its second and F back, two discriminators (D_A judges domain A images, D_B domain B), one step that
// trains G and F together against both Ds plus the reconstruction of each image through both generators
// (a → G(a) → F(G(a)) ≈ a and b → F(b) → G(F(b)) ≈ b), then both Ds; the A | G(A) | F(G(A)) and B | F(B) | G(F(B))
// preview, the checkpoint layout and the translator. A family supplies its networks, the distance its
// reconstructions are measured in, and its defaults (CycleGAN adds the identity loss and a history pool of fakes
// through config keys that DiscoGAN leaves at 0; `cycleNoise`, off by default for both, is opt-in noise on the
// translations the cycle reads back).
import type { ImageDataset } from '../../data/dataset';
import { BatchLoader } from '../../data/loader';
import type { Image } from '../../io/png';
import type { Layer, Module } from '../../nn';
import type { Optimizer } from '../../optim';
import { adamFor, scheduleRates } from '../optimizers';
import { cat, keep, noGrad, rand, randint, randn, Tensor, tensor, tidy, zeros } from '../../torch';
import type { TrainConfig } from '../config';
import { totalSteps } from '../run-length';
import { ganLoss, GanLoss } from '../losses';
import { applyGenerator, exampleGrid, fixedExamples, previewCount } from '../translation';
import type { CheckpointLayout, FamilyRun, LogField, ModelFamily, Scalars, StepPosition } from '../types';
import { initDcgan } from './dcgan-parts';
import { PatchDiscriminator, patchDiscriminatorSize } from './translation-parts';

type Network = Module & Layer;

/** What a two-generator family builds and how it measures a reconstruction. */
export interface TwoWayDesign {
  /** The family's name, for messages. */
  name: string;
  /** One generator (image → image of the same shape in [-1, 1]); G and F are two of them. */
  generator(config: TrainConfig): Network;
  /** One discriminator of a single image (not conditioned on the input): [N, C, H, W] → logits. */
  discriminator(config: TrainConfig): Network;
  /** The distance between a reconstruction and its original: CycleGAN's L1, DiscoGAN's L2 (squared error). */
  reconstruction: 'l1' | 'l2';
  /**
   * Opt-in (DiscoGAN; CycleGAN leaves it out): feature matching (Salimans et al. 2016) in each generator's
   * adversarial term, as DiscoGAN's reference code has it: (1 − weight)·GAN + weight·FM, where FM sums over D's
   * hidden layers the mean squared difference between the batch means of their outputs on real and on translated
   * images. `hidden` runs a discriminator and returns its logits and the hidden layers' outputs.
   */
  featureMatching?: { weight: number; hidden(d: Network, x: Tensor): { logits: Tensor; hidden: Tensor[] } };
  generatorSize(config: TrainConfig): { size: number; label: string };
  discriminatorSize(config: TrainConfig): { size: number; label: string };
}

/**
 * The discriminator both families use: a PatchGAN of one image (CycleGAN's own; for DiscoGAN, whose D is a
 * strided conv net with batch norm and LeakyReLU ending in one logit, the same layers ending in a small map of
 * logits that the loss averages), N(0, 0.02) weights, at the run's width or the family's default.
 */
export function patchDiscriminatorDesign(defaultWidth: number, label: string): Pick<TwoWayDesign, 'discriminator' | 'discriminatorSize'> {
  const width = (config: TrainConfig) => config.width ?? defaultWidth;
  return {
    discriminator: (config) => {
      const [c, side] = config.imageShape;
      const d = new PatchDiscriminator(c, side, width(config), config.norm);
      initDcgan(d);
      return d;
    },
    discriminatorSize: (config) => ({ size: patchDiscriminatorSize(config.imageShape[0], config.imageShape[1], width(config), config.norm), label }),
  };
}

/**
 * CycleGAN's image pool (Shrivastava et al. 2017; Zhu et al. §4): D is shown, for each translated image, that
 * image or, half the time once the pool is full, an older translation from the pool, which the new one replaces;
 * so D remembers earlier generators and G cannot win by oscillating. The pool and how full it is are tensors the
 * checkpoint saves, and its coin flips come from the seeded global generator (saved too), so a resumed run
 * continues exactly. Unlike the reference code it draws its coins and slots for every batch, full or not, so
 * the random stream it consumes does not depend on how full the pool is.
 */
export class HistoryPool {
  /** The kept translations, [size, C, H, W]; rows from `filled` on are unused. */
  readonly images: Tensor;
  /** How many rows of `images` hold a translation, as a one-element float tensor (saved with the run). */
  readonly filled: Tensor;

  constructor(readonly size: number, shape: readonly number[]) {
    this.images = keep(zeros([size, ...shape]));
    this.filled = keep(zeros([1]));
  }

  /** The batch D sees in place of `fakes` (detached translations [N, C, H, W]); updates the pool. */
  query(fakes: Tensor): Tensor {
    return noGrad(() => tidy(() => {
      const n = fakes.shape[0];
      const coins = rand([n]).toArray();
      const slots = randint(0, this.size, [n]).toArray();
      let filled = this.filled.item();
      const rows: Tensor[] = [];
      for (let i = 0; i < n; i++) {
        const image = fakes.narrow(0, i, 1);
        if (filled < this.size) {
          this.images.narrow(0, filled++, 1).copy_(image);
          rows.push(image);
        } else if (coins[i] > 0.5) {
          const slot = this.images.narrow(0, slots[i], 1);
          rows.push(slot.clone());
          slot.copy_(image);
        } else {
          rows.push(image);
        }
      }
      this.filled.fill_(filled);
      return cat(rows, 0);
    }));
  }

  dispose(): void {
    this.images.dispose();
    this.filled.dispose();
  }
}

/** The log line of a two-way run: both Ds, both generators' GAN losses, the reconstruction and (if on) identity. */
function logFields(identity: boolean, featureMatching: boolean): LogField[] {
  const fields: LogField[] = [
    { label: 'D_A / D_B', keys: ['loss_d_a', 'loss_d_b'] },
    { label: 'GAN_AB / GAN_BA', keys: ['loss_g_ab', 'loss_g_ba'] },
    { label: 'Cycle', keys: ['loss_cycle'] },
  ];
  if (featureMatching) fields.push({ label: 'FM', keys: ['loss_fm'] });
  return identity ? [...fields, { label: 'Idt', keys: ['loss_idt'] }] : fields;
}

class TwoWayRun implements FamilyRun {
  readonly G: Network;
  readonly F: Network;
  readonly DA: Network;
  readonly DB: Network;
  readonly optimizerG: Optimizer;
  readonly optimizerD: Optimizer;
  readonly loaderA: BatchLoader;
  readonly loaderB: BatchLoader;
  readonly loss: GanLoss;
  readonly poolA: HistoryPool | null;
  readonly poolB: HistoryPool | null;
  readonly fixedA: Tensor;
  readonly fixedB: Tensor;
  readonly logFields: LogField[];
  readonly networks: ReadonlyMap<string, Module>;
  readonly optimizers: ReadonlyMap<string, Optimizer>;
  readonly tensors: ReadonlyMap<string, Tensor>;
  readonly #total: number;

  constructor(readonly config: TrainConfig, dataset: ImageDataset, readonly design: TwoWayDesign) {
    if (config.loss === 'wgan-gp') throw new Error(`model '${design.name}' takes the non-saturating, minimax, lsgan or hinge loss, not wgan-gp`);
    const other = dataset.otherDomain!;
    // Built in this order after the trainer seeds: the same seed gives the same run.
    this.G = design.generator(config);
    this.F = design.generator(config);
    this.DA = design.discriminator(config);
    this.DB = design.discriminator(config);
    // One optimizer for both generators and one for both Ds, as the reference code of both papers has it.
    this.optimizerG = adamFor(config, [...this.G.parameters(), ...this.F.parameters()], config.lrG);
    this.optimizerD = adamFor(config, [...this.DA.parameters(), ...this.DB.parameters()], config.lrD);
    // Each domain has its own order; an epoch is one pass over domain A (the data's first).
    this.loaderA = new BatchLoader(dataset, config.batchSize, config.seed);
    this.loaderB = new BatchLoader(other, config.batchSize, config.seed + 1);
    this.#total = totalSteps(config, this.loaderA.batchesPerEpoch);
    this.loss = ganLoss(config.loss, config);
    const shape = config.imageShape;
    this.poolA = config.poolSize > 0 ? new HistoryPool(config.poolSize, shape) : null;
    this.poolB = config.poolSize > 0 ? new HistoryPool(config.poolSize, shape) : null;
    const count = previewCount(config.gridSize);
    this.fixedA = fixedExamples(dataset, count).inputs;
    this.fixedB = fixedExamples({ ...other, heldOut: dataset.heldOut?.otherDomain }, count).inputs;
    this.logFields = logFields(config.identityWeight > 0, design.featureMatching !== undefined);
    this.networks = new Map<string, Module>([['G', this.G], ['F', this.F], ['D_A', this.DA], ['D_B', this.DB]]);
    this.optimizers = new Map([['optG', this.optimizerG], ['optD', this.optimizerD]]);
    const tensors: [string, Tensor][] = [['fixed_a', this.fixedA], ['fixed_b', this.fixedB]];
    if (this.poolA && this.poolB) {
      tensors.push(['pool_a', this.poolA.images], ['pool_a_filled', this.poolA.filled], ['pool_b', this.poolB.images], ['pool_b_filled', this.poolB.filled]);
    }
    this.tensors = new Map(tensors);
  }

  get batchesPerEpoch(): number {
    return this.loaderA.batchesPerEpoch;
  }

  get probabilisticOutputs(): boolean {
    return this.loss.probabilistic;
  }

  step(at: StepPosition): Scalars {
    const a = this.loaderA.batch(at.epoch, at.batchInEpoch);
    // Domain B's batches run on through its own epochs, which end at other steps when the domains differ in size.
    const global = (at.epoch - 1) * this.loaderA.batchesPerEpoch + at.batchInEpoch;
    const b = this.loaderB.batchInSequence(global);
    try {
      return this.#update(a.images, b.images, at.step);
    } finally {
      for (const batch of [a, b]) {
        batch.images.dispose();
        batch.labels?.dispose();
      }
    }
  }

  #distance(x: Tensor, y: Tensor): Tensor {
    return tidy(() => {
      const d = x.sub(y);
      return (this.design.reconstruction === 'l1' ? d.abs() : d.mul(d)).mean();
    });
  }

  /**
   * A translation as the other generator reads it in the cycle: with `cycleNoise` σ > 0, plus N(0, σ²) noise from
   * the seeded generator (saved with the run, so a resume continues exactly), which drowns any copy of the source
   * hidden in faint detail; off (the papers' step), the translation itself and no random draw.
   */
  #toReconstruct(translation: Tensor): Tensor {
    const sigma = this.config.cycleNoise;
    return sigma > 0 ? translation.add(randn(translation.shape).mul(sigma)) : translation;
  }

  #update(realA: Tensor, realB: Tensor, step: number): Scalars {
    return tidy(() => {
      const { G, F, DA, DB, optimizerG, optimizerD, loss, config } = this;
      const factor = scheduleRates(config, step, this.#total, optimizerG, optimizerD);
      const fakeB = G.forward(realA);
      const fakeA = F.forward(realB);

      // G and F together: fool both Ds, reconstruct both ways, and (CycleGAN) leave images of their target domain
      // as they are. The Ds' weights are frozen meanwhile, so this backward spends nothing on them.
      optimizerG.zeroGrad();
      DA.requiresGrad_(false);
      DB.requiresGrad_(false);
      let ganAB: Tensor;
      let ganBA: Tensor;
      let cycle: Tensor;
      let identity: Tensor | null = null;
      let matching: Tensor | null = null;
      let total: Tensor;
      try {
        const fm = this.design.featureMatching;
        if (fm) {
          const ab = this.#matched(fm.hidden, DB, fakeB, realB);
          const ba = this.#matched(fm.hidden, DA, fakeA, realA);
          ganAB = ab.gan;
          ganBA = ba.gan;
          matching = ab.matching.add(ba.matching);
          total = ganAB.add(ganBA).mul(1 - fm.weight).add(matching.mul(fm.weight));
        } else {
          ganAB = loss.generator(DB.forward(fakeB));
          ganBA = loss.generator(DA.forward(fakeA));
          total = ganAB.add(ganBA);
        }
        cycle = this.#distance(F.forward(this.#toReconstruct(fakeB)), realA).add(this.#distance(G.forward(this.#toReconstruct(fakeA)), realB));
        total = total.add(cycle.mul(config.cycleWeight));
        if (config.identityWeight > 0) {
          identity = this.#distance(G.forward(realB), realB).add(this.#distance(F.forward(realA), realA));
          total = total.add(identity.mul(config.cycleWeight * config.identityWeight));
        }
        total.backward();
      } finally {
        DA.requiresGrad_(true);
        DB.requiresGrad_(true);
      }
      optimizerG.step();

      // Both Ds: real images of their domain against translations into it (through the history pool, if any).
      optimizerD.zeroGrad();
      const shownA = this.poolA ? this.poolA.query(fakeA.detach()) : fakeA.detach();
      const shownB = this.poolB ? this.poolB.query(fakeB.detach()) : fakeB.detach();
      const lossDA = loss.discriminator(DA.forward(realA), DA.forward(shownA));
      const lossDB = loss.discriminator(DB.forward(realB), DB.forward(shownB));
      lossDA.add(lossDB).backward();
      optimizerD.step();
      const scalars: Scalars = {
        loss_d: lossDA.item() + lossDB.item(), loss_d_a: lossDA.item(), loss_d_b: lossDB.item(),
        loss_g: total.item(), loss_g_ab: ganAB.item(), loss_g_ba: ganBA.item(), loss_cycle: cycle.item(), lr_factor: factor,
      };
      if (identity) scalars.loss_idt = identity.item();
      if (matching) scalars.loss_fm = matching.item();
      return scalars;
    });
  }

  /**
   * G's GAN loss on d(fake) and the feature-matching distance of fake against real images in d's hidden layers
   * (d frozen by the caller; the real images' features carry no gradient anyway).
   */
  #matched(hidden: NonNullable<TwoWayDesign['featureMatching']>['hidden'], d: Network, fake: Tensor, real: Tensor): { gan: Tensor; matching: Tensor } {
    const onFake = hidden(d, fake);
    const onReal = noGrad(() => hidden(d, real));
    if (onFake.hidden.length === 0) throw new Error(`${this.design.name}: feature matching needs the discriminator's hidden layers`);
    let matching = zeros([]);
    onFake.hidden.forEach((f, i) => {
      const gap = f.mean([0]).sub(onReal.hidden[i].mean([0]));
      matching = matching.add(gap.mul(gap).mean());
    });
    return { gan: this.loss.generator(onFake.logits), matching };
  }

  /** A | G(A) | F(G(A)) | B | F(B) | G(F(B)) for the fixed (held-out) images of each domain. */
  preview(): Image {
    const shape = this.fixedA.shape as [number, number, number, number];
    const there = (first: Network, back: Network, x: Tensor) => {
      const out = applyGenerator(first, x);
      const again = tensor(out, shape);
      try {
        return [x.toFloat32Array(), out, applyGenerator(back, again)];
      } finally {
        again.dispose();
      }
    };
    return exampleGrid([...there(this.G, this.F, this.fixedA), ...there(this.F, this.G, this.fixedB)], shape);
  }

  dispose(): void {
    for (const m of [this.G, this.F, this.DA, this.DB]) m.dispose();
    for (const o of [this.optimizerG, this.optimizerD]) o.dispose();
    this.loaderA.dispose();
    this.loaderB.dispose();
    this.poolA?.dispose();
    this.poolB?.dispose();
    this.fixedA.dispose();
    this.fixedB.dispose();
  }
}

/**
 * The parts of a ModelFamily every two-way family has the same way: unpaired data, the checkpoint layout, the
 * run, and the translator (G for the direction the run was trained in, F for the other).
 */
export function twoWayFamily(design: TwoWayDesign): Pick<ModelFamily, 'dataKind' | 'checkpointLayout' | 'createRun' | 'translator'> {
  return {
    dataKind: 'unpaired',
    checkpointLayout: (config): CheckpointLayout => {
      const g = design.generatorSize(config);
      const d = design.discriminatorSize(config);
      const fixed = [previewCount(config.gridSize), ...config.imageShape];
      const tensors = new Map<string, number[]>([['fixed_a', fixed], ['fixed_b', fixed]]);
      if (config.poolSize > 0) {
        const pool = [config.poolSize, ...config.imageShape];
        tensors.set('pool_a', pool).set('pool_a_filled', [1]).set('pool_b', pool).set('pool_b_filled', [1]);
      }
      return {
        networks: new Map([
          ['G', { size: g.size, label: `${g.label} G (A→B)` }], ['F', { size: g.size, label: `${g.label} F (B→A)` }],
          ['D_A', { size: d.size, label: `${d.label} D_A` }], ['D_B', { size: d.size, label: `${d.label} D_B` }],
        ]),
        optimizers: ['optG', 'optD'],
        tensors,
      };
    },
    createRun: (config, dataset, parallel) => {
      // Its step does not yet sync gradients or split batches over ranks (the adversarial families do).
      if (parallel && parallel.worldSize > 1) throw new Error(`${design.name} does not train data-parallel yet: run it in one process`);
      return new TwoWayRun(config, dataset, design);
    },
    translator: {
      weightsPrefix: (config, direction) => (direction === config.direction ? 'G' : 'F'),
      generator: (config) => design.generator(config),
    },
  };
}
