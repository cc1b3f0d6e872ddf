// Each model family's checkpointLayout (what its checkpoint holds, computed without building anything) equals
// what a built run declares: every network's state-dict elements, the optimizers' names, the other tensors'
// shapes. Checkpoints rely on it to refuse a config that claims a larger model than the tensors in the file,
// before allocating that model; a family whose layout drifts from its run fails here.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataKind, ImageDataset } from '../../src/data/dataset';
import { DEFAULT_CONFIG, TrainConfig } from '../../src/gan/config';
import { allFamilies, buildRun, registerFamily } from '../../src/gan/registry';
import type { ImageShape, ModelFamily } from '../../src/gan/types';
import type { Module } from '../../src/nn';
import { toyCycleFamily } from '../helpers/toy-cycle-family';

// The toy two-G/two-D family of the tests is held to the same contract as the built-in ones.
registerFamily(toyCycleFamily);

// Spectral norm's u vectors are not part of a family's stated size (checkpoint.ts leaves them out of the count).
const elements = (m: Module) => [...m.stateDict()].filter(([name]) => !name.endsWith('weight_u')).reduce((n, [, t]) => n + t.numel, 0);

/**
 * A labelled data set of `count` blank images of `shape` (paired or unpaired for the families that translate),
 * enough to build a run on; it names a person per image, two images each (Age-cGAN learns identities).
 */
function blankData([c, h, w]: ImageShape, classes: number, kind: DataKind, count = 16): ImageDataset {
  const data: ImageDataset = {
    name: 'blank', images: new Uint8Array(count * c * h * w), labels: Uint8Array.from({ length: count }, (_, i) => i % classes), count,
    channels: c, height: h, width: w, classes: Array.from({ length: classes }, (_, i) => String(i)),
    identities: Int32Array.from({ length: count }, (_, i) => i >> 1),
    ...(kind === 'paired' ? { targets: new Uint8Array(count * c * h * w) } : {}),
  };
  return kind === 'unpaired' ? { ...data, otherDomain: blankData([c, h, w], classes, 'images', count + 3) } : data;
}

function assertLayoutMatchesRun(family: ModelFamily, config: TrainConfig): void {
  const layout = family.checkpointLayout(config);
  const run = buildRun(config, blankData(config.imageShape, Math.max(2, config.numClasses), family.dataKind ?? 'images'));
  try {
    const what = `${family.name} ${JSON.stringify({ imageShape: config.imageShape, latentDim: config.latentDim, width: config.width, emaDecay: config.emaDecay, norm: config.norm })}`;
    assert.deepEqual([...layout.networks].map(([name, { size }]) => [name, size]), [...run.networks].map(([name, network]) => [name, elements(network)]), `${what}: networks`);
    assert.deepEqual([...layout.optimizers], [...run.optimizers.keys()], `${what}: optimizers`);
    assert.deepEqual([...layout.tensors], [...run.tensors].map(([name, t]) => [name, t.shape]), `${what}: tensors`);
  } finally {
    run.dispose();
  }
}

describe('model families: the checkpoint layout matches the built run', () => {
  const variants: Partial<TrainConfig>[] = [
    { imageShape: [1, 28, 28], latentDim: 100, numClasses: 10, width: null },
    { imageShape: [3, 32, 32], latentDim: 7, numClasses: 3, width: 8, emaDecay: 0.9, gridSize: 6 },
    { imageShape: [1, 8, 8], latentDim: 5, numClasses: 2, width: 4 },
    // Image-to-image networks: each norm (batch norm has state, instance norm none), a padded side (28 → 32).
    { imageShape: [3, 16, 16], numClasses: 0, width: 4, norm: 'instance' },
    { imageShape: [1, 28, 28], numClasses: 0, width: 4, norm: 'none', gridSize: 3 },
    // The two-way families: no history pool, and a pool of 7 with one residual block.
    { imageShape: [3, 16, 16], numClasses: 0, width: 4, poolSize: 0, residualBlocks: 2 },
    { imageShape: [1, 28, 28], numClasses: 0, width: 4, poolSize: 7, residualBlocks: 1, norm: 'batch' },
  ];
  for (const family of allFamilies()) {
    it(family.name, () => {
      let checked = 0;
      for (const variant of variants) {
        const config = { ...DEFAULT_CONFIG, ...family.defaults, model: family.name, batchSize: 4, gridSize: 4, ...variant } as TrainConfig;
        if (family.unsupported?.(config)) continue;
        assertLayoutMatchesRun(family, config);
        checked++;
      }
      assert.ok(checked > 0, `${family.name}: no variant checked`);
    });
  }
});
