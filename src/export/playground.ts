// What the playground runs: a run's generator as ONNX (exportRun) and a small description of it that the page
// reads (model.json in a static export, /api/runs/NAME/playground in the studio): inputs, latent size,
// classes, image shape, and the latent directions its sliders move along.
import * as path from 'path';
import { exportRun, RunExportOptions } from './onnx';
import { domainsOf } from '../gan/domains';
import type { LatentDirection } from '../gan/latent-directions';

/** Five sliders, from the PCA of 256 images of a fixed seed: a fraction of a second for the zoo's models. */
export const PLAYGROUND_DIRECTIONS = { count: 5, samples: 256, seed: 0 };

export interface PlaygroundModel {
  /**
   * 'noise': z (and class) → image; 'translation': image → translated (inputs ['image'], no z); 'editing':
   * image and target domains → edited (StarGAN; inputs ['image', 'domains']).
   */
  kind: 'noise' | 'translation' | 'editing';
  /** An editing model's domains: their names, and the one-of groups a page offers as choices (else null). */
  domains: { names: string[]; groups: { key: string; columns: number[]; values: string[] }[] } | null;
  model: string;
  dataset: string;
  step: number;
  /** 'E' (the moving average of G) or 'G'. */
  weights: string;
  /** A translation's direction (AtoB: the data's left image to its right one); null for noise models. */
  direction: string | null;
  /** The ONNX graph's inputs, in order. */
  inputs: string[];
  latentDim: number;
  /** Classes of a conditional model (its `class` input takes 0…classes-1), else null. */
  classes: number | null;
  /** C, H, W of the output (`image`, or `translated`) and of a translation's input, in [-1, 1]. */
  imageShape: [number, number, number];
  directions: LatentDirection[];
}

export function exportPlayground(run: string, options: Pick<RunExportOptions, 'weights'> = {}): { bytes: Uint8Array; model: PlaygroundModel } {
  const result = exportRun(run, { ...options, directions: PLAYGROUND_DIRECTIONS });
  const { config } = result;
  const editing = result.kind === 'editing' ? domainsOf(config) : null;
  return {
    bytes: result.bytes,
    model: {
      kind: result.kind,
      direction: result.kind === 'translation' ? config.direction : null,
      model: config.model,
      // A folder's name, not the path on this machine (the description goes into static exports).
      dataset: path.basename(config.dataset),
      step: result.step,
      weights: result.network,
      inputs: result.kind === 'translation' ? ['image'] : result.kind === 'editing' ? ['image', 'domains'] : result.conditional ? ['z', 'class'] : ['z'],
      latentDim: result.kind === 'noise' ? config.latentDim : 0,
      domains: editing && { names: editing.names, groups: editing.groups },
      classes: result.conditional ? config.numClasses : null,
      imageShape: [...config.imageShape] as [number, number, number],
      directions: result.directions ?? [],
    },
  };
}
