// The life of a run, as the CLI and any program using the library start it: resolve the config (or keep a
// resumed run's), load the data, settle what depends on the data, check that the model fits, then train one
// model, or one per class. `planRun` touches no file; `executeRun` writes the run folder.
import * as fs from 'fs';
import * as path from 'path';
import { dataKindOf, ImageDataset } from '../data/dataset';
import { selectDatasetAttributes } from '../data/attributed-folder';
import { DatasetOptions, loadDataset, onlyClass } from '../data/select';
import { OptionError } from '../errors';
import { makeFolders, removeStaleTemps } from '../io/atomic';
import { LoadedCheckpoint, readCheckpoint } from './checkpoint';
import { TrainConfig, validateConfig } from './config';
import { classRunDir, isPerClassRun, readPerClassManifest, writePerClassManifest } from './per-class';
import { checkDataFits, familyFor, modelFamily } from './registry';
import { checkStabilisers } from './stabilisers';
import { ConfigLayers, resolveConfig } from './resolve';
import { RunDir } from './run-dir';
import { train, TrainHooks, TrainingGroup, TrainResult } from './trainer';

/** Keys a resumed run may change without changing what it computes. */
export const CHANGEABLE_ON_RESUME: ReadonlySet<string> = new Set(['epochs', 'steps', 'timeBudget', 'logEvery', 'metricsEvery', 'checkpointEvery', 'evalEvery', 'tensorboard', 'precision']);

export interface RunRequest {
  /** The run folder; a fresh run without one goes to runs/MODEL-DATASET-TIME. */
  out?: string;
  /** Continue the run in `out` from its checkpoint; its config is kept, except the keys in CHANGEABLE_ON_RESUME. */
  resume?: boolean;
  /** One unconditional model per class, in out/class-K. */
  perClass?: boolean;
  /** The config layers of a fresh run; on resume only `layers.flags` counts, as changes to the saved config. */
  layers: ConfigLayers;
}

export interface RunPlan {
  out: string;
  config: TrainConfig;
  dataset: ImageDataset;
  resume: boolean;
  perClass: boolean;
  /** The checkpoint a resumed single-model run continues from (owned by the plan until executeRun). */
  checkpoint: LoadedCheckpoint | null;
}

/** A resumed run keeps its config; only the length and logging may change. */
export function resumedConfig(saved: TrainConfig, given: Partial<TrainConfig>): TrainConfig {
  for (const [key, value] of Object.entries(given)) {
    if (CHANGEABLE_ON_RESUME.has(key) || value === null) continue;
    const kept = saved[key as keyof TrainConfig];
    if (value !== kept) {
      throw new OptionError(key, (name) => `${name(key)} ${String(value)} differs from the run's config (${String(kept)}); a resumed run keeps its config`);
    }
  }
  return { ...saved, ...given };
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** Settles everything a run needs before it trains; reads the checkpoint of a resumed run but writes nothing. */
export async function planRun(request: RunRequest, data: Pick<DatasetOptions, 'log' | 'onProgress'> = {}): Promise<RunPlan> {
  const resume = request.resume === true;
  const perClass = request.perClass === true;
  const out = request.out ?? '';
  if (resume && !out) throw new OptionError('out', (name) => `${name('resume')} needs ${name('out')}, the run folder to continue`);
  if (resume && perClass !== isPerClassRun(out)) {
    throw new OptionError('perClass', (name) => (perClass ? `${out} is not a ${name('perClass')} run` : `${out} is a ${name('perClass')} run: resume it with ${name('perClass')}`));
  }
  let checkpoint: LoadedCheckpoint | null = null;
  let config: TrainConfig;
  if (resume && perClass) {
    config = resumedConfig(readPerClassManifest(out).config, request.layers.flags);
  } else if (resume) {
    const run = new RunDir(out);
    if (run.hasCheckpoint()) {
      checkpoint = readCheckpoint(run.checkpointPath);
      config = resumedConfig(checkpoint.config, request.layers.flags);
    } else if (fs.existsSync(run.configPath)) {
      // Stopped before its first checkpoint: the run starts over from its config.json (train() says so).
      config = resumedConfig(run.readConfig(), request.layers.flags);
    } else {
      throw new Error(`nothing to resume: ${run.checkpointPath} does not exist`);
    }
  } else {
    // Checked now, before the data loads: a bad value from a config file fails at once.
    config = validateConfig(resolveConfig(request.layers));
  }
  try {
    const loaded = await loadDataset(config.dataset, {
      download: config.download, imageSize: config.imageSize, grayscale: config.grayscale, direction: config.direction,
      attributeFile: config.attributeFile ?? undefined, log: data.log, onProgress: data.onProgress,
    });
    // The attribute columns the run learns: those the config selects (a resumed run's, as stored), else all.
    const dataset = config.attributes === null ? loaded : selectDatasetAttributes(loaded, config.attributes.split(','));
    const kind = dataKindOf(dataset);
    if (!resume && (perClass || !dataset.labels || kind !== 'images')) {
      // Resolved again now that the data is known: with no recipe named, unlabelled data and per-class runs get
      // the default recipe's unconditional twin, paired data the pix2pix recipe, unpaired data the cyclegan
      // recipe (none sets data options, so the loaded data still applies).
      config = resolveConfig({ ...request.layers, labelled: false, dataKind: perClass ? 'images' : kind });
    }
    const imageShape: [number, number, number] = [dataset.channels, dataset.height, dataset.width];
    if (resume && imageShape.join('x') !== config.imageShape.join('x')) {
      throw new Error(`the data (${imageShape.join('×')}) does not match the run's images (${config.imageShape.join('×')})`);
    }
    if (perClass && modelFamily(config.model).needsLabels) {
      throw new OptionError('perClass', (name) => `${name('perClass')} trains unconditional models; '${config.model}' is conditional`);
    }
    if (config.evalEvery > 0 && !modelFamily(config.model).noiseSampler) {
      // Checked before the judge is built (it may train a classifier first): there would be nothing to score.
      throw new OptionError('evalEvery', (name) => `${name('evalEvery')}: model '${config.model}' draws no samples from noise for the judge to score`);
    }
    if (perClass && config.evalEvery > 0) {
      throw new OptionError('evalEvery', (name) => `${name('evalEvery')} scores one model against all classes; it does not apply to per-class runs`);
    }
    const attributes = dataset.attributes?.names.join(',') ?? null;
    config = validateConfig({ ...config, imageShape, numClasses: perClass ? 0 : dataset.classes?.length ?? 0, attributes });
    checkDataFits(familyFor(config), dataset); // fails now, with the reason, if the model cannot fit this data
    checkStabilisers(modelFamily(config.model), config); // and if it would ignore a stabiliser asked for
    if (perClass && !dataset.labels) throw new Error(`a per-class run needs labels, and ${dataset.name} has none`);
    const runOut = out || path.join('runs', `${config.model}-${path.basename(config.dataset)}-${timestamp()}`);
    return { out: runOut, config, dataset, resume, perClass, checkpoint };
  } catch (err) {
    checkpoint?.dispose();
    throw err;
  }
}

/**
 * Trains a planned run: one model into `plan.out`, or one model per class into out/class-K (per-class.json marks
 * the folder and holds the shared config). `hooksFor(label)` gives each model's hooks ('' for a single model,
 * '[class 3] ' per class). Returns one result per model trained; a stopped model ends the run. With `group`, this
 * process is one rank of a data-parallel job (rank 0 writes the folders).
 */
export async function executeRun(plan: RunPlan, group: TrainingGroup | undefined, hooksFor: (label: string) => TrainHooks): Promise<TrainResult[]> {
  const { config, dataset, out } = plan;
  const main = group?.isMain ?? true;
  if (!plan.perClass) return [await train(config, dataset, out, plan.checkpoint, hooksFor(''), { resume: plan.resume, group })];
  if (main && !plan.resume) new RunDir(out).assertNoRun();
  const classes = dataset.classes ?? [...new Set(dataset.labels!)].sort((a, b) => a - b).map(String);
  if (main) {
    makeFolders(out);
    removeStaleTemps(out, 0);
    writePerClassManifest(out, { classes, config });
  }
  const results: TrainResult[] = [];
  for (let label = 0; label < classes.length; label++) {
    const dir = new RunDir(classRunDir(out, label));
    const checkpoint = plan.resume && dir.hasCheckpoint() ? readCheckpoint(dir.checkpointPath) : null;
    const result = await train({ ...config, seed: config.seed + label }, onlyClass(dataset, label), dir.root, checkpoint,
      hooksFor(`[class ${classes[label]}] `), { resume: plan.resume, group });
    results.push(result);
    if (result.stopped) break;
  }
  return results;
}
