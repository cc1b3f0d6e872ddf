// The optimizer every family trains with: Adam with the run's β1, β2 and AMSGrad, at the learning rate of the
// network it updates (lrG or lrD), so a family never spells the config's optimizer keys again.
import { Adam, learningRateFactor, Optimizer } from '../optim';
import type { Tensor } from '../torch';
import type { TrainConfig } from './config';

export function adamFor(config: Pick<TrainConfig, 'beta1' | 'beta2' | 'amsgrad'>, parameters: Tensor[], lr: number): Adam {
  return new Adam(parameters, { lr, betas: [config.beta1, config.beta2], amsgrad: config.amsgrad });
}

/**
 * Sets G's and D's rates for step `step` of `total` by the run's schedule (constant unless lrDecayStart < 1) and
 * returns the factor. Computed from the position alone, so a resumed run gets the same rates.
 */
export function scheduleRates(
  config: Pick<TrainConfig, 'lrG' | 'lrD' | 'lrDecayStart'>, step: number, total: number, optimizerG: Optimizer, optimizerD: Optimizer,
): number {
  const factor = learningRateFactor(step, total, config.lrDecayStart);
  optimizerG.lr = config.lrG * factor;
  optimizerD.lr = config.lrD * factor;
  return factor;
}
