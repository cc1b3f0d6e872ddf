// Age-cGAN (Antipov, Baccouche & Dugelay 2017, "Face aging with conditional generative adversarial networks"):
// a conditional GAN G(z, y) over age groups y, an encoder E that inverts it (z ≈ E(G(z, y))), and, per input face,
// an identity-preserving optimisation of z (agecgan-inversion.ts) before drawing G(z*, y') at another age.
//
// One run trains every part, interleaved in each step rather than in the paper's three phases, so a run cut by
// --time-budget at any point has all of them (E follows G as G moves; the latent optimisation at edit time
// corrects what E's lag leaves):
//   D, G  the cGAN on the batch's real faces and ages (fakes drawn at the batch's own ages, so the ages keep the
//         data's proportions); the run's GAN loss (non-saturating by default);
//   E     ‖E(G(z, y)) − z‖² on this step's fakes, detached from G (the paper's L2 in latent space);
//   I     the identity embedding: the judge's classifier CNN trained to tell the training split's people apart
//         (identity.txt; up to 256 people, the last ones, where the eval's identity judge takes the first ones),
//         on its own batches of those people's faces; its 128 features are the identity space of the optimisation;
//   R     an age reader: the same CNN over the age groups, on the real batch; `ganforge edit` reads the age of an
//         input that comes without labels with it.
// The ages are the data's age group (the attributed faces' Young/Middle_Aged/Old, from list_attr.txt), or the
// classes of class-labelled data (e.g. UTKFace's age buckets).
import { BatchLoader } from '../../data/loader';
import type { ImageDataset } from '../../data/dataset';
import type { Image } from '../../io/png';
import { ClassifierNet } from '../../metrics/classifier';
import { IDENTITY_PEOPLE, identitySplit } from '../../metrics/identity-judge';
import type { Module } from '../../nn';
import { Adam, Optimizer } from '../../optim';
import { F, keep, noGrad, randn, stack, Tensor, tensor, tidy } from '../../torch';
import type { TrainConfig } from '../config';
import { Domains, domainsFromLogits, domainsOf, groupDomains } from '../domains';
import { ganLoss, GanLoss } from '../losses';
import { adamFor } from '../optimizers';
import { exampleGrid, previewCount } from '../translation';
import type { FamilyRun, LatentEditor, LogField, ModelFamily, Scalars, StepPosition } from '../types';
import { invertFaces } from './agecgan-inversion';
import { AgeDiscriminator, ageDiscriminatorSize, AgeEncoder, ageEncoderSize, AgeGenerator, ageGeneratorSize, classifierNetSize } from './agecgan-parts';
import { stagesFor } from './dcgan-parts';

/** DCGAN's width; the recipe chooses less for the shared 2-core machine. */
const DEFAULT_WIDTH = 64;
/** The identity embedding's and age reader's Adam rate: the judge's classifier's. */
const CLASSIFIER_LR = 1e-3;

const LOG_FIELDS: LogField[] = [
  { label: 'Loss_D', keys: ['loss_d'] },
  { label: 'Loss_G', keys: ['loss_g'] },
  { label: 'Loss_E', keys: ['loss_e'] },
  { label: 'Id', keys: ['loss_id'] },
  { label: 'Age', keys: ['loss_age'] },
];

/** The age groups a run conditions on: the attribute data's age group, else the data's classes; null if neither. */
export function ageDomains(config: Pick<TrainConfig, 'attributes' | 'numClasses'>): Domains | null {
  if (config.attributes !== null) return groupDomains(domainsOf(config), 'age');
  return config.numClasses >= 2 ? domainsOf(config) : null;
}

function agesOf(config: Pick<TrainConfig, 'attributes' | 'numClasses'>): number {
  const domains = ageDomains(config);
  if (!domains) throw new Error(`model 'agecgan' ${NO_AGES}`);
  return domains.names.length;
}

const NO_AGES = 'needs age groups: attribute labels with two or more of Young, Middle_Aged, Old (ganforge data faces --attributes), or class labels (2 or more classes)';

const widthOf = (config: TrainConfig) => config.width ?? DEFAULT_WIDTH;
const previewRows = (config: TrainConfig) => previewCount(config.gridSize);

export function ageGenerator(config: TrainConfig): AgeGenerator {
  return new AgeGenerator(config.latentDim, config.imageShape, agesOf(config), widthOf(config));
}
export function ageEncoder(config: TrainConfig): AgeEncoder {
  return new AgeEncoder(config.imageShape, config.latentDim, widthOf(config));
}
export const identityNet = (config: TrainConfig) => new ClassifierNet(config.imageShape, IDENTITY_PEOPLE);
export const ageReader = (config: TrainConfig) => new ClassifierNet(config.imageShape, agesOf(config));

class AgecganRun implements FamilyRun {
  readonly generator: AgeGenerator;
  readonly discriminator: AgeDiscriminator;
  readonly encoder: AgeEncoder;
  readonly identity: ClassifierNet;
  readonly reader: ClassifierNet;
  readonly optimizerG: Optimizer;
  readonly optimizerD: Optimizer;
  readonly optimizerE: Optimizer;
  readonly optimizerI: Optimizer;
  readonly optimizerR: Optimizer;
  readonly loader: BatchLoader;
  readonly identityLoader: BatchLoader;
  readonly loss: GanLoss;
  readonly ages: number;
  /** The data's columns of the age groups (attribute data), or null for class labels. */
  readonly ageColumns: Tensor | null;
  readonly fixedNoise: Tensor;
  readonly networks: ReadonlyMap<string, Module>;
  readonly optimizers: ReadonlyMap<string, Optimizer>;
  readonly tensors: ReadonlyMap<string, Tensor>;
  readonly logFields = LOG_FIELDS;

  constructor(readonly config: TrainConfig, dataset: ImageDataset) {
    const domains = ageDomains(config)!;
    this.ages = domains.names.length;
    const people = identitySplit(dataset, IDENTITY_PEOPLE, true);
    if (!people) throw new Error(`model 'agecgan' needs the people of its training images for its identity embedding (identity.txt naming two or more people with two or more images, as ganforge data faces --attributes writes), and ${dataset.name} has none`);
    this.generator = ageGenerator(config);
    this.discriminator = new AgeDiscriminator(config.imageShape, this.ages, widthOf(config));
    this.encoder = ageEncoder(config);
    this.identity = identityNet(config);
    this.reader = ageReader(config);
    this.optimizerG = adamFor(config, this.generator.parameters(), config.lrG);
    this.optimizerD = adamFor(config, this.discriminator.parameters(), config.lrD);
    this.optimizerE = adamFor(config, this.encoder.parameters(), config.lrG);
    this.optimizerI = new Adam(this.identity.parameters(), { lr: CLASSIFIER_LR });
    this.optimizerR = new Adam(this.reader.parameters(), { lr: CLASSIFIER_LR });
    this.loader = new BatchLoader(dataset, config.batchSize, config.seed);
    this.identityLoader = new BatchLoader(people.train, Math.min(config.batchSize, people.train.count), config.seed + 1);
    this.loss = ganLoss(config.loss, config);
    const names = config.attributes?.split(',') ?? null;
    this.ageColumns = names ? keep(tidy(() => tensor(domains.names.map((n) => names.indexOf(n)), [this.ages]).to({ dtype: 'int64' }))) : null;
    this.fixedNoise = keep(randn([previewRows(config), config.latentDim]));
    this.networks = new Map<string, Module>([['G', this.generator], ['D', this.discriminator], ['E', this.encoder], ['I', this.identity], ['R', this.reader]]);
    this.optimizers = new Map([['optG', this.optimizerG], ['optD', this.optimizerD], ['optE', this.optimizerE], ['optI', this.optimizerI], ['optR', this.optimizerR]]);
    this.tensors = new Map([['fixed_noise', this.fixedNoise]]);
  }

  get batchesPerEpoch(): number {
    return this.loader.batchesPerEpoch;
  }

  get probabilisticOutputs(): boolean {
    return this.loss.probabilistic;
  }

  step(at: StepPosition): Scalars {
    const batch = this.loader.batch(at.epoch, at.batchInEpoch);
    // The identity batches run through their own epochs of their own (smaller) set, in step order.
    const people = this.identityLoader.batchInSequence(at.step);
    try {
      return tidy(() => {
        const ages = this.ageColumns ? batch.attributes!.indexSelect(1, this.ageColumns).argmax(1) : batch.labels!;
        return this.#update(batch.images, ages, people.images, people.labels!);
      });
    } finally {
      for (const b of [batch, people]) {
        b.images.dispose();
        b.labels?.dispose();
        b.attributes?.dispose();
      }
    }
  }

  #update(x: Tensor, ages: Tensor, faces: Tensor, persons: Tensor): Scalars {
    const { generator: G, discriminator: D, encoder: E, loss } = this;
    const z = randn([x.shape[0], this.config.latentDim]);
    const fake = G.forward(z, ages);

    this.optimizerD.zeroGrad();
    const realOut = D.forward(x, ages);
    const lossD = loss.discriminator(realOut, D.forward(fake.detach(), ages));
    lossD.backward();
    this.optimizerD.step();

    this.optimizerG.zeroGrad();
    D.requiresGrad_(false);
    let lossG: Tensor;
    try {
      lossG = loss.generator(D.forward(fake, ages));
      lossG.backward();
    } finally {
      D.requiresGrad_(true);
    }
    this.optimizerG.step();

    // E learns to invert G on this step's fakes (detached: E's loss does not move G).
    this.optimizerE.zeroGrad();
    const lossE = E.forward(fake.detach()).sub(z).square().mean();
    lossE.backward();
    this.optimizerE.step();

    const classify = (net: ClassifierNet, optimizer: Optimizer, images: Tensor, labels: Tensor) => {
      optimizer.zeroGrad();
      const l = F.crossEntropy(net.forward(images).logits, labels);
      l.backward();
      optimizer.step();
      return l;
    };
    const lossId = classify(this.identity, this.optimizerI, faces, persons);
    const lossAge = classify(this.reader, this.optimizerR, x, ages);
    const names = ['loss_d', 'loss_g', 'loss_e', 'loss_id', 'loss_age'];
    const values = stack([lossD, lossG, lossE, lossId, lossAge].map((t) => t.detach().reshape([]))).toFloat32Array();
    return Object.fromEntries(names.map((name, k) => [name, values[k]]));
  }

  /** Each fixed noise vector drawn at every age group: a row per person, a column per age. */
  preview(): Image {
    const wasTraining = this.generator.training;
    this.generator.eval();
    try {
      const n = this.fixedNoise.shape[0];
      const columns = noGrad(() => Array.from({ length: this.ages }, (_, a) => tidy(() => this.generator.forward(this.fixedNoise, tensor(new Array(n).fill(a), [n]).to({ dtype: 'int64' })).toFloat32Array())));
      return exampleGrid(columns, [n, ...this.config.imageShape]);
    } finally {
      this.generator.train(wasTraining);
    }
  }

  dispose(): void {
    for (const m of this.networks.values()) m.dispose();
    for (const o of this.optimizers.values()) o.dispose();
    this.loader.dispose();
    this.identityLoader.dispose();
    this.ageColumns?.dispose();
    this.fixedNoise.dispose();
  }
}

/**
 * Editing with a trained run: read each input's age (or take it from the caller), invert it with the identity-
 * preserving optimisation, draw it at the target age group.
 */
const ageEditor: LatentEditor = {
  domains: (config) => ageDomains(config)!,
  open: (config, restore) => {
    const nets = { generator: ageGenerator(config), encoder: ageEncoder(config), identity: identityNet(config), reader: ageReader(config) };
    const all = Object.values(nets);
    try {
      restore('G', nets.generator);
      restore('E', nets.encoder);
      restore('I', nets.identity);
      restore('R', nets.reader);
    } catch (err) {
      all.forEach((m) => m.dispose());
      throw err;
    }
    all.forEach((m) => m.eval());
    const domains = ageDomains(config)!;
    const A = domains.names.length;
    const [c, h, w] = config.imageShape;
    const readDomains = (images: Float32Array, count: number) => domainsFromLogits(domains, noGrad(() => tidy(() => nets.reader.forward(tensor(images, [count, c, h, w])).logits.toFloat32Array())), count);
    const groupsOf = (vectors: Float32Array, count: number) => Array.from({ length: count }, (_, i) => Math.max(0, vectors.subarray(i * A, (i + 1) * A).indexOf(1)));
    return {
      readDomains,
      edit: (images, targets, count, sources) => tidy(() => {
        const x = tensor(images, [count, c, h, w]);
        const own = tensor(groupsOf(sources ?? readDomains(images, count), count), [count]).to({ dtype: 'int64' });
        const { z } = invertFaces(nets, x, own);
        const wanted = tensor(groupsOf(targets, count), [count]).to({ dtype: 'int64' });
        return noGrad(() => nets.generator.forward(z, wanted).toFloat32Array());
      }),
      dispose: () => all.forEach((m) => m.dispose()),
    };
  },
};

export const agecganFamily: ModelFamily = {
  name: 'agecgan',
  summary: 'Age-cGAN: a DCGAN-style cGAN over age groups, an encoder inverting it, and identity-preserving latent optimisation to show a face at another age',
  needsLabels: false,
  // DCGAN's optimiser (the paper's: Adam 2e-4, β1 0.5); z of 100 as the paper's.
  defaults: { lrG: 2e-4, lrD: 2e-4, beta1: 0.5, loss: 'non-saturating', latentDim: 100, batchSize: 64 },
  unsupported: (spec) => {
    if (!stagesFor(spec.imageShape)) return `needs square images of side 4·2ⁿ or 7·2ⁿ (28, 32, 64, …), got ${spec.imageShape.slice(1).join('×')}`;
    if (spec.imageShape[1] % 4 !== 0) return `needs a side divisible by 4 (its identity embedding pools twice), got ${spec.imageShape[1]}`;
    // A spec read from a config also carries its attributes (a bare ModelSpec has none).
    return ageDomains({ attributes: (spec as Partial<TrainConfig>).attributes ?? null, numClasses: spec.numClasses }) ? null : NO_AGES;
  },
  checkpointLayout: (config) => {
    const width = widthOf(config);
    const A = agesOf(config);
    return {
      networks: new Map([
        ['G', { size: ageGeneratorSize(config.latentDim, config.imageShape, A, width), label: 'Age-cGAN generator' }],
        ['D', { size: ageDiscriminatorSize(config.imageShape, A, width), label: 'Age-cGAN discriminator' }],
        ['E', { size: ageEncoderSize(config.imageShape, config.latentDim, width), label: 'Age-cGAN encoder' }],
        ['I', { size: classifierNetSize(config.imageShape, IDENTITY_PEOPLE), label: 'Age-cGAN identity embedding' }],
        ['R', { size: classifierNetSize(config.imageShape, A), label: 'Age-cGAN age reader' }],
      ]),
      optimizers: ['optG', 'optD', 'optE', 'optI', 'optR'],
      tensors: new Map([['fixed_noise', [previewRows(config), config.latentDim]]]),
    };
  },
  latentEditor: ageEditor,
  createRun: (config, dataset, parallel) => {
    if (parallel && parallel.worldSize > 1) throw new Error('agecgan does not train data-parallel yet: run it in one process');
    if (!ageDomains(config)) throw new Error(`model 'agecgan' ${NO_AGES}, and ${dataset.name} has none`);
    return new AgecganRun(config, dataset);
  },
};

