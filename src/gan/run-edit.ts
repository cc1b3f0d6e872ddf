// Applying a trained attribute-editing run (StarGAN) to images: its generator and its domains, for
// `ganforge edit` and the measurements in the README. The run's checkpoint gives G and the domain names.
import * as fs from 'fs';
import { noGrad, tensor, tidy } from '../torch';
import { readCheckpoint, restoreNetwork } from './checkpoint';
import type { TrainConfig } from './config';
import { Domains, domainsOf } from './domains';
import { starGenerator } from './models/stargan';
import type { StarGenerator } from './models/stargan-parts';
import { RunDir } from './run-dir';

export interface LoadedEditor {
  config: TrainConfig;
  domains: Domains;
  /** The checkpoint's step. */
  step: number;
  /**
   * N×C×H×W images in [-1, 1] of the run's shape and N×K target domain vectors → the edited images (eval mode,
   * no autograd).
   */
  edit(images: Float32Array, targets: Float32Array, count: number): Float32Array;
  dispose(): void;
}

/** The generator of an editing run (a run folder or a checkpoint file); another model's run is refused in one line. */
export function loadEditor(run: string): LoadedEditor {
  const file = fs.existsSync(run) && fs.statSync(run).isDirectory() ? new RunDir(run).checkpointPath : run;
  const checkpoint = readCheckpoint(file);
  let generator: StarGenerator | undefined;
  try {
    const { config } = checkpoint;
    if (config.model !== 'stargan') throw new Error(`${file}: model '${config.model}' does not edit attributes; edit needs a stargan run`);
    generator = starGenerator(config);
    restoreNetwork(checkpoint, 'G', generator);
    generator.eval();
    const g = generator;
    const domains = domainsOf(config);
    const [c, h, w] = config.imageShape;
    const K = domains.names.length;
    return {
      config, domains, step: checkpoint.progress.step,
      edit: (images, targets, count) => noGrad(() => tidy(() => g.edit(tensor(images, [count, c, h, w]), tensor(targets, [count, K])).toFloat32Array())),
      dispose: () => g.dispose(),
    };
  } catch (err) {
    generator?.dispose();
    throw err;
  } finally {
    checkpoint.dispose();
  }
}
