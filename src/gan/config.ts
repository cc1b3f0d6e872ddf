// The training configuration: typed defaults, validation, and the resolved form written to config.json.
// Everything needed to rebuild the models and continue the run is in here. Layers, lowest first:
// DEFAULT_CONFIG ← the model family's own defaults ← a named recipe ← a --config file ← command-line flags.
import { ATTRIBUTE_NAME, MAX_ATTRIBUTES } from '../data/attribute-file';
import type { Direction } from '../data/paired';
import type { NormKind } from '../nn/norm';
import { CONFIG_KEY_SPECS, IMAGE_SHAPE_DIMS, inDomain, rangePhrase } from './config-keys';
import type { GanLossName } from './losses';
import type { ImageShape } from './types';
import { parseDiffAugment } from './diffaugment';
import type { SpectralNormTarget } from './stabilisers';
import type { Precision } from '../torch/device';
import { closest, shownName } from '../util/suggest';

export interface TrainConfig {
  /** The named recipe this config started from (informational; null when none). */
  recipe: string | null;
  model: string;
  /** Base channel width for convolutional families (null: the family's default). */
  width: number | null;
  /** 'mnist', 'fashion-mnist', or a folder of IDX files or images. */
  dataset: string;
  /** Fetch the standard files (checksummed, cached) instead of the bundled 10,000 digits. */
  download: boolean;
  /** Image folders: the side images are resized and center-cropped to, and whether to read them as gray. */
  imageSize: number;
  grayscale: boolean;
  /** Training length: exactly one of epochs and steps is set. A step is one discriminator batch. */
  epochs: number | null;
  steps: number | null;
  /** Also stop after this much training wall time (seconds), with a final checkpoint and grid. */
  timeBudget: number | null;
  batchSize: number;
  seed: number;
  lrG: number;
  lrD: number;
  beta1: number;
  beta2: number;
  amsgrad: boolean;
  loss: GanLossName;
  /** Least-squares GAN targets: D pushes fakes to a and reals to b; G pushes fakes to c. */
  lsganA: number;
  lsganB: number;
  lsganC: number;
  /** WGAN-GP: weight λ of the gradient penalty. */
  gpWeight: number;
  /** One-sided label smoothing: D's target for real images is 1 − this (BCE losses only). */
  labelSmoothing: number;
  /** Discriminator updates per generator update (k in Goodfellow et al.; n_critic in WGAN-GP). */
  dSteps: number;
  /** Decay of an exponential moving average of G's weights used for sampling (0: off). */
  emaDecay: number;
  /**
   * Data-parallel runs: batch norm layers normalise with the statistics of the whole global batch (all ranks)
   * instead of each rank's slice. Off: per-rank statistics, as DDP without SyncBatchNorm.
   */
  syncBn: boolean;
  latentDim: number;
  /** Print a log line every this many steps. */
  logEvery: number;
  /** Append a record to metrics.jsonl every this many steps. */
  metricsEvery: number;
  /** Write a checkpoint every this many steps as well as at each epoch's end (0: epoch ends only). */
  checkpointEvery: number;
  /** Score a small sample every this many steps (0: off); needs the data set's classifier. */
  evalEvery: number;
  /** Images in each epoch's sample grid. */
  gridSize: number;
  /** Also write TensorBoard event files to the run's tb/ folder (scalars, grids, the config). */
  tensorboard: boolean;
  /** fp32, or mixed precision on a GPU: bf16, or fp16 with dynamic loss scaling (src/torch/device.ts). */
  precision: Precision;
  /** Paired data: which half of each pair is the input (AtoB: the left one, A; BtoA: the right one, B). */
  direction: Direction;
  /** Image-to-image networks (pix2pix): the normalisation in G and D. */
  norm: NormKind;
  /** pix2pix: weight λ of the L1 distance between G's output and the target, beside the GAN loss. */
  l1Weight: number;
  // Stabilisers and aids (stabilisers.ts).
  /** Spectral norm on the weight layers of D ('d') or of G and D ('gd'). */
  spectralNorm: SpectralNormTarget;
  /** DiffAugment's transforms, comma-separated in the order applied (color, translation, cutout); '' off. */
  diffAugment: string;
  /** R1 penalty weight γ on real images (0: off), applied every r1Every D steps with weight γ·r1Every. */
  r1Gamma: number;
  r1Every: number;
  /** Orthogonal regularisation weight β on G's weights (0: off). */
  orthoBeta: number;
  /** CycleGAN, DiscoGAN: weight λ of the reconstruction (cycle-consistency) loss of both directions. */
  cycleWeight: number;
  /** CycleGAN: weight of the identity loss as a share of cycleWeight (0.5: the paper's 0.5·λ; 0: off). */
  identityWeight: number;
  /**
   * CycleGAN, DiscoGAN: σ of the Gaussian noise added to G(a) before F reconstructs a (and to F(b) before G), 0: off.
   * Against "steganography" (Chu et al. 2017): without it a generator can hide its source in detail too faint
   * for its discriminator, which the other generator reads back, so the cycle holds while the visible
   * translation drops the content; noise of this size drowns such detail (Bashkirova et al. 2019).
   */
  cycleNoise: number;
  /** CycleGAN: fakes kept in each discriminator's history pool (0: D sees only the newest fakes). */
  poolSize: number;
  /** CycleGAN: residual blocks in each ResNet generator. */
  residualBlocks: number;
  /** CycleGAN, DiscoGAN: the share of the run's steps after which the learning rates fall linearly to 0 (1: constant). */
  lrDecayStart: number;
  /** acgan, stargan: weight λ_cls of G's classification loss (StarGAN's also of D's on real images). */
  classWeight: number;
  /** acgan: D's classifier also learns on G's images (Odena et al.); false: on real images only. */
  classifyFakes: boolean;
  /** Filled in from the data: C×H×W and the number of classes. */
  imageShape: ImageShape;
  numClasses: number;
  /**
   * Attribute-labelled data: the attribute columns to learn, comma-separated (null: all the data has; a run
   * records the columns it used).
   */
  attributes: string | null;
  /** Image folders: a CelebA-style attribute file for the folder's images (null: none, or the layout's own). */
  attributeFile: string | null;
}

export const DEFAULT_CONFIG: TrainConfig = {
  recipe: null,
  model: 'mlp',
  width: null,
  dataset: 'mnist',
  download: false,
  imageSize: 64,
  grayscale: false,
  epochs: 20,
  steps: null,
  timeBudget: null,
  batchSize: 64,
  seed: 1,
  lrG: 2e-4,
  lrD: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  amsgrad: false,
  loss: 'non-saturating',
  lsganA: 0,
  lsganB: 1,
  lsganC: 1,
  gpWeight: 10,
  labelSmoothing: 0,
  dSteps: 1,
  emaDecay: 0,
  latentDim: 100,
  logEvery: 50,
  metricsEvery: 10,
  checkpointEvery: 0,
  evalEvery: 0,
  gridSize: 64,
  tensorboard: false,
  precision: 'fp32',
  syncBn: false,
  direction: 'AtoB',
  norm: 'batch',
  l1Weight: 100,
  spectralNorm: 'none',
  diffAugment: '',
  r1Gamma: 0,
  r1Every: 1,
  orthoBeta: 0,
  cycleWeight: 10,
  identityWeight: 0.5,
  cycleNoise: 0,
  poolSize: 50,
  residualBlocks: 6,
  lrDecayStart: 1,
  classWeight: 1,
  classifyFakes: true,
  imageShape: [1, 28, 28],
  numClasses: 0,
  attributes: null,
  attributeFile: null,
};

export const CONFIG_KEYS = Object.keys(DEFAULT_CONFIG) as (keyof TrainConfig)[];

/** Keys whose value may be null (the key table says which); `recipe` is a string or null, the others numbers or null. */
const nullable = (key: keyof TrainConfig) => CONFIG_KEY_SPECS[key].nullable === true;

/** Whether `key` is a config key: an own key of DEFAULT_CONFIG, so '__proto__' or 'toString' never passes. */
export function isConfigKey(key: string): key is keyof TrainConfig {
  return Object.hasOwn(DEFAULT_CONFIG, key);
}

/** The known key a mistyped one most likely meant: same letters ignoring case, '-' and '_', else within two edits. */
export function nearestConfigKey(key: string): keyof TrainConfig | undefined {
  const lower = CONFIG_KEYS.map((k) => k.toLowerCase());
  const squashed = key.toLowerCase().replace(/[-_\s]/g, '');
  const near = lower.includes(squashed) ? squashed : closest(squashed, lower);
  return near === undefined ? undefined : CONFIG_KEYS[lower.indexOf(near)];
}

/** A value as a short one-line snippet for error messages (a hostile file may hold a megabyte string). */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = Array.isArray(value) ? 'an array' : typeof value;
  }
  return shorten(text);
}

/** One line of at most 60 characters. */
function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

function typeOk(key: keyof TrainConfig, value: unknown): boolean {
  if (value === null) return nullable(key);
  const expected = DEFAULT_CONFIG[key];
  // A key whose default is null says its type in the key table (recipe and attributes are strings).
  if (expected === null) return typeof value === (CONFIG_KEY_SPECS[key].type === 'string' ? 'string' : 'number');
  if (Array.isArray(expected)) return Array.isArray(value) && value.length === expected.length && value.every((v) => typeof v === 'number');
  return typeof value === typeof expected;
}

function typeName(key: keyof TrainConfig): string {
  if (CONFIG_KEY_SPECS[key].type === 'string' && nullable(key)) return 'a string or null';
  const expected = DEFAULT_CONFIG[key];
  if (Array.isArray(expected)) return `a list of ${expected.length} numbers`;
  return nullable(key) ? 'a number or null' : `a ${typeof expected}`;
}

/**
 * Merges `overrides` (e.g. parsed from a --config file) onto `base`, checking every key and value type:
 * an unknown key is an error that names it (with the closest known key).
 */
export function mergeConfig(base: TrainConfig, overrides: Record<string, unknown>, source: string): TrainConfig {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (!isConfigKey(key)) {
      const near = nearestConfigKey(key);
      throw new Error(`${source}: unknown key '${shownName(key)}'${near ? ` (did you mean '${near}'?)` : ''}`);
    }
    if (!typeOk(key, value)) throw new Error(`${source}: '${key}' must be ${typeName(key)}, got ${describeValue(value)}`);
    out[key] = value;
  }
  const has = (key: string) => Object.hasOwn(overrides, key);
  if (has('steps') && overrides.steps !== null && !has('epochs')) out.epochs = null;
  if (has('epochs') && overrides.epochs !== null && !has('steps')) out.steps = null;
  return out as unknown as TrainConfig;
}

/** Config keys that an older run's stored config may lack, with the value such a run had in effect. */
const ADDED_KEYS: Partial<TrainConfig> = {
  tensorboard: false, precision: 'fp32', syncBn: false, direction: 'AtoB', norm: 'batch', l1Weight: 100,
  spectralNorm: 'none', diffAugment: '', r1Gamma: 0, r1Every: 1, orthoBeta: 0,
  cycleWeight: 10, identityWeight: 0.5, cycleNoise: 0, poolSize: 50, residualBlocks: 6, lrDecayStart: 1,
  classWeight: 1, attributes: null, attributeFile: null, classifyFakes: true,
};

/**
 * A config stored by an earlier run (a checkpoint's metadata, a run's config.json): untrusted input. It must be
 * an object with every key, each of the right type (mergeConfig's checks), and values validateConfig accepts;
 * the error starts with `source`.
 */
export function parseStoredConfig(value: unknown, source: string): TrainConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${source}: the config is not an object`);
  // Keys added after runs were first stored: absent from an older run's config, which keeps their default.
  value = { ...ADDED_KEYS, ...value };
  const missing = CONFIG_KEYS.filter((key) => !Object.hasOwn(value as object, key));
  if (missing.length > 0) throw new Error(`${source}: the config lacks ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`);
  const config = mergeConfig(DEFAULT_CONFIG, value as Record<string, unknown>, source);
  try {
    return validateConfig(config);
  } catch (err) {
    throw new Error(`${source}: ${(err as Error).message}`);
  }
}

export { CONFIG_BOUNDS } from './config-keys';

/**
 * Throws one clear message for the first value that cannot work. The ranges are CONFIG_KEY_SPECS'
 * (config-keys.ts), the same table the JSON Schema is written from; only the rules that tie keys together
 * (exactly one of epochs and steps) and the shape of imageShape are spelled out here.
 */
export function validateConfig(config: TrainConfig): TrainConfig {
  // NaN and ±Infinity pass most range checks below (NaN fails none of `<`), and YAML can write both.
  for (const key of CONFIG_KEYS) {
    const v = config[key];
    if (typeof v === 'number' && !Number.isFinite(v)) throw new RangeError(`${key} must be a finite number, got ${v}`);
  }
  if (typeof config.dataset !== 'string' || config.dataset === '') throw new RangeError('dataset must be a non-empty string');
  if ((config.epochs === null) === (config.steps === null)) throw new RangeError('give exactly one of epochs and steps');
  // Every key's domain first ("must be a positive integer"), then the sanity caps ("must be at most 4096").
  const ranged = CONFIG_KEYS.flatMap((key) => {
    const { range } = CONFIG_KEY_SPECS[key];
    const v = config[key] as unknown;
    return range && v !== null ? [{ key, range, v: v as number }] : [];
  });
  for (const { key, range, v } of ranged) if (!inDomain(range, v)) throw new RangeError(`${key} must be ${rangePhrase(range)}, got ${v}`);
  const atMost = (name: string, v: number, max: number) => {
    if (v > max) throw new RangeError(`${name} must be at most ${max}, got ${v}`);
  };
  for (const { key, range, v } of ranged) if (range.cap !== undefined) atMost(key, v, range.cap);
  const shape = config.imageShape as unknown[];
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && (d as number) >= 1)) {
    throw new RangeError(`imageShape must be three positive integers [C, H, W], got ${JSON.stringify(shape)}`);
  }
  IMAGE_SHAPE_DIMS.forEach((dim, i) => atMost(`imageShape ${dim.name}`, config.imageShape[i], dim.cap));
  parseDiffAugment(config.diffAugment); // throws one line naming the unknown transform
  // Every key with a closed set of values (model, loss, precision, recipe, …), read from its spec.
  for (const key of CONFIG_KEYS) {
    const { choices } = CONFIG_KEY_SPECS[key];
    const v = config[key] as unknown;
    if (!choices || v === null) continue;
    if (!choices().includes(v as string)) throw new RangeError(`unknown ${key} '${shownName(String(v))}' (expected one of ${choices().join(', ')})`);
  }
  if (config.attributes !== null) {
    const names = config.attributes.split(',');
    if (names.length > MAX_ATTRIBUTES || names.some((n) => !ATTRIBUTE_NAME.test(n)) || new Set(names).size !== names.length) {
      throw new RangeError(`attributes must be up to ${MAX_ATTRIBUTES} distinct comma-separated names (letters, digits, _ . -), got ${describeValue(config.attributes)}`);
    }
  }
  return config;
}
