// Self-attention over the positions of a feature map (SAGAN, Zhang et al. 2019, §3): 1×1 convolutions f, g
// (to C/8 channels) and h (to C) give each position i a key f(x_i), a query g(x_j) and a value h(x_i);
// position j takes o_j = Σ_i β_ji h(x_i) with β_ji = softmax_i(f(x_i)ᵀ g(x_j)), and the block returns
// y = γ·o + x with a learned scalar γ that starts at 0, so the network first relies on local convolutions and
// learns how much non-local evidence to use. The cost is quadratic in the positions (HW × HW per image), so
// SAGAN places it at one middle resolution.
import { Tensor, tidy, zeros } from '../torch';
import { Conv2d } from './conv';
import { WeightOptions } from './layers';
import { Layer, Module } from './module';

export class SelfAttention extends Module implements Layer {
  readonly f: Conv2d;
  readonly g: Conv2d;
  readonly h: Conv2d;
  readonly gamma: Tensor;
  /** Channels of the keys and queries: C/8, as the paper, at least 1. */
  readonly inner: number;

  constructor(readonly channels: number, options: Pick<WeightOptions, 'spectralNorm'> = {}) {
    super();
    this.inner = Math.max(1, Math.floor(channels / 8));
    this.f = this.addModule('f', new Conv2d(channels, this.inner, 1, options));
    this.g = this.addModule('g', new Conv2d(channels, this.inner, 1, options));
    this.h = this.addModule('h', new Conv2d(channels, channels, 1, options));
    this.gamma = this.addParameter('gamma', zeros([1]));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => attend(x, this.f.forward(x), this.g.forward(x), this.h.forward(x), this.gamma));
  }
}

/**
 * The attention itself, from the 1×1 convs' outputs: keys f(x) and queries g(x) [N, C', H, W], values h(x)
 * [N, C, H, W]; returns γ·o + x. Separate from the layer so it can be checked on its own.
 */
export function attend(x: Tensor, keys: Tensor, queries: Tensor, values: Tensor, gamma: Tensor): Tensor {
  return tidy(() => {
    const [n, c, height, width] = x.shape;
    const positions = height * width;
    const inner = keys.shape[1];
    const k = keys.reshape([n, inner, positions]); // [N, C', i]
    const q = queries.reshape([n, inner, positions]); // [N, C', j]
    const v = values.reshape([n, c, positions]); // [N, C, i]
    // scores[j, i] = g(x_j)ᵀ f(x_i); each row j is a softmax over the positions i it attends to.
    const beta = q.transpose(1, 2).matmul(k).softmax(2); // [N, j, i]
    const o = v.matmul(beta.transpose(1, 2)).reshape([n, c, height, width]); // o[:, j] = Σ_i β_ji h(x_i)
    return o.mul(gamma).add(x);
  });
}
