// Named model families. A new GAN variant is one file in models/ plus one line here.
import { DataKind, dataKindOf, ImageDataset } from '../data/dataset';
import { manualSeed, setNumThreads } from '../torch';
import type { TrainConfig } from './config';
import { acganFamily } from './models/acgan';
import { bigganFamily } from './models/biggan';
import { cganFamily } from './models/cgan';
import { convFamily } from './models/conv';
import { cycleganFamily } from './models/cyclegan';
import { dcganFamily } from './models/dcgan';
import { discoganFamily } from './models/discogan';
import { mlpFamily } from './models/mlp';
import { pix2pixFamily } from './models/pix2pix';
import { saganFamily } from './models/sagan';
import { starganFamily } from './models/stargan';
import { styleganFamily } from './models/stylegan';
import { transganFamily } from './models/transgan';
import { agecganFamily } from './models/agecgan';
import { DataParallel, FamilyRun, ModelFamily, ModelSpec, SINGLE_PROCESS } from './types';
import { shownName } from '../util/suggest';
import { checkStabilisers } from './stabilisers';

const FAMILIES: ModelFamily[] = [mlpFamily, convFamily, dcganFamily, cganFamily, acganFamily, pix2pixFamily, cycleganFamily, discoganFamily, saganFamily, starganFamily, styleganFamily, transganFamily, bigganFamily, agecganFamily];

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

/** How each kind of data is named in the refusals below. */
const DATA_KIND_WORDS: Record<DataKind, { is: string; needs: string }> = {
  images: { is: 'is one set of images', needs: 'one set of images' },
  paired: { is: 'holds pairs of images (A|B)', needs: "paired data (pix2pix's aligned layout: DIR/train/*.png, each A|B side by side)" },
  unpaired: { is: 'holds two unpaired domains (trainA, trainB)', needs: "unpaired data (CycleGAN's layout: DIR/trainA, DIR/trainB, one folder of images per domain)" },
};

/** Refuses data the family cannot train on (no labels for a conditional family, pairs for a noise GAN, …). */
export function checkDataFits(family: ModelFamily, dataset: ImageDataset): void {
  if (family.needsLabels && !dataset.labels) throw new Error(`model '${family.name}' needs labels, and ${dataset.name} has none`);
  const wanted = family.dataKind ?? 'images';
  const given = dataKindOf(dataset);
  if (wanted === given) return;
  if (wanted !== 'images') {
    throw new Error(`model '${family.name}' translates images and needs ${DATA_KIND_WORDS[wanted].needs}; ${dataset.name} ${DATA_KIND_WORDS[given].is}`);
  }
  const translators = FAMILIES.filter((f) => (f.dataKind ?? 'images') === given).map((f) => f.name);
  throw new Error(`${dataset.name} ${DATA_KIND_WORDS[given].is}, which model '${family.name}' does not train on${translators.length ? `: use --model ${translators.join(' or ')}` : ''}`);
}

/**
 * Builds one run of `config`'s family on `dataset` exactly as training does: the family's thread count, the
 * label check, then the seed and the build, in that order (the same seed builds the same networks).
 */
export function buildRun(config: TrainConfig, dataset: ImageDataset, parallel: DataParallel = SINGLE_PROCESS): FamilyRun {
  const family = familyFor(config);
  checkDataFits(family, dataset);
  checkStabilisers(family, config);
  setNumThreads(family.threads ?? 1);
  manualSeed(config.seed);
  return family.createRun(config, dataset, parallel);
}
