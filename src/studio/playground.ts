// The playground's model for a run, exported on demand: the generator as ONNX with its description
// (src/export/playground.ts), cached in RUN/playground/ beside a stamp of the checkpoint it came from, so a
// page opens at once after the first time and a run that trains on gets a fresh export with its next checkpoint.
// The checkpoint is read and checked as `ganforge export` reads it (hostile or oversized files are refused
// before any model is built), in a child process (playground-export-child.ts) so that the server answers other
// requests meanwhile; every path is checked to stay inside the run's own folder, symlinks included.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import type { PlaygroundModel } from '../export/playground';
import { RunDir } from '../gan/run-dir';
import { isPerClassRun } from '../gan/per-class';
import { writeFileAtomic } from '../io/atomic';
import { HttpError, RunsRoot } from './paths';

export const CACHE_FOLDER = 'playground';
const MODEL_FILE = 'generator.onnx';
const INFO_FILE = 'generator.json';
const CHILD = path.join(__dirname, 'playground-export-child.js');
/** The zoo's models export in about a second; a checkpoint that takes this long is stopped. */
export const EXPORT_TIMEOUT_MS = 120_000;
const execFileAsync = promisify(execFile);

interface CachedInfo {
  /** size:mtime:inode of the checkpoint the export came from. */
  checkpoint: string;
  model: PlaygroundModel;
}

function stamp(file: string): string {
  const s = fs.statSync(file);
  return `${s.size}:${s.mtimeMs}:${s.ino}`;
}

/** Where a run's playground cache and its two files are. */
function cacheFiles(runFolder: string): { cache: string; modelFile: string; infoFile: string } {
  const cache = path.join(runFolder, CACHE_FOLDER);
  return { cache, modelFile: path.join(cache, MODEL_FILE), infoFile: path.join(cache, INFO_FILE) };
}

/** `file` as a real path inside `folder` (a run's real folder), or null. */
function inside(root: RunsRoot, folder: string, file: string): string | null {
  const real = root.contained(file);
  return real !== null && real.startsWith(folder + path.sep) ? real : null;
}

type Exported = { model: PlaygroundModel; file: string };

export class PlaygroundModels {
  /** Exports under way, by run folder and checkpoint stamp: requests that arrive meanwhile share one. */
  readonly #inFlight = new Map<string, Promise<Exported>>();

  constructor(readonly root: RunsRoot) {}

  /** The run's playground model (exported now if the cache is absent or older than the checkpoint). */
  async get(runFolder: string): Promise<Exported> {
    const name = path.basename(runFolder);
    if (isPerClassRun(runFolder)) throw new HttpError(422, `${name} is a per-class run (one model per class): open one class's run`);
    const dir = new RunDir(runFolder);
    const checkpoint = inside(this.root, runFolder, dir.checkpointPath);
    if (checkpoint === null || !fs.statSync(checkpoint).isFile()) throw new HttpError(409, `${name} has no checkpoint yet`);
    const { modelFile, infoFile } = cacheFiles(runFolder);
    const current = stamp(checkpoint);
    const cached = this.#readCache(runFolder, infoFile, modelFile);
    if (cached?.checkpoint === current) return { model: cached.model, file: inside(this.root, runFolder, modelFile)! };
    const key = `${runFolder}\n${current}`;
    let pending = this.#inFlight.get(key);
    if (!pending) {
      pending = this.#export(runFolder, checkpoint, current).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    return pending;
  }

  /** Exports in a child process into a private temporary folder, then writes the run's cache. */
  async #export(runFolder: string, checkpoint: string, current: string): Promise<Exported> {
    const name = path.basename(runFolder);
    const temp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'ganforge-playground-'));
    try {
      const onnx = path.join(temp, MODEL_FILE);
      let stdout: string;
      try {
        ({ stdout } = await execFileAsync(process.execPath, [CHILD, checkpoint, onnx], { encoding: 'utf8', timeout: EXPORT_TIMEOUT_MS, maxBuffer: 16 << 20 }));
      } catch (err) {
        const failed = err as { killed?: boolean; stderr?: string };
        const message = failed.killed ? `exporting took longer than ${EXPORT_TIMEOUT_MS / 1000} s and was stopped`
          : failed.stderr?.trim().split('\n').at(-1) || 'the export failed';
        // The message names the checkpoint by its path on this machine: shown by the run's name instead.
        throw new HttpError(422, message.split(runFolder).join(name));
      }
      const model = JSON.parse(stdout.trim().split('\n').at(-1)!) as PlaygroundModel;
      const bytes = await fs.promises.readFile(onnx);
      const { modelFile, infoFile } = cacheFiles(runFolder);
      this.#makeCacheFolder(runFolder);
      // The model first, its description last: a reader that finds the description finds its model.
      writeFileAtomic(modelFile, bytes);
      writeFileAtomic(infoFile, JSON.stringify({ checkpoint: current, model } satisfies CachedInfo));
      return { model, file: modelFile };
    } finally {
      await fs.promises.rm(temp, { recursive: true, force: true });
    }
  }

  #makeCacheFolder(runFolder: string): void {
    const { cache } = cacheFiles(runFolder);
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
