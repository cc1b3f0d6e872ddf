// The classic adversarial pair: one generator G, one discriminator D, one loss. Every family of models/ so far
// (mlp, conv, dcgan, cgan, acgan) is this shape and is declared with `adversarialFamily`, giving only its two
// networks; this file owns their training step. Each step: update D on a real batch (label 1) and a fake batch
// (label 0), then, every dSteps steps, update G through D. The stabilisers (stabilisers.ts) live here too, once
// for every such family: spectral norm on the networks as they are built, DiffAugment before every call of D,
// the lazy R1 penalty in D's step and orthogonal regularisation in G's.
import type { ImageDataset } from '../data/dataset';
import { BatchLoader } from '../data/loader';
import type { Image } from '../io/png';
import { Module, spectralNorm_ } from '../nn';
import type { Optimizer } from '../optim';
import { adamFor, scheduleRates } from './optimizers';
import { emaUpdate, F, keep, noGrad, rand, randint, randn, randomState, setRandomState, stack, Tensor, tidy } from '../torch';
import type { TrainConfig } from './config';
import { totalSteps } from './run-length';
import { ganLoss, GanLoss, gradientPenalty } from './losses';
import { diffAugment, DiffAugmentOp, drawsFor, parseDiffAugment } from './diffaugment';
import { networkOrthogonalPenalty, r1Due, r1Penalty, r1Weight } from './regularisers';
import { ALL_STABILISERS, Stabiliser } from './stabilisers';
import { labelsInTurn } from './labels';
import { sampleGrid, sampleInBatches } from './sampling';
import { DataParallel, Discriminator, FamilyRun, Generator, LogField, ModelFamily, ModelSpec, NoiseSampler, Scalars, SINGLE_PROCESS, StepPosition } from './types';

/** What an adversarial family file declares: its networks and the hyperparameters that come with them. */
export interface AdversarialParts {
  name: string;
  summary: string;
  conditioning: NoiseSampler['conditioning'];
  threads?: number;
  defaults: Partial<TrainConfig>;
  unsupported?(spec: ModelSpec): string | null;
  /** The stabilisers its networks can take (default: all of them); a run asking for another is refused. */
  stabilisers?: readonly Stabiliser[];
  generator(spec: ModelSpec): Generator;
  discriminator(spec: ModelSpec): Discriminator;
  /** Elements in the state dicts (parameters and buffers) of the networks `generator(spec)` and
   *  `discriminator(spec)` build, computed without building them; for a spec the family supports. */
  stateSize(spec: ModelSpec): { generator: number; discriminator: number };
}

/** The spec a family builds from, taken from a resolved config. */
export function modelSpec(config: TrainConfig): ModelSpec {
  return {
    imageShape: config.imageShape, latentDim: config.latentDim, numClasses: config.numClasses, width: config.width,
    spectralNorm: config.spectralNorm,
  };
}

/**
 * The family's G for `spec`, with spectral norm on its weight layers when the spec asks for it in G ('gd'):
 * added after the family builds it, so no family file knows about spectral norm.
 */
export function buildGenerator(parts: AdversarialParts, spec: ModelSpec): Generator {
  const g = parts.generator(spec);
  if (spec.spectralNorm === 'gd') spectralNorm_(g);
  return g;
}

/** The family's D for `spec`, with spectral norm on its weight layers when the spec asks for it ('d' or 'gd'). */
export function buildDiscriminator(parts: AdversarialParts, spec: ModelSpec): Discriminator {
  const d = parts.discriminator(spec);
  if (spec.spectralNorm === 'd' || spec.spectralNorm === 'gd') spectralNorm_(d);
  return d;
}

/** A family made by adversarialFamily: its parts stay reachable, e.g. for tests that build one network. */
export type AdversarialFamily = ModelFamily & { noiseSampler: NoiseSampler; parts: AdversarialParts };

/** A model family of the G/D shape. */
export function adversarialFamily(parts: AdversarialParts): AdversarialFamily {
  return {
    parts,
    name: parts.name,
    summary: parts.summary,
    needsLabels: parts.conditioning !== 'none',
    threads: parts.threads,
    defaults: parts.defaults,
    unsupported: parts.unsupported,
    stabilisers: parts.stabilisers ?? ALL_STABILISERS,
    checkpointLayout: (config) => {
      const size = parts.stateSize(modelSpec(config));
      return {
        // E, the moving average of G, when the run keeps one.
        networks: new Map([
          ['G', { size: size.generator, label: 'generator' }],
          ['D', { size: size.discriminator, label: 'discriminator' }],
          ...(config.emaDecay > 0 ? [['E', { size: size.generator, label: 'averaged generator' }] as const] : []),
        ]),
        optimizers: ['optG', 'optD'],
        tensors: new Map([['fixed_noise', [config.gridSize, config.latentDim]]]),
      };
    },
    createRun: (config, dataset, parallel) => new AdversarialRun(parts, config, dataset, parallel),
    noiseSampler: {
      conditioning: parts.conditioning,
      generator: (spec) => buildGenerator(parts, spec),
      // E holds the moving average of G's weights (config.emaDecay > 0).
      weightsPrefix: (config, raw) => (!raw && config.emaDecay > 0 ? 'E' : 'G'),
    },
  };
}

/** Tutorial names for the log line (the PyTorch DCGAN tutorial's): D(G(z)) before / after D's update. */
const LOG_FIELDS: LogField[] = [
  { label: 'Loss_D', keys: ['loss_d'] },
  { label: 'Loss_G', keys: ['loss_g'] },
  { label: 'D(x)', keys: ['d_x'] },
  { label: 'D(G(z))', keys: ['d_g_z', 'd_g_z2'] },
];

/** One run of an adversarial family: G, D, their Adam optimizers, an optional moving average of G, fixed noise. */
export class AdversarialRun implements FamilyRun {
  readonly generator: Generator;
  readonly discriminator: Discriminator;
  /** The exponential moving average of G's weights, when config.emaDecay > 0 (saved as E.*). */
  readonly averageGenerator: Generator | null = null;
  readonly optimizerG: Optimizer;
  readonly optimizerD: Optimizer;
  readonly fixedNoise: Tensor;
  /** Grid labels 0…K−1 in turn (conditional families): a grid drawn with K columns shows one class per column. */
  readonly fixedLabels: Tensor | undefined;
  readonly loader: BatchLoader;
  readonly loss: GanLoss;
  readonly logFields = LOG_FIELDS;
  readonly networks: ReadonlyMap<string, Module>;
  readonly optimizers: ReadonlyMap<string, Optimizer>;
  readonly tensors: ReadonlyMap<string, Tensor>;
  /** DiffAugment's transforms (config.diffAugment), applied before every call of D; none when empty. */
  readonly augmentations: readonly DiffAugmentOp[];

  constructor(
    readonly parts: AdversarialParts, readonly config: TrainConfig, dataset: ImageDataset, readonly parallel: DataParallel = SINGLE_PROCESS,
  ) {
    const spec = modelSpec(config);
    // Built in this order after the trainer seeds: the same seed gives the same run.
    this.generator = buildGenerator(parts, spec);
    this.discriminator = buildDiscriminator(parts, spec);
    this.fixedNoise = keep(randn([config.gridSize, config.latentDim]));
    this.fixedLabels = parts.conditioning === 'none' ? undefined : keep(labelsInTurn(0, config.gridSize, config.numClasses));
    // The moving average starts as a copy of G; building it must not shift the random stream.
    if (config.emaDecay > 0) {
      const before = randomState();
      this.averageGenerator = buildGenerator(parts, spec);
      setRandomState(before);
      this.averageGenerator.loadStateDict(this.generator.stateDict());
      this.averageGenerator.requiresGrad_(false);
    }
    this.optimizerG = adamFor(config, this.generator.parameters(), config.lrG);
    this.optimizerD = adamFor(config, this.discriminator.parameters(), config.lrD);
    this.loader = new BatchLoader(dataset, config.batchSize, config.seed, parallel);
    this.loss = ganLoss(config.loss, config);
    this.augmentations = parseDiffAugment(config.diffAugment);
    this.networks = new Map<string, Module>([
      ['G', this.generator], ['D', this.discriminator], ...(this.averageGenerator ? [['E', this.averageGenerator] as [string, Module]] : []),
    ]);
    this.optimizers = new Map([['optG', this.optimizerG], ['optD', this.optimizerD]]);
    this.tensors = new Map([['fixed_noise', this.fixedNoise]]);
  }

  get batchesPerEpoch(): number {
    return this.loader.batchesPerEpoch;
  }

  get totalSteps(): number {
    return totalSteps(this.config, this.loader.batchesPerEpoch);
  }

  get probabilisticOutputs(): boolean {
    return this.loss.probabilistic;
  }

  /** The generator to sample from: the moving average when there is one. */
  get samplingGenerator(): Generator {
    return this.averageGenerator ?? this.generator;
  }

  /** A D update on the position's batch, then a G update every dSteps steps. */
  step(at: StepPosition): Scalars {
    const batch = this.loader.batch(at.epoch, at.batchInEpoch);
    const updateG = (at.step + 1) % this.config.dSteps === 0;
    const factor = scheduleRates(this.config, at.step, this.totalSteps, this.optimizerG, this.optimizerD);
    try {
      const scalars = this.#update(batch.images, batch.labels ?? undefined, updateG, r1Due(at.step, this.config.r1Every) && this.config.r1Gamma > 0);
      return this.config.lrDecayStart < 1 ? { ...scalars, lr_factor: factor } : scalars;
    } finally {
      batch.images.dispose();
      batch.labels?.dispose();
    }
  }

  preview(): Image {
    // Conditional grids are drawn with one column per class.
    const nrow = this.fixedLabels ? this.config.numClasses : undefined;
    return sampleGrid(this.samplingGenerator, this.fixedNoise, this.fixedLabels, nrow);
  }

  sample(n: number): { images: Float32Array; shape: [number, number, number, number] } {
    const [c, h, w] = this.config.imageShape;
    const images = new Float32Array(n * c * h * w);
    let at = 0;
    sampleInBatches(this.samplingGenerator, n, 500, (data) => {
      images.set(data, at);
      at += data.length;
    }, this.fixedLabels ? (start, count) => labelsInTurn(start, count, this.config.numClasses) : undefined);
    return { images, shape: [n, c, h, w] };
  }

  /**
   * D on images as every step shows them: DiffAugment'ed first when the run asks for it, with draws for the
   * whole global batch of which this rank keeps its rows (fresh draws at each call, as the paper's code does).
   */
  #judge(images: Tensor, labels: Tensor | undefined): { adversarial: Tensor; classes: Tensor | null } {
    return tidy(() => {
      const shown = this.augmentations.length === 0 ? images
        : diffAugment(images, this.augmentations, drawsFor(this.config.batchSize, images.device, (t) => this.parallel.localRows(t)));
      return this.#split(this.discriminator.forward(shown, labels));
    });
  }

  #update(realImages: Tensor, realLabels: Tensor | undefined, updateG: boolean, applyR1: boolean): Scalars {
    return tidy(() => {
      const { generator: G, discriminator: D, optimizerG, optimizerD } = this;
      const { conditioning } = this.parts;
      // Random inputs are drawn for the whole global batch, the same on every rank, and each keeps its rows:
      // any world size consumes the random stream as one process does, and trains on the same numbers.
      const N = this.config.batchSize;
      const local = (global: Tensor) => this.parallel.localRows(global);
      const z = local(randn([N, this.config.latentDim]));
      const fakeLabels = conditioning === 'none' ? undefined : local(randint(0, this.config.numClasses, [N]));
      const dLabels = (labels: Tensor | undefined) => (conditioning === 'conditional' ? labels : undefined);
      const fake = G.forward(z, fakeLabels);

      // D step: fakes are detached so this backward stops at D.
      optimizerD.zeroGrad();
      // On an R1 step the reals require grad, so the penalty's gradient comes from this same forward.
      const reals = applyR1 ? realImages.detach().requiresGrad_() : realImages;
      const realOut = this.#judge(reals, dLabels(realLabels));
      const fakeOut = this.#judge(fake.detach(), dLabels(fakeLabels));
      let lossD = this.loss.discriminator(realOut.adversarial, fakeOut.adversarial);
      if (realOut.classes && fakeOut.classes) {
        lossD = lossD.add(F.crossEntropy(realOut.classes, realLabels!));
        // Learning G's images as the classes G was asked for also teaches D G's mistakes as right answers.
        if (this.config.classifyFakes) lossD = lossD.add(F.crossEntropy(fakeOut.classes, fakeLabels!));
      }
      if (this.loss.name === 'wgan-gp' && this.config.gpWeight > 0) {
        const critic = (x: Tensor) => this.#split(D.forward(x, dLabels(realLabels))).adversarial;
        const coefficients = ([, ...rest]: number[]) => local(rand([N, ...rest], { dtype: realImages.dtype }));
        lossD = lossD.add(gradientPenalty(critic, realImages, fake, coefficients).mul(this.config.gpWeight));
      }
      let r1: Tensor | null = null;
      if (applyR1) {
        r1 = r1Penalty(realOut.adversarial, reals);
        lossD = lossD.add(r1.mul(r1Weight(this.config.r1Gamma, this.config.r1Every)));
      }
      lossD.backward();
      this.parallel.syncGradients(D.parameters());
      optimizerD.step();
      // The step's numbers are gathered as tensors and read at once at the end: one wait for a GPU's queue
      // per step rather than one per number (on the CPU the values are the same either way).
      const measured: [string, Tensor][] = [
        ['loss_d', lossD], ['d_x', this.#meanOutput(realOut.adversarial)], ['d_g_z', this.#meanOutput(fakeOut.adversarial)],
      ];
      if (r1) measured.push(['r1', r1]);

      if (updateG) {
        // G step through the freshly updated D, reusing the same fakes (as the PyTorch DCGAN tutorial does).
        // D's parameters are frozen meanwhile: G's gradient is the same, and backward skips D's weight
        // gradients, which the G step would only throw away.
        optimizerG.zeroGrad();
        D.requiresGrad_(false);
        let after: { adversarial: Tensor; classes: Tensor | null };
        let lossG: Tensor;
        try {
          after = this.#judge(fake, dLabels(fakeLabels));
          lossG = this.loss.generator(after.adversarial);
          if (after.classes) lossG = lossG.add(F.crossEntropy(after.classes, fakeLabels!).mul(this.config.classWeight));
          if (this.config.orthoBeta > 0) lossG = lossG.add(networkOrthogonalPenalty(G, this.config.orthoBeta));
          lossG.backward();
        } finally {
          D.requiresGrad_(true);
        }
        this.parallel.syncGradients(G.parameters());
        optimizerG.step();
        if (this.averageGenerator) this.#updateAverage();
        measured.push(['loss_g', lossG], ['d_g_z2', this.#meanOutput(after.adversarial)]);
      }
      const values = stack(measured.map(([, t]) => t.detach().reshape([]).to({ dtype: 'float32' }))).toFloat32Array();
      const scalars: Scalars = Object.fromEntries(measured.map(([name], k) => [name, values[k]]));
      // How far D is from the equilibrium guess of 0.5, for the BCE losses where outputs are probabilities.
      // (A data-parallel run logs the ranks' mean of these gaps, not the gap of the global mean.)
      if (this.loss.probabilistic) Object.assign(scalars, { d_x_gap: Math.abs(scalars.d_x - 0.5), d_g_z_gap: Math.abs(scalars.d_g_z - 0.5) });
      return scalars;
    });
  }

  /** Column 0 is the real/fake output; further columns (AC-GAN) are class logits. */
  #split(out: Tensor): { adversarial: Tensor; classes: Tensor | null } {
    if (out.shape[1] === 1) return { adversarial: out, classes: null };
    return { adversarial: out.narrow(1, 0, 1), classes: out.narrow(1, 1, out.shape[1] - 1) };
  }

  /** D's average verdict (a one-element tensor): a probability for the BCE losses, the raw score otherwise. */
  #meanOutput(out: Tensor): Tensor {
    return noGrad(() => (this.loss.probabilistic ? out.sigmoid() : out).mean());
  }

  #updateAverage(): void {
    const average = this.averageGenerator!;
    emaUpdate(average.parameters(), this.generator.parameters(), this.config.emaDecay);
    // Running statistics (BatchNorm) are copied, not averaged.
    noGrad(() => {
      const own = new Map(this.generator.namedBuffers());
      for (const [name, buffer] of average.namedBuffers()) buffer.copy_(own.get(name)!);
    });
  }

  dispose(): void {
    this.loader.dispose();
    this.generator.dispose();
    this.discriminator.dispose();
    this.averageGenerator?.dispose();
    this.optimizerG.dispose();
    this.optimizerD.dispose();
    this.fixedNoise.dispose();
    this.fixedLabels?.dispose();
  }
}
