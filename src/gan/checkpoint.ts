// A checkpoint is one safetensors file holding everything a run needs to continue exactly:
//   G.* and D.* (the networks' state dicts: loadable into PyTorch after stripping the prefix),
//   optG.* and optD.* (Adam moments and step counts), fixed_noise, rng_state (the global generator),
// and metadata: the resolved config and the progress counters as JSON.
// It is written to a temp file and renamed, so a crash mid-write never damages the previous checkpoint.
import { loadTensors, saveTensors } from '../io/tensors';
import type { Optimizer } from '../optim';
import { libtorchVersion, rngState, setRngState, Tensor, tensor } from '../torch';
import type { TrainConfig } from './config';
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

/** Reads and checks a checkpoint file; the caller builds the models from `config` and then calls restore. */
export function readCheckpoint(file: string): LoadedCheckpoint {
  const { tensors, metadata } = loadTensors(file);
  const dispose = () => tensors.forEach((t) => t.dispose());
  if (metadata.format !== FORMAT) {
    dispose();
    throw new Error(`${file} is not a ganforge checkpoint (no '${FORMAT}' metadata)`);
  }
  if (metadata.version !== VERSION) {
    dispose();
    throw new Error(`${file} is a version ${metadata.version} checkpoint; this ganforge reads version ${VERSION}`);
  }
  try {
    return { file, config: JSON.parse(metadata.config), progress: JSON.parse(metadata.progress), tensors, dispose };
  } catch {
    dispose();
    throw new Error(`${file}: checkpoint metadata is not valid JSON`);
  }
}

/** The entries under `prefix`, with the prefix removed. */
export function section(checkpoint: LoadedCheckpoint, prefix: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, t] of checkpoint.tensors) if (name.startsWith(prefix)) out.set(name.slice(prefix.length), t);
  return out;
}

/** Loads the generator only (for sampling): the moving average when the run kept one, unless `raw`. */
export function restoreGenerator(checkpoint: LoadedCheckpoint, generator: Generator, raw = false): void {
  const average = !raw && checkpoint.config.emaDecay > 0;
  generator.loadStateDict(section(checkpoint, average ? 'E.' : 'G.'), `${checkpoint.file} (${average ? 'averaged ' : ''}generator)`);
}

/** Loads networks, optimizers, fixed noise and the random generator's state. */
export function restoreTraining(checkpoint: LoadedCheckpoint, state: TrainingState): void {
  const where = checkpoint.file;
  restoreGenerator(checkpoint, state.generator, true);
  if (state.averageGenerator) restoreGenerator(checkpoint, state.averageGenerator);
  state.discriminator.loadStateDict(section(checkpoint, 'D.'), `${where} (discriminator)`);
  state.optimizerG.loadStateDict(section(checkpoint, 'optG.'), `${where} (generator optimizer)`);
  state.optimizerD.loadStateDict(section(checkpoint, 'optD.'), `${where} (discriminator optimizer)`);
  const noise = checkpoint.tensors.get('fixed_noise');
  const rng = checkpoint.tensors.get('rng_state');
  if (!noise || !rng) throw new Error(`${where} lacks fixed_noise or rng_state`);
  state.fixedNoise.copy_(noise);
  setRngState(rng.toTypedArray() as Uint8Array);
}
