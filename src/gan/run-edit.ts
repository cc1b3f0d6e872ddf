// Applying a trained attribute-editing run (StarGAN, Age-cGAN) to images: its editing function and its domains,
// for `ganforge edit`, `ganforge eval` and the measurements in the README, all from the run's checkpoint.
import * as fs from 'fs';
import { noGrad, tensor, tidy } from '../torch';
import { readCheckpoint, restoreNetwork } from './checkpoint';
import type { TrainConfig } from './config';
import { Domains, domainsFromLogits, domainsOf } from './domains';
import { familyFor } from './registry';
import type { EditingGenerator, Editor, ModelFamily, OpenedEditor } from './types';
import { RunDir } from './run-dir';

export interface LoadedEditor extends OpenedEditor {
  config: TrainConfig;
  domains: Domains;
  /** The checkpoint's step. */
  step: number;
}

/** Whether a family's runs edit attributes (StarGAN's editing generator, Age-cGAN's latent editor): `ganforge eval` scores their edits. */
export function editsAttributes(family: ModelFamily): boolean {
  return family.editor !== undefined || family.latentEditor !== undefined;
}

/** The generator of an editing run (a run folder or a checkpoint file); another model's run is refused in one line. */
export function loadEditor(run: string): LoadedEditor {
  const file = fs.existsSync(run) && fs.statSync(run).isDirectory() ? new RunDir(run).checkpointPath : run;
  const checkpoint = readCheckpoint(file);
  let generator: EditingGenerator | undefined;
  let discriminator: ReturnType<Editor['domainReader']> | undefined;
  try {
    const { config } = checkpoint;
    const family = familyFor(config);
    if (family.latentEditor) {
      const opened = family.latentEditor.open(config, (prefix, network) => restoreNetwork(checkpoint, prefix, network));
      return { ...opened, config, domains: family.latentEditor.domains(config), step: checkpoint.progress.step };
    }
    const editor = family.editor;
    if (!editor) throw new Error(`${file}: model '${config.model}' does not edit attributes; edit needs a stargan or agecgan run`);
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
