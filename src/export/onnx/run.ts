// Exporting a trained run's generator: the checkpoint is read and checked by readCheckpoint (format, config,
// tensor layout and sizes, all before any model is built), the family's generator is rebuilt from the config,
// and the chosen weights are restored into it: the moving average E when the run kept one, unless `raw`.
import { modelSpec } from '../../gan/adversarial';
import { LoadedCheckpoint, restoreNetwork } from '../../gan/checkpoint';
import { readDrawable } from '../../gan/generator-file';
import type { TrainConfig } from '../../gan/config';
import { classRunDir, isPerClassRun } from '../../gan/per-class';
import { familyFor } from '../../gan/registry';
import { checkpointFile } from '../../gan/run-samples';
import { latentDirections, LatentDirection } from '../../gan/latent-directions';
import { exportGenerator } from './generator';
import { DescribedTranslator, exportTranslator } from './translator';
import { exportEditor } from './editor';
import { domainsOf } from '../../gan/domains';

export interface RunExportOptions {
  opset?: number;
  /** 'ema': the moving average, and an error if the run has none; 'raw': G itself; default: E if kept, else G. */
  weights?: 'ema' | 'raw';
  /** Also compute the generator's top principal directions in z (the playground's sliders). */
  directions?: { count: number; samples: number; seed: number };
}

export interface RunExport {
  bytes: Uint8Array;
  config: TrainConfig;
  /** The checkpoint file read. */
  file: string;
  /** The checkpoint prefix of the exported weights: 'E' (moving average) or 'G'. */
  network: string;
  step: number;
  conditional: boolean;
  /**
   * 'noise': z (and class) → image; 'translation': image → translated (in the direction the run learned);
   * 'editing': image and target domains → edited (StarGAN).
   */
  kind: 'noise' | 'translation' | 'editing';
  directions?: LatentDirection[];
}

export function exportRun(run: string, options: RunExportOptions = {}): RunExport {
  if (isPerClassRun(run)) throw new Error(`${run} is a per-class run (one model per class): export one class's model, e.g. ${classRunDir(run, 0)}`);
  // A training checkpoint, or a generator file (zoo:NAME, `zoo pack`), which holds one set of weights.
  const { checkpoint, prefix } = readDrawable(checkpointFile(run));
  const { config, file } = checkpoint;
  let generator;
  try {
    const family = familyFor(config);
    const sampler = family.noiseSampler;
    if (!sampler && family.translator) return exportTranslatorRun(checkpoint, prefix, options);
    if (!sampler && family.editor) return exportEditorRun(checkpoint, options);
    if (!sampler) throw new Error(`${file}: model '${config.model}' neither draws images from noise nor translates them; ganforge cannot export it`);
    if (prefix !== null && options.weights) throw new Error(`${file} is a generator file: it holds one set of weights (the run's moving average where it kept one); drop --${options.weights}`);
    if (options.weights === 'ema' && config.emaDecay <= 0) throw new Error(`${file}: the run kept no moving average of G (trained without --ema); export G itself with --raw`);
    const network = prefix ?? sampler.weightsPrefix(config, options.weights === 'raw');
    generator = sampler.generator(modelSpec(config));
    restoreNetwork(checkpoint, network, generator);
    const conditional = sampler.conditioning !== 'none';
    const step = checkpoint.progress.step;
    const bytes = exportGenerator(generator, {
      conditional,
      opset: options.opset,
      metadata: {
        model: config.model,
        weights: network === 'E' ? `E (moving average of G, decay ${config.emaDecay})` : 'G',
        step: String(step),
        dataset: config.dataset,
        latent_dim: String(config.latentDim),
        num_classes: String(config.numClasses),
        image_shape: JSON.stringify(config.imageShape),
      },
    });
    const directions = options.directions && latentDirections(generator, { ...options.directions, numClasses: conditional ? config.numClasses : undefined });
    return { bytes, config, file, network, step, conditional, kind: 'noise', directions };
  } finally {
    generator?.dispose();
    checkpoint.dispose();
  }
}

/** An image-to-image run: its generator for the direction it was trained in (the only one it has). */
function exportTranslatorRun(checkpoint: LoadedCheckpoint, prefix: string | null, options: RunExportOptions): RunExport {
  const { config, file } = checkpoint;
  const translator = familyFor(config).translator!;
  if (options.weights === 'ema') throw new Error(`${file}: a ${config.model} run keeps no moving average of G; export it without --ema`);
  const network = prefix ?? translator.weightsPrefix(config, config.direction);
  if (network === null) throw new Error(`${file}: this ${config.model} run has no generator for ${config.direction}`);
  const generator = translator.generator(config, config.direction) as DescribedTranslator;
  try {
    restoreNetwork(checkpoint, network, generator);
    const step = checkpoint.progress.step;
    const bytes = exportTranslator(generator, {
      inputShape: config.imageShape,
      outputChannels: config.imageShape[0],
      opset: options.opset,
      metadata: { model: config.model, weights: network, step: String(step), dataset: config.dataset, direction: config.direction, image_shape: JSON.stringify(config.imageShape) },
    });
    return { bytes, config, file, network, step, conditional: false, kind: 'translation' };
  } finally {
    generator.dispose();
  }
}

/** An attribute-editing run: its generator, with the target domains as a second input. */
function exportEditorRun(checkpoint: LoadedCheckpoint, options: RunExportOptions): RunExport {
  const { config, file } = checkpoint;
  if (options.weights === 'ema') throw new Error(`${file}: a ${config.model} run keeps no moving average of G; export it without --ema`);
  const generator = familyFor(config).editor!.generator(config);
  try {
    restoreNetwork(checkpoint, 'G', generator);
    const step = checkpoint.progress.step;
    const domains = domainsOf(config);
    const bytes = exportEditor(generator, {
      imageShape: config.imageShape,
      domains: domains.names.length,
      opset: options.opset,
      metadata: { model: config.model, weights: 'G', step: String(step), dataset: config.dataset, domains: JSON.stringify(domains.names), image_shape: JSON.stringify(config.imageShape) },
    });
    return { bytes, config, file, network: 'G', step, conditional: false, kind: 'editing' };
  } finally {
    generator.dispose();
  }
}
