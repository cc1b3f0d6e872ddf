// The batch loader's sequence of batches across its own epochs (for a second data set beside a run's own).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchLoader } from '../../src/data/loader';
import type { ImageDataset } from '../../src/data/dataset';

/** 10 one-pixel images whose pixel and label are their index: a batch's labels say which rows it took. */
function numbered(): ImageDataset {
  const ids = Uint8Array.from({ length: 10 }, (_, i) => i);
  return { name: 'numbered', images: ids.slice(), labels: ids.slice(), count: 10, channels: 1, height: 1, width: 1, classes: null };
}

describe('BatchLoader.batchInSequence', () => {
  it('batch n is batch n mod (batches per epoch) of epoch ⌊n / batches per epoch⌋ + 1', () => {
    const loader = new BatchLoader(numbered(), 3, 7);
    assert.equal(loader.batchesPerEpoch, 3);
    const rows = (batch: { images: { dispose(): void }; labels: { toArray(): unknown; dispose(): void } | null }) => {
      const taken = batch.labels!.toArray() as number[];
      batch.images.dispose();
      batch.labels!.dispose();
      return taken;
    };
    const sequence = Array.from({ length: 7 }, (_, n) => rows(loader.batchInSequence(n)));
    const byEpoch = [[1, 0], [1, 1], [1, 2], [2, 0], [2, 1], [2, 2], [3, 0]].map(([epoch, index]) => rows(loader.batch(epoch, index)));
    assert.deepEqual(sequence, byEpoch);
    // Each epoch takes 9 distinct rows of the 10 (the last, incomplete batch is dropped).
    for (const epoch of [0, 1]) assert.equal(new Set(sequence.slice(3 * epoch, 3 * epoch + 3).flat()).size, 9);
    loader.dispose();
  });
});
