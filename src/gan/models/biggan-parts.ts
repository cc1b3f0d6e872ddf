// BigGAN's building blocks (Brock et al. 2019, appendix B, as in the authors' BigGAN-PyTorch): the generator's
// residual up block with conditional batch norm, the discriminator's residual down block, the split of z into
// one chunk per block (the hierarchical latent), and the element counts of both for stateSize.
import { AvgPool2d, Conv2d, ConditionalBatchNorm, GraphOps, Layer, Module, ReLU, tensorOps, Upsample } from '../../nn';
import { Tensor, tidy } from '../../torch';
import { conv, linear } from './sizes';

/**
 * Sizes of z's chunks for `slots` consumers (the first linear layer, then each up block): equal chunks of
 * ⌊latentDim / slots⌋, the first taking the remainder, so every latent size a family accepts is used whole
 * (BigGAN-PyTorch instead rounds the latent size down to a multiple of the slots).
 */
export function latentChunks(latentDim: number, slots: number): number[] {
  const chunk = Math.floor(latentDim / slots);
  return [latentDim - chunk * (slots - 1), ...new Array(slots - 1).fill(chunk)];
}

/** Where each chunk starts in z. */
export function chunkStarts(sizes: readonly number[]): number[] {
  return sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
}

/**
 * G's residual block, doubling the side: BN(c)-ReLU-upsample-conv3×3-BN(c)-ReLU-conv3×3, plus the input
 * upsampled (nearest) through a 1×1 conv. Both batch norms are conditional on the same vector c (the shared
 * class embedding joined with this block's chunk of z).
 */
export class UpBlock extends Module {
  readonly bn1: ConditionalBatchNorm;
  readonly conv1: Conv2d;
  readonly bn2: ConditionalBatchNorm;
  readonly conv2: Conv2d;
  readonly shortcut: Conv2d;
  readonly upsample: Upsample;
  readonly relu: ReLU;

  constructor(readonly inChannels: number, readonly outChannels: number, conditionDim: number) {
    super();
    this.bn1 = this.addModule('bn1', new ConditionalBatchNorm(inChannels, conditionDim));
    this.conv1 = this.addModule('conv1', new Conv2d(inChannels, outChannels, 3, { padding: 1 }));
    this.bn2 = this.addModule('bn2', new ConditionalBatchNorm(outChannels, conditionDim));
    this.conv2 = this.addModule('conv2', new Conv2d(outChannels, outChannels, 3, { padding: 1 }));
    this.shortcut = this.addModule('shortcut', new Conv2d(inChannels, outChannels, 1));
    this.upsample = this.addModule('upsample', new Upsample(2, 'nearest'));
    this.relu = this.addModule('relu', new ReLU());
  }

  forward(x: Tensor, condition: Tensor): Tensor {
    return tidy(() => this.describe(tensorOps, x, condition));
  }

  describe<V>(ops: GraphOps<V>, x: V, condition: V): V {
    const h = ops.layer(this.conv1, ops.layer(this.upsample, ops.layer(this.relu, this.bn1.describe(ops, x, condition))));
    const out = ops.layer(this.conv2, ops.layer(this.relu, this.bn2.describe(ops, h, condition)));
    return ops.add(out, ops.layer(this.shortcut, ops.layer(this.upsample, x)));
  }
}

/** Elements of an UpBlock's state: two conditional norms (two bias-free maps and running statistics each), three convs. */
export function upBlockSize(inChannels: number, outChannels: number, conditionDim: number): number {
  const norm = (c: number) => 2 * linear(conditionDim, c, false) + 2 * c;
  return norm(inChannels) + conv(inChannels, outChannels, 3) + norm(outChannels) + conv(outChannels, outChannels, 3) + conv(inChannels, outChannels, 1);
}

export interface DownBlockOptions {
  /** ReLU before the first conv (every block but the first, whose input is the image). */
  preactivation: boolean;
  /** Halve the side with 2×2 average pooling. */
  downsample: boolean;
}

/**
 * D's residual block: [ReLU]-conv3×3-ReLU-conv3×3-[avg-pool], plus a shortcut through a 1×1 conv (when the
 * channels or the side change) and the same pooling: after the conv for pre-activated blocks, before it for
 * the first block (fewer operations on the larger map), as BigGAN-PyTorch orders them.
 */
export class DownBlock extends Module implements Layer {
  readonly conv1: Conv2d;
  readonly conv2: Conv2d;
  readonly shortcut: Conv2d | null;
  readonly pool: AvgPool2d | null;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly options: DownBlockOptions) {
    super();
    this.conv1 = this.addModule('conv1', new Conv2d(inChannels, outChannels, 3, { padding: 1 }));
    this.conv2 = this.addModule('conv2', new Conv2d(outChannels, outChannels, 3, { padding: 1 }));
    const learned = inChannels !== outChannels || options.downsample;
    this.shortcut = learned ? this.addModule('shortcut', new Conv2d(inChannels, outChannels, 1)) : null;
    this.pool = options.downsample ? this.addModule('pool', new AvgPool2d(2)) : null;
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const input = this.options.preactivation ? x.relu() : x;
      let h = this.conv2.forward(this.conv1.forward(input).relu());
      if (this.pool) h = this.pool.forward(h);
      let skip = x;
      if (this.options.preactivation) {
        if (this.shortcut) skip = this.shortcut.forward(skip);
        if (this.pool) skip = this.pool.forward(skip);
      } else {
        if (this.pool) skip = this.pool.forward(skip);
        if (this.shortcut) skip = this.shortcut.forward(skip);
      }
      return h.add(skip);
    });
  }
}

export function downBlockSize(inChannels: number, outChannels: number, downsample: boolean): number {
  const learned = inChannels !== outChannels || downsample;
  return conv(inChannels, outChannels, 3) + conv(outChannels, outChannels, 3) + (learned ? conv(inChannels, outChannels, 1) : 0);
}
