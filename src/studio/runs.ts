// What the studio shows of a run, read through RunDir (the same readers `train` writes with and `report`
// reads with): a summary for the runs list, the detail for a run's page, and the grid files a run holds.
import * as fs from 'fs';
import { RunDir } from '../gan/run-dir';
import { RunFollower } from './follow';
import { gridNames } from './grids';
import { RunsRoot } from './paths';

export interface RunSummary {
  name: string;
  model: string | null;
  dataset: string | null;
  recipe: string | null;
  /** The run's length as configured (steps, or epochs when it counts those). */
  steps: number | null;
  epochs: number | null;
  step: number;
  last: Record<string, unknown> | null;
  fid: number | null;
  alarms: number;
  checkpoint: boolean;
  grids: number;
  /** Why config.json could not be read (a folder that is not, or not yet, a run). */
  problem: string | null;
  updated: number;
}

export interface RunDetail extends RunSummary {
  config: Record<string, unknown> | null;
  records: Record<string, unknown>[];
  gridFiles: string[];
}

function lastWhere<T>(items: T[], test: (item: T) => boolean): T | null {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i])) return items[i];
  return null;
}

function statStamp(file: string): string {
  try {
    const s = fs.statSync(file);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return '-';
  }
}

function mtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * One run as last read. The runs list is polled every half second by each open page and a training run appends
 * a record every few steps, so metrics.jsonl is read incrementally (RunFollower: only the lines added since the
 * last look) and config.json again only when it changed; a long run's list entry costs a few stats, not a
 * parse of its whole history.
 */
class KnownRun {
  #follower: RunFollower;
  #records: Record<string, unknown>[] = [];
  #configStamp = '';
  #config: Record<string, unknown> | null = null;
  #problem: string | null = null;

  constructor(readonly name: string, readonly folder: string) {
    this.#follower = new RunFollower(new RunDir(folder));
  }

  read(): RunDetail {
    const dir = new RunDir(this.folder);
    const stamp = statStamp(dir.configPath);
    if (stamp !== this.#configStamp) {
      this.#configStamp = stamp;
      try {
        this.#config = dir.readConfig() as unknown as Record<string, unknown>;
        this.#problem = null;
      } catch (err) {
        this.#config = null;
        this.#problem = (err as Error).message.replace(this.folder, this.name);
      }
    }
    for (const event of this.#follower.newRecords()) {
      if (event.type === 'reset') this.#records = [];
      else if ('record' in event) this.#records.push(event.record);
    }
    const config = this.#config, records = this.#records;
    const last = lastWhere(records, (r) => r.kind === undefined);
    const fid = lastWhere(records, (r) => r.kind === 'eval' && typeof r.fid === 'number')?.fid as number | undefined;
    const grids = gridNames(dir);
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    const num = (v: unknown) => (typeof v === 'number' ? v : null);
    return {
      name: this.name,
      model: str(config?.model),
      dataset: str(config?.dataset),
      recipe: str(config?.recipe),
      steps: num(config?.steps),
      epochs: num(config?.epochs),
      step: typeof last?.step === 'number' ? last.step : 0,
      last,
      fid: fid ?? null,
      alarms: records.filter((r) => r.kind === 'alarm').length,
      checkpoint: dir.hasCheckpoint(),
      grids: grids.length,
      problem: this.#problem,
      updated: Math.max(mtime(dir.metricsPath), mtime(dir.configPath), mtime(dir.latestGridPath)),
      config,
      records: [...records],
      gridFiles: grids,
    };
  }
}

export class RunReader {
  #runs = new Map<string, KnownRun>();

  constructor(readonly root: RunsRoot) {}

  detail(name: string): RunDetail {
    const folder = this.root.runFolder(name);
    let run = this.#runs.get(folder);
    if (!run) {
      run = new KnownRun(name, folder);
      this.#runs.set(folder, run);
    }
    return run.read();
  }

  summary(name: string): RunSummary {
    const { config: _c, records: _r, gridFiles: _g, ...summary } = this.detail(name);
    return summary;
  }

  list(): RunSummary[] {
    const names = this.root.runNames();
    // Forget runs whose folders went away (or were renamed), so a long session does not keep them.
    const folders = new Set(names.map((name) => `${this.root.real}/${name}`));
    for (const folder of this.#runs.keys()) if (!folders.has(folder)) this.#runs.delete(folder);
    return names.flatMap((name) => {
      try {
        return [this.summary(name)];
      } catch {
        return []; // removed between listing and reading
      }
    });
  }
}
