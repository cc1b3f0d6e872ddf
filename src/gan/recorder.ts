// What training writes and watches besides the weights: a metrics record every metricsEvery steps, the log line
// every logEvery steps, scores from the judge every evalEvery steps, and the alarms those raise. The training
// loop calls it once per step and never learns what a judge or an alarm is.
import type { OptionNamer } from '../errors';
import { Alarm, AlarmMonitor, alarmRemedy, StepRecord } from '../metrics/alarms';
import { evalRecord, Judge } from '../metrics/judge';
import { manualSeed, memory, rngState, setRngState } from '../torch';
import type { TrainProgress } from './checkpoint';
import type { TrainConfig } from './config';
import type { MetricRecord, RunDir } from './run-dir';
import type { FamilyRun, Scalars } from './types';

/** Images scored by each periodic evaluation: enough for FID's 128 feature dimensions, quick to extract. */
export const PERIODIC_EVAL_SAMPLES = 1000;

export interface RecorderOptions {
  log(line: string): void;
  /** Scores samples every config.evalEvery steps (needed for evalEvery and the mode-collapse alarm). */
  judge?: Judge;
  /** How the log names config keys in alarm remedies (the CLI: by their flags); the keys themselves by default. */
  nameOption?: OptionNamer;
}

export class RunRecorder {
  readonly #monitor: AlarmMonitor;
  /** The latest value of every key the family logs: a step that did not measure a key shows the last value. */
  #latest: Scalars;

  constructor(
    private readonly dir: RunDir, private readonly config: TrainConfig, private readonly run: FamilyRun,
    private readonly options: RecorderOptions, private readonly epochs: number,
  ) {
    if (config.evalEvery > 0 && !options.judge) throw new Error('evalEvery needs a judge to score samples with');
    if (config.evalEvery > 0 && !run.sample) throw new Error(`evalEvery: model '${config.model}' draws no samples the judge can score`);
    this.#monitor = new AlarmMonitor(run.probabilisticOutputs);
    this.#latest = Object.fromEntries(run.logFields.flatMap((f) => f.keys.map((k) => [k, NaN])));
  }

  /** The step's values merged over the latest ones; call once per step, before record(). */
  merge(measured: Scalars): Scalars {
    this.#latest = { ...this.#latest, ...measured };
    return this.#latest;
  }

  /** Writes what is due after the step that brought training to `progress`. */
  async record(progress: TrainProgress, total: number, scalars: Scalars, stepMs: number, epochEnded: boolean): Promise<void> {
    const { step } = progress;
    if (step % this.config.metricsEvery === 0 || step === total) {
      const record: MetricRecord = {
        step, epoch: epochEnded ? progress.epoch - 1 : progress.epoch, ...scalars,
        step_ms: Number(stepMs.toFixed(3)), elapsed_s: Number((progress.elapsedMs / 1000).toFixed(3)),
        live_tensors: memory().liveTensors, rss_mib: Number((process.memoryUsage.rss() / 2 ** 20).toFixed(1)),
      };
      this.dir.appendRecord(record);
      this.#raise(this.#monitor.observeStep(record as unknown as StepRecord));
    }
    if (this.config.evalEvery > 0 && step % this.config.evalEvery === 0) await this.#evaluate(step);
    if (step % this.config.logEvery === 0) this.options.log(this.#logLine(progress, scalars));
  }

  /** The first two logged values, short, for a progress bar. */
  summary(scalars: Scalars): string {
    return this.run.logFields.slice(0, 2).map((f) => `${f.label} ${scalars[f.keys[0]].toFixed(3)}`).join(' ');
  }

  /** `[epoch/epochs][batch/perEpoch] Loss_D: 0.4794 Loss_G: 2.4354 D(x): 0.7782 D(G(z)): 0.1829 / 0.0897` */
  #logLine(progress: TrainProgress, scalars: Scalars): string {
    const perEpoch = this.run.batchesPerEpoch;
    const batch = progress.batchInEpoch === 0 ? perEpoch : progress.batchInEpoch;
    const epoch = progress.batchInEpoch === 0 ? progress.epoch - 1 : progress.epoch;
    const fields = this.run.logFields.map((f) => `${f.label}: ${f.keys.map((k) => scalars[k].toFixed(4)).join(' / ')}`);
    return `[${epoch}/${this.epochs}][${batch}/${perEpoch}] ${fields.join(' ')}`;
  }

  async #evaluate(step: number): Promise<void> {
    // Samples from a fixed seed, with the training random state saved and restored around them, so
    // evaluating never changes what training computes.
    const saved = rngState();
    let drawn: { images: Float32Array; shape: [number, number, number, number] };
    try {
      manualSeed(0x5eed);
      drawn = this.run.sample!(PERIODIC_EVAL_SAMPLES);
    } finally {
      setRngState(saved);
    }
    const result = await this.options.judge!.evaluate(drawn.images, drawn.shape);
    this.dir.appendRecord({ kind: 'eval', step, ...evalRecord(result) });
    const { coverage } = result;
    const spread = coverage ? `, coverage ${coverage.normalizedEntropy.toFixed(2)}${coverage.missing.length ? ` (missing ${coverage.missing.join(', ')})` : ''}` : '';
    this.options.log(`eval [step ${step}] FID ${result.fid.toFixed(2)}, KID ${(result.kid.mean * 1000).toFixed(2)}e-3, precision ${result.precision.toFixed(3)}, recall ${result.recall.toFixed(3)}${spread} (${PERIODIC_EVAL_SAMPLES} samples)`);
    if (coverage) this.#raise(this.#monitor.observeCoverage(step, coverage, coverage.shares.length));
  }

  #raise(alarms: Alarm[]): void {
    for (const a of alarms) {
      this.options.log(`ALARM [step ${a.step}] ${a.alarm}: ${a.message}; try: ${alarmRemedy(a.alarm, this.options.nameOption)}`);
      this.dir.appendRecord({ kind: 'alarm', ...a });
    }
  }
}
