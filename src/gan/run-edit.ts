// Applying a trained attribute-editing run (StarGAN) to images: its generator and its domains, for
// `ganforge edit` and the measurements in the README. The run's checkpoint gives G and the domain names.
import * as fs from 'fs';
import { noGrad, tensor, tidy } from '../torch';
import { readCheckpoint, restoreNetwork } from './checkpoint';
import type { TrainConfig } from './config';
import { Domains, domainsFromLogits, domainsOf } from './domains';
import { familyFor } from './registry';
import type { EditingGenerator, Editor } from './types';
import { RunDir } from './run-dir';
import { familyOfRun } from './run-translate';

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
  /**
   * What the run's discriminator reads in N×C×H×W images: their domain vectors [N, K] of 0/1, the starting
   * point an edit changes (images from outside the data come without labels).
   */
  readDomains(images: Float32Array, count: number): Float32Array;
  dispose(): void;
}

/** Whether `run` (a run folder or checkpoint file) holds an attribute-editing model: `ganforge eval` scores its edits. */
export function isEditingRun(run: string): boolean {
  return familyOfRun(run)?.editor !== undefined;
}

/** The generator of an editing run (a run folder or a checkpoint file); another model's run is refused in one line. */
export function loadEditor(run: string): LoadedEditor {
  const file = fs.existsSync(run) && fs.statSync(run).isDirectory() ? new RunDir(run).checkpointPath : run;
  const checkpoint = readCheckpoint(file);
  let generator: EditingGenerator | undefined;
  let discriminator: ReturnType<Editor['domainReader']> | undefined;
  try {
    const { config } = checkpoint;
    const editor = familyFor(config).editor;
    if (!editor) throw new Error(`${file}: model '${config.model}' does not edit attributes; edit needs a stargan run`);
    generator = editor.generator(config);
    restoreNetwork(checkpoint, 'G', generator);
    generator.eval();
    discriminator = editor.domainReader(config);
    restoreNetwork(checkpoint, 'D', discriminator);
    const g = generator;
    const d = discriminator;
    const domains = domainsOf(config);
    const [c, h, w] = config.imageShape;
    const K = domains.names.length;
    return {
      config, domains, step: checkpoint.progress.step,
      edit: (images, targets, count) => noGrad(() => tidy(() => g.edit(tensor(images, [count, c, h, w]), tensor(targets, [count, K])).toFloat32Array())),
      readDomains: (images, count) => domainsFromLogits(domains, noGrad(() => tidy(() => d.judge(tensor(images, [count, c, h, w])).logits.toFloat32Array())), count),
      dispose: () => {
        g.dispose();
        d.dispose();
      },
    };
  } catch (err) {
    generator?.dispose();
    discriminator?.dispose();
    throw err;
  } finally {
    checkpoint.dispose();
  }
}
