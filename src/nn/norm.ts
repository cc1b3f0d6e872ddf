// Normalisation layers (batch and instance norm) with PyTorch's defaults and parameter names.
import { F, Tensor, zeros } from '../torch';
import { Layer, Module } from './module';

export interface NormLayerOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/** A training-mode forward that normalises with statistics wider than this process's batch (see `synced`). */
export type SyncedBatchNorm = (layer: BatchNorm, x: Tensor) => Tensor;

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
  /**
   * When set (data-parallel runs with --sync-bn, by src/dist/sync-batch-norm.ts), the training-mode forward
   * uses the batch statistics of every rank's batch together; eval mode keeps using the running statistics.
   */
  synced: SyncedBatchNorm | null = null;

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
    if (this.training && this.synced) return this.synced(this, x);
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

/** The normalisations the image-to-image networks choose between ('none': the identity). */
export type NormKind = 'batch' | 'instance' | 'none';
export const NORM_KINDS: readonly NormKind[] = ['batch', 'instance', 'none'];

/** Passes its input through: the place of a norm layer in networks built without one. */
export class Identity extends Module implements Layer {
  forward(x: Tensor): Tensor {
    // A new handle on the same values, so callers that dispose intermediates (Sequential) own what they get.
    return x.reshape(x.shape);
  }
}

/**
 * A norm layer over `channels` feature maps: BatchNorm with running statistics, or InstanceNorm without affine
 * parameters or running statistics (pix2pix's and CycleGAN's instance norm).
 */
export function normLayer(kind: NormKind, channels: number): Module & Layer {
  if (kind === 'batch') return new BatchNorm(channels);
  if (kind === 'instance') return new InstanceNorm(channels);
  return new Identity();
}

/** Whether a conv before this norm needs its own bias: batch norm subtracts the mean, which cancels one. */
export function normTakesBias(kind: NormKind): boolean {
  return kind !== 'batch';
}
