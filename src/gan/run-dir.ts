// The layout of a run on disk:
//   runs/NAME/config.json                  the resolved config
//   runs/NAME/metrics.jsonl                one JSON object per recorded step
//   runs/NAME/samples/epoch-0001.png       grids from fixed noise, one per epoch
//   runs/NAME/samples.png                  the latest grid
//   runs/NAME/loss.svg, d-outputs.svg      curves over the run
//   runs/NAME/checkpoints/last.safetensors everything needed to resume
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../io/atomic';
import { lineChartSvg } from '../io/plot';
import { encodePng, Image } from '../io/png';

/** A training step's record (no `kind`); eval and alarm records carry kind 'eval' / 'alarm'. */
export interface MetricRecord {
  step: number;
  epoch: number;
  loss_d: number;
  loss_g: number;
  d_x: number;
  d_g_z: number;
  d_g_z2: number;
  step_ms: number;
  elapsed_s: number;
  [extra: string]: number | string | boolean | null;
}

export class RunDir {
  constructor(readonly root: string) {}

  get configPath(): string { return path.join(this.root, 'config.json'); }
  get metricsPath(): string { return path.join(this.root, 'metrics.jsonl'); }
  get samplesDir(): string { return path.join(this.root, 'samples'); }
  get checkpointsDir(): string { return path.join(this.root, 'checkpoints'); }
  get checkpointPath(): string { return path.join(this.checkpointsDir, 'last.safetensors'); }
  get latestGridPath(): string { return path.join(this.root, 'samples.png'); }
  epochGridPath(epoch: number): string { return path.join(this.samplesDir, `epoch-${String(epoch).padStart(4, '0')}.png`); }

  hasCheckpoint(): boolean {
    return fs.existsSync(this.checkpointPath);
  }

  /** Creates the folders and proves they are writable now, not after an hour of training. */
  prepare(): void {
    try {
      for (const dir of [this.root, this.samplesDir, this.checkpointsDir]) fs.mkdirSync(dir, { recursive: true });
      const probe = path.join(this.root, `.write-test-${process.pid}`);
      fs.writeFileSync(probe, 'ok');
      fs.unlinkSync(probe);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new Error(`cannot write to ${this.root}: ${e.code ?? ''} ${e.message.replace(/^[A-Z]+: /, '')}`.trim());
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
    return fs
      .readFileSync(this.metricsPath, 'utf8')
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

  /** On resume: drops records past the checkpoint, since those steps will be trained again. */
  truncateMetricsAfter(step: number): void {
    const kept = this.readRecords().filter((r) => (r.step as number) <= step);
    writeFileAtomic(this.metricsPath, kept.map((r) => JSON.stringify(r) + '\n').join(''));
  }

  writeGrid(image: Image, epoch: number | null): void {
    const png = encodePng(image);
    if (epoch !== null) writeFileAtomic(this.epochGridPath(epoch), png);
    writeFileAtomic(this.latestGridPath, png);
  }

  /** Redraws loss.svg and d-outputs.svg from metrics.jsonl. */
  writePlots(): void {
    const records = this.readMetrics();
    const series = (key: keyof MetricRecord, name: string) => ({
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
        series: [{ name: 'FID', points: evals.map((r) => [r.step, r.fid as number] as [number, number]) }],
      }));
    }
  }
}
