// Convolutional layers with PyTorch's shapes, names and default initialisation.
import { F, Tensor, tidy, zeros } from '../torch';
import { biasUniform_, fans, kaimingUniform_ } from './init';
import { effectiveWeight, spectralVector, WeightOptions } from './layers';
import { Layer, Module } from './module';

type Pair = F.Pair;

export interface Conv2dOptions extends WeightOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

const pairOf = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** 2-D convolution; weight [out, in/groups, kh, kw]. */
export class Conv2d extends Module implements Layer {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly weightU: Tensor | null;

  constructor(readonly inChannels: number, readonly outChannels: number, kernel: Pair, readonly options: Conv2dOptions = {}) {
    super();
    const [kh, kw] = pairOf(kernel);
    const groups = options.groups ?? 1;
    this.weight = this.addParameter('weight', zeros([outChannels, inChannels / groups, kh, kw]));
    kaimingUniform_(this.weight, Math.sqrt(5));
    this.bias = options.bias === false ? null : this.addParameter('bias', zeros([outChannels]));
    if (this.bias) biasUniform_(this.bias, fans(this.weight.shape).fanIn);
    this.weightU = options.spectralNorm ? this.addBuffer('weight_u', spectralVector(outChannels)) : null;
  }

  forward(x: Tensor): Tensor {
    if (!this.weightU) return F.conv2d(x, this.weight, this.bias ?? undefined, this.options);
    return tidy(() => F.conv2d(x, effectiveWeight(this, this.weight, this.weightU), this.bias ?? undefined, this.options));
  }
}

/** Transposed 2-D convolution (a learned upsampling); weight [in, out/groups, kh, kw]. */
export class ConvTranspose2d extends Module implements Layer {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inChannels: number, readonly outChannels: number, kernel: Pair,
    readonly options: Conv2dOptions & { outputPadding?: Pair } = {},
  ) {
    super();
    const [kh, kw] = pairOf(kernel);
    const groups = options.groups ?? 1;
    this.weight = this.addParameter('weight', zeros([inChannels, outChannels / groups, kh, kw]));
    // PyTorch computes fans from the weight as stored, so dim 1 (out/groups) is the "fan in" here too.
    kaimingUniform_(this.weight, Math.sqrt(5));
    this.bias = options.bias === false ? null : this.addParameter('bias', zeros([outChannels]));
    if (this.bias) biasUniform_(this.bias, fans(this.weight.shape).fanIn);
  }

  forward(x: Tensor): Tensor {
    return F.convTranspose2d(x, this.weight, this.bias ?? undefined, this.options);
  }
}

export interface NormLayerOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/**
 * Batch normalisation over the channel dim (works for [N, C] and [N, C, H, W]). Note PyTorch's
 * BatchNorm2d(n, 0.8) sets eps = 0.8, not momentum: here both are named.
 */
export class BatchNorm extends Module implements Layer {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly eps: number;
  readonly momentum: number;

  constructor(readonly numFeatures: number, options: NormLayerOptions = {}) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    const affine = options.affine ?? true;
    this.weight = affine ? this.addParameter('weight', zeros([numFeatures]).fill_(1)) : null;
    this.bias = affine ? this.addParameter('bias', zeros([numFeatures])) : null;
    const track = options.trackRunningStats ?? true;
    this.runningMean = track ? this.addBuffer('running_mean', zeros([numFeatures])) : null;
    this.runningVar = track ? this.addBuffer('running_var', zeros([numFeatures]).fill_(1)) : null;
  }

  forward(x: Tensor): Tensor {
    // Without running statistics, batch statistics are used in eval mode too (as in PyTorch).
    const useBatchStats = this.training || this.runningMean === null;
    return F.batchNorm(x, useBatchStats, {
      weight: this.weight ?? undefined, bias: this.bias ?? undefined,
      runningMean: this.runningMean ?? undefined, runningVar: this.runningVar ?? undefined,
      momentum: this.momentum, eps: this.eps,
    });
  }
}

/** Instance normalisation (per sample and channel); no running statistics and no affine by default, as PyTorch. */
export class InstanceNorm extends Module implements Layer {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly eps: number;

  constructor(readonly numFeatures: number, options: { eps?: number; affine?: boolean } = {}) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.weight = options.affine ? this.addParameter('weight', zeros([numFeatures]).fill_(1)) : null;
    this.bias = options.affine ? this.addParameter('bias', zeros([numFeatures])) : null;
  }

  forward(x: Tensor): Tensor {
    return F.instanceNorm(x, true, { weight: this.weight ?? undefined, bias: this.bias ?? undefined, eps: this.eps });
  }
}

export class MaxPool2d extends Module implements Layer {
  constructor(readonly kernel: Pair, readonly stride?: Pair) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.maxPool2d(x, this.kernel, { stride: this.stride ?? this.kernel });
  }
}

export class AvgPool2d extends Module implements Layer {
  constructor(readonly kernel: Pair, readonly stride?: Pair) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.kernel, { stride: this.stride ?? this.kernel });
  }
}

/** Resizes by an integer factor: bilinear (alignCorners as given) or nearest. */
export class Upsample extends Module implements Layer {
  constructor(readonly scale: number, readonly mode: 'bilinear' | 'nearest' = 'nearest', readonly alignCorners = false) {
    super();
  }
  forward(x: Tensor): Tensor {
    const [, , h, w] = x.shape;
    const size: [number, number] = [h * this.scale, w * this.scale];
    return this.mode === 'bilinear' ? F.upsampleBilinear(x, size, this.alignCorners) : F.upsampleNearest(x, size);
  }
}

/** A lookup table of learned vectors, initialised N(0, 1) as in PyTorch. */
export class Embedding extends Module {
  readonly weight: Tensor;

  constructor(readonly numEmbeddings: number, readonly dim: number) {
    super();
    this.weight = this.addParameter('weight', zeros([numEmbeddings, dim]));
    this.weight.normal_(0, 1);
  }

  forward(indices: Tensor): Tensor {
    return F.embedding(this.weight, indices);
  }
}
