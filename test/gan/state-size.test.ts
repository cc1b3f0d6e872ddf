// Each model family's stateSize (elements of its networks' state, computed without building them) equals the
// state dicts of the networks it builds: checkpoints rely on it to refuse a config that claims a larger model
// than the tensors in the file, before allocating that model.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allFamilies } from '../../src/gan/registry';
import type { Module } from '../../src/nn';
import type { ModelSpec } from '../../src/gan/types';

const elements = (m: Module) => [...m.stateDict().values()].reduce((n, t) => n + t.numel, 0);

describe('model families: stateSize matches the built networks', () => {
  const specs: ModelSpec[] = [
    { imageShape: [1, 28, 28], latentDim: 100, numClasses: 10, width: null },
    { imageShape: [3, 32, 32], latentDim: 7, numClasses: 3, width: 8 },
    { imageShape: [1, 8, 8], latentDim: 5, numClasses: 2, width: 4 },
  ];
  for (const family of allFamilies()) {
    it(family.name, () => {
      for (const spec of specs) {
        if (family.unsupported?.(spec)) continue;
        const g = family.generator(spec);
        const d = family.discriminator(spec);
        try {
          assert.deepEqual(family.stateSize(spec), { generator: elements(g), discriminator: elements(d) }, JSON.stringify(spec));
        } finally {
          g.dispose();
          d.dispose();
        }
      }
    });
  }
});
