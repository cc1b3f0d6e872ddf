// A checkpoint is one safetensors file holding everything a run needs to continue exactly:
//   every network the run's family declares under its name (G.*, D.*, E.* for the adversarial families: state
//   dicts loadable into PyTorch after stripping the prefix), every optimizer (optG.*, optD.*: Adam moments and
//   step counts), the family's other tensors (fixed_noise), rng_state (the global generator),
// and metadata: the resolved config and the progress counters as JSON.
// It is written to a temp file and renamed, so a crash mid-write never damages the previous checkpoint.
import { loadTensors, saveTensors } from '../io/tensors';
import type { Module } from '../nn';
import { cpuRandomStateBytes, libtorchVersion, randomState, setRandomState, Tensor, tensor } from '../torch';
import { parseStoredConfig, TrainConfig } from './config';
import { familyFor } from './registry';
import type { FamilyRun } from './types';

const FORMAT = 'ganforge-checkpoint';
/** The GPU generator's state, in checkpoints of runs trained on CUDA. */
const CUDA_RNG = 'rng_state_cuda';
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

function prefixed(prefix: string, entries: Map<string, Tensor>): [string, Tensor][] {
  return [...entries].map(([name, t]) => [prefix + name, t]);
}

/** Writes every network, optimizer and tensor the run declares, under its name, plus the random state. */
export function saveCheckpoint(file: string, config: TrainConfig, progress: TrainProgress, run: FamilyRun): void {
  const owned: Tensor[] = [];
  try {
    const entries: [string, Tensor][] = [];
    for (const [name, network] of run.networks) entries.push(...prefixed(`${name}.`, network.stateDict()));
    for (const [name, optimizer] of run.optimizers) {
      const state = optimizer.stateDict();
      owned.push(state.get('steps')!); // a copy the caller owns; the rest is the optimizer's own
      entries.push(...prefixed(`${name}.`, state));
    }
    entries.push(...run.tensors);
    // The CPU generator's state always; the GPU's too when the run trains there (its noise comes from it).
    const random = randomState();
    const rng = tensor(random.cpu, undefined, 'uint8');
    owned.push(rng);
    entries.push(['rng_state', rng]);
    if (random.cuda) {
      const cuda = tensor(random.cuda, undefined, 'uint8');
      owned.push(cuda);
      entries.push([CUDA_RNG, cuda]);
    }
    saveTensors(file, new Map(entries), {
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
 * Every tensor the family's layout names is there, with the dtype and shape it implies, nothing else is, and
 * each network's entries hold exactly the elements the config's network has: all checked before any model is
 * built, so a config that claims a bigger model than the file holds never allocates it.
 */
function checkTensors(file: string, config: TrainConfig, tensors: Map<string, Tensor>): void {
  const layout = familyFor(config).checkpointLayout(config);
  const owner = (name: string) => name.split('.')[0];
  const sections = new Set([...layout.networks.keys(), ...layout.optimizers]);
  for (const name of tensors.keys()) {
    const known = name === 'rng_state' || name === CUDA_RNG || layout.tensors.has(name) || (name.includes('.') && sections.has(owner(name)));
    if (!known) throw new Error(`${file}: unexpected tensor '${name}' (a ${config.model} checkpoint for this config holds ${[...sections, ...layout.tensors.keys()].join(', ')})`);
  }
  for (const [network, { size, label }] of layout.networks) {
    const entries = [...tensors].filter(([name]) => owner(name) === network && name.includes('.'));
    const wrongType = entries.find(([, t]) => t.dtype !== 'float32');
    if (wrongType) throw new Error(`${file}: the ${label}'s tensors must be float32, found ${wrongType[1].dtype}`);
    // Spectral norm's power-iteration vectors (weight_u) are left out of the count, so a family states one size
    // with spectral norm on or off: each is smaller than the weight it belongs to, whose size is counted, and
    // loading checks every name and shape against the built network.
    const found = sum(entries.filter(([name]) => !name.endsWith('.weight_u')).map(([, t]) => t), elements);
    if (found !== size) {
      throw new Error(`${file}: the ${label}'s tensors hold ${found} values; the config's ${config.model} (latentDim ${config.latentDim}, image ${config.imageShape.join('×')}) needs ${size}`);
    }
  }
  for (const optimizer of layout.optimizers) {
    const steps = tensors.get(`${optimizer}.steps`);
    if (!steps) throw new Error(`${file}: lacks ${optimizer}.steps`);
    if (steps.dtype !== 'float64' || steps.shape.length !== 1) throw new Error(`${file}: ${optimizer}.steps must be a float64 vector`);
  }
  for (const [name, shape] of layout.tensors) {
    const t = tensors.get(name);
    if (!t) throw new Error(`${file}: lacks ${name}`);
    if (t.dtype !== 'float32' || t.shape.join('x') !== shape.join('x')) {
      throw new Error(`${file}: ${name} must be float32 [${shape.join(', ')}], found ${t.dtype} [${t.shape.join(', ')}]`);
    }
  }
  const rng = tensors.get('rng_state');
  if (!rng) throw new Error(`${file}: lacks rng_state`);
  const cpuBytes = cpuRandomStateBytes();
  if (rng.dtype !== 'uint8' || rng.shape.length !== 1 || rng.numel !== cpuBytes) {
    throw new Error(`${file}: rng_state must be ${cpuBytes} uint8 bytes, found ${rng.dtype} [${rng.shape.join(', ')}]`);
  }
  const cuda = tensors.get(CUDA_RNG);
  // A CUDA generator's state is a seed and an offset; the native side checks the exact length on restore.
  if (cuda && (cuda.dtype !== 'uint8' || cuda.shape.length !== 1 || cuda.numel > 64)) {
    throw new Error(`${file}: ${CUDA_RNG} must be at most 64 uint8 bytes, found ${cuda.dtype} [${cuda.shape.join(', ')}]`);
  }
}

/**
 * Reads and checks a checkpoint file: its metadata (the config as a fresh run's would be checked, plus every
 * key present and of its type; the progress counters' types) and its tensors (present, float32 where the
 * models need it, sections the size the config's models have). Errors are one line naming the file. The
 * caller builds the models from `config` and then calls restore.
 */
export function readCheckpoint(file: string): LoadedCheckpoint {
  return checkpointFrom(file, loadTensors(file));
}

/** readCheckpoint on a file already read (the caller looked at its metadata first); takes over the tensors. */
export function checkpointFrom(file: string, { tensors, metadata }: { tensors: Map<string, Tensor>; metadata: Record<string, string> }): LoadedCheckpoint {
  const dispose = () => tensors.forEach((t) => t.dispose());
  try {
    if (metadata.format !== FORMAT) throw new Error(`${file} is not a ganforge checkpoint (no '${FORMAT}' metadata)`);
    if (metadata.version !== VERSION) throw new Error(`${file} is a version ${metadata.version} checkpoint; this ganforge reads version ${VERSION}`);
    const config = parseStoredConfig(parseJson(file, metadata, 'config'), `${file}: checkpoint config`);
    try {
      familyFor(config);
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

/**
 * Loads one network's weights from the entries under `prefix.` (e.g. 'G' for the generator, 'E' for its average)
 * and refuses non-finite weights or buffers: a network that would only draw NaN.
 */
export function restoreNetwork(checkpoint: LoadedCheckpoint, prefix: string, network: Module): void {
  const { config, file } = checkpoint;
  const label = familyFor(config).checkpointLayout(config).networks.get(prefix)?.label ?? `network ${prefix}`;
  network.loadStateDict(section(checkpoint, `${prefix}.`), `${file} (${label})`);
  if (![...network.stateDict().values()].every((t) => t.allFinite())) throw new Error(`${file}: the checkpoint's ${label} has non-finite weights`);
}

/** Loads every network, optimizer and tensor the run declares, and the random generator's state (readCheckpoint checked them). */
export function restoreTraining(checkpoint: LoadedCheckpoint, run: FamilyRun): void {
  const where = checkpoint.file;
  for (const [name, network] of run.networks) restoreNetwork(checkpoint, name, network);
  for (const [name, optimizer] of run.optimizers) optimizer.loadStateDict(section(checkpoint, `${name}.`), `${where} (optimizer ${name})`);
  for (const [name, t] of run.tensors) t.copy_(checkpoint.tensors.get(name)!);
  const cuda = checkpoint.tensors.get(CUDA_RNG);
  // A run resumed on another kind of device draws another noise stream from here on; on the same kind, the same.
  setRandomState({
    cpu: checkpoint.tensors.get('rng_state')!.toTypedArray() as Uint8Array,
    cuda: cuda ? (cuda.toTypedArray() as Uint8Array) : undefined,
  });
}
