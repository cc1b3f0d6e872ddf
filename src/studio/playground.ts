// The playground's model for a run, exported on demand: the generator as ONNX with its description
// (src/export/playground.ts), cached in RUN/playground/ beside a stamp of the checkpoint it came from, so a
// page opens at once after the first time and a run that trains on gets a fresh export with its next checkpoint.
// The checkpoint is read and checked as `ganforge export` reads it (hostile or oversized files are refused
// before any model is built), and every path is checked to stay inside the run's own folder, symlinks included.
import * as fs from 'fs';
import * as path from 'path';
import { exportPlayground, PlaygroundModel } from '../export/playground';
import { RunDir } from '../gan/run-dir';
import { isPerClassRun } from '../gan/per-class';
import { writeFileAtomic } from '../io/atomic';
import { HttpError, RunsRoot } from './paths';

export const CACHE_FOLDER = 'playground';
const MODEL_FILE = 'generator.onnx';
const INFO_FILE = 'generator.json';

interface CachedInfo {
  /** size:mtime:inode of the checkpoint the export came from. */
  checkpoint: string;
  model: PlaygroundModel;
}

function stamp(file: string): string {
  const s = fs.statSync(file);
  return `${s.size}:${s.mtimeMs}:${s.ino}`;
}

/** `file` as a real path inside `folder` (a run's real folder), or null. */
function inside(root: RunsRoot, folder: string, file: string): string | null {
  const real = root.contained(file);
  return real !== null && real.startsWith(folder + path.sep) ? real : null;
}

export class PlaygroundModels {
  constructor(readonly root: RunsRoot) {}

  /** The run's playground model (exported now if the cache is absent or older than the checkpoint). */
  get(runFolder: string): { model: PlaygroundModel; file: string } {
    const name = path.basename(runFolder);
    if (isPerClassRun(runFolder)) throw new HttpError(422, `${name} is a per-class run (one model per class): open one class's run`);
    const dir = new RunDir(runFolder);
    const checkpoint = inside(this.root, runFolder, dir.checkpointPath);
    if (checkpoint === null || !fs.statSync(checkpoint).isFile()) throw new HttpError(409, `${name} has no checkpoint yet`);
    const cache = path.join(runFolder, CACHE_FOLDER);
    const modelFile = path.join(cache, MODEL_FILE), infoFile = path.join(cache, INFO_FILE);
    const current = stamp(checkpoint);
    const cached = this.#readCache(runFolder, infoFile, modelFile);
    if (cached?.checkpoint === current) return { model: cached.model, file: inside(this.root, runFolder, modelFile)! };
    let exported;
    try {
      exported = exportPlayground(checkpoint);
    } catch (err) {
      // The message names the checkpoint by its path on this machine: shown by the run's name instead.
      throw new HttpError(422, (err as Error).message.split(runFolder).join(name));
    }
    this.#makeCacheFolder(runFolder);
    // The model first, its description last: a reader that finds the description finds its model.
    writeFileAtomic(modelFile, exported.bytes);
    writeFileAtomic(infoFile, JSON.stringify({ checkpoint: current, model: exported.model } satisfies CachedInfo));
    return { model: exported.model, file: modelFile };
  }

  #makeCacheFolder(runFolder: string): void {
    const cache = path.join(runFolder, CACHE_FOLDER);
    try {
      fs.mkdirSync(cache);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    // An existing entry must be a real folder of this run, not a symlink out or a file.
    const real = inside(this.root, runFolder, cache);
    if (real === null || real !== cache || !fs.lstatSync(cache).isDirectory()) throw new HttpError(409, `${path.basename(runFolder)}/${CACHE_FOLDER} is not a folder of this run`);
  }

  #readCache(runFolder: string, infoFile: string, modelFile: string): CachedInfo | null {
    const info = inside(this.root, runFolder, infoFile), model = inside(this.root, runFolder, modelFile);
    if (info === null || model === null) return null;
    try {
      const parsed = JSON.parse(fs.readFileSync(info, 'utf8')) as CachedInfo;
      return typeof parsed.checkpoint === 'string' && ['noise', 'translation', 'editing'].includes(parsed.model?.kind) ? parsed : null;
    } catch {
      return null;
    }
  }
}
