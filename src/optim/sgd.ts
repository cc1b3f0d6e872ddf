// Stochastic gradient descent with PyTorch's momentum, dampening, Nesterov and L2 weight decay.
import { keep, sgdUpdate, Tensor } from '../torch';
import { Optimizer } from './optimizer';

export interface SgdOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly #buffers: Tensor[];

  constructor(params: Tensor[], options: SgdOptions) {
    super(params, options.lr);
    this.momentum = options.momentum ?? 0;
    this.dampening = options.dampening ?? 0;
    this.weightDecay = options.weightDecay ?? 0;
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new RangeError('Nesterov momentum needs momentum > 0 and dampening 0');
    }
    this.#buffers = this.momentum !== 0 ? this.zerosLikeParams().map(keep) : [];
  }

  protected update(): void {
    sgdUpdate(this.params, this.#buffers, this.steps, {
      lr: this.lr, momentum: this.momentum, dampening: this.dampening, weightDecay: this.weightDecay, nesterov: this.nesterov,
    });
  }

  protected namedState(): [string, Tensor[]][] {
    return this.momentum !== 0 ? [['momentum_buffer', this.#buffers]] : [];
  }
}
