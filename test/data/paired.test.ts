// Paired data: the edge operator on a hand-made image, `ganforge data edges2digits` written and read back
// through pix2pix's aligned layout (pixels, classes, names, splits, direction), and bad layouts refused in one line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pickRows } from '../../src/data/dataset';
import { sideBySide, sobelEdges } from '../../src/data/edges';
import { loadBundledMnist } from '../../src/data/mnist';
import { loadDataset } from '../../src/data/select';
import { encodePng } from '../../src/io/png';
import { eightyTwentyIndices } from '../../src/metrics/reference';
import { ganforge, tempDir } from '../helpers/fixtures';

describe('the edge operator', () => {
  it('marks both sides of a black-to-white step and nothing in flat regions or for a faint step', () => {
    // 4×5 image: columns 0–1 black, 2–4 white. Sobel's horizontal response is 4·255 at columns 1 and 2 (the
    // kernel straddles the step there) and 0 elsewhere; a step of 60 gives 240 < 255, no edge.
    const step = Uint8Array.from({ length: 20 }, (_, i) => (i % 5 >= 2 ? 255 : 0));
    assert.deepEqual([...sobelEdges(step, 4, 5)], Array.from({ length: 20 }, (_, i) => ([1, 2].includes(i % 5) ? 255 : 0)));
    const faint = Uint8Array.from({ length: 20 }, (_, i) => (i % 5 >= 2 ? 60 : 0));
    assert.ok(sobelEdges(faint, 4, 5).every((v) => v === 0));
    assert.deepEqual([...sideBySide(Uint8Array.from([1, 2, 3, 4]), Uint8Array.from([5, 6, 7, 8]), 2, 2)], [1, 2, 5, 6, 3, 4, 7, 8]);
  });
});

describe('edges2digits through the aligned layout', () => {
  const root = tempDir('edges2digits');
  const dir = path.join(root, 'e2d');
  const made = ganforge(['data', 'edges2digits', '--out', dir, '--n', '12', '--test-n', '6']);

  it('writes train/ and test/ of CLASS-INDEX.png from the judge\'s split, and classes.txt', () => {
    assert.equal(made.status, 0, made.stderr);
    const split = eightyTwentyIndices(10_000);
    const names = (s: string) => fs.readdirSync(path.join(dir, s)).sort();
    const indexOf = (name: string) => Number(/^\d-(\d{6})\.png$/.exec(name)![1]);
    assert.equal(names('train').length, 12);
    assert.equal(names('test').length, 6);
    // Training pairs come from the 8,000 the judge's classifier trains on; test pairs from the 2,000 it never sees.
    assert.deepEqual(names('train').map(indexOf).sort((a, b) => a - b), split.train.slice(0, 12).sort((a, b) => a - b));
    assert.deepEqual(names('test').map(indexOf).sort((a, b) => a - b), split.heldOut.slice(0, 6).sort((a, b) => a - b));
    const digits = loadBundledMnist();
    for (const name of names('test')) assert.equal(Number(name[0]), digits.labels![indexOf(name)], `${name}: class of its source digit`);
    assert.equal(fs.readFileSync(path.join(dir, 'classes.txt'), 'utf8'), '0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n');
  });

  it('reads back: inputs are the edge maps, targets the digits themselves, byte for byte; BtoA swaps them', async () => {
    const data = await loadDataset(dir, { imageSize: 28, grayscale: true });
    assert.equal(data.count, 12);
    assert.deepEqual([data.channels, data.height, data.width], [1, 28, 28]);
    assert.equal(data.heldOut?.count, 6);
    assert.deepEqual(data.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const digits = loadBundledMnist();
    const files = fs.readdirSync(path.join(dir, 'train')).sort();
    files.forEach((name, i) => {
      const source = Number(name.slice(2, 8));
      const digit = digits.images.subarray(source * 784, (source + 1) * 784);
      assert.deepEqual(data.targets!.subarray(i * 784, (i + 1) * 784), digit, `${name}: target`);
      assert.deepEqual(data.images.subarray(i * 784, (i + 1) * 784), sobelEdges(digit, 28, 28), `${name}: input`);
      assert.equal(data.labels![i], Number(name[0]));
    });
    const swapped = await loadDataset(dir, { imageSize: 28, grayscale: true, direction: 'BtoA' });
    assert.deepEqual(swapped.images, data.targets);
    assert.deepEqual(swapped.targets, data.images);
    assert.deepEqual(swapped.heldOut!.images, data.heldOut!.targets);
    // Subsets keep each target with its input.
    const picked = pickRows(data, [3, 1], 'two');
    assert.deepEqual(picked.targets, Uint8Array.from([...data.targets!.subarray(3 * 784, 4 * 784), ...data.targets!.subarray(784, 2 * 784)]));
  });
});

describe('bad paired layouts', () => {
  const pair = (width: number, height: number) => encodePng({ width, height, channels: 1, pixels: new Uint8Array(width * height) });

  it('an image whose halves cannot be the same size (odd width) is refused, naming the file', async () => {
    const dir = tempDir('odd-pair');
    fs.mkdirSync(path.join(dir, 'train'));
    fs.writeFileSync(path.join(dir, 'train', 'a.png'), pair(56, 28));
    fs.writeFileSync(path.join(dir, 'train', 'b.png'), pair(57, 28));
    await assert.rejects(loadDataset(dir, { imageSize: 28, grayscale: true }),
      new RegExp(`^Error: ${path.join(dir, 'train', 'b.png').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: 57×28 is not two images of the same size side by side \\(A\\|B needs an even width\\)$`));
  });

  it('an empty train/ folder, and a file that is not an image, each get one line', async () => {
    const dir = tempDir('empty-pairs');
    fs.mkdirSync(path.join(dir, 'train'));
    fs.mkdirSync(path.join(dir, 'test'));
    fs.writeFileSync(path.join(dir, 'test', 'x.png'), pair(8, 4));
    // train/ is empty, but test/ holds images: still the layout, and refused for its empty train/.
    await assert.rejects(loadDataset(dir, { imageSize: 4 }), /train holds no PNG or JPEG images \(the aligned layout needs DIR\/train\/\*\.png/);
    fs.writeFileSync(path.join(dir, 'train', 'y.png'), 'not a png');
    await assert.rejects(loadDataset(dir, { imageSize: 4 }), /y\.png: not a readable image/);
  });

  it('the CLI refuses a noise GAN on paired data and says which model translates', () => {
    const dir = tempDir('pairs-cli');
    fs.mkdirSync(path.join(dir, 'train'));
    for (let i = 0; i < 4; i++) fs.writeFileSync(path.join(dir, 'train', `${i}.png`), pair(16, 8));
    const result = ganforge(['train', '--model', 'dcgan', '--dataset', dir, '--image-size', '8', '--grayscale', '--steps', '1', '--out', path.join(dir, 'run')]);
    assert.equal(result.status, 1);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], /holds pairs of images \(A\|B\), which model 'dcgan' does not train on: use --model pix2pix/);
    // With no model or recipe named, paired data gets the pix2pix recipe.
    const run = path.join(dir, 'implicit');
    const trained = ganforge(['train', '--dataset', dir, '--image-size', '8', '--grayscale', '--width', '2', '--batch-size', '2', '--steps', '1', '--out', run]);
    assert.equal(trained.status, 0, trained.stderr);
    const config = JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8'));
    assert.deepEqual([config.recipe, config.model, config.imageShape], ['pix2pix', 'pix2pix', [1, 8, 8]]);
  });
});
