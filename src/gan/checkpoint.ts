// A checkpoint is one safetensors file holding everything a run needs to continue exactly:
//   every network the run's family declares under its name (G.*, D.*, E.* for the adversarial families: state
//   dicts loadable into PyTorch after stripping the prefix), every optimizer (optG.*, optD.*: Adam moments and
//   step counts), the family's other tensors (fixed_noise), rng_state (the global generator),
// and metadata: the resolved config and the progress counters as JSON.
// It is written to a temp file and renamed, so a crash mid-write never damages the previous checkpoint.
import { loadTensors, saveTensors } from '../io/tensors';
import type { Module } from '../nn';
import { libtorchVersion, rngState, setRngState, Tensor, tensor } from '../torch';
import type { TrainConfig } from './config';
import type { FamilyRun } from './types';

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
    const rng = tensor(rngState(), undefined, 'uint8');
    owned.push(rng);
    entries.push(['rng_state', rng]);
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

/** Loads one network's weights from the entries under `prefix.` (e.g. 'G' for the generator, 'E' for its average). */
export function restoreNetwork(checkpoint: LoadedCheckpoint, prefix: string, network: Module): void {
  network.loadStateDict(section(checkpoint, `${prefix}.`), `${checkpoint.file} (network ${prefix})`);
}

/** Loads every network, optimizer and tensor the run declares, and the random generator's state. */
export function restoreTraining(checkpoint: LoadedCheckpoint, run: FamilyRun): void {
  const where = checkpoint.file;
  for (const [name, network] of run.networks) restoreNetwork(checkpoint, name, network);
  for (const [name, optimizer] of run.optimizers) optimizer.loadStateDict(section(checkpoint, `${name}.`), `${where} (optimizer ${name})`);
  for (const [name, t] of run.tensors) {
    const saved = checkpoint.tensors.get(name);
    if (!saved || saved.shape.join('x') !== t.shape.join('x')) throw new Error(`${where}: ${name} is missing or mis-shaped`);
    t.copy_(saved);
  }
  const rng = checkpoint.tensors.get('rng_state');
  if (!rng) throw new Error(`${where} lacks rng_state`);
  setRngState(rng.toTypedArray() as Uint8Array);
}
