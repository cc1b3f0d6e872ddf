import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { writeIdx } from '../../src/data/idx';
import { DEBIAN_FASHION_MNIST, FASHION_CLASSES, loadBundledMnist, loadFashionMnist, loadIdxFolder } from '../../src/data/mnist';
import { tempDir } from '../helpers/fixtures';

const packageDigits = (digit: number): number[] => {
  const root = path.dirname(require.resolve('mnist/package.json'));
  return JSON.parse(fs.readFileSync(path.join(root, 'src', 'digits', `${digit}.json`), 'utf8')).data;
};

describe('bundled MNIST', () => {
  const mnist = loadBundledMnist();
  it('has 10,000 digits of 1×28×28 with labels 0…9 in the counts of the package files', () => {
    assert.equal(mnist.count, 10000);
    assert.deepEqual([mnist.name, mnist.channels, mnist.height, mnist.width], ['mnist', 1, 28, 28]);
    assert.equal(mnist.images.length, 10000 * 784);
    assert.deepEqual(mnist.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const counts = new Array(10).fill(0);
    mnist.labels!.forEach((l) => counts[l]++);
    counts.forEach((n, digit) => {
      assert.equal(n, packageDigits(digit).length / 784, `digit ${digit}`);
      assert.ok(n > 800 && n < 1200, `digit ${digit}: ${n}`);
    });
  });

  it('keeps every pixel within the 3-decimal rounding of the package values', () => {
    // Digit 9 is the last block of 978 images; each stored value is byte/255 to 3 decimals.
    const values = packageDigits(9);
    const offset = (10000 - values.length / 784) * 784;
    values.forEach((v, i) => {
      if (Math.abs(mnist.images[offset + i] / 255 - v) > 0.0005 + 1e-9) assert.fail(`pixel ${i}: ${mnist.images[offset + i]} vs ${v}`);
    });
    assert.equal(mnist.labels![offset / 784], 9);
  });

  it('looks like MNIST: mean pixel ≈ 33/255, borders blank, centres inked', () => {
    let sum = 0;
    for (const v of mnist.images) sum += v;
    const mean = sum / mnist.images.length;
    assert.ok(mean > 28 && mean < 38, `mean pixel ${mean}`);
    let border = 0;
    let centre = 0;
    for (let i = 0; i < mnist.count; i++) {
      const image = mnist.images.subarray(i * 784, (i + 1) * 784);
      for (let k = 0; k < 28; k++) border += image[k] + image[27 * 28 + k] + image[k * 28] + image[k * 28 + 27];
      centre += image[14 * 28 + 14];
    }
    assert.ok(border / (mnist.count * 112) < 1, `border mean ${border / (mnist.count * 112)}`);
    assert.ok(centre / mnist.count > 60, `centre mean ${centre / mnist.count}`);
    assert.ok(mnist.images.some((v) => v === 255) && mnist.images.some((v) => v === 0));
  });

  it('gives every caller its own arrays', () => {
    const a = loadBundledMnist();
    a.images[0] = 123;
    a.labels![0] = 7;
    const b = loadBundledMnist();
    assert.equal(b.images[0], 0);
    assert.equal(b.labels![0], 0);
  });
});

describe('IDX folders', () => {
  function fakeFolder(gzip: boolean, options: { labels?: number; split?: 'train' | 't10k'; maxLabel?: number } = {}): string {
    const dir = tempDir('fake-mnist');
    const suffix = gzip ? '.gz' : '';
    const labels = options.labels ?? 20;
    const prefix = options.split ?? 'train';
    writeIdx(path.join(dir, `${prefix}-images-idx3-ubyte${suffix}`), [20, 4, 5], Uint8Array.from({ length: 400 }, (_, i) => i % 256));
    writeIdx(path.join(dir, `${prefix}-labels-idx1-ubyte${suffix}`), [labels], Uint8Array.from({ length: labels }, (_, i) => i % ((options.maxLabel ?? 9) + 1)));
    return dir;
  }

  it('loads plain and gzipped folders', () => {
    for (const gzip of [false, true]) {
      const data = loadIdxFolder(fakeFolder(gzip), 'fake');
      assert.deepEqual([data.name, data.count, data.channels, data.height, data.width], ['fake', 20, 1, 4, 5]);
      assert.equal(data.images.length, 400);
      assert.equal(data.images[299], 299 % 256);
      assert.equal(data.images[399], 143);
      assert.equal(data.labels![13], 3);
      assert.equal(data.classes!.length, 10);
    }
  });

  it('loads the test split from t10k files, with given class names', () => {
    const dir = fakeFolder(true, { split: 't10k', maxLabel: 2 });
    const data = loadIdxFolder(dir, 'abc', 'test', ['a', 'b', 'c']);
    assert.deepEqual(data.classes, ['a', 'b', 'c']);
    assert.deepEqual([...data.labels!.subarray(0, 4)], [0, 1, 2, 0]);
    assert.throws(() => loadIdxFolder(dir, 'abc', 'train'), { message: `no train-images-idx3-ubyte[.gz] in ${dir}` });
  });

  it('names what is missing or inconsistent', () => {
    const dir = fakeFolder(false);
    fs.rmSync(path.join(dir, 'train-labels-idx1-ubyte'));
    assert.throws(() => loadIdxFolder(dir, 'x'), { message: `no train-labels-idx1-ubyte[.gz] in ${dir}` });
    const mismatched = fakeFolder(true, { labels: 19 });
    assert.throws(() => loadIdxFolder(mismatched, 'x'), {
      message: `${path.join(mismatched, 'train-labels-idx1-ubyte.gz')} has 19 labels for 20 images in ${path.join(mismatched, 'train-images-idx3-ubyte.gz')}`,
    });
    const tooMany = fakeFolder(false, { maxLabel: 10 });
    assert.throws(() => loadIdxFolder(tooMany, 'x'), { message: `${path.join(tooMany, 'train-labels-idx1-ubyte')}: label 10 at index 10 is not one of the 10 classes` });
    assert.doesNotThrow(() => loadIdxFolder(tooMany, 'x', 'train', [...'abcdefghijk']));
    const flat = fakeFolder(false);
    writeIdx(path.join(flat, 'train-images-idx3-ubyte'), [20, 20], new Uint8Array(400));
    assert.throws(() => loadIdxFolder(flat, 'x'), /train-images-idx3-ubyte: expected N×H×W images, found dims \[20, 20\]/);
    assert.throws(() => loadIdxFolder('/nonexistent-ganforge', 'x'), { message: '/nonexistent-ganforge is not a folder' });
  });

  it('refuses zero images and images with a zero side before training sees them', () => {
    const empty = fakeFolder(false);
    writeIdx(path.join(empty, 'train-images-idx3-ubyte'), [0, 28, 28], new Uint8Array(0));
    writeIdx(path.join(empty, 'train-labels-idx1-ubyte'), [0], new Uint8Array(0));
    assert.throws(() => loadIdxFolder(empty, 'x'), { message: `${path.join(empty, 'train-images-idx3-ubyte')}: holds no images (dims [0, 28, 28])` });
    for (const [h, w] of [[0, 0], [28, 0], [0, 5]]) {
      const flat = fakeFolder(false);
      writeIdx(path.join(flat, 'train-images-idx3-ubyte'), [20, h, w], new Uint8Array(0));
      assert.throws(() => loadIdxFolder(flat, 'x'), { message: `${path.join(flat, 'train-images-idx3-ubyte')}: images of ${h}×${w} pixels have a zero side` });
    }
  });

  it('says how to get Fashion-MNIST when the folder is missing', () => {
    assert.throws(() => loadFashionMnist('/nonexistent-ganforge'), /^OptionError: Fashion-MNIST is not in \/nonexistent-ganforge: apt-get install dataset-fashion-mnist/);
  });
});

describe('Fashion-MNIST (Debian package)', () => {
  it('loads 60,000 training and 10,000 test images, balanced over the ten named classes', (t) => {
    if (!fs.existsSync(DEBIAN_FASHION_MNIST)) {
      t.skip(`${DEBIAN_FASHION_MNIST} is absent (apt-get install dataset-fashion-mnist)`);
      return;
    }
    const train = loadFashionMnist();
    assert.deepEqual([train.name, train.count, train.channels, train.height, train.width], ['fashion-mnist', 60000, 1, 28, 28]);
    assert.deepEqual(train.classes, FASHION_CLASSES);
    assert.deepEqual([train.classes![0], train.classes![9]], ['T-shirt/top', 'Ankle boot']);
    // Fashion-MNIST is exactly balanced: 6,000 per class in training, 1,000 in test.
    const counts = new Array(10).fill(0);
    train.labels!.forEach((l) => counts[l]++);
    assert.deepEqual(counts, new Array(10).fill(6000));
    // Its published normalisation mean is 0.2860 (×255 ≈ 72.9).
    let sum = 0;
    for (const v of train.images) sum += v;
    assert.ok(Math.abs(sum / train.images.length / 255 - 0.286) < 0.001, `mean ${sum / train.images.length / 255}`);
    const test = loadFashionMnist(DEBIAN_FASHION_MNIST, 'test');
    assert.deepEqual([test.count, test.height, test.width], [10000, 28, 28]);
    const testCounts = new Array(10).fill(0);
    test.labels!.forEach((l) => testCounts[l]++);
    assert.deepEqual(testCounts, new Array(10).fill(1000));
  });
});
