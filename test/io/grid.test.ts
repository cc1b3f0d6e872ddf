import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageGrid, scaleImage } from '../../src/io/grid';

describe('imageGrid', () => {
  it('lays out 3 images of 2×2, two per row, padding 1, mapping [-1, 1] to 0…255 with clamping', () => {
    const samples = Float32Array.from([
      -1, 1, 0, 0.5, // image 0: 0, 255, round(127.5) = 128, round(191.25) = 191
      2, -2, 1, -1, // image 1: out-of-range values clamp to 255 and 0
      -0.999, 0.999, 0.2, -0.2, // image 2: round(0.1275) = 0, round(254.87) = 255, round(153) = 153, round(102) = 102
    ]);
    const grid = imageGrid(samples, [3, 1, 2, 2], { nrow: 2, padding: 1, padValue: 1 });
    // 2 columns: 1 + 2 + 1 + 2 + 1 = 7 wide; 2 rows: 7 high.
    assert.deepEqual([grid.width, grid.height, grid.channels, grid.pixels.length], [7, 7, 1, 49]);
    const P = 255;
    assert.deepEqual(Array.from(grid.pixels), [
      P, P, P, P, P, P, P,
      P, 0, 255, P, 255, 0, P,
      P, 128, 191, P, 255, 0, P,
      P, P, P, P, P, P, P,
      P, 0, 255, P, P, P, P, // the fourth slot is empty: all padding
      P, 153, 102, P, P, P, P,
      P, P, P, P, P, P, P,
    ]);
  });

  it('defaults: ceil(sqrt(N)) per row, padding 2, black padding; 64 MNIST digits make 242×242', () => {
    const grid = imageGrid(new Float32Array(64 * 784).fill(1), [64, 1, 28, 28]);
    assert.deepEqual([grid.width, grid.height, grid.channels], [242, 242, 1]);
    assert.deepEqual([grid.pixels[0], grid.pixels[2 * 242 + 1], grid.pixels[2 * 242 + 2], grid.pixels[29 * 242 + 29]], [0, 0, 255, 255]);
    assert.equal(grid.pixels[30 * 242 + 30], 0, 'the gap between the first and second image');
    // 5 images: 3 per row, 2 rows.
    const five = imageGrid(new Float32Array(5 * 4), [5, 1, 2, 2]);
    assert.deepEqual([five.width, five.height], [3 * 4 + 2, 2 * 4 + 2]);
  });

  it('keeps RGB channels interleaved and honours a custom range', () => {
    // One 1×2 image, planes R = [1, 0], G = [0, 0.5], B = [0.25, 1], range [0, 1].
    const rgb = imageGrid(Float32Array.from([1, 0, 0, 0.5, 0.25, 1]), [1, 3, 1, 2], { padding: 0, range: [0, 1] });
    assert.deepEqual([rgb.width, rgb.height, rgb.channels], [2, 1, 3]);
    assert.deepEqual(Array.from(rgb.pixels), [255, 0, 64, 0, 128, 255]);
  });

  it('caps nrow at N, and NaN samples become 0', () => {
    const grid = imageGrid(Float32Array.from([NaN, 1]), [2, 1, 1, 1], { nrow: 10, padding: 0 });
    assert.deepEqual([grid.width, grid.height, ...grid.pixels], [2, 1, 0, 255]);
  });

  it('refuses shapes and options that cannot make a grid', () => {
    assert.throws(() => imageGrid(new Float32Array(8), [1, 2, 2, 2]), /1 or 3 channels, got 2/);
    assert.throws(() => imageGrid(new Float32Array(7), [2, 1, 2, 2]), /7 values do not fit \[2, 1, 2, 2\]/);
    assert.throws(() => imageGrid(new Float32Array(0), [0, 1, 2, 2]), /bad sample shape/);
    assert.throws(() => imageGrid(new Float32Array(4), [1, 1, 2, 2], { range: [1, 1] }), /range \[1, 1\] is empty/);
    assert.throws(() => imageGrid(new Float32Array(4), [1, 1, 2, 2], { nrow: 0 }), /nrow/);
    assert.throws(() => imageGrid(new Float32Array(4), [1, 1, 2, 2], { padValue: 2 }), /padValue/);
  });
});

describe('scaleImage', () => {
  it('repeats each pixel factor × factor times', () => {
    const gray = scaleImage({ width: 2, height: 2, channels: 1, pixels: Uint8Array.from([1, 2, 3, 4]) }, 3);
    assert.deepEqual([gray.width, gray.height], [6, 6]);
    assert.deepEqual(Array.from(gray.pixels), [
      1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2,
      3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4,
    ]);
    const rgb = scaleImage({ width: 1, height: 1, channels: 3, pixels: Uint8Array.from([7, 8, 9]) }, 2);
    assert.deepEqual(Array.from(rgb.pixels), [7, 8, 9, 7, 8, 9, 7, 8, 9, 7, 8, 9]);
    assert.throws(() => scaleImage(rgb, 1.5), /whole number/);
  });
});
