// Named model families. A new GAN variant is one file in models/ plus one line here.
import { acganFamily } from './models/acgan';
import { cganFamily } from './models/cgan';
import { convFamily } from './models/conv';
import { dcganFamily } from './models/dcgan';
import { mlpFamily } from './models/mlp';
import type { ModelFamily, ModelSpec } from './types';
import { shownName } from '../util/suggest';

const FAMILIES: ModelFamily[] = [mlpFamily, convFamily, dcganFamily, cganFamily, acganFamily];

export const MODEL_NAMES: readonly string[] = FAMILIES.map((f) => f.name);

export function modelFamily(name: string): ModelFamily {
  const family = FAMILIES.find((f) => f.name === name);
  if (!family) throw new Error(`unknown model '${shownName(String(name))}' (available: ${MODEL_NAMES.join(', ')})`);
  return family;
}

/** The family, after checking that it can model this data; the error names the model and the reason. */
export function familyFor(spec: ModelSpec & { model: string }): ModelFamily {
  const family = modelFamily(spec.model);
  const problem = family.unsupported?.(spec);
  if (problem) throw new Error(`model '${spec.model}' ${problem}`);
  return family;
}

export function allFamilies(): readonly ModelFamily[] {
  return FAMILIES;
}
