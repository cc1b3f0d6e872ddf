// Conditional batch normalisation (de Vries et al. 2017; BigGAN's form, Brock et al. 2019 §3): batch norm
// without learned affine parameters, then a per-sample, per-channel gain and bias computed from a condition
// vector by two linear maps: y = x̂·(1 + gain(c)) + bias(c). The gain is written as 1 + a linear map so that a
// fresh layer (small weights) starts near plain batch norm. The running statistics are the inner BatchNorm's,
// so eval mode (sampling, export) normalises as BatchNorm does and only the affine part depends on the sample.
// It takes two inputs, so it is not a Layer: networks call it through `describe`, which the ONNX exporter runs
// over its graph values (BatchNorm and Linear through their export rules, the affine with Mul and Add).
import { Tensor, tidy } from '../torch';
import { GraphOps, tensorOps } from './graph-ops';
import { Linear } from './layers';
import { Module } from './module';
import { BatchNorm } from './norm';

export class ConditionalBatchNorm extends Module {
  readonly bn: BatchNorm;
  readonly gain: Linear;
  readonly bias: Linear;

  /** `features` channels normalised; conditions of `conditionDim` entries per sample. */
  constructor(readonly features: number, readonly conditionDim: number, options: { eps?: number; momentum?: number } = {}) {
    super();
    this.bn = this.addModule('bn', new BatchNorm(features, { ...options, affine: false }));
    // No bias in the maps: BigGAN's (the constant part of the gain is the 1, of the bias a constant condition).
    this.gain = this.addModule('gain', new Linear(conditionDim, features, { bias: false }));
    this.bias = this.addModule('bias', new Linear(conditionDim, features, { bias: false }));
  }

  /** x [N, C, H, W] and condition [N, conditionDim] → x normalised, then scaled and shifted per sample. */
  forward(x: Tensor, condition: Tensor): Tensor {
    return tidy(() => this.describe(tensorOps, x, condition));
  }

  describe<V>(ops: GraphOps<V>, x: V, condition: V): V {
    // [N, C] maps → [N, C, 1, 1], broadcast over the positions.
    const perChannel = (v: V) => ops.reshape(v, [this.features, 1, 1]);
    const gain = ops.affine(perChannel(ops.layer(this.gain, condition)), 1, 1);
    const shift = perChannel(ops.layer(this.bias, condition));
    return ops.add(ops.mul(ops.layer(this.bn, x), gain), shift);
  }
}
