// The judge's classifier: its training loop and the feature extraction both keep the live-tensor count flat,
// and a short training run on a small split already beats chance by far.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadBundledMnist } from '../../src/data/mnist';
import { trainClassifier } from '../../src/metrics/classifier';
import { classifierExtractor } from '../../src/metrics/extractor';
import { splitEightyTwenty } from '../../src/metrics/reference';
import { memory } from '../../src/torch';

describe('classifier', { timeout: 300_000 }, () => {
  it('trains with a flat live-tensor count, and extracting features leaks nothing', async () => {
    const mnist = loadBundledMnist();
    const count = 1280;
    const small = { ...mnist, images: mnist.images.subarray(0, count * 784), labels: mnist.labels!.subarray(0, count), count };
    const reference = { key: 'test-small', description: 'test', ...splitEightyTwenty(small) };
    const live: number[] = [];
    const trained = trainClassifier(reference, { epochs: 2, onProgress: () => live.push(memory().liveTensors) });
    assert.equal(live.length, 2 * Math.floor(1024 / 128));
    assert.equal(new Set(live.slice(2)).size, 1, `live tensors per batch: ${live}`);
    assert.ok(trained.accuracy > 0.5, `held-out accuracy ${trained.accuracy} after 2 epochs on 1,024 digits`);

    const extractor = classifierExtractor({ net: trained.net, accuracy: trained.accuracy, key: reference.key, description: reference.description, classes: mnist.classes!, file: 'memory' });
    const images = Float32Array.from(reference.heldOut.images, (v) => (v * 2) / 255 - 1);
    const shape: [number, number, number, number] = [reference.heldOut.count, 1, 28, 28];
    const before = memory().liveTensors;
    for (let round = 0; round < 3; round++) {
      const { features, probabilities } = await extractor.extract(images, shape);
      assert.deepEqual(features.shape, [reference.heldOut.count, 128]);
      features.dispose();
      probabilities?.dispose();
    }
    assert.equal(memory().liveTensors, before);
    trained.net.dispose();
  });
});
