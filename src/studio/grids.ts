// A run's grids as the studio serves them: by the names the run lists, never by a path from a request.
import * as fs from 'fs';
import * as path from 'path';
import { RunDir } from '../gan/run-dir';
import { HttpError, RunsRoot } from './paths';

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

