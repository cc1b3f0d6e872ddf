// The training loop. Each step: update D on a real batch (label 1) and a fake batch (label 0), then, every
// dSteps steps, update G through D. Watched quantities: Loss_D, Loss_G, D(x), D(G(z)) before and after D's
// update. Grids from fixed noise each epoch, checkpoints each epoch / every N steps / at the end / on stop.
import type { ImageDataset } from '../data/dataset';
import { Alarm, AlarmMonitor } from '../metrics/alarms';
import { evalRecord, Judge } from '../metrics/judge';
import { manualSeed, memory, rngState, setRngState, Tensor, tensor } from '../torch';
import { checkProgress, LoadedCheckpoint, restoreTraining, saveCheckpoint, TrainProgress } from './checkpoint';
import { totalSteps, TrainConfig, validateConfig } from './config';
import { MetricRecord, RunDir } from './run-dir';
import { sampleGrid, sampleInBatches } from './sampling';
import { GanSession, StepScalars } from './session';

export type { StepScalars } from './session';

export interface TrainHooks {
  /** A full log line (the log every logEvery steps, notices). */
  log(line: string): void;
  /** Called after every step, e.g. to move a progress bar. */
  onStep?(progress: TrainProgress, total: number, scalars: StepScalars): void;
  /** Polled between steps; when it returns true the run checkpoints and stops. */
  shouldStop?(): boolean;
  /** Scores samples every config.evalEvery steps (needed for --eval-every and the mode-collapse alarm). */
  judge?: Judge;
}

/** Class labels 0, 1, …, K−1, 0, … for samples start…start+count−1 (conditional models). */
function labelsInTurn(start: number, count: number, classes: number): Tensor {
  return tensor(Array.from({ length: count }, (_, i) => (start + i) % classes), [count], 'int64');
}

/** Images scored by each periodic evaluation: enough for FID's 128 feature dimensions, quick to extract. */
export const PERIODIC_EVAL_SAMPLES = 1000;

/** Samples from a fixed seed with the training generator's state saved and restored around it, so
 *  evaluating never changes what training computes. */
function periodicSamples(session: GanSession): { images: Float32Array; shape: [number, number, number, number] } {
  const saved = rngState();
  manualSeed(0x5eed);
  const [c, h, w] = session.config.imageShape;
  const images = new Float32Array(PERIODIC_EVAL_SAMPLES * c * h * w);
  let at = 0;
  try {
    sampleInBatches(session.samplingGenerator, PERIODIC_EVAL_SAMPLES, 500, (data) => {
      images.set(data, at);
      at += data.length;
    }, session.fixedLabels ? (start, count) => labelsInTurn(start, count, session.config.numClasses) : undefined);
  } finally {
    setRngState(saved);
  }
  return { images, shape: [PERIODIC_EVAL_SAMPLES, c, h, w] };
}

export interface TrainResult {
  progress: TrainProgress;
  totalSteps: number;
  /** Stopped on request (Ctrl-C), as opposed to finishing or spending the time budget. */
  stopped: boolean;
  budgetSpent: boolean;
  last: StepScalars | null;
  runDir: RunDir;
}

/** Raised when a loss stops being finite; the last good checkpoint is left as it was. */
export class DivergedError extends Error {}

function formatLogLine(progress: TrainProgress, epochs: number, perEpoch: number, s: StepScalars): string {
  const batch = progress.batchInEpoch === 0 ? perEpoch : progress.batchInEpoch;
  const epoch = progress.batchInEpoch === 0 ? progress.epoch - 1 : progress.epoch;
  return `[${epoch}/${epochs}][${batch}/${perEpoch}] Loss_D: ${s.lossD.toFixed(4)} Loss_G: ${s.lossG.toFixed(4)} ` +
    `D(x): ${s.dReal.toFixed(4)} D(G(z)): ${s.dFake.toFixed(4)} / ${s.dFakeAfter.toFixed(4)}`;
}

export interface TrainOptions {
  /**
   * Continue the run in `out`. With its checkpoint: from there. Without one (the run was stopped before its
   * first checkpoint): from step 0, dropping the partial records, which the same config recomputes exactly.
   */
  resume?: boolean;
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
  let session: GanSession;
  try {
    validateConfig(config);
    if (checkpoint === null && options.resume !== true) new RunDir(out).assertNoRun();
    if (config.evalEvery > 0 && !hooks.judge) throw new Error('evalEvery needs a judge (the CLI makes one for --eval-every)');
    session = new GanSession(config, dataset);
  } catch (err) {
    checkpoint?.dispose();
    throw err;
  }
  try {
    return await trainSession(session, out, checkpoint, hooks, options);
  } finally {
    session.dispose();
  }
}

async function trainSession(session: GanSession, out: string, checkpoint: LoadedCheckpoint | null, hooks: TrainHooks, options: TrainOptions): Promise<TrainResult> {
  const { config, state, loader } = session;
  const run = new RunDir(out);
  const total = totalSteps(config, loader.batchesPerEpoch);
  const epochs = Math.ceil(total / loader.batchesPerEpoch);

  let progress: TrainProgress = { step: 0, epoch: 1, batchInEpoch: 0, elapsedMs: 0 };
  if (checkpoint) {
    try {
      checkProgress(checkpoint.progress, loader.batchesPerEpoch, total, checkpoint.file);
      restoreTraining(checkpoint, state);
      progress = checkpoint.progress;
    } finally {
      checkpoint.dispose();
    }
  }
  // Everything is checked: only now does the run folder change.
  run.prepare();
  run.removeStaleTemps();
  if (checkpoint) {
    run.truncateMetricsAfter(progress.step);
    hooks.log(`resuming ${out} at step ${progress.step} of ${total}`);
  } else if (options.resume) {
    run.truncateMetricsAfter(0);
    hooks.log(`${out} has no checkpoint yet: starting its run over from step 0 of ${total}`);
  }
  run.writeConfig(config);

  const keptCheckpoint = () =>
    run.hasCheckpoint() ? `the last good checkpoint is kept in ${run.checkpointPath}` : 'no checkpoint was written';
  // A checkpoint must be one worth resuming from: weights that overflowed are divergence, not progress.
  const saveAll = () => {
    const bad = [state.generator, state.discriminator].find((m) => !m.parameters().every((p) => p.allFinite()));
    if (bad) throw new DivergedError(`training diverged by step ${progress.step}: ${bad === state.generator ? 'G' : 'D'} has non-finite weights; ${keptCheckpoint()} (try a lower --lr)`);
    saveCheckpoint(run.checkpointPath, config, progress, state);
  };
  // Conditional grids are drawn with one column per class.
  const nrow = session.fixedLabels ? config.numClasses : undefined;
  const writeGrid = (epoch: number | null) => run.writeGrid(sampleGrid(session.samplingGenerator, state.fixedNoise, session.fixedLabels, nrow), epoch);
  const monitor = new AlarmMonitor(session.loss.probabilistic);
  const raise = (alarms: Alarm[]) => {
    for (const a of alarms) {
      hooks.log(`ALARM [step ${a.step}] ${a.alarm}: ${a.message}; try: ${a.remedy}`);
      run.appendRecord({ kind: 'alarm', ...a });
    }
  };
  const evaluate = async () => {
    const judge = hooks.judge!;
    const { images, shape } = periodicSamples(session);
    const result = await judge.evaluate(images, shape);
    run.appendRecord({ kind: 'eval', step: progress.step, ...evalRecord(result) });
    const coverage = result.coverage ? `, coverage ${result.coverage.normalizedEntropy.toFixed(2)}${result.coverage.missing.length ? ` (missing ${result.coverage.missing.join(', ')})` : ''}` : '';
    hooks.log(`eval [step ${progress.step}] FID ${result.fid.toFixed(2)}, KID ${(result.kid.mean * 1000).toFixed(2)}e-3, precision ${result.precision.toFixed(3)}, recall ${result.recall.toFixed(3)}${coverage} (${PERIODIC_EVAL_SAMPLES} samples)`);
    if (result.coverage) raise(monitor.observeCoverage(progress.step, result.coverage, result.coverage.shares.length));
  };
  let last: StepScalars | null = null;
  let stopped = false;
  let budgetSpent = false;
  // elapsedMs is wall time across all sessions of the run (grids and checkpoints included), for --time-budget.
  let clock = performance.now();
  const tick = () => {
    const now = performance.now();
    progress = { ...progress, elapsedMs: progress.elapsedMs + (now - clock) };
    clock = now;
  };
  while (progress.step < total) {
    if (hooks.shouldStop?.()) {
      stopped = true;
      break;
    }
    if (config.timeBudget !== null && progress.elapsedMs >= config.timeBudget * 1000) {
      budgetSpent = true;
      hooks.log(`time budget of ${config.timeBudget} s spent at step ${progress.step}`);
      break;
    }
    const started = performance.now();
    const updateG = (progress.step + 1) % config.dSteps === 0;
    let scalars = session.step(progress.epoch, progress.batchInEpoch, updateG);
    if (!updateG && last) scalars = { ...scalars, lossG: last.lossG, dFakeAfter: last.dFakeAfter };
    if (!Number.isFinite(scalars.lossD) || (updateG && !Number.isFinite(scalars.lossG))) {
      const which = Number.isFinite(scalars.lossD) ? `Loss_G is ${scalars.lossG}` : `Loss_D is ${scalars.lossD}`;
      throw new DivergedError(`training diverged at step ${progress.step + 1}: ${which}; ${keptCheckpoint()} (try a lower --lr)`);
    }
    const stepMs = performance.now() - started;
    last = scalars;
    progress = { ...progress, step: progress.step + 1, batchInEpoch: progress.batchInEpoch + 1 };
    tick();
    const epochEnded = progress.batchInEpoch === loader.batchesPerEpoch;
    if (epochEnded) progress = { ...progress, epoch: progress.epoch + 1, batchInEpoch: 0 };

    if (progress.step % config.metricsEvery === 0 || progress.step === total) {
      const record: MetricRecord = {
        step: progress.step, epoch: epochEnded ? progress.epoch - 1 : progress.epoch,
        loss_d: scalars.lossD, loss_g: scalars.lossG, d_x: scalars.dReal, d_g_z: scalars.dFake, d_g_z2: scalars.dFakeAfter,
        step_ms: Number(stepMs.toFixed(3)), elapsed_s: Number((progress.elapsedMs / 1000).toFixed(3)),
        live_tensors: memory().liveTensors, rss_mib: Number((process.memoryUsage.rss() / 2 ** 20).toFixed(1)),
      };
      // How far D is from the equilibrium guess of 0.5, for the BCE losses where outputs are probabilities.
      if (session.loss.probabilistic) Object.assign(record, { d_x_gap: Math.abs(scalars.dReal - 0.5), d_g_z_gap: Math.abs(scalars.dFake - 0.5) });
      run.appendMetrics(record);
      raise(monitor.observeStep(record));
    }
    if (config.evalEvery > 0 && progress.step % config.evalEvery === 0) await evaluate();
    if (progress.step % config.logEvery === 0) hooks.log(formatLogLine(progress, epochs, loader.batchesPerEpoch, scalars));
    hooks.onStep?.(progress, total, scalars);
    if (epochEnded) {
      writeGrid(progress.epoch - 1);
      run.writePlots();
      saveAll();
    } else if (config.checkpointEvery > 0 && progress.step % config.checkpointEvery === 0) {
      saveAll();
    }
    tick();
    // Yield to the event loop so Ctrl-C (SIGINT) handlers can run between steps.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  // The end, or a requested stop: grid, curves and a checkpoint that a later --resume continues from.
  if (progress.batchInEpoch !== 0 || stopped || budgetSpent) writeGrid(null);
  run.writePlots();
  saveAll();
  return { progress, totalSteps: total, stopped, budgetSpent, last, runDir: run };
}
