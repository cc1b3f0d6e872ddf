// Named model families. A new GAN variant is one file in models/ plus one line here.
import { dataKindOf, ImageDataset } from '../data/dataset';
import { manualSeed, setNumThreads } from '../torch';
import type { TrainConfig } from './config';
import { acganFamily } from './models/acgan';
import { cganFamily } from './models/cgan';
import { convFamily } from './models/conv';
import { dcganFamily } from './models/dcgan';
import { mlpFamily } from './models/mlp';
import { pix2pixFamily } from './models/pix2pix';
import { starganFamily } from './models/stargan';
import { DataParallel, FamilyRun, ModelFamily, ModelSpec, SINGLE_PROCESS } from './types';
import { shownName } from '../util/suggest';

const FAMILIES: ModelFamily[] = [mlpFamily, convFamily, dcganFamily, cganFamily, acganFamily, pix2pixFamily, starganFamily];

/** The names of the built-in families (for --model's choices); registered ones are added by registerFamily. */
export const MODEL_NAMES: readonly string[] = FAMILIES.map((f) => f.name);

/** Adds a family defined outside ganforge (a program's own, or a test's), as if it were one line above. */
export function registerFamily(family: ModelFamily): void {
  if (FAMILIES.some((f) => f.name === family.name)) throw new Error(`a model family named '${family.name}' is already registered`);
  FAMILIES.push(family);
}

export function modelFamily(name: string): ModelFamily {
  const family = FAMILIES.find((f) => f.name === name);
  if (!family) throw new Error(`unknown model '${shownName(String(name))}' (available: ${familyNames().join(', ')})`);
  return family;
}

/** The family, after checking that it can model this data; the error names the model and the reason. */
export function familyFor(spec: ModelSpec & { model: string }): ModelFamily {
  const family = modelFamily(spec.model);
  const problem = family.unsupported?.(spec);
  if (problem) throw new Error(`model '${spec.model}' ${problem}`);
  return family;
}

/** Every family's name, the registered ones included. */
export function familyNames(): string[] {
  return FAMILIES.map((f) => f.name);
}

export function allFamilies(): readonly ModelFamily[] {
  return FAMILIES;
}

/** Refuses data the family cannot train on (no labels for a conditional family, pairs for a noise GAN, …). */
export function checkDataFits(family: ModelFamily, dataset: ImageDataset): void {
  if (family.needsLabels && !dataset.labels) throw new Error(`model '${family.name}' needs labels, and ${dataset.name} has none`);
  const wanted = family.dataKind ?? 'images';
  const given = dataKindOf(dataset);
  if (wanted === given) return;
  if (wanted === 'paired') {
    throw new Error(`model '${family.name}' translates images and needs paired data (pix2pix's aligned layout: DIR/train/*.png, each A|B side by side); ${dataset.name} is one set of images`);
  }
  const translators = FAMILIES.filter((f) => (f.dataKind ?? 'images') === given).map((f) => f.name);
  throw new Error(`${dataset.name} holds pairs of images (A|B), which model '${family.name}' does not train on${translators.length ? `: use --model ${translators.join(' or ')}` : ''}`);
}

/**
 * Builds one run of `config`'s family on `dataset` exactly as training does: the family's thread count, the
 * label check, then the seed and the build, in that order (the same seed builds the same networks).
 */
export function buildRun(config: TrainConfig, dataset: ImageDataset, parallel: DataParallel = SINGLE_PROCESS): FamilyRun {
  const family = familyFor(config);
  checkDataFits(family, dataset);
  setNumThreads(family.threads ?? 1);
  manualSeed(config.seed);
  return family.createRun(config, dataset, parallel);
}
