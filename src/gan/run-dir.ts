// The layout of a run on disk:
//   runs/NAME/config.json                  the resolved config
//   runs/NAME/metrics.jsonl                one JSON object per recorded step
//   runs/NAME/samples/epoch-0001.png       grids from fixed noise, one per epoch
//   runs/NAME/samples.png                  the latest grid
//   runs/NAME/loss.svg, d-outputs.svg      curves over the run
//   runs/NAME/checkpoints/last.safetensors everything needed to resume
//   runs/NAME/tb/events.out.tfevents.*     TensorBoard event files (with config.tensorboard), one per session
//   runs/NAME/translation-test.png         a translation run's test examples, input | output | target (ganforge eval)
import * as fs from 'fs';
import * as path from 'path';
import { OptionError } from '../errors';
import { makeFolders, removeStaleTemps, writeFileAtomic } from '../io/atomic';
import { parseStoredConfig, TrainConfig } from './config';
import { lineChartSvg } from '../io/plot';
import { encodePng, Image } from '../io/png';

/**
 * A training step's record (no `kind`; eval and alarm records carry kind 'eval' / 'alarm'): the step, the timings
 * and memory, and whatever the family's step measured under its own keys (loss_d, loss_g, d_x, d_g_z, … for the
 * adversarial families).
 */
export interface MetricRecord {
  step: number;
  epoch: number;
  step_ms: number;
  elapsed_s: number;
  [key: string]: number | string | boolean | null;
}

/**
 * The records in metrics.jsonl text (the whole file, or the complete lines appended since a reader last
 * looked, as the studio's live view reads them).
 */
export function parseRecordLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        const record: unknown = JSON.parse(line);
        // A record is an object; a line holding null, a number or a list is not one of ours.
        return typeof record === 'object' && record !== null && !Array.isArray(record) ? [record as Record<string, unknown>] : [];
      } catch {
        return []; // a line cut short by a kill mid-write: drop it
      }
    });
}

export class RunDir {
  constructor(readonly root: string) {}

  get configPath(): string { return path.join(this.root, 'config.json'); }
  get metricsPath(): string { return path.join(this.root, 'metrics.jsonl'); }
  get samplesDir(): string { return path.join(this.root, 'samples'); }
  get checkpointsDir(): string { return path.join(this.root, 'checkpoints'); }
  get checkpointPath(): string { return path.join(this.checkpointsDir, 'last.safetensors'); }
  get tensorboardDir(): string { return path.join(this.root, 'tb'); }
  get latestGridPath(): string { return path.join(this.root, 'samples.png'); }
  get translationGridPath(): string { return path.join(this.root, 'translation-test.png'); }
  epochGridPath(epoch: number): string { return path.join(this.samplesDir, `epoch-${String(epoch).padStart(4, '0')}.png`); }

  hasCheckpoint(): boolean {
    return fs.existsSync(this.checkpointPath);
  }

  /**
   * The files and folders of a run that are here: config, metrics, grids, curves, checkpoints, a per-class
   * marker. Empty folders and hidden files (temp files of interrupted writes) do not count.
   */
  runFiles(): string[] {
    const files = ['config.json', 'metrics.jsonl', 'samples.png', 'loss.svg', 'd-outputs.svg', 'fid.svg', 'per-class.json', 'translation-test.png'];
    const found = files.filter((name) => fs.existsSync(path.join(this.root, name)));
    for (const dir of ['samples', 'checkpoints', 'tb']) {
      let entries: string[] = [];
      try {
        entries = fs.readdirSync(path.join(this.root, dir)).filter((name) => !name.startsWith('.'));
      } catch {
        // absent or not a folder: nothing of a run here
      }
      if (entries.length > 0) found.push(`${dir}/`);
    }
    return found;
  }

  /** A fresh run never writes over, or appends to, what another run left here (a killed one included). */
  assertNoRun(): void {
    const files = this.runFiles();
    if (files.length > 0) {
      throw new OptionError('resume', (name) => `${this.root} already holds a run: pass ${name('resume')} to continue it, or choose another ${name('out')} (found ${files.join(', ')})`);
    }
  }

  /** config.json, checked as untrusted input (every key, of its type, within bounds). */
  readConfig(): TrainConfig {
    let text: string;
    try {
      text = fs.readFileSync(this.configPath, 'utf8');
    } catch {
      throw new Error(`cannot read ${this.configPath}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error(`${this.configPath} is not valid JSON`);
    }
    return parseStoredConfig(value, this.configPath);
  }

  /** Removes the temp files of writes that a kill interrupted (see removeStaleTemps), here and in samples/ and checkpoints/. */
  removeStaleTemps(): string[] {
    return removeStaleTemps(this.root, 1);
  }

  /** Creates the folders and proves they are writable now, not after an hour of training. */
  prepare(): void {
    try {
      for (const dir of [this.root, this.samplesDir, this.checkpointsDir]) makeFolders(dir);
      // Named like writeFileAtomic's temp files, so a kill between these two lines leaves one removeStaleTemps clears.
      const probe = path.join(this.root, `.write-test.${process.pid}.000000000000.tmp`);
      fs.writeFileSync(probe, 'ok');
      fs.unlinkSync(probe);
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { reason?: string };
      const why = e.reason ?? `${e.code ?? ''} ${e.message.replace(/^[A-Z]+: /, '')}`.trim();
      throw new Error(`cannot write to ${this.root}: ${why}`);
    }
  }

  writeConfig(config: object): void {
    writeFileAtomic(this.configPath, JSON.stringify(config, null, 2) + '\n');
  }

  appendMetrics(record: MetricRecord): void {
    this.appendRecord(record as unknown as Record<string, unknown> & { step: number });
  }

  /** Any record (step, eval, alarm): one JSON line. */
  appendRecord(record: Record<string, unknown> & { step: number }): void {
    fs.appendFileSync(this.metricsPath, JSON.stringify(record) + '\n');
  }

  /** The training-step records only. */
  readMetrics(): MetricRecord[] {
    return this.readRecords().filter((r) => r.kind === undefined) as unknown as MetricRecord[];
  }

  /** Records of one kind ('eval', 'alarm'). */
  readRecordsOfKind(kind: string): (Record<string, unknown> & { step: number })[] {
    return this.readRecords().filter((r) => r.kind === kind) as (Record<string, unknown> & { step: number })[];
  }

  readRecords(): Record<string, unknown>[] {
    if (!fs.existsSync(this.metricsPath)) return [];
    return parseRecordLines(fs.readFileSync(this.metricsPath, 'utf8'));
  }

  /** The grid files of samples/ (epoch-0001.png, …), in epoch order; none when the folder is absent. */
  epochGridNames(): string[] {
    try {
      return fs.readdirSync(this.samplesDir).filter((f) => /^epoch-\d+\.png$/.test(f)).sort();
    } catch {
      return [];
    }
  }

  /** On resume: drops records past the checkpoint, since those steps will be trained again. */
  truncateMetricsAfter(step: number): void {
    const kept = this.readRecords().filter((r) => (r.step as number) <= step);
    writeFileAtomic(this.metricsPath, kept.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  /** Writes the grid of `epoch` (null: the latest only) and returns its PNG bytes. */
  writeGrid(image: Image, epoch: number | null): Buffer {
    const png = encodePng(image);
    if (epoch !== null) writeFileAtomic(this.epochGridPath(epoch), png);
    writeFileAtomic(this.latestGridPath, png);
    return png;
  }

  /** Redraws loss.svg and d-outputs.svg from metrics.jsonl. */
  writePlots(): void {
    const records = this.readMetrics();
    const series = (key: string, name: string) => ({
      name,
      points: records.map((r) => [r.step, Number(r[key])] as [number, number]),
    });
    writeFileAtomic(path.join(this.root, 'loss.svg'), lineChartSvg({
      title: 'Generator and discriminator losses',
      xLabel: 'step',
      yLabel: 'loss',
      series: [series('loss_d', 'Loss_D'), series('loss_g', 'Loss_G')],
    }));
    writeFileAtomic(path.join(this.root, 'd-outputs.svg'), lineChartSvg({
      title: 'Discriminator outputs (equilibrium: both 0.5)',
      xLabel: 'step',
      yLabel: 'mean D output',
      series: [series('d_x', 'D(x)'), series('d_g_z', 'D(G(z))')],
    }));
    const evals = this.readRecordsOfKind('eval').filter((r) => typeof r.fid === 'number');
    if (evals.length > 0) {
      writeFileAtomic(path.join(this.root, 'fid.svg'), lineChartSvg({
        title: 'FID against the held-out data (lower is better)',
        xLabel: 'step',
        yLabel: 'FID',
        logY: true,
        series: [{ name: 'FID', points: evals.map((r) => [r.step, r.fid as number] as [number, number]) }],
      }));
    }
  }
}
