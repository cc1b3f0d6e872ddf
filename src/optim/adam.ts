// Adam (Kingma & Ba), with PyTorch's options and update order: L2 weight decay added to the gradient,
// bias-corrected moments, optional AMSGrad. All parameters are updated in one native call.
import { adamUpdate, keep, Tensor } from '../torch';
import { Optimizer } from './optimizer';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
}

export class Adam extends Optimizer {
  beta1: number;
  beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
  readonly #expAvg: Tensor[];
  readonly #expAvgSq: Tensor[];
  readonly #maxExpAvgSq: Tensor[];

  constructor(params: Tensor[], options: AdamOptions = {}) {
    super(params, options.lr ?? 1e-3);
    [this.beta1, this.beta2] = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    this.amsgrad = options.amsgrad ?? false;
    for (const [name, value] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(value >= 0 && value < 1)) throw new RangeError(`Adam ${name} must be in [0, 1), got ${value}`);
    }
    if (!(this.eps >= 0)) throw new RangeError(`Adam eps must be >= 0, got ${this.eps}`);
    if (!(this.weightDecay >= 0)) throw new RangeError(`Adam weight decay must be >= 0, got ${this.weightDecay}`);
    this.#expAvg = this.zerosLikeParams().map(keep);
    this.#expAvgSq = this.zerosLikeParams().map(keep);
    this.#maxExpAvgSq = this.amsgrad ? this.zerosLikeParams().map(keep) : [];
  }

  protected update(): void {
    adamUpdate(this.params, this.#expAvg, this.#expAvgSq, this.#maxExpAvgSq, this.steps, {
      lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay, amsgrad: this.amsgrad,
    });
  }

  protected namedState(): [string, Tensor[]][] {
    const state: [string, Tensor[]][] = [['exp_avg', this.#expAvg], ['exp_avg_sq', this.#expAvgSq]];
    if (this.amsgrad) state.push(['max_exp_avg_sq', this.#maxExpAvgSq]);
    return state;
  }
}
