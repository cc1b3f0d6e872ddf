// Named model families. A new GAN variant is one file in models/ plus one line here.
import { mlpFamily } from './models/mlp';
import type { ModelFamily } from './types';

const FAMILIES: ModelFamily[] = [mlpFamily];

export const MODEL_NAMES: readonly string[] = FAMILIES.map((f) => f.name);

export function modelFamily(name: string): ModelFamily {
  const family = FAMILIES.find((f) => f.name === name);
  if (!family) throw new Error(`unknown model '${name}' (available: ${MODEL_NAMES.join(', ')})`);
  return family;
}
