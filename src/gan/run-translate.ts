// Applying a trained image-to-image run to images: `ganforge translate` and the measurements in the README.
// The run's checkpoint gives the generator for a direction; images are resized to the run's size and colour.
import * as fs from 'fs';
import type { Direction } from '../data/paired';
import type { Layer, Module } from '../nn';
import { tensor } from '../torch';
import { readCheckpoint, restoreNetwork } from './checkpoint';
import type { TrainConfig } from './config';
import { familyFor } from './registry';
import { RunDir } from './run-dir';
import type { ModelFamily } from './types';
import { applyGenerator } from './translation';

/**
 * The model family of `run` (a run folder or a checkpoint file), or null for anything that is not a readable
 * checkpoint, so the caller's own reading reports it. `ganforge eval` picks how to score a run by it.
 */
export function familyOfRun(run: string): ModelFamily | null {
  const file = fs.existsSync(run) && fs.statSync(run).isDirectory() ? new RunDir(run).checkpointPath : run;
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return null;
  let checkpoint;
  try {
    checkpoint = readCheckpoint(file);
  } catch {
    return null;
  }
  try {
    return familyFor(checkpoint.config);
  } finally {
    checkpoint.dispose();
  }
}

export interface LoadedTranslator {
  generator: Module & Layer;
  config: TrainConfig;
  direction: Direction;
  /** The checkpoint's step. */
  step: number;
  /** N×C×H×W images in [-1, 1] of the run's shape → their translations (eval mode, no autograd). */
  translate(images: Float32Array, count: number): Float32Array;
  dispose(): void;
}

/**
 * The generator of `run` (a run folder or a checkpoint file) that translates in `direction` (default: the
 * direction the run was trained in). A run of a noise-to-image model, or without that direction, is refused in
 * one line.
 */
export function loadTranslator(run: string, direction?: Direction): LoadedTranslator {
  const file = fs.existsSync(run) && fs.statSync(run).isDirectory() ? new RunDir(run).checkpointPath : run;
  const checkpoint = readCheckpoint(file);
  let generator: (Module & Layer) | undefined;
  try {
    const { config } = checkpoint;
    const translator = familyFor(config).translator;
    if (!translator) throw new Error(`${file}: model '${config.model}' draws images from noise; translate needs an image-to-image run (--model pix2pix, cyclegan or discogan)`);
    const chosen = direction ?? config.direction;
    const prefix = translator.weightsPrefix(config, chosen);
    if (prefix === null) throw new Error(`${file}: this ${config.model} run learned ${config.direction} only, not ${chosen}`);
    generator = translator.generator(config, chosen);
    restoreNetwork(checkpoint, prefix, generator);
    const g = generator;
    const [c, h, w] = config.imageShape;
    return {
      generator: g, config, direction: chosen, step: checkpoint.progress.step,
      translate: (images, count) => {
        const x = tensor(images, [count, c, h, w]);
        try {
          return applyGenerator(g, x);
        } finally {
          x.dispose();
        }
      },
      dispose: () => g.dispose(),
    };
  } catch (err) {
    generator?.dispose();
    throw err;
  } finally {
    checkpoint.dispose();
  }
}
