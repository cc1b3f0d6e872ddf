// The samples files `ganforge eval --samples` reads: whatever the format, values that are not finite or not in
// [0, 1], empty sets, zero-sided images and channel counts no reference takes are refused in one line naming
// the file, before the judge is built.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { writeIdx } from '../../src/data/idx';
import { encodeNpy } from '../../src/io/npy';
import { readSamplesEarly, RANGE_TOLERANCE, readSamples } from '../../src/metrics/samples-file';
import { tempDir } from '../helpers/fixtures';
import { assertCleanRefusal, folderFingerprint, assertFolderUnchanged, ganforgeMeasured } from '../helpers/hostile';

const reference = { channels: 1, size: 28 };

describe('samples files', () => {
  const dir = tempDir('samples');
  const npyFile = (name: string, values: number[] | Float32Array, shape: number[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, encodeNpy(Float32Array.from(values), shape));
    return file;
  };

  it('reads float .npy in [0, 1], uint8 .npy and IDX into [-1, 1]', async () => {
    const f = await readSamples(npyFile('ok.npy', [0, 0.5, 1, 0.25], [1, 1, 2, 2]), reference);
    assert.deepEqual(f, { images: Float32Array.from([-1, 0, 1, -0.5]), shape: [1, 1, 2, 2] });
    const idx = path.join(dir, 'ok.idx');
    writeIdx(idx, [2, 1, 2], Uint8Array.from([0, 255, 255, 0]));
    assert.deepEqual(await readSamples(idx, reference), { images: Float32Array.from([-1, 1, 1, -1]), shape: [2, 1, 1, 2] });
    // Rounding a hair outside [0, 1] is clamped, not refused.
    const edge = await readSamples(npyFile('edge.npy', [-RANGE_TOLERANCE / 2, 1 + RANGE_TOLERANCE / 2], [1, 1, 1, 2]), reference);
    assert.deepEqual(edge.images, Float32Array.from([-1, 1]));
  });

  it('refuses NaN, ±Inf and values outside [0, 1], naming the file, value and image', async () => {
    const cases: [string, number, RegExp][] = [
      ['nan.npy', NaN, /nan\.npy: value NaN at index 5 \(image 1\): samples must be finite numbers in \[0, 1\]$/],
      ['inf.npy', Infinity, /inf\.npy: value Infinity at index 5 \(image 1\): samples must be finite/],
      ['minus-inf.npy', -Infinity, /minus-inf\.npy: value -Infinity at index 5 \(image 1\): samples must be finite/],
      ['big.npy', 1.5, /big\.npy: value 1\.5 at index 5 \(image 1\) is outside \[0, 1\]$/],
      ['tanh.npy', -0.5, /tanh\.npy: value -0\.5 at index 5 \(image 1\) is outside \[0, 1\] \(for \[-1, 1\] output, save \(x \+ 1\) \/ 2\)$/],
      ['over.npy', 1 + 10 * RANGE_TOLERANCE, /over\.npy: value 1\.0099999904632568 at index 5 \(image 1\) is outside \[0, 1\]$/],
    ];
    for (const [name, bad, message] of cases) {
      const values = new Float32Array(8).fill(0.5);
      values[5] = bad;
      const file = npyFile(name, values, [2, 1, 2, 2]);
      assert.throws(() => readSamplesEarly(file), (e: Error) => message.test(e.message) && e.message.startsWith(file), name);
      await assert.rejects(readSamples(file, reference), (e: Error) => message.test(e.message), name);
    }
  });

  it('refuses 0 images, images with a zero side and channel counts other than 1 or 3, in every format', async () => {
    const idx = (name: string, dims: number[]) => {
      const file = path.join(dir, name);
      writeIdx(file, dims, new Uint8Array(dims.reduce((a, b) => a * b, 1)));
      return file;
    };
    const cases: [string, string][] = [
      [npyFile('none.npy', [], [0, 1, 28, 28]), 'holds no images (dims [0, 1, 28, 28])'],
      [idx('none.idx', [0, 28, 28]), 'holds no images (dims [0, 28, 28])'],
      [npyFile('flat.npy', [], [4, 1, 0, 28]), 'images of 0×28 pixels have a zero side'],
      [idx('zero.idx', [4, 0, 0]), 'images of 0×0 pixels have a zero side'],
      [npyFile('two.npy', new Float32Array(2 * 2 * 4), [2, 2, 2, 2]), 'images have 2 channels; the reference takes 1 (gray) or 3 (RGB)'],
      [idx('rgba.idx', [2, 4, 2, 2]), 'images have 4 channels; the reference takes 1 (gray) or 3 (RGB)'],
      [idx('zero-channels.idx', [2, 0, 2, 2]), 'images have 0 channels; the reference takes 1 (gray) or 3 (RGB)'],
    ];
    for (const [file, message] of cases) {
      assert.throws(() => readSamplesEarly(file), { message: `${file}: ${message}` });
      await assert.rejects(readSamples(file, reference), { message: `${file}: ${message}` });
    }
  });

  it('reads only the bytes a .npy header announces: a huge sparse file behind a small header costs nothing', async () => {
    const file = npyFile('sparse.npy', new Float32Array(784).fill(0.5), [1, 1, 28, 28]);
    fs.truncateSync(file, 1 << 30);
    const before = process.resourceUsage().maxRSS;
    readSamplesEarly(file);
    assert.deepEqual((await readSamples(file, reference)).shape, [1, 1, 28, 28]);
    assert.ok((process.resourceUsage().maxRSS - before) / 1024 < 32, 'the whole file was read');
  });

  it('ganforge eval --samples refuses bad values in one line, fast (before the judge), leaving the folder alone', () => {
    const values = new Float32Array(4 * 784).fill(0.5);
    values[1000] = NaN;
    const cliDir = tempDir('samples-cli'); // apart from the 1 GiB sparse file, which would take seconds to hash
    const file = path.join(cliDir, 'cli-nan.npy');
    fs.writeFileSync(file, encodeNpy(values, [4, 1, 28, 28]));
    const before = folderFingerprint(cliDir);
    const started = Date.now();
    const result = ganforgeMeasured(['eval', '--samples', file, '--dataset', 'mnist']);
    assertCleanRefusal(result, 'NaN samples', { pattern: /cli-nan\.npy: value NaN at index 1000 \(image 1\)/, maxRssMiB: 600 });
    assert.ok(Date.now() - started < 20_000, 'the judge was built before the samples were checked');
    assertFolderUnchanged(cliDir, before, 'eval of NaN samples');
  });
});
