// Drawing n images from a trained run: a run folder (its last checkpoint), a checkpoint file, or a
// --per-class run (n/K images from each class's model). Used by `ganforge sample` and `ganforge eval`.
import * as fs from 'fs';
import * as path from 'path';
import { manualSeed, tensor } from '../torch';
import { LoadedCheckpoint, readCheckpoint, restoreGenerator } from './checkpoint';
import type { TrainConfig } from './config';
import { familyFor } from './registry';
import { RunDir } from './run-dir';
import { sampleInBatches } from './sampling';
import { modelSpec } from './session';

export interface RunSamples {
  /** N×C×H×W in [-1, 1]. */
  images: Float32Array;
  shape: [number, number, number, number];
  config: TrainConfig;
  /** The step of the checkpoint the images came from (the smallest, for per-class runs). */
  step: number;
  /** Images per row that show one class per column, for conditional grids. */
  nrow?: number;
}

export interface SampleOptions {
  n: number;
  seed: number;
  batchSize?: number;
  /** Only this class (conditional models, per-class runs). */
  classIndex?: number;
  /** Use G itself rather than its moving average. */
  raw?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** Thrown for a wrong --class or a per-class run without one: the CLI reports it as a usage error. */
export class SampleChoiceError extends Error {}

export function isPerClassRun(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'per-class.json'));
}

function checkpointFile(given: string): string {
  return fs.existsSync(given) && fs.statSync(given).isDirectory() ? new RunDir(given).checkpointPath : given;
}

function fromCheckpoint(checkpoint: LoadedCheckpoint, o: SampleOptions, done: number, total: number): RunSamples {
  const { config } = checkpoint;
  const family = familyFor(modelSpec(config));
  const generator = family.generator(modelSpec(config));
  try {
    restoreGenerator(checkpoint, generator, o.raw === true);
  } finally {
    checkpoint.dispose();
  }
  const conditional = family.conditioning !== 'none';
  if (conditional && o.classIndex !== undefined && o.classIndex >= config.numClasses) {
    generator.dispose();
    throw new SampleChoiceError(`--class ${o.classIndex}: the model knows classes 0…${config.numClasses - 1}`);
  }
  // Conditional models: the asked class, or all classes in turn.
  const labelsFor = conditional
    ? (start: number, count: number) => tensor(Array.from({ length: count }, (_, i) => o.classIndex ?? (start + i) % config.numClasses), [count], 'int64')
    : undefined;
  const [c, h, w] = config.imageShape;
  const per = c * h * w;
  const images = new Float32Array(o.n * per);
  let filled = 0;
  manualSeed(o.seed);
  try {
    sampleInBatches(generator, o.n, o.batchSize ?? 500, (data, count) => {
      images.set(data, filled * per);
      filled += count;
      o.onProgress?.(done + filled, total);
    }, labelsFor);
  } finally {
    generator.dispose();
  }
  return { images, shape: [o.n, c, h, w], config, step: 0, nrow: conditional && o.classIndex === undefined ? config.numClasses : undefined };
}

export function sampleRun(run: string, o: SampleOptions): RunSamples {
  if (!isPerClassRun(run)) {
    const checkpoint = readCheckpoint(checkpointFile(run));
    const step = checkpoint.progress.step;
    return { ...fromCheckpoint(checkpoint, o, 0, o.n), step };
  }
  const classes = (JSON.parse(fs.readFileSync(path.join(run, 'per-class.json'), 'utf8')).classes as string[]);
  const chosen = o.classIndex === undefined ? classes.map((_, k) => k) : [o.classIndex];
  for (const k of chosen) if (!fs.existsSync(path.join(run, `class-${k}`))) throw new SampleChoiceError(`--class ${k}: ${run} has no class-${k}`);
  // n split as evenly as possible over the chosen classes, each class from its own model.
  const parts: RunSamples[] = [];
  let done = 0;
  chosen.forEach((k, i) => {
    const count = Math.floor(o.n / chosen.length) + (i < o.n % chosen.length ? 1 : 0);
    if (count === 0) return;
    const checkpoint = readCheckpoint(new RunDir(path.join(run, `class-${k}`)).checkpointPath);
    const step = checkpoint.progress.step;
    parts.push({ ...fromCheckpoint(checkpoint, { ...o, n: count, seed: o.seed + k, classIndex: undefined }, done, o.n), step });
    done += count;
  });
  const [, c, h, w] = parts[0].shape;
  const images = new Float32Array(o.n * c * h * w);
  let offset = 0;
  for (const p of parts) {
    images.set(p.images, offset);
    offset += p.images.length;
  }
  return { images, shape: [o.n, c, h, w], config: parts[0].config, step: Math.min(...parts.map((p) => p.step)) };
}
