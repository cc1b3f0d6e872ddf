// What training writes and watches besides the weights: a metrics record every metricsEvery steps, the log line
// every logEvery steps, scores from the judge every evalEvery steps, and the alarms those raise; with
// config.tensorboard, the same scalars, each epoch's grid and the config in TensorBoard event files. The training
// loop calls it once per step and never learns what a judge, an alarm or an event file is.
import type { OptionNamer } from '../errors';
import type { Image } from '../io/png';
import { EventWriter } from '../io/tensorboard';
import { Alarm, AlarmMonitor, alarmRemedy, StepRecord } from '../metrics/alarms';
import { evalRecord, Judge } from '../metrics/judge';
import { memory } from '../torch';
import type { TrainProgress } from './checkpoint';
import { drawSeeded } from './sampling';
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

/** What the trainer holds between RunRecorder.open() and the run's end; disposing it closes the event file. */
export interface RecorderSession extends Disposable {
  /** The grid just written (`png`, the PNG bytes of `image`), as the image 'samples' at `step`. */
  grid(image: Image, png: Uint8Array, step: number): void;
}

export class RunRecorder {
  readonly #monitor: AlarmMonitor;
  /** The latest value of every key the family logs: a step that did not measure a key shows the last value. */
  #latest: Scalars;
  /** The TensorBoard event file of this session, between open() and close() when config.tensorboard is on. */
  #tb: EventWriter | null = null;

  constructor(
    private readonly dir: RunDir, private readonly config: TrainConfig, private readonly run: FamilyRun,
    private readonly options: RecorderOptions, private readonly epochs: number,
  ) {
    if (config.evalEvery > 0 && !options.judge) throw new Error('evalEvery needs a judge to score samples with');
    if (config.evalEvery > 0 && !run.sample) throw new Error(`evalEvery: model '${config.model}' draws no samples the judge can score`);
    this.#monitor = new AlarmMonitor(run.probabilisticOutputs);
    this.#latest = Object.fromEntries(run.logFields.flatMap((f) => f.keys.map((k) => [k, NaN])));
  }

  /**
   * Call once the run folder is prepared, before the first step: with config.tensorboard, opens a new event file
   * in tb/ (a resumed run adds one; TensorBoard merges them by step) and records the resolved config as text.
   * Each session first marks its start at step + 1, so TensorBoard drops the steps an earlier session of a resumed
   * run recorded past the checkpoint (as metrics.jsonl drops them); the checkpoint's own step is kept.
   */
  open(step: number): RecorderSession {
    if (this.config.tensorboard && !this.#tb) {
      this.#tb = new EventWriter(this.dir.tensorboardDir);
      this.#tb.sessionStart(step + 1);
      this.#tb.text('config', '```json\n' + JSON.stringify(this.config, null, 2) + '\n```', step);
    }
    return {
      grid: (image, png, at) => this.#tb?.image('samples', png, image.width, image.height, image.channels, at),
      [Symbol.dispose]: () => this.close(),
    };
  }

  /** Closes the event file (open()'s session does, when disposed). */
  close(): void {
    this.#tb?.close();
    this.#tb = null;
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
      if (this.#tb) {
        // NaN here is a key no step has measured yet (a measured non-finite value stops training first): skipped.
        for (const [key, value] of Object.entries(scalars)) if (!Number.isNaN(value)) this.#tb.scalar(`train/${key}`, value, step);
        this.#tb.scalar('time/step_ms', record.step_ms, step);
        this.#tb.scalar('lr/G', this.config.lrG, step);
        this.#tb.scalar('lr/D', this.config.lrD, step);
      }
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
    const drawn = drawSeeded(0x5eed, () => this.run.sample!(PERIODIC_EVAL_SAMPLES));
    const result = await this.options.judge!.evaluate(drawn.images, drawn.shape);
    const scores = evalRecord(result);
    this.dir.appendRecord({ kind: 'eval', step, ...scores });
    if (this.#tb) {
      for (const key of ['fid', 'kid', 'kid_std', 'is', 'precision', 'recall', 'coverage_entropy']) {
        const value = scores[key];
        if (typeof value === 'number') this.#tb.scalar(`eval/${key}`, value, step);
      }
    }
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
