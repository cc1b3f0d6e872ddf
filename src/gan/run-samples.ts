// Drawing n images from a trained run: a run folder (its last checkpoint), a checkpoint file, or a per-class run
// (n/K images from each class's model). Used by `ganforge sample` and `ganforge eval`.
import * as fs from 'fs';
import { OptionError } from '../errors';
import { manualSeed } from '../torch';
import { modelSpec } from './adversarial';
import { LoadedCheckpoint, readCheckpoint, restoreNetwork } from './checkpoint';
import { readDrawable } from './generator-file';
import type { TrainConfig } from './config';
import { labelsInTurn, labelsOf } from './labels';
import { classRunDir, isPerClassRun, readPerClassManifest } from './per-class';
import { familyFor } from './registry';
import { RunDir } from './run-dir';
import { sampleInBatches } from './sampling';
import { resolveModelSource } from './zoo';
import { StyleGenerator } from './models/stylegan-parts';
import { StylePicture, stylePicture } from './style-pictures';
import type { Generator } from './types';
import type { Image } from '../io/png';

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
  /** The truncation trick's threshold ψ (sampling.ts truncatedNoise); absent: plain N(0, I) noise. */
  truncation?: number;
  onProgress?: (done: number, total: number) => void;
}

/** A run folder's checkpoint, a zoo model's file (`zoo:NAME`), or the file itself. */
export function checkpointFile(given: string): string {
  const source = resolveModelSource(given);
  return fs.existsSync(source) && fs.statSync(source).isDirectory() ? new RunDir(source).checkpointPath : source;
}

/**
 * `checkpoint`'s noise generator with the weights under `prefix`, or (null) the family's choice of EMA or raw;
 * the checkpoint is disposed either way. Refuses, in one line, a family that does not draw from noise.
 */
function noiseGenerator(checkpoint: LoadedCheckpoint, o: Pick<SampleOptions, 'raw' | 'truncation' | 'classIndex'>, prefix: string | null): { generator: Generator; conditional: boolean } {
  const { config } = checkpoint;
  let generator;
  try {
    const family = familyFor(config);
    const sampler = family.noiseSampler;
    if (!sampler) {
      const why = `${checkpoint.file}: model '${config.model}' does not draw images from noise${family.translator ? ' (it translates images: use ganforge translate)' : ''}`;
      // The truncation trick needs a normal latent: said first when it was asked, as it is the flag that cannot apply.
      if (o.truncation !== undefined) throw new OptionError('truncation', (name) => `${name('truncation')}: ${why}, so it has no latent to truncate`);
      throw new Error(why);
    }
    const conditional = sampler.conditioning !== 'none';
    if (conditional && o.classIndex !== undefined && o.classIndex >= config.numClasses) {
      throw new OptionError('classIndex', (name) => `${name('classIndex')} ${o.classIndex}: the model knows classes 0…${config.numClasses - 1}`);
    }
    generator = sampler.generator(modelSpec(config));
    restoreNetwork(checkpoint, prefix ?? sampler.weightsPrefix(config, o.raw === true), generator);
    return { generator, conditional };
  } catch (err) {
    generator?.dispose();
    throw err;
  } finally {
    checkpoint.dispose();
  }
}

/** Draws from `checkpoint`'s generator: the weights under `prefix`, or (null) the family's choice of EMA or raw. */
function fromCheckpoint(checkpoint: LoadedCheckpoint, o: SampleOptions, done: number, total: number, prefix: string | null = null): RunSamples {
  const { config } = checkpoint;
  const { generator, conditional } = noiseGenerator(checkpoint, o, prefix);
  // Conditional models: the asked class, or all classes in turn.
  const labelsFor = conditional
    ? (start: number, count: number) => (o.classIndex !== undefined ? labelsOf(o.classIndex, count) : labelsInTurn(start, count, config.numClasses))
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
    }, labelsFor, o.truncation);
  } finally {
    generator.dispose();
  }
  return { images, shape: [o.n, c, h, w], config, step: 0, nrow: conditional && o.classIndex === undefined ? config.numClasses : undefined };
}

export function sampleRun(run: string, o: SampleOptions): RunSamples {
  if (!isPerClassRun(run)) {
    // A training checkpoint or a generator file (the zoo's, or `ganforge zoo pack`'s).
    const { checkpoint, prefix } = readDrawable(checkpointFile(run));
    const step = checkpoint.progress.step;
    return { ...fromCheckpoint(checkpoint, o, 0, o.n, prefix), step };
  }
  const { classes } = readPerClassManifest(run);
  const chosen = o.classIndex === undefined ? classes.map((_, k) => k) : [o.classIndex];
  for (const k of chosen) {
    if (!fs.existsSync(classRunDir(run, k))) throw new OptionError('classIndex', (name) => `${name('classIndex')} ${k}: ${run} has no class-${k}`);
  }
  // n split as evenly as possible over the chosen classes, each class from its own model.
  const parts: RunSamples[] = [];
  let done = 0;
  chosen.forEach((k, i) => {
    const count = Math.floor(o.n / chosen.length) + (i < o.n % chosen.length ? 1 : 0);
    if (count === 0) return;
    const checkpoint = readCheckpoint(new RunDir(classRunDir(run, k)).checkpointPath);
    const step = checkpoint.progress.step;
    parts.push({ ...fromCheckpoint(checkpoint, { ...o, n: count, seed: o.seed + k, classIndex: undefined }, done, o.n), step });
    done += count;
  });
  const [, c, h, w] = parts[0].shape;
  const odd = parts.find((p) => p.shape.slice(1).join('x') !== `${c}x${h}x${w}`);
  if (odd) throw new Error(`${run}: its class models draw images of different sizes (${odd.shape.slice(1).join('×')} and ${c}×${h}×${w})`);
  const images = new Float32Array(o.n * c * h * w);
  let offset = 0;
  for (const p of parts) {
    images.set(p.images, offset);
    offset += p.images.length;
  }
  return { images, shape: [o.n, c, h, w], config: parts[0].config, step: Math.min(...parts.map((p) => p.step)) };
}

/**
 * One of StyleGAN's pictures (style-pictures.ts) from a run's generator (its moving average unless `raw`);
 * refused in one line for a run of another family or a per-class run.
 */
export function stylePictureOfRun(run: string, kind: StylePicture, o: { seed: number; raw?: boolean; truncation?: number }): Image {
  if (isPerClassRun(run)) throw new OptionError('picture', (name) => `${name('picture')}: ${run} is a per-class run; draw from one class's model, e.g. ${classRunDir(run, 0)}`);
  const { checkpoint, prefix } = readDrawable(checkpointFile(run));
  const model = checkpoint.config.model;
  const { generator } = noiseGenerator(checkpoint, o, prefix);
  try {
    if (!(generator instanceof StyleGenerator)) throw new OptionError('picture', (name) => `${name('picture')} ${kind}: model '${model}' has no styles to mix or noise inputs (it needs a stylegan run)`);
    return stylePicture(generator, kind, { seed: o.seed, truncation: o.truncation });
  } finally {
    generator.dispose();
  }
}
