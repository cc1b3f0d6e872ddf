import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { writeIdx } from '../../src/data/idx';
import { DEBIAN_FASHION_MNIST, loadBundledMnist, loadFashionMnist, loadIdxFolder } from '../../src/data/mnist';
import { tempDir } from '../helpers/fixtures';

describe('bundled MNIST', () => {
  const mnist = loadBundledMnist();
  it('has 10,000 digits of 1×28×28 with labels 0…9 in the counts of the package files', () => {
    assert.equal(mnist.count, 10000);
    assert.deepEqual([mnist.channels, mnist.height, mnist.width], [1, 28, 28]);
    assert.equal(mnist.images.length, 10000 * 784);
    const counts = new Array(10).fill(0);
    mnist.labels!.forEach((l) => counts[l]++);
    const root = path.dirname(require.resolve('mnist/package.json'));
    counts.forEach((n, digit) => {
      const values = JSON.parse(fs.readFileSync(path.join(root, 'src', 'digits', `${digit}.json`), 'utf8')).data.length;
      assert.equal(n, values / 784, `digit ${digit}`);
    });
  });
  it('looks like MNIST: mean pixel ≈ 33/255, borders blank, centres inked', () => {
    let sum = 0;
    for (const v of mnist.images) sum += v;
    const mean = sum / mnist.images.length;
    assert.ok(mean > 28 && mean < 38, `mean pixel ${mean}`);
    let border = 0;
    let centre = 0;
    for (let i = 0; i < mnist.count; i++) {
      border += mnist.images[i * 784]; // top-left corner
      centre += mnist.images[i * 784 + 14 * 28 + 14];
    }
    assert.equal(border, 0);
    assert.ok(centre / mnist.count > 60);
  });
});

describe('IDX folders', () => {
  function fakeFolder(gzip: boolean, labels = 20): string {
    const dir = tempDir('fake-mnist');
    const suffix = gzip ? '.gz' : '';
    writeIdx(path.join(dir, `train-images-idx3-ubyte${suffix}`), [20, 4, 5], Uint8Array.from({ length: 400 }, (_, i) => i % 256));
    writeIdx(path.join(dir, `train-labels-idx1-ubyte${suffix}`), [labels], Uint8Array.from({ length: labels }, (_, i) => i % 10));
    return dir;
  }
  it('loads plain and gzipped folders', () => {
    for (const gzip of [false, true]) {
      const data = loadIdxFolder(fakeFolder(gzip), 'fake');
      assert.deepEqual([data.count, data.channels, data.height, data.width], [20, 1, 4, 5]);
      assert.equal(data.images[399], 399 % 256);
      assert.equal(data.labels![13], 3);
    }
  });
  it('names what is missing or inconsistent', () => {
    const dir = fakeFolder(false);
    fs.rmSync(path.join(dir, 'train-labels-idx1-ubyte'));
    assert.throws(() => loadIdxFolder(dir, 'x'), /no train-labels-idx1-ubyte\[\.gz\] in /);
    assert.throws(() => loadIdxFolder(fakeFolder(true, 19), 'x'), /has 19 labels for 20 images/);
    assert.throws(() => loadFashionMnist('/nonexistent'), /apt-get install dataset-fashion-mnist/);
  });
});

describe('Fashion-MNIST (Debian package)', () => {
  it('loads 60,000 training and 10,000 test images with the ten class names', (t) => {
    if (!fs.existsSync(DEBIAN_FASHION_MNIST)) {
      t.skip('dataset-fashion-mnist is not installed');
      return;
    }
    const train = loadFashionMnist();
    assert.deepEqual([train.count, train.height, train.width], [60000, 28, 28]);
    assert.equal(train.classes![9], 'Ankle boot');
    assert.equal(loadFashionMnist(DEBIAN_FASHION_MNIST, 'test').count, 10000);
  });
});
