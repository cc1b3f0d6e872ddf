// Convolutional layers with PyTorch's shapes, names and default initialisation.
import { F, Tensor, tidy, zeros } from '../torch';
import { biasUniform_, fans, kaimingUniform_ } from './init';
import { WeightOptions } from './layers';
import { Layer, Module } from './module';
import { effectiveWeight, SpectralNormLayer, spectralVector } from './spectral-norm';

type Pair = F.Pair;

export interface Conv2dOptions extends WeightOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

const pairOf = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** 2-D convolution; weight [out, in/groups, kh, kw]. */
export class Conv2d extends Module implements Layer, SpectralNormLayer {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  weightU: Tensor | null = null;

  constructor(readonly inChannels: number, readonly outChannels: number, kernel: Pair, readonly options: Conv2dOptions = {}) {
    super();
    const [kh, kw] = pairOf(kernel);
    const groups = options.groups ?? 1;
    this.weight = this.addParameter('weight', zeros([outChannels, inChannels / groups, kh, kw]));
    kaimingUniform_(this.weight, Math.sqrt(5));
    this.bias = options.bias === false ? null : this.addParameter('bias', zeros([outChannels]));
    if (this.bias) biasUniform_(this.bias, fans(this.weight.shape).fanIn);
    if (options.spectralNorm) this.enableSpectralNorm();
  }

  enableSpectralNorm(): void {
    this.weightU ??= this.addBuffer('weight_u', spectralVector(this.outChannels));
  }

  forward(x: Tensor): Tensor {
    if (!this.weightU) return F.conv2d(x, this.weight, this.bias ?? undefined, this.options);
    return tidy(() => F.conv2d(x, effectiveWeight(this, this.weight, this.weightU), this.bias ?? undefined, this.options));
  }
}

/**
 * Transposed 2-D convolution (a learned upsampling); weight [in, out/groups, kh, kw]. With spectral norm the
 * weight is viewed as [out/groups, rest] (dim 1), as PyTorch's spectral_norm does for transposed convs.
 */
export class ConvTranspose2d extends Module implements Layer, SpectralNormLayer {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  weightU: Tensor | null = null;

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
    if (options.spectralNorm) this.enableSpectralNorm();
  }

  enableSpectralNorm(): void {
    this.weightU ??= this.addBuffer('weight_u', spectralVector(this.weight.shape[1]));
  }

  forward(x: Tensor): Tensor {
    if (!this.weightU) return F.convTranspose2d(x, this.weight, this.bias ?? undefined, this.options);
    return tidy(() => F.convTranspose2d(x, effectiveWeight(this, this.weight, this.weightU, 1), this.bias ?? undefined, this.options));
  }
}
