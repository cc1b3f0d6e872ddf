// Unpaired data: CycleGAN's trainA/trainB/testA/testB layout found and read back (pixels, counts per domain,
// labels from CLASS-INDEX names, BtoA swapping the domains), and bad layouts refused in one line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { dataKindOf } from '../../src/data/dataset';
import { loadBundledMnist, loadFashionMnist } from '../../src/data/mnist';
import { blendDigit, colourTexture, textureRandom } from '../../src/data/mnistm';
import { loadDataset } from '../../src/data/select';
import { isUnpairedLayout } from '../../src/data/unpaired';
import { encodePng } from '../../src/io/png';
import { eightyTwentyIndices } from '../../src/metrics/reference';
import { ganforge, tempDir } from '../helpers/fixtures';

/** A gray 8×8 image whose every pixel is `value`, written as `name` in `folder`. */
function flat(folder: string, name: string, value: number): void {
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, name), encodePng({ width: 8, height: 8, channels: 1, pixels: new Uint8Array(64).fill(value) }));
}

/** trainA: 3 images (values 10, 20, 30), trainB: 2 (200, 210), testA: 1 (40), testB: 2 (220, 230); CLASS-INDEX names. */
function layout(root: string): string {
  const dir = path.join(root, 'set');
  flat(path.join(dir, 'trainA'), '0-000001.png', 10);
  flat(path.join(dir, 'trainA'), '1-000002.png', 20);
  flat(path.join(dir, 'trainA'), '2-000003.png', 30);
  flat(path.join(dir, 'trainB'), '3-000004.png', 200);
  flat(path.join(dir, 'trainB'), '4-000005.png', 210);
  flat(path.join(dir, 'testA'), '1-000006.png', 40);
  flat(path.join(dir, 'testB'), '0-000007.png', 220);
  flat(path.join(dir, 'testB'), '2-000008.png', 230);
  fs.writeFileSync(path.join(dir, 'classes.txt'), 'zero\none\ntwo\nthree\nfour\n');
  return dir;
}

const firstPixels = (bytes: Uint8Array, per: number, count: number) => Array.from({ length: count }, (_, i) => bytes[i * per]);

describe('the unpaired layout', () => {
  const root = tempDir('unpaired');
  const dir = layout(root);

  it('is found by its trainA/trainB folders, and not in an aligned or plain folder', () => {
    assert.ok(isUnpairedLayout(dir));
    assert.ok(!isUnpairedLayout(path.join(dir, 'trainA')));
  });

  it('reads each domain with its own count, pixels and labels; the test folders become the held-out split', async () => {
    const data = await loadDataset(dir, { imageSize: 8, grayscale: true });
    assert.equal(dataKindOf(data), 'unpaired');
    const b = data.otherDomain!;
    assert.deepEqual([data.count, b.count, data.heldOut!.count, data.heldOut!.otherDomain!.count], [3, 2, 1, 2]);
    assert.deepEqual([data.channels, data.height, data.width], [1, 8, 8]);
    assert.deepEqual(firstPixels(data.images, 64, 3), [10, 20, 30]);
    assert.deepEqual(firstPixels(b.images, 64, 2), [200, 210]);
    assert.deepEqual(firstPixels(data.heldOut!.otherDomain!.images, 64, 2), [220, 230]);
    assert.deepEqual([...data.labels!], [0, 1, 2]);
    assert.deepEqual([...b.labels!], [3, 4]);
    assert.deepEqual([...data.heldOut!.otherDomain!.labels!], [0, 2]);
    assert.deepEqual(data.classes, ['zero', 'one', 'two', 'three', 'four']);
    assert.deepEqual(b.classes, data.classes);
    // In colour, gray images are replicated into three equal channels.
    const rgb = await loadDataset(dir, { imageSize: 8, grayscale: false });
    assert.equal(rgb.channels, 3);
    assert.deepEqual([rgb.images[0], rgb.images[64], rgb.images[128]], [10, 10, 10]);
  });

  it('BtoA swaps the domains, in both splits', async () => {
    const data = await loadDataset(dir, { imageSize: 8, grayscale: true, direction: 'BtoA' });
    assert.deepEqual([data.count, data.otherDomain!.count, data.heldOut!.count], [2, 3, 2]);
    assert.deepEqual(firstPixels(data.images, 64, 2), [200, 210]);
    assert.deepEqual([...data.otherDomain!.labels!], [0, 1, 2]);
  });

  it('a file without a CLASS-INDEX name leaves every domain unlabelled', async () => {
    const other = path.join(root, 'unnamed');
    fs.cpSync(dir, other, { recursive: true });
    flat(path.join(other, 'trainB'), 'zebra.png', 50);
    const data = await loadDataset(other, { imageSize: 8, grayscale: true });
    assert.equal(data.labels, null);
    assert.equal(data.otherDomain!.labels, null);
    assert.equal(data.otherDomain!.count, 3);
  });

  it('refuses a missing trainA, an empty trainB, a lone test folder and an undecodable image, in one line each', async () => {
    const make = (name: string, setup: (d: string) => void) => {
      const d = path.join(root, name);
      fs.cpSync(dir, d, { recursive: true });
      setup(d);
      return d;
    };
    const cases: [string, RegExp][] = [
      [make('no-a', (d) => fs.rmSync(path.join(d, 'trainA'), { recursive: true })), /no-a\/trainA is missing \(the unpaired layout needs DIR\/trainA and DIR\/trainB/],
      [make('empty-b', (d) => {
        for (const f of fs.readdirSync(path.join(d, 'trainB'))) fs.rmSync(path.join(d, 'trainB', f));
      }),
        /empty-b\/trainB holds no PNG or JPEG images/],
      [make('lone-test', (d) => fs.rmSync(path.join(d, 'testB'), { recursive: true })), /lone-test\/testA holds images but .*testB does not: a held-out split needs both domains/],
      [make('broken', (d) => fs.writeFileSync(path.join(d, 'trainB', '4-000009.png'), 'not a png')), /broken\/trainB\/4-000009\.png: not a readable image/],
    ];
    for (const [d, pattern] of cases) {
      await assert.rejects(loadDataset(d, { imageSize: 8, grayscale: true }), (err: Error) => {
        assert.match(err.message, pattern);
        assert.equal(err.message.split('\n').length, 1, err.message);
        return true;
      });
    }
  });
});

describe('ganforge data mnist2mnistm and shoes2bags, read back through the layout', () => {
  const root = tempDir('unpaired-sets');
  const m2m = path.join(root, 'm2m');
  const made = ganforge(['data', 'mnist2mnistm', '--out', m2m, '--n', '6', '--test-n', '3', '--seed', '5']);
  const indexOf = (name: string) => Number(/^\d-(\d{6})\.png$/.exec(name)![1]);
  const names = (dir: string, folder: string) => fs.readdirSync(path.join(dir, folder)).sort();

  it('MNIST-M\'s blend is |texture − digit| per channel', () => {
    assert.deepEqual([...blendDigit(Uint8Array.from([0, 255]), Uint8Array.from([10, 20, 30, 10, 20, 30]))], [10, 20, 30, 245, 235, 225]);
    assert.throws(() => blendDigit(new Uint8Array(2), new Uint8Array(3)), /does not fit 2 pixels × 3/);
  });

  it('draws A and B from disjoint halves of the judge\'s split; A is the digit, B the digit blended with its seeded texture', async () => {
    assert.equal(made.status, 0, made.stderr);
    const split = eightyTwentyIndices(10_000);
    const train = new Set(split.train);
    const heldOut = new Set(split.heldOut);
    const [a, b, ta, tb] = ['trainA', 'trainB', 'testA', 'testB'].map((f) => names(m2m, f).map(indexOf));
    assert.deepEqual([a.length, b.length, ta.length, tb.length], [6, 6, 3, 3]);
    assert.ok([...a, ...b].every((i) => train.has(i)) && [...ta, ...tb].every((i) => heldOut.has(i)), 'train from the judge\'s 8,000, test from its 2,000');
    assert.equal(new Set([...a, ...b]).size, 12, 'A and B share no digit');
    assert.equal(new Set([...ta, ...tb]).size, 6, 'testA and testB share no digit');

    const data = await loadDataset(m2m, { imageSize: 28, grayscale: false });
    const digits = loadBundledMnist();
    const digit = (i: number) => digits.images.subarray(i * 784, (i + 1) * 784);
    names(m2m, 'trainA').forEach((name, k) => {
      for (let c = 0; c < 3; c++) assert.deepEqual(data.images.subarray(k * 2352 + c * 784, k * 2352 + (c + 1) * 784), digit(indexOf(name)), `${name}: channel ${c} is the digit`);
      assert.equal(data.labels![k], digits.labels![indexOf(name)]);
    });
    names(m2m, 'trainB').forEach((name, k) => {
      const hwc = blendDigit(digit(indexOf(name)), colourTexture(textureRandom(5, indexOf(name)), 28));
      const chw = data.otherDomain!.images.subarray(k * 2352, (k + 1) * 2352);
      for (let p = 0; p < 784; p++) for (let c = 0; c < 3; c++) assert.equal(chw[c * 784 + p], hwc[p * 3 + c], `${name}: pixel ${p} channel ${c}`);
    });
    assert.equal(data.heldOut!.otherDomain!.count, 3);
    assert.deepEqual(data.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('the seed decides the textures: the same seed writes the same bytes, another seed other colours', () => {
    const again = path.join(root, 'again');
    const other = path.join(root, 'other');
    assert.equal(ganforge(['data', 'mnist2mnistm', '--out', again, '--n', '6', '--test-n', '3', '--seed', '5']).status, 0);
    assert.equal(ganforge(['data', 'mnist2mnistm', '--out', other, '--n', '6', '--test-n', '3', '--seed', '6']).status, 0);
    const file = path.join('trainB', names(m2m, 'trainB')[0]);
    assert.ok(fs.readFileSync(path.join(m2m, file)).equals(fs.readFileSync(path.join(again, file))));
    assert.ok(!fs.readFileSync(path.join(m2m, file)).equals(fs.readFileSync(path.join(other, file))));
  });

  it('shoes2bags: footwear in A, bags in B, from Fashion-MNIST\'s train and test files, pixels kept', async () => {
    const dir = path.join(root, 's2b');
    const result = ganforge(['data', 'shoes2bags', '--out', dir, '--n', '8', '--test-n', '4']);
    assert.equal(result.status, 0, result.stderr);
    const data = await loadDataset(dir, { imageSize: 28, grayscale: true });
    assert.deepEqual([data.count, data.otherDomain!.count, data.heldOut!.count, data.heldOut!.otherDomain!.count], [8, 8, 4, 4]);
    assert.ok([...data.labels!].every((l) => [5, 7, 9].includes(l)), `A is footwear: ${data.labels}`);
    assert.ok([...data.otherDomain!.labels!].every((l) => l === 8), 'B is bags');
    assert.ok([...data.heldOut!.labels!].every((l) => [5, 7, 9].includes(l)));
    const fashionTest = loadFashionMnist(undefined, 'test');
    names(dir, 'testB').forEach((name, k) => {
      const i = indexOf(name);
      assert.equal(fashionTest.labels![i], 8, name);
      assert.deepEqual(data.heldOut!.otherDomain!.images.subarray(k * 784, (k + 1) * 784), fashionTest.images.subarray(i * 784, (i + 1) * 784), name);
    });
    assert.equal(data.classes![8], 'Bag');
  });
});
