// Batches for training: the whole data set lives in one uint8 tensor; each epoch has its own permutation
// drawn from a private generator seeded by (run seed, epoch), so the order never depends on what else
// consumed random numbers, and a resumed run can rebuild any epoch's order from two integers.
import { keep, noGrad, randperm, Tensor, tensor, tidy } from '../torch';
import type { ImageDataset } from './dataset';
import { bytesToSignedTensor } from './pixels';

export interface Batch {
  /** N×C×H×W float32, scaled from 0…255 to [-1, 1]. */
  images: Tensor;
  /** int64 class indices, or null for unlabelled data. */
  labels: Tensor | null;
  /** Paired data only: each image's target, N×C×H×W float32 in [-1, 1] (the caller disposes it too). */
  targets?: Tensor;
  /** Attribute-labelled data only: N×A float32, 1 where the image has the attribute, 0 where not (disposed too). */
  attributes?: Tensor;
}

/** Which slice of every global batch this loader yields (data-parallel rank `rank` of `worldSize`). */
export interface Shard {
  rank: number;
  worldSize: number;
}

export class BatchLoader {
  /** The global batch: what one step of the whole run consumes. */
  readonly batchSize: number;
  /** What this loader yields per batch: batchSize / worldSize rows, this rank's slice of the global batch. */
  readonly localBatchSize: number;
  readonly batchesPerEpoch: number;
  readonly #images: Tensor;
  readonly #labels: Tensor | null;
  readonly #targets: Tensor | null;
  readonly #attributes: Tensor | null;
  #epochOrder: { epoch: number; order: Tensor } | null = null;

  constructor(readonly dataset: ImageDataset, batchSize: number, readonly seed: number, readonly shard: Shard = { rank: 0, worldSize: 1 }) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
    // Equal slices, so that averaging the ranks' mean gradients is the gradient of the global batch's mean.
    if (batchSize % shard.worldSize !== 0) {
      throw new RangeError(`batch size ${batchSize} does not split evenly over ${shard.worldSize} processes (it is the global batch)`);
    }
    if (batchSize > dataset.count) {
      throw new RangeError(`batch size ${batchSize} is larger than the data set (${dataset.count} images in ${dataset.name})`);
    }
    this.batchSize = batchSize;
    this.localBatchSize = batchSize / shard.worldSize;
    // Incomplete final batches are dropped, so every step sees the same batch size (as drop_last=True).
    this.batchesPerEpoch = Math.floor(dataset.count / batchSize);
    const { count, channels, height, width } = dataset;
    this.#images = keep(tensor(dataset.images, [count, channels, height, width]));
    // The uint8 labels are only a step on the way to int64: tidy frees them (they leaked until GC before).
    const labels = dataset.labels;
    this.#labels = labels ? keep(tidy(() => tensor(labels, [count]).to({ dtype: 'int64' }))) : null;
    const targets = dataset.targets;
    if (targets && targets.length !== dataset.images.length) throw new RangeError(`${dataset.name}: ${targets.length} target bytes for ${dataset.images.length} image bytes`);
    this.#targets = targets ? keep(tensor(targets, [count, channels, height, width])) : null;
    const attributes = dataset.attributes;
    if (attributes && attributes.values.length !== count * attributes.names.length) throw new RangeError(`${dataset.name}: ${attributes.values.length} attribute values for ${count} images of ${attributes.names.length} attributes`);
    this.#attributes = attributes ? keep(tensor(Float32Array.from(attributes.values, (v) => (v > 0 ? 1 : 0)), [count, attributes.names.length])) : null;
  }

  get imageShape(): [number, number, number] {
    return [this.dataset.channels, this.dataset.height, this.dataset.width];
  }

  /**
   * Batch `n` (0-based) counted across this loader's own epochs, one after another: for a second data set that
   * runs beside the one that sets a run's epochs (a second domain, an identity set) and ends its epochs elsewhere.
   */
  batchInSequence(n: number): Batch {
    return this.batch(Math.floor(n / this.batchesPerEpoch) + 1, n % this.batchesPerEpoch);
  }

  /**
   * This rank's slice of batch `index` (0-based) of epoch `epoch` (1-based). Deterministic in (seed, epoch,
   * index): every rank draws the same epoch order and takes its own rows of the global batch.
   */
  batch(epoch: number, index: number): Batch {
    if (index < 0 || index >= this.batchesPerEpoch) throw new RangeError(`batch ${index} is outside epoch (0…${this.batchesPerEpoch - 1})`);
    const order = this.#orderFor(epoch);
    return noGrad(() => {
      const picked = order.narrow(0, index * this.batchSize + this.shard.rank * this.localBatchSize, this.localBatchSize);
      const raw = this.#images.indexSelect(0, picked);
      const images = bytesToSignedTensor(raw);
      const labels = this.#labels ? this.#labels.indexSelect(0, picked) : null;
      const batch: Batch = { images, labels };
      if (this.#targets) batch.targets = tidy(() => bytesToSignedTensor(this.#targets!.indexSelect(0, picked)));
      if (this.#attributes) batch.attributes = this.#attributes.indexSelect(0, picked);
      for (const t of [picked, raw]) t.dispose();
      return batch;
    });
  }

  #orderFor(epoch: number): Tensor {
    if (this.#epochOrder?.epoch !== epoch) {
      this.#epochOrder?.order.dispose();
      // A large odd multiplier keeps (seed, epoch) pairs from colliding for any practical seed and epoch.
      const order = keep(randperm(this.dataset.count, (this.seed * 1_000_003 + epoch) % Number.MAX_SAFE_INTEGER));
      this.#epochOrder = { epoch, order };
    }
    return this.#epochOrder.order;
  }

  dispose(): void {
    this.#images.dispose();
    this.#labels?.dispose();
    this.#targets?.dispose();
    this.#attributes?.dispose();
    this.#epochOrder?.order.dispose();
    this.#epochOrder = null;
  }
}
