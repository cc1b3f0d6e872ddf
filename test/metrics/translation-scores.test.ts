// Class survival and the other translation scores on constructed "translators" whose answers are known: the
// identity (every output is its own target), a translator that turns each digit into a digit of the next class,
// a translator that collapsed to one output, and hand-made predictions for the per-class shares.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickRows } from '../../src/data/dataset';
import { loadBundledMnist } from '../../src/data/mnist';
import { bytesToSigned } from '../../src/data/pixels';
import { accuracy, classifierFor } from '../../src/metrics/classifier';
import { classifierExtractor } from '../../src/metrics/extractor';
import { referenceData, splitEightyTwenty } from '../../src/metrics/reference';
import { classSurvival, scoreTranslation, TranslationCase } from '../../src/metrics/translation-scores';

describe('class survival', () => {
  it('counts hits of the expected class, overall and per source class', () => {
    // Labels 0,0,0,1,1,2; predictions right for two of the 0s, one 1, no 2; class 3 is named but absent.
    const shares = classSurvival([0, 0, 5, 1, 0, 1], [0, 0, 0, 1, 1, 2], (l) => l, ['zero', 'one', 'two', 'three']);
    assert.equal(shares.share, 3 / 6);
    assert.deepEqual(shares.perClass.map((e) => [e.name, e.count, e.share]), [['zero', 3, 2 / 3], ['one', 2, 1 / 2], ['two', 1, 0], ['three', 0, null]]);
    // A mapping that is not the identity (shoes → bags): class 0 should become 1, 1 → 0.
    const swapped = classSurvival([1, 1, 0, 0], [0, 0, 1, 1], (l) => 1 - l, null);
    assert.equal(swapped.share, 1);
    assert.deepEqual(swapped.perClass.map((e) => [e.name, e.expected, e.share]), [['0', 1, 1], ['1', 0, 1]]);
    assert.throws(() => classSurvival([1], [1, 2], (l) => l, null), /1 predictions for 2 labels/);
  });
});

describe('translation scores with the judge (bundled MNIST classifier)', { timeout: 600_000 }, () => {
  it('identity: survival equals the share on the targets, L1 0, SSIM 1, FID 0; next-class digits: survival as the mapping says', async () => {
    const { heldOut } = splitEightyTwenty(loadBundledMnist());
    const test = pickRows(heldOut, Array.from({ length: 400 }, (_, i) => i), 'test');
    const judge = classifierFor(await referenceData('mnist'));
    const extractor = classifierExtractor(judge);
    try {
      const images = bytesToSigned(test.images);
      const base = (outputs: Float32Array, expected: (l: number) => number): TranslationCase => ({
        description: 'constructed', count: test.count, channels: 1, height: 28, width: 28, inputs: images, outputs, targets: images,
        targetDomain: { images, count: test.count, description: 'the real digits' }, labels: test.labels, classes: test.classes, expectedTargetClass: expected,
      });
      const identity = await scoreTranslation(base(images, (l) => l), extractor);
      assert.equal(identity.l1, 0);
      assert.equal(identity.psnr, Infinity);
      assert.ok(Math.abs(identity.ssim! - 1) < 1e-9);
      assert.ok(identity.fid! < 1e-6, `FID of a set with itself ${identity.fid}`);
      assert.ok(Math.abs(identity.diversity! - 1) < 1e-12, `diversity of a set against itself ${identity.diversity}`);
      assert.equal(identity.classSurvival!.share, identity.classSurvival!.onTargets);
      assert.equal(identity.classSurvival!.share, accuracy(judge.net, test));
      assert.deepEqual(identity.skipped, []);

      // Each digit replaced by a digit of the next class (taken from the same split, in order).
      const per = 784;
      const byClass = Array.from({ length: 10 }, (_, k) => [...test.labels!.keys()].filter((i) => test.labels![i] === k));
      const used = new Array(10).fill(0);
      const next = new Float32Array(images.length);
      const nextRows: number[] = [];
      test.labels!.forEach((l, i) => {
        const k = (l + 1) % 10;
        const row = byClass[k][used[k]++ % byClass[k].length];
        nextRows.push(row);
        next.set(images.subarray(row * per, (row + 1) * per), i * per);
      });
      // The same images with the labels the mapping expects: what the classifier reads on them, computed by accuracy().
      const expectedShare = accuracy(judge.net, { ...pickRows(test, nextRows, 'next'), labels: Uint8Array.from(test.labels!, (l) => (l + 1) % 10) });
      const mapped = await scoreTranslation(base(next, (l) => (l + 1) % 10), extractor);
      assert.equal(mapped.classSurvival!.share, expectedShare);
      assert.ok(expectedShare > 0.9, `the classifier reads ${expectedShare} of real digits right`);
      const kept = await scoreTranslation(base(next, (l) => l), extractor);
      assert.ok(kept.classSurvival!.share <= 1 - expectedShare + 1e-12, `a class-changing translator keeps ${kept.classSurvival!.share}`);
      assert.ok(kept.l1! > 0.1 && kept.ssim! < 0.5, `L1 ${kept.l1}, SSIM ${kept.ssim}`);
      // Other real digits in place of each: as varied as the real set, give or take sampling.
      assert.ok(Math.abs(kept.diversity! - 1) < 0.1, `real digits score diversity ${kept.diversity}`);

      // Collapsed: every input becomes the split's first digit. Its class share may still be high for one class,
      // but diversity reads 0 and FID is far from the real set's.
      const collapsed = new Float32Array(images.length);
      for (let i = 0; i < test.count; i++) collapsed.set(images.subarray(0, per), i * per);
      const one = await scoreTranslation(base(collapsed, (l) => l), extractor);
      assert.ok(one.diversity! < 1e-6, `a collapsed translator scores diversity ${one.diversity}`);
      assert.ok(one.fid! > 10 * (mapped.fid! + 1), `collapsed FID ${one.fid} against real digits' ${mapped.fid}`);

      // Unpaired (no targets) and too few images for FID: those scores are skipped with a line each.
      const small = { ...base(images.subarray(0, 50 * per), (l) => l), count: 50, inputs: images.subarray(0, 50 * per), targets: null, labels: test.labels!.subarray(0, 50) };
      const unpaired = await scoreTranslation(small, extractor);
      assert.equal(unpaired.l1, null);
      assert.equal(unpaired.fid, null);
      assert.equal(unpaired.classSurvival!.onTargets, null);
      assert.deepEqual(unpaired.skipped, [
        'L1, PSNR, SSIM: the data is unpaired (no target for each input)',
        'FID: needs at least 128 test images and 128 target-domain images (one per feature dimension), got 50 and 400',
      ]);
      const none = await scoreTranslation(small, null, 'no labels here');
      assert.deepEqual(none.skipped.at(-1), 'FID, diversity, class survival: no labels here');
    } finally {
      extractor.dispose();
    }
  });
});
