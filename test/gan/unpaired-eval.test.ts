// Scoring an unpaired translation run (CycleGAN, DiscoGAN): its testA translated and compared, by FID, with testB;
// the class each translation should read as, from the two domains' classes (same classes: its own; one class in
// the target: that one; several: none); and `ganforge eval` on a tiny CycleGAN run end to end.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { ImageDataset } from '../../src/data/dataset';
import type { LoadedTranslator } from '../../src/gan/run-translate';
import { unpairedTestCase } from '../../src/gan/translation-eval';
import { ganforge, tempDir } from '../helpers/fixtures';

/** `labels.length` 2×2 gray images, each filled with its index, labelled `labels`. */
function domain(name: string, labels: number[]): ImageDataset {
  const images = Uint8Array.from({ length: labels.length * 4 }, (_, i) => Math.floor(i / 4));
  return { name, images, labels: Uint8Array.from(labels), count: labels.length, channels: 1, height: 2, width: 2, classes: null };
}

function unpaired(a: number[], b: number[]): ImageDataset {
  return { ...domain('train', a), otherDomain: domain('trainB', b), heldOut: { ...domain('testA', a), otherDomain: domain('testB', b) } };
}

/** A "translator" that inverts each pixel, so the outputs are known. */
const inverting = { direction: 'AtoB', step: 0, translate: (x: Float32Array) => x.map((v) => -v), dispose: () => undefined } as unknown as LoadedTranslator;

describe('the unpaired test case', () => {
  it('translates testA, keeps no targets, and takes testB as the FID reference', () => {
    const { testCase, targetDomain } = unpairedTestCase(inverting, unpaired([5, 7, 9], [8, 8]));
    assert.equal(testCase.count, 3);
    assert.equal(testCase.targets, null);
    assert.deepEqual([...testCase.outputs], [...testCase.inputs].map((v) => -v));
    assert.equal(testCase.targetDomain.count, 2);
    assert.equal(targetDomain.heldOut.name, 'testB');
    assert.equal(targetDomain.train!.name, 'trainB');
  });

  it('expects a shoe to read as a bag, a digit as itself, and a bag as no single shoe', () => {
    assert.deepEqual([5, 7, 9].map(unpairedTestCase(inverting, unpaired([5, 7, 9], [8])).testCase.expectedTargetClass), [8, 8, 8]);
    assert.deepEqual([0, 3].map(unpairedTestCase(inverting, unpaired([0, 3], [3, 0])).testCase.expectedTargetClass), [0, 3]);
    assert.deepEqual([8].map(unpairedTestCase(inverting, unpaired([8], [5, 7, 9])).testCase.expectedTargetClass), [-1]);
  });

  it('refuses data without both test folders in one line', () => {
    const data = { ...unpaired([1], [2]), heldOut: undefined };
    assert.throws(() => unpairedTestCase(inverting, data), /has no testA and testB to score/);
  });
});

describe('ganforge eval on a CycleGAN run', () => {
  it('scores FID against testB and class survival, and skips the paired scores with the reason', () => {
    const root = tempDir('cyclegan-eval');
    const data = path.join(root, 'm2m');
    assert.equal(ganforge(['data', 'mnist2mnistm', '--out', data, '--n', '130', '--test-n', '130']).status, 0);
    const run = path.join(root, 'run');
    const trained = ganforge(['train', '--model', 'cyclegan', '--dataset', data, '--image-size', '28', '--width', '4', '--residual-blocks', '1',
      '--batch-size', '4', '--steps', '2', '--out', run]);
    assert.equal(trained.status, 0, trained.stderr);
    const result = ganforge(['eval', '--checkpoint', run, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const s = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    assert.equal(s.count, 130);
    assert.ok(Number.isFinite(s.fid) && s.fid > 0, `FID ${s.fid}`);
    assert.equal(s.l1, null);
    assert.ok(s.classSurvival.share >= 0 && s.classSurvival.share <= 1);
    assert.equal(s.classSurvival.onTargets, null);
    assert.deepEqual(s.skipped, ['L1, PSNR, SSIM: the data is unpaired (no target for each input)']);
  });
});
