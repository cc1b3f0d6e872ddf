// A checkpoint is one safetensors file holding everything a run needs to continue exactly:
//   G.* and D.* (the networks' state dicts: loadable into PyTorch after stripping the prefix),
//   optG.* and optD.* (Adam moments and step counts), fixed_noise, rng_state (the global generator),
// and metadata: the resolved config and the progress counters as JSON.
// It is written to a temp file and renamed, so a crash mid-write never damages the previous checkpoint.
import { loadTensors, saveTensors } from '../io/tensors';
import type { Optimizer } from '../optim';
import { libtorchVersion, rngState, setRngState, Tensor, tensor } from '../torch';
import { parseStoredConfig, TrainConfig } from './config';
import { familyFor } from './registry';
import type { Discriminator, Generator } from './types';

const FORMAT = 'ganforge-checkpoint';
const VERSION = '1';

export interface TrainProgress {
  /** Steps completed (one discriminator batch each). */
  step: number;
  /** The epoch (1-based) and batch within it at which training continues. */
  epoch: number;
  batchInEpoch: number;
  /** Training wall time so far, for reports and time budgets. */
  elapsedMs: number;
}

export interface TrainingState {
  generator: Generator;
  discriminator: Discriminator;
  /** The exponential moving average of G's weights, when enabled (saved as E.*). */
  averageGenerator: Generator | null;
  optimizerG: Optimizer;
  optimizerD: Optimizer;
  fixedNoise: Tensor;
}

function prefixed(prefix: string, entries: Map<string, Tensor>): [string, Tensor][] {
  return [...entries].map(([name, t]) => [prefix + name, t]);
}

export function saveCheckpoint(file: string, config: TrainConfig, progress: TrainProgress, state: TrainingState): void {
  const owned: Tensor[] = [];
  const optG = state.optimizerG.stateDict();
  const optD = state.optimizerD.stateDict();
  const rng = tensor(rngState(), undefined, 'uint8');
  owned.push(optG.get('steps')!, optD.get('steps')!, rng);
  try {
    const tensors = new Map<string, Tensor>([
      ...prefixed('G.', state.generator.stateDict()),
      ...prefixed('D.', state.discriminator.stateDict()),
      ...(state.averageGenerator ? prefixed('E.', state.averageGenerator.stateDict()) : []),
      ...prefixed('optG.', optG),
      ...prefixed('optD.', optD),
      ['fixed_noise', state.fixedNoise],
      ['rng_state', rng],
    ]);
    saveTensors(file, tensors, {
      format: FORMAT,
      version: VERSION,
      libtorch: libtorchVersion(),
      config: JSON.stringify(config),
      progress: JSON.stringify(progress),
    });
  } finally {
    owned.forEach((t) => t.dispose());
  }
}

export interface LoadedCheckpoint {
  file: string;
  config: TrainConfig;
  progress: TrainProgress;
  tensors: Map<string, Tensor>;
  dispose(): void;
}

/** JSON text from the metadata, or an error naming the entry. */
function parseJson(file: string, metadata: Record<string, string>, key: string): unknown {
  if (typeof metadata[key] !== 'string') throw new Error(`${file}: checkpoint metadata lacks '${key}'`);
  try {
    return JSON.parse(metadata[key]);
  } catch {
    throw new Error(`${file}: checkpoint metadata '${key}' is not valid JSON`);
  }
}

/** The progress counters' types and ranges; how they fit the data and the run's length is checkProgress's. */
export function parseProgress(value: unknown, source: string): TrainProgress {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${source}: progress is not an object`);
  const v = value as Record<string, unknown>;
  const keys = ['step', 'epoch', 'batchInEpoch', 'elapsedMs'];
  const extra = Object.keys(v).filter((k) => !keys.includes(k));
  if (extra.length > 0) throw new Error(`${source}: progress has unknown key '${extra[0]}'`);
  for (const key of ['step', 'batchInEpoch'] as const) {
    if (!Number.isSafeInteger(v[key]) || (v[key] as number) < 0) throw new Error(`${source}: progress.${key} must be a non-negative integer, got ${JSON.stringify(v[key])}`);
  }
  if (!Number.isSafeInteger(v.epoch) || (v.epoch as number) < 1) throw new Error(`${source}: progress.epoch must be a positive integer, got ${JSON.stringify(v.epoch)}`);
  if (typeof v.elapsedMs !== 'number' || !Number.isFinite(v.elapsedMs) || v.elapsedMs < 0) {
    throw new Error(`${source}: progress.elapsedMs must be a finite number >= 0, got ${JSON.stringify(v.elapsedMs)}`);
  }
  return { step: v.step as number, epoch: v.epoch as number, batchInEpoch: v.batchInEpoch as number, elapsedMs: v.elapsedMs };
}

/**
 * Whether progress fits a run of `total` steps over `batchesPerEpoch` batches: step is where epoch and batch
 * say it is, and not past the run's end. Known only once the data is loaded, so checked by the trainer.
 */
export function checkProgress(progress: TrainProgress, batchesPerEpoch: number, total: number, source: string): void {
  const { step, epoch, batchInEpoch } = progress;
  if (batchInEpoch >= batchesPerEpoch) {
    throw new Error(`${source}: progress.batchInEpoch ${batchInEpoch} is past an epoch of ${batchesPerEpoch} batches`);
  }
  if (step !== (epoch - 1) * batchesPerEpoch + batchInEpoch) {
    throw new Error(`${source}: progress.step ${step} does not match epoch ${epoch}, batch ${batchInEpoch} (${batchesPerEpoch} batches per epoch)`);
  }
  if (step > total) throw new Error(`${source}: the checkpoint is at step ${step}, past the run's length of ${total} steps (give a longer steps or epochs)`);
}

const elements = (t: Tensor) => t.numel;
const sum = (ts: Iterable<Tensor>, f: (t: Tensor) => number) => [...ts].reduce((n, t) => n + f(t), 0);

/**
 * Every tensor the models and the run need is there, with the dtype and shape the config implies, and the
 * networks' sections hold exactly the elements the config's models have: all checked before any model is
 * built, so a config that claims a bigger model than the file holds never allocates it.
 */
function checkTensors(file: string, config: TrainConfig, tensors: Map<string, Tensor>): void {
  const spec = { imageShape: config.imageShape, latentDim: config.latentDim, numClasses: config.numClasses, width: config.width };
  const size = familyFor({ ...spec, model: config.model }).stateSize(spec);
  const sections: [string, string, number][] = [['G.', 'generator', size.generator], ['D.', 'discriminator', size.discriminator]];
  if (config.emaDecay > 0) sections.push(['E.', 'averaged generator', size.generator]);
  const known = ['G.', 'D.', 'E.', 'optG.', 'optD.'];
  for (const name of tensors.keys()) {
    if (name !== 'fixed_noise' && name !== 'rng_state' && !known.some((p) => name.startsWith(p))) throw new Error(`${file}: unexpected tensor '${name}'`);
    if (name.startsWith('E.') && !(config.emaDecay > 0)) throw new Error(`${file}: tensor '${name}' of a moving average, and the config keeps none (emaDecay 0)`);
  }
  for (const [prefix, what, expected] of sections) {
    const held = [...tensors].filter(([name]) => name.startsWith(prefix)).map(([, t]) => t);
    const wrongType = held.find((t) => t.dtype !== 'float32');
    if (wrongType) throw new Error(`${file}: the ${what}'s tensors must be float32, found ${wrongType.dtype}`);
    const found = sum(held, elements);
    if (found !== expected) {
      throw new Error(`${file}: the ${what}'s tensors hold ${found} values; the config's ${config.model} (latentDim ${config.latentDim}, image ${config.imageShape.join('×')}) needs ${expected}`);
    }
  }
  for (const prefix of ['optG.', 'optD.']) {
    const steps = tensors.get(`${prefix}steps`);
    if (!steps) throw new Error(`${file}: lacks ${prefix}steps`);
    if (steps.dtype !== 'float64' || steps.shape.length !== 1) throw new Error(`${file}: ${prefix}steps must be a float64 vector`);
  }
  const noise = tensors.get('fixed_noise');
  if (!noise) throw new Error(`${file}: lacks fixed_noise`);
  if (noise.dtype !== 'float32' || noise.shape.join('x') !== `${config.gridSize}x${config.latentDim}`) {
    throw new Error(`${file}: fixed_noise must be float32 [${config.gridSize}, ${config.latentDim}], found ${noise.dtype} [${noise.shape.join(', ')}]`);
  }
  const rng = tensors.get('rng_state');
  if (!rng) throw new Error(`${file}: lacks rng_state`);
  if (rng.dtype !== 'uint8' || rng.shape.length !== 1 || rng.numel !== rngState().length) {
    throw new Error(`${file}: rng_state must be ${rngState().length} uint8 bytes, found ${rng.dtype} [${rng.shape.join(', ')}]`);
  }
}

/**
 * Reads and checks a checkpoint file: its metadata (the config as a fresh run's would be checked, plus every
 * key present and of its type; the progress counters' types) and its tensors (present, float32 where the
 * models need it, sections the size the config's models have). Errors are one line naming the file. The
 * caller builds the models from `config` and then calls restore.
 */
export function readCheckpoint(file: string): LoadedCheckpoint {
  const { tensors, metadata } = loadTensors(file);
  const dispose = () => tensors.forEach((t) => t.dispose());
  try {
    if (metadata.format !== FORMAT) throw new Error(`${file} is not a ganforge checkpoint (no '${FORMAT}' metadata)`);
    if (metadata.version !== VERSION) throw new Error(`${file} is a version ${metadata.version} checkpoint; this ganforge reads version ${VERSION}`);
    const config = parseStoredConfig(parseJson(file, metadata, 'config'), `${file}: checkpoint config`);
    const spec = { model: config.model, imageShape: config.imageShape, latentDim: config.latentDim, numClasses: config.numClasses, width: config.width };
    try {
      familyFor(spec);
    } catch (err) {
      throw new Error(`${file}: checkpoint config: ${(err as Error).message}`);
    }
    const progress = parseProgress(parseJson(file, metadata, 'progress'), `${file}: checkpoint`);
    checkTensors(file, config, tensors);
    return { file, config, progress, tensors, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

/** The entries under `prefix`, with the prefix removed. */
export function section(checkpoint: LoadedCheckpoint, prefix: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, t] of checkpoint.tensors) if (name.startsWith(prefix)) out.set(name.slice(prefix.length), t);
  return out;
}

/** Refuses non-finite weights or buffers: a network that would only draw NaN. */
function assertFinite(module: Generator | Discriminator, file: string, what: string): void {
  if (![...module.stateDict().values()].every((t) => t.allFinite())) throw new Error(`${file}: the checkpoint's ${what} has non-finite weights`);
}

/** Loads the generator only (for sampling): the moving average when the run kept one, unless `raw`. */
export function restoreGenerator(checkpoint: LoadedCheckpoint, generator: Generator, raw = false): void {
  const average = !raw && checkpoint.config.emaDecay > 0;
  const what = average ? 'averaged generator' : 'generator';
  generator.loadStateDict(section(checkpoint, average ? 'E.' : 'G.'), `${checkpoint.file} (${what})`);
  assertFinite(generator, checkpoint.file, what);
}

/** Loads networks, optimizers, fixed noise and the random generator's state (readCheckpoint checked them). */
export function restoreTraining(checkpoint: LoadedCheckpoint, state: TrainingState): void {
  const where = checkpoint.file;
  restoreGenerator(checkpoint, state.generator, true);
  if (state.averageGenerator) restoreGenerator(checkpoint, state.averageGenerator);
  state.discriminator.loadStateDict(section(checkpoint, 'D.'), `${where} (discriminator)`);
  assertFinite(state.discriminator, where, 'discriminator');
  state.optimizerG.loadStateDict(section(checkpoint, 'optG.'), `${where} (generator optimizer)`);
  state.optimizerD.loadStateDict(section(checkpoint, 'optD.'), `${where} (discriminator optimizer)`);
  state.fixedNoise.copy_(checkpoint.tensors.get('fixed_noise')!);
  setRngState(checkpoint.tensors.get('rng_state')!.toTypedArray() as Uint8Array);
}
