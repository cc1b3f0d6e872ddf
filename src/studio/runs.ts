// What the studio shows of a run, read through RunDir (the same readers `train` writes with and `report`
// reads with): a summary for the runs list, the detail for a run's page, and the grid files a run holds.
import * as fs from 'fs';
import * as path from 'path';
import { RunDir } from '../gan/run-dir';
import { HttpError, RunsRoot } from './paths';

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

/** The latest grid, served under this name next to the epoch grids of samples/. */
export const LATEST_GRID = 'samples.png';

/** The grids a run holds, by the names the grid endpoint takes: samples/epoch-NNNN.png, then samples.png. */
export function gridNames(dir: RunDir): string[] {
  const names = dir.epochGridNames();
  return fs.existsSync(dir.latestGridPath) ? [...names, LATEST_GRID] : names;
}

/** The real path of grid `name` of a run, if the run lists it and it lies inside the runs folder. */
export function gridFile(root: RunsRoot, runFolder: string, name: unknown): string {
  const dir = new RunDir(runFolder);
  // Only names the run lists: the request's text is compared, never joined into a path.
  const listed = gridNames(dir).find((g) => g === name);
  if (listed === undefined) throw new HttpError(404, 'no such grid in this run');
  const file = listed === LATEST_GRID ? dir.latestGridPath : path.join(dir.samplesDir, listed);
  const real = root.contained(file);
  if (real === null || !real.startsWith(runFolder + path.sep) || !fs.statSync(real).isFile()) throw new HttpError(404, 'no such grid in this run');
  return real;
}

function mtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function readSummary(name: string, folder: string): RunDetail {
  const dir = new RunDir(folder);
  let config: Record<string, unknown> | null = null;
  let problem: string | null = null;
  try {
    config = dir.readConfig() as unknown as Record<string, unknown>;
  } catch (err) {
    problem = (err as Error).message.replace(folder, name);
  }
  const records = dir.readRecords();
  const steps = records.filter((r) => r.kind === undefined);
  const evals = records.filter((r) => r.kind === 'eval' && typeof r.fid === 'number');
  const last = steps.at(-1) ?? null;
  const grids = gridNames(dir);
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    name,
    model: str(config?.model),
    dataset: str(config?.dataset),
    recipe: str(config?.recipe),
    steps: num(config?.steps),
    epochs: num(config?.epochs),
    step: typeof last?.step === 'number' ? last.step : 0,
    last,
    fid: (evals.at(-1)?.fid as number | undefined) ?? null,
    alarms: records.filter((r) => r.kind === 'alarm').length,
    checkpoint: dir.hasCheckpoint(),
    grids: grids.length,
    problem,
    updated: Math.max(mtime(dir.metricsPath), mtime(dir.configPath), mtime(dir.latestGridPath)),
    config,
    records,
    gridFiles: grids,
  };
}

/**
 * Reads runs, remembering each by the sizes and times of the files it reads: the runs list is polled every
 * half second for the live view and fetched by every page, and most runs do not change between two looks.
 */
export class RunReader {
  #cache = new Map<string, { key: string; detail: RunDetail }>();

  constructor(readonly root: RunsRoot) {}

  detail(name: string): RunDetail {
    const folder = this.root.runFolder(name);
    const dir = new RunDir(folder);
    const key = [dir.configPath, dir.metricsPath, dir.latestGridPath, dir.samplesDir, dir.checkpointPath]
      .map((f) => {
        try {
          const s = fs.statSync(f);
          return `${s.size}:${s.mtimeMs}`;
        } catch {
          return '-';
        }
      }).join('|');
    const hit = this.#cache.get(folder);
    if (hit && hit.key === key) return hit.detail;
    const detail = readSummary(name, folder);
    this.#cache.set(folder, { key, detail });
    return detail;
  }

  summary(name: string): RunSummary {
    const { config: _c, records: _r, gridFiles: _g, ...summary } = this.detail(name);
    return summary;
  }

  list(): RunSummary[] {
    return this.root.runNames().flatMap((name) => {
      try {
        return [this.summary(name)];
      } catch {
        return []; // removed between listing and reading
      }
    });
  }
}
