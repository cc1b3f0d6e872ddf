// The layers of StyleGAN2 (Karras et al. 2020, "Analyzing and Improving the Image Quality of StyleGAN"):
// equalised-learning-rate linear and conv layers, the modulated/demodulated convolution, per-layer noise
// injection and the discriminator's minibatch standard deviation. Equalised learning rate (Karras et al. 2018,
// §4.1): weights are stored N(0, 1) and scaled by 1/√fan_in at every forward, so Adam's per-parameter step is
// the same relative size for every layer whatever its fan-in.
import { cat, F, noGrad, randn, Tensor, tidy, zeros } from '../torch';
import { Layer, Module } from './module';

/** LeakyReLU(0.2)·√2: StyleGAN2's activation, with the gain that keeps the signal's scale layer to layer. */
export function styleActivation(x: Tensor): Tensor {
  return tidy(() => x.leakyRelu(0.2).mul(Math.SQRT2));
}

export interface EqualLinearOptions {
  /**
   * The learning-rate multiplier (the paper's 0.01 for the mapping network). Implemented as a scale rather than
   * an optimizer setting: the weight is stored N(0, 1/lr²) and used times lr/√fan_in, the bias used times lr,
   * so Adam (whose step is about lr_adam per parameter, whatever the gradient's scale) moves the weight actually
   * used lr times as fast; no optimizer change is needed.
   */
  lrMultiplier?: number;
  /** The bias's starting value (1 for the style affines, so styles start at 1: the unmodulated conv). */
  biasInit?: number;
  bias?: boolean;
}

/** y = x·(W·lr/√in)ᵀ + b·lr, W stored N(0, 1/lr²): a Linear with equalised learning rate. */
export class EqualLinear extends Module implements Layer {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly weightScale: number;
  readonly lrMultiplier: number;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: EqualLinearOptions = {}) {
    super();
    this.lrMultiplier = options.lrMultiplier ?? 1;
    this.weight = this.addParameter('weight', zeros([outFeatures, inFeatures]));
    this.weight.normal_(0, 1 / this.lrMultiplier);
    this.weightScale = this.lrMultiplier / Math.sqrt(inFeatures);
    this.bias = options.bias === false ? null : this.addParameter('bias', zeros([outFeatures]));
    this.bias?.fill_((options.biasInit ?? 0) / this.lrMultiplier);
  }

  forward(x: Tensor): Tensor {
    return tidy(() => F.linear(x, this.weight.mul(this.weightScale), this.bias?.mul(this.lrMultiplier)));
  }
}

/** A square-kernel Conv2d with equalised learning rate: W stored N(0, 1), used as W/√(in·k²); bias starts at 0. */
export class EqualConv2d extends Module implements Layer {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly weightScale: number;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernel: number, options: { bias?: boolean } = {}) {
    super();
    this.weight = this.addParameter('weight', zeros([outChannels, inChannels, kernel, kernel]));
    this.weight.normal_(0, 1);
    this.weightScale = 1 / Math.sqrt(inChannels * kernel * kernel);
    this.bias = options.bias === false ? null : this.addParameter('bias', zeros([outChannels]));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => F.conv2d(x, this.weight.mul(this.weightScale), this.bias ?? undefined, { padding: (this.kernel - 1) / 2 }));
  }
}

/**
 * StyleGAN2's modulated convolution (§2.2): each sample's styles s [N, in] scale the input channels of the
 * kernel, w′ = w·s, and with `demodulate` each output channel's kernel is then divided by its norm,
 * w″ = w′/√(Σ w′² + ε), which takes the place of AdaIN's instance norm. The kernel is equalised (stored N(0, 1),
 * used /√(in·k²)); a bias (starting at 0) is added after.
 *
 * Computed with the per-sample weights never built: conv(x·s, w)·d equals conv(x, w·s·d) because s scales
 * input channels and d output channels (the paper's appendix B; StyleGAN2's non-fused path). One shared
 * convolution over the batch is much faster on a CPU than a grouped one with a kernel per sample.
 */
export function modulatedConv2d(x: Tensor, weight: Tensor, styles: Tensor, demodulate: boolean): Tensor {
  return tidy(() => {
    const [n, inChannels] = styles.shape;
    const [outChannels, , k] = weight.shape;
    const modulated = x.mul(styles.reshape([n, inChannels, 1, 1]));
    const y = F.conv2d(modulated, weight, undefined, { padding: (k - 1) / 2 });
    if (!demodulate) return y;
    // Σ_{i,kh,kw} (w[o,i,kh,kw]·s[n,i])² = Σ_i s[n,i]²·(Σ_{kh,kw} w[o,i,kh,kw]²): [N, in] × [in, out].
    const energy = styles.square().matmul(weight.square().sum([2, 3]).transpose(0, 1));
    const d = energy.add(DEMODULATION_EPSILON).pow(-0.5);
    return y.mul(d.reshape([n, outChannels, 1, 1]));
  });
}

/** ε under the demodulation's square root (the paper's 1e-8): keeps it finite for an all-zero style. */
export const DEMODULATION_EPSILON = 1e-8;

/** A modulated conv layer: its style affine (w → s, bias starting at 1), kernel (equalised) and bias. */
export class ModulatedConv2d extends Module {
  readonly affine: EqualLinear;
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly weightScale: number;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernel: number, wDim: number, readonly demodulate: boolean) {
    super();
    this.affine = this.addModule('affine', new EqualLinear(wDim, inChannels, { biasInit: 1 }));
    this.weight = this.addParameter('weight', zeros([outChannels, inChannels, kernel, kernel]));
    this.weight.normal_(0, 1);
    this.weightScale = 1 / Math.sqrt(inChannels * kernel * kernel);
    this.bias = this.addParameter('bias', zeros([outChannels]));
  }

  /** x [N, in, H, W] styled by w [N, wDim] → [N, out, H, W], before the bias. */
  convolve(x: Tensor, w: Tensor): Tensor {
    return tidy(() => modulatedConv2d(x, this.weight.mul(this.weightScale), this.affine.forward(w), this.demodulate));
  }

  /** The bias, shaped to add to [N, out, H, W]. */
  biasMap(): Tensor {
    return this.bias.reshape([1, this.outChannels, 1, 1]);
  }
}

/**
 * Per-pixel noise (StyleGAN §3.2): one N(0, 1) map per sample, added to every channel scaled by a learned
 * per-channel strength that starts at 0 (StyleGAN's per-channel form; StyleGAN2 keeps one scalar per layer).
 */
export class NoiseInjection extends Module {
  readonly strength: Tensor;

  constructor(readonly channels: number) {
    super();
    this.strength = this.addParameter('strength', zeros([channels]));
  }

  /** x + strength·noise; `noise` [N, 1, H, W], drawn from the global generator when not given. */
  forward(x: Tensor, noise?: Tensor): Tensor {
    return tidy(() => {
      const [n, , h, w] = x.shape;
      const map = noise ?? randn([n, 1, h, w], { dtype: x.dtype, device: x.device });
      return x.add(map.mul(this.strength.reshape([1, this.channels, 1, 1])));
    });
  }
}

/** The largest group of at most `limit` samples that divides a batch of n (StyleGAN's group is 4). */
export function stddevGroupSize(n: number, limit = 4): number {
  for (let g = Math.min(limit, n); g > 1; g--) if (n % g === 0) return g;
  return 1;
}

/**
 * Minibatch standard deviation (Karras et al. 2018, §3): the batch is split into groups of `groupSize`
 * (sample i in group i mod N/G, as the paper's reshape), each feature's standard deviation over its group is
 * averaged over channels and pixels, and the result is appended as one more constant channel, so D can see a
 * lack of variety across samples. A group of 1 has no spread: the channel is √ε.
 */
export function minibatchStddev(x: Tensor, groupSize: number): Tensor {
  return tidy(() => {
    const [n, c, h, w] = x.shape;
    if (n % groupSize !== 0) throw new RangeError(`minibatch stddev: a batch of ${n} does not split into groups of ${groupSize}`);
    const grouped = x.reshape([groupSize, n / groupSize, c, h, w]);
    const centred = grouped.sub(grouped.mean([0], true));
    const spread = centred.square().mean([0]).add(1e-8).sqrt(); // [N/G, C, H, W]
    const perGroup = spread.mean([1, 2, 3]); // [N/G]
    // Sample i belongs to group i mod N/G: repeating the groups G times lines them up with the batch.
    const channel = perGroup.reshape([1, n / groupSize]).expand([groupSize, n / groupSize]).reshape([n, 1, 1, 1]).expand([n, 1, h, w]);
    return cat([x, channel], 1);
  });
}

export class MinibatchStddev extends Module implements Layer {
  constructor(readonly groupLimit = 4) {
    super();
  }
  forward(x: Tensor): Tensor {
    return minibatchStddev(x, stddevGroupSize(x.shape[0], this.groupLimit));
  }
}

/** Moves `average` towards `value` by (1 − decay), in place and unrecorded: avg ← decay·avg + (1 − decay)·value. */
export function trackAverage_(average: Tensor, value: Tensor, decay: number): void {
  noGrad(() => tidy(() => average.copy_(average.mul(decay).add(value.detach().mul(1 - decay)))));
}
