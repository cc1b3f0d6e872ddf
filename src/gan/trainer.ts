// The training loop: it owns time, progress, grids, checkpoints and stopping; the model family owns what one step
// does (see types.ts), and the recorder what is written and watched after it. Grids from fixed inputs each epoch,
// checkpoints each epoch / every N steps / at the end / on stop.
import type { ImageDataset } from '../data/dataset';
import { OptionError } from '../errors';
import { LossScaler, onGpu, withLossScaling, withPrecision } from '../torch';
import { describeThreadChange, governRunThreads } from '../torch/thread-governor';
import { checkProgress, LoadedCheckpoint, restoreTraining, saveCheckpoint, TrainProgress } from './checkpoint';
import { TrainConfig, validateConfig } from './config';
import { totalSteps } from './run-length';
import { RecorderOptions, RunRecorder } from './recorder';
import { buildRun } from './registry';
import { RunDir } from './run-dir';
import { drawSeeded } from './sampling';
import type { DataParallel, FamilyRun, Scalars } from './types';

/** The seed every progress grid is drawn from (its inputs are fixed; this fixes any noise G draws itself). */
const PREVIEW_SEED = 0x9e1d;

export interface TrainHooks extends RecorderOptions {
  /** Called after every step, e.g. to move a progress bar; `summary` is the first logged values, short. */
  onStep?(progress: TrainProgress, total: number, summary: string): void;
  /** Polled between steps; when it returns true the run checkpoints and stops. */
  shouldStop?(): boolean;
}

export interface TrainResult {
  progress: TrainProgress;
  totalSteps: number;
  /** Stopped on request (Ctrl-C), as opposed to finishing or spending the time budget. */
  stopped: boolean;
  budgetSpent: boolean;
  last: Scalars | null;
  runDir: RunDir;
}

/** Raised when a loss stops being finite; the last good checkpoint is left as it was. */
export class DivergedError extends Error {}

/**
 * The data-parallel job this process is one rank of (src/dist/group.ts); without one, the run is one process.
 * Every rank runs the same loop in lock-step; rank 0 alone writes the run folder.
 */
export interface TrainingGroup extends DataParallel {
  readonly isMain: boolean;
  /** Called once the run is built and restored: every rank takes rank 0's state; --sync-bn is set up. */
  prepare(run: FamilyRun, config: TrainConfig): void;
  /**
   * The step's scalars averaged over ranks, in one collective: every rank's are means over equal slices, so this
   * is the global batch's mean (what is logged; the same on every rank, so every rank sees a divergence).
   */
  averageScalars(scalars: Scalars): Scalars;
}

export interface TrainOptions {
  /**
   * Continue the run in `out`. With its checkpoint: from there. Without one (the run was stopped before its
   * first checkpoint): from step 0, dropping the partial records, which the same config recomputes exactly.
   */
  resume?: boolean;
  group?: TrainingGroup;
}

/**
 * Trains `config` on `dataset` in the run folder `out`. Given the run's checkpoint, continues from it exactly
 * as an uninterrupted run would (same losses, bit for bit) up to the configured length; the checkpoint is
 * disposed. Everything (config, checkpoint, progress, the folder's state) is checked before the first file
 * in `out` is written, so a refused run changes nothing there.
 */
export async function train(
  config: TrainConfig, dataset: ImageDataset, out: string, checkpoint: LoadedCheckpoint | null, hooks: TrainHooks, options: TrainOptions = {},
): Promise<TrainResult> {
  let run: FamilyRun;
  try {
    validateConfig(config);
    if (config.precision !== 'fp32' && !onGpu()) {
      throw new OptionError('precision', (name) => `${name('precision')} ${config.precision} (mixed precision) runs on a GPU; on the CPU use fp32`);
    }
    // Gloo all-reduces CPU tensors; a GPU data-parallel run would need NCCL, which this build does not bind.
    if (options.group && onGpu()) throw new Error('data-parallel training (--nproc, --world-size) runs on the CPU here: add --device cpu');
    const main = options.group?.isMain ?? true;
    if (main && checkpoint === null && options.resume !== true) new RunDir(out).assertNoRun();
    run = buildRun(config, dataset, options.group);
  } catch (err) {
    checkpoint?.dispose();
    throw err;
  }
  try {
    return await trainRun(config, run, out, checkpoint, hooks, options);
  } finally {
    run.dispose();
  }
}

async function trainRun(
  config: TrainConfig, run: FamilyRun, out: string, checkpoint: LoadedCheckpoint | null, hooks: TrainHooks, options: TrainOptions,
): Promise<TrainResult> {
  const dir = new RunDir(out);
  const group = options.group;
  // Rank 0 of a data-parallel job (or the only process) writes the run folder; the other ranks only train.
  const main = group?.isMain ?? true;
  const total = totalSteps(config, run.batchesPerEpoch);
  const epochs = Math.ceil(total / run.batchesPerEpoch);
  let recorder: RunRecorder | null = null;
  let progress: TrainProgress = { step: 0, epoch: 1, batchInEpoch: 0, elapsedMs: 0 };
  try {
    if (main) recorder = new RunRecorder(dir, config, run, hooks, epochs);
    if (checkpoint) {
      checkProgress(checkpoint.progress, run.batchesPerEpoch, total, checkpoint.file);
      restoreTraining(checkpoint, run);
      progress = checkpoint.progress;
    }
  } finally {
    checkpoint?.dispose();
  }
  // One state for the whole job, whatever each rank built or read.
  group?.prepare(run, config);
  // Everything is checked: only now does the run folder change.
  if (main) {
    dir.prepare();
    dir.removeStaleTemps();
    if (checkpoint) {
      dir.truncateMetricsAfter(progress.step);
      hooks.log(`resuming ${out} at step ${progress.step} of ${total}`);
    } else if (options.resume) {
      dir.truncateMetricsAfter(0);
      hooks.log(`${out} has no checkpoint yet: starting its run over from step 0 of ${total}`);
    }
    dir.writeConfig(config);
  }
  // The recorder's event file (config.tensorboard) is closed however this function ends.
  using events = recorder?.open(progress.step) ?? null;
  // Each grid goes to samples/ and, with config.tensorboard, to the event file at the step it shows.
  const writeGrid = (epoch: number | null) => {
    if (!events) return;
    // From a fixed seed with training's random state kept aside (a generator may draw noise of its own).
    const image = drawSeeded(PREVIEW_SEED, () => run.preview());
    events.grid(image, dir.writeGrid(image, epoch), progress.step);
  };

  const keptCheckpoint = () =>
    dir.hasCheckpoint() ? `the last good checkpoint is kept in ${dir.checkpointPath}` : 'no checkpoint was written';
  // A checkpoint must be one worth resuming from: weights that overflowed are divergence, not progress.
  const saveAll = () => {
    if (!main) return;
    const bad = [...run.networks].find(([, network]) => !network.parameters().every((p) => p.allFinite()));
    if (bad) throw new DivergedError(`training diverged by step ${progress.step}: ${bad[0]} has non-finite weights; ${keptCheckpoint()} (try a lower learning rate)`);
    saveCheckpoint(dir.checkpointPath, config, progress, run);
  };
  // fp16's loss scale starts anew each session (it settles within a few steps of an overflow).
  const scaler = config.precision === 'fp16' ? new LossScaler() : null;
  let last: Scalars | null = null;
  let stopped = false;
  let budgetSpent = false;
  // elapsedMs is wall time across all sessions of the run (grids and checkpoints included), for the time budget.
  let clock = performance.now();
  const tick = () => {
    const now = performance.now();
    progress = { ...progress, elapsedMs: progress.elapsedMs + (now - clock) };
    clock = now;
  };
  const wanted = () => ({
    stop: hooks.shouldStop?.() ?? false,
    budget: config.timeBudget !== null && progress.elapsedMs >= config.timeBudget * 1000,
  });
  // Ranks stop together: what each wants travels with the step's scalars and is acted on before the next step.
  let agreed = { stop: false, budget: false };
  // A family that wants several threads gives them up while other processes keep the cores busy.
  const governor = governRunThreads();
  while (progress.step < total) {
    const want = group ? agreed : wanted();
    if (want.stop) {
      stopped = true;
      break;
    }
    if (want.budget) {
      budgetSpent = true;
      hooks.log(`time budget of ${config.timeBudget} s spent at step ${progress.step}`);
      break;
    }
    const started = performance.now();
    let measured = withPrecision(config.precision, () => withLossScaling(scaler, () => run.step(progress)));
    scaler?.update();
    if (group) {
      const wish = wanted();
      // A flag's mean over ranks is above 0 when any rank raised it.
      const { want_stop: wantStop, want_budget: wantBudget, ...global } =
        group.averageScalars({ ...measured, want_stop: wish.stop ? 1 : 0, want_budget: wish.budget ? 1 : 0 });
      measured = global;
      agreed = { stop: wantStop > 0, budget: wantBudget > 0 };
    }
    const bad = Object.entries(measured).find(([, value]) => !Number.isFinite(value));
    if (bad) throw new DivergedError(`training diverged at step ${progress.step + 1}: ${bad[0]} is ${bad[1]}; ${keptCheckpoint()} (try a lower learning rate)`);
    const stepMs = performance.now() - started;
    const threadChange = governor?.afterStep();
    if (threadChange && main) hooks.log(describeThreadChange(threadChange));
    const scalars: Scalars = recorder ? recorder.merge(measured) : { ...last, ...measured };
    last = scalars;
    progress = { ...progress, step: progress.step + 1, batchInEpoch: progress.batchInEpoch + 1 };
    tick();
    const epochEnded = progress.batchInEpoch === run.batchesPerEpoch;
    if (epochEnded) progress = { ...progress, epoch: progress.epoch + 1, batchInEpoch: 0 };

    if (recorder) {
      await recorder.record(progress, total, scalars, stepMs, epochEnded);
      hooks.onStep?.(progress, total, recorder.summary(scalars));
    }
    if (epochEnded) {
      writeGrid(progress.epoch - 1);
      if (main) dir.writePlots();
      saveAll();
    } else if (config.checkpointEvery > 0 && progress.step % config.checkpointEvery === 0) {
      saveAll();
    }
    tick();
    // Yield to the event loop so Ctrl-C (SIGINT) handlers can run between steps.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  // The end, or a requested stop: grid, curves and a checkpoint that a later resume continues from.
  if (progress.batchInEpoch !== 0 || stopped || budgetSpent) writeGrid(null);
  if (main) dir.writePlots();
  saveAll();
  return { progress, totalSteps: total, stopped, budgetSpent, last, runDir: dir };
}
