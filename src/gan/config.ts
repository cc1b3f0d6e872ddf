// The training configuration: typed defaults, validation, and the resolved form written to config.json.
// Everything needed to rebuild the models and continue the run is in here.
import { GAN_LOSSES, GanLossName } from './losses';
import type { ImageShape } from './types';

export interface TrainConfig {
  model: string;
  /** 'mnist', 'fashion-mnist' or a folder of IDX files. */
  dataset: string;
  /** Fetch the standard files (checksummed, cached) instead of the bundled 10,000 digits. */
  download: boolean;
  /** Training length: exactly one of epochs and steps is set. A step is one discriminator batch. */
  epochs: number | null;
  steps: number | null;
  batchSize: number;
  seed: number;
  lr: number;
  beta1: number;
  beta2: number;
  loss: GanLossName;
  /** Discriminator updates per generator update (k in Goodfellow et al.). */
  dSteps: number;
  latentDim: number;
  /** Print a log line every this many steps. */
  logEvery: number;
  /** Append a record to metrics.jsonl every this many steps. */
  metricsEvery: number;
  /** Write a checkpoint every this many steps as well as at each epoch's end (0: epoch ends only). */
  checkpointEvery: number;
  /** Images in each epoch's sample grid. */
  gridSize: number;
  /** Filled in from the data: C×H×W and the number of classes. */
  imageShape: ImageShape;
  numClasses: number;
}

export const DEFAULT_CONFIG: Omit<TrainConfig, 'imageShape' | 'numClasses'> = {
  model: 'mlp',
  dataset: 'mnist',
  download: false,
  epochs: 20,
  steps: null,
  batchSize: 64,
  seed: 1,
  lr: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  loss: 'non-saturating',
  dSteps: 1,
  latentDim: 100,
  logEvery: 50,
  metricsEvery: 10,
  checkpointEvery: 0,
  gridSize: 64,
};

/** Throws one clear message for the first value that cannot work. */
export function validateConfig(config: TrainConfig): TrainConfig {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  };
  if ((config.epochs === null) === (config.steps === null)) throw new RangeError('give exactly one of epochs and steps');
  if (config.epochs !== null) positiveInt('epochs', config.epochs);
  if (config.steps !== null) positiveInt('steps', config.steps);
  for (const key of ['batchSize', 'dSteps', 'latentDim', 'logEvery', 'metricsEvery', 'gridSize'] as const) {
    positiveInt(key, config[key]);
  }
  if (!Number.isInteger(config.checkpointEvery) || config.checkpointEvery < 0) {
    throw new RangeError(`checkpointEvery must be a non-negative integer, got ${config.checkpointEvery}`);
  }
  if (!Number.isInteger(config.seed) || config.seed < 0 || config.seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer in 0…4294967295, got ${config.seed}`);
  }
  if (!(config.lr > 0 && Number.isFinite(config.lr))) throw new RangeError(`lr must be a positive number, got ${config.lr}`);
  for (const key of ['beta1', 'beta2'] as const) {
    if (!(config[key] >= 0 && config[key] < 1)) throw new RangeError(`${key} must be in [0, 1), got ${config[key]}`);
  }
  if (!GAN_LOSSES.includes(config.loss)) throw new RangeError(`unknown loss '${config.loss}' (expected ${GAN_LOSSES.join(' or ')})`);
  return config;
}

/** Total steps of the run, given the loader's batches per epoch. */
export function totalSteps(config: TrainConfig, batchesPerEpoch: number): number {
  return config.steps ?? config.epochs! * batchesPerEpoch;
}
