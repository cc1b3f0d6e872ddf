// How long a run is, in steps. A leaf module (types only): the step code of every family needs it, and
// config.ts sits in an import cycle with the registry that loads those families, so importing it from config.ts
// made a family file run before its own imports were initialised.
import type { TrainConfig } from './config';

/** Total steps of the run, given the loader's batches per epoch. */
export function totalSteps(config: TrainConfig, batchesPerEpoch: number): number {
  return config.steps ?? config.epochs! * batchesPerEpoch;
}
