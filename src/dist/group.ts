// The process group of a data-parallel run, as the trainer and the families use it (DataParallel): gradient
// averaging after each backward, each rank's rows of the global batch, the per-step agreement on the logged
// values and on stopping, and the start-of-run broadcast that makes every rank's weights rank 0's.
import type { TrainConfig } from '../gan/config';
import type { TrainingGroup } from '../gan/trainer';
import type { FamilyRun, Scalars } from '../gan/types';
import { noGrad, Tensor, tensor } from '../torch';
import { allReduceMean, barrier, broadcast, destroyProcessGroup, distAvailable, initProcessGroup } from '../torch/dist';
import { convertSyncBatchNorm } from './sync-batch-norm';
import type { World } from './world';

export class ProcessGroup implements TrainingGroup {
  #open = true;
  /** Milliseconds spent in gradient all-reduces since the last averageScalars (waiting for slower ranks included). */
  #syncMs = 0;

  private constructor(readonly world: World) {}

  get rank(): number {
    return this.world.rank;
  }
  get worldSize(): number {
    return this.world.worldSize;
  }
  /** Rank 0 alone writes logs, grids, metrics and checkpoints. */
  get isMain(): boolean {
    return this.world.rank === 0;
  }

  /** Joins the job (blocks until every rank has, or the timeout passes). */
  static join(world: World): ProcessGroup {
    if (!distAvailable()) throw new Error('this libtorch was built without distributed support (c10d/Gloo)');
    try {
      initProcessGroup(world.masterHost, world.masterPort, world.rank, world.worldSize, world.timeoutMs);
    } catch (err) {
      throw new Error(`rank ${world.rank} of ${world.worldSize} could not join the job at ${world.masterHost}:${world.masterPort} ` +
        `within ${world.timeoutMs / 1000} s: ${(err as Error).message}`);
    }
    return new ProcessGroup(world);
  }

  syncGradients(parameters: readonly Tensor[]): void {
    // Every rank has gradients for the same parameters (same graph), so the buckets line up.
    const grads = parameters.map((p) => p.grad).filter((g): g is Tensor => g !== null);
    try {
      const started = performance.now();
      this.#collective('the gradient all-reduce', () => allReduceMean(grads));
      this.#syncMs += performance.now() - started;
    } finally {
      for (const g of grads) g.dispose(); // handles on the gradients, not the gradients themselves
    }
  }

  localRows(global: Tensor): Tensor {
    const rows = global.shape[0] / this.worldSize;
    if (!Number.isInteger(rows)) throw new RangeError(`${global.shape[0]} rows do not split over ${this.worldSize} processes`);
    return global.narrow(0, this.rank * rows, rows);
  }

  /**
   * The mean over ranks of every scalar (plus sync_ms, the ranks' mean time in this step's gradient all-reduces), in one collective (float64, so a mean of equal values is exact). Keys
   * must be the same on every rank: the same family runs the same step everywhere.
   */
  averageScalars(scalars: Scalars): Scalars {
    // The step's communication cost travels with its scalars, so metrics.jsonl records it as sync_ms.
    scalars = { ...scalars, sync_ms: this.#syncMs };
    this.#syncMs = 0;
    const keys = Object.keys(scalars); // the same order on every rank: the same code made them
    const t = tensor(new Float64Array(keys.map((k) => scalars[k])), [keys.length]);
    try {
      this.#collective('the all-reduce of the logged values', () => allReduceMean([t]));
      const mean = t.toTypedArray() as Float64Array;
      return Object.fromEntries(keys.map((k, i) => [k, mean[i]]));
    } finally {
      t.dispose();
    }
  }

  /**
   * Every rank's weights, buffers and other run tensors become rank 0's (each rank built them from the same seed
   * or read the same checkpoint, so this guards against what differs anyway, as DDP does at its start), and
   * with config.syncBn the batch norms of every network synchronise their statistics.
   */
  prepare(run: FamilyRun, config: TrainConfig): void {
    const state = [...run.networks.values()].flatMap((network) => [...network.parameters(), ...network.namedBuffers().map(([, b]) => b)]);
    const floats = [...state, ...run.tensors.values()].filter((t) => t.dtype === 'float32' || t.dtype === 'float64');
    this.#collective('the broadcast of the starting state', () => noGrad(() => broadcast(floats, 0)));
    if (config.syncBn && this.worldSize > 1) convertSyncBatchNorm(run.networks.values(), this.worldSize);
  }

  barrier(): void {
    this.#collective('a barrier', barrier);
  }

  /** A collective that failed (a dead or stuck peer, after the timeout at most) says so in one line. */
  #collective<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw new Error(`rank ${this.rank} lost the other ranks during ${what} (a rank died or hung past the ` +
        `${this.world.timeoutMs / 1000} s timeout): ${(err as Error).message}`);
    }
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    destroyProcessGroup();
  }
}
