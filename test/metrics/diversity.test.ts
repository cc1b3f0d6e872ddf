// The diversity score on sets whose answer is known: three points at distances 3, 4 and 5 (mean 4, by hand), a
// collapsed set (one row repeated: 0), two independent draws from one distribution (about 1), a draw from a
// distribution half as spread (about ½), and the errors.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { featureDiversity, meanPairwiseDistance } from '../../src/metrics/diversity';
import { manualSeed, memory, randn, tensor, tidy } from '../../src/torch';

describe('feature diversity', () => {
  it('mean pairwise distance of (0, 0), (3, 0), (0, 4) is (3 + 4 + 5) / 3', () => {
    const x = tensor([0, 0, 3, 0, 0, 4], [3, 2]);
    try {
      assert.ok(Math.abs(meanPairwiseDistance(x) - 4) < 1e-12, `${meanPairwiseDistance(x)}`);
    } finally {
      x.dispose();
    }
  });

  it('is 0 for a collapsed set, about 1 for a second draw of the reference, about ½ for half the spread; frees what it makes', () => {
    manualSeed(7);
    const before = memory().liveTensors;
    tidy(() => {
      const reference = randn([600, 32]);
      const again = randn([600, 32]);
      const collapsed = reference.narrow(0, 0, 1).expand([500, 32]).contiguous();
      const narrow = randn([600, 32]).mul(0.5);
      const same = featureDiversity(again, reference);
      assert.ok(Math.abs(same - 1) < 0.03, `a second draw scores ${same}`);
      assert.ok(featureDiversity(collapsed, reference) < 1e-6, `a collapsed set scores ${featureDiversity(collapsed, reference)}`);
      const half = featureDiversity(narrow, reference);
      assert.ok(Math.abs(half - 0.5) < 0.02, `half the spread scores ${half}`);
    });
    assert.equal(memory().liveTensors, before);
  });

  it('refuses too few rows, the wrong rank and an all-alike reference', () => {
    tidy(() => {
      assert.throws(() => meanPairwiseDistance(tensor([1, 2], [1, 2])), /at least 2 rows, got 1/);
      assert.throws(() => meanPairwiseDistance(tensor([1, 2, 3, 4], [4])), /features \[N, D\] expected, got \[4\]/);
      const alike = tensor([1, 2, 1, 2], [2, 2]);
      assert.throws(() => featureDiversity(alike, alike), /all alike in feature space/);
    });
  });
});
