// Synchronised batch norm (--sync-bn): in training, every BatchNorm normalises with the mean and variance of
// the global batch, as one process with the whole batch would. Each rank sums x and x² over its rows (and
// pixels), one differentiable all-reduce adds the ranks' sums, and mean = Σx/n, var = Σx²/n − mean² follow.
// The gradient is right by construction: the all-reduce's backward sums every rank's gradient with respect to
// the global sums (src/torch/dist.ts allReduceSum), so autograd carries each rank's share of the loss back
// through the shared statistics to every rank's inputs — the two extra terms of the batch-norm backward.
import { BatchNorm, Module } from '../nn';
import { cat, noGrad, Tensor, tidy } from '../torch';
import { allReduceSum } from '../torch/dist';

/** Batch norm of `x` ([N, C] or [N, C, ...]) with statistics over the batches of all `worldSize` ranks. */
export function syncBatchNorm(layer: BatchNorm, x: Tensor, worldSize: number, sumOverRanks: (t: Tensor) => Tensor = allReduceSum): Tensor {
  return tidy(() => {
    const c = layer.numFeatures;
    const reduced = [0, ...x.shape.slice(2).map((_, k) => k + 2)];
    const broadcastShape = [1, c, ...x.shape.slice(2).map(() => 1)];
    const count = (x.numel / c) * worldSize;
    // One all-reduce for both statistics: [Σx, Σx²] per channel.
    const sums = sumOverRanks(cat([x.sum(reduced), x.square().sum(reduced)], 0));
    const mean = sums.narrow(0, 0, c).div(count);
    const variance = sums.narrow(0, c, c).div(count).sub(mean.square());
    let y = x.sub(mean.reshape(broadcastShape)).div(variance.add(layer.eps).sqrt().reshape(broadcastShape));
    if (layer.weight && layer.bias) y = y.mul(layer.weight.reshape(broadcastShape)).add(layer.bias.reshape(broadcastShape));
    if (layer.runningMean && layer.runningVar) {
      const { runningMean, runningVar, momentum } = layer;
      // As torch.nn.BatchNorm: the running variance is the unbiased estimate over the global batch.
      noGrad(() => {
        runningMean.copy_(runningMean.mul(1 - momentum).add(mean.mul(momentum)));
        runningVar.copy_(runningVar.mul(1 - momentum).add(variance.mul((momentum * count) / (count - 1))));
      });
    }
    return y;
  });
}

/** Makes every BatchNorm in `networks` synchronise its training statistics over `worldSize` ranks. */
export function convertSyncBatchNorm(networks: Iterable<Module>, worldSize: number): number {
  let converted = 0;
  for (const network of networks) {
    for (const module of network.modules()) {
      if (!(module instanceof BatchNorm)) continue;
      module.synced = (layer, x) => syncBatchNorm(layer, x, worldSize);
      converted++;
    }
  }
  return converted;
}
