// The optimizer every family trains with: Adam with the run's β1, β2 and AMSGrad, at the learning rate of the
// network it updates (lrG or lrD), so a family never spells the config's optimizer keys again.
import { Adam } from '../optim';
import type { Tensor } from '../torch';
import type { TrainConfig } from './config';

export function adamFor(config: Pick<TrainConfig, 'beta1' | 'beta2' | 'amsgrad'>, parameters: Tensor[], lr: number): Adam {
  return new Adam(parameters, { lr, betas: [config.beta1, config.beta2], amsgrad: config.amsgrad });
}
