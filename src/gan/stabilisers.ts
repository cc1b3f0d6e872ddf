// The training aids of the modern GANs, as config keys any family may honour: spectral norm (Miyato et al.
// 2018), DiffAugment (Zhao et al. 2020), the R1 penalty (Mescheder et al. 2018; lazy, as StyleGAN2) and
// orthogonal regularisation (Brock et al. 2019). Each is implemented once (src/nn/spectral-norm.ts,
// diffaugment.ts, regularisers.ts); a family says which it honours, and a run asking one it does not is refused.
import { OptionError } from '../errors';
import type { TrainConfig } from './config';
import type { ModelFamily } from './types';

/** Which networks get spectral norm: none, D only (SNGAN), or G and D (SAGAN, BigGAN). */
export const SPECTRAL_NORM_TARGETS = ['none', 'd', 'gd'] as const;
export type SpectralNormTarget = (typeof SPECTRAL_NORM_TARGETS)[number];

export type Stabiliser = 'spectralNorm' | 'diffAugment' | 'r1Gamma' | 'orthoBeta';

/** Every stabiliser: what the adversarial families honour. */
export const ALL_STABILISERS: readonly Stabiliser[] = ['spectralNorm', 'diffAugment', 'r1Gamma', 'orthoBeta'];

/** The stabilisers `config` turns on. */
export function stabilisersAsked(config: TrainConfig): Stabiliser[] {
  const on: Record<Stabiliser, boolean> = {
    spectralNorm: config.spectralNorm !== 'none',
    diffAugment: config.diffAugment !== '',
    r1Gamma: config.r1Gamma > 0,
    orthoBeta: config.orthoBeta > 0,
  };
  return ALL_STABILISERS.filter((key) => on[key]);
}

/** Refuses, in one line naming the key, a stabiliser `family` does not apply (it would be silently ignored). */
export function checkStabilisers(family: ModelFamily, config: TrainConfig): void {
  const honoured = family.stabilisers ?? [];
  const refused = stabilisersAsked(config).find((key) => !honoured.includes(key));
  if (!refused) return;
  const list = (name: (o: string) => string) => (honoured.length ? honoured.map(name).join(', ') : 'none of them');
  throw new OptionError(refused, (name) => `${name(refused)}: model '${family.name}' does not apply it (of the stabilisers it applies ${list(name)})`);
}
