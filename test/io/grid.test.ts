import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageGrid, scaleImage } from '../../src/io/grid';

describe('imageGrid', () => {
  it('lays out 3 images of 2×2, two per row, padding 1, mapping [-1, 1] to 0…255 with clamping', () => {
    const samples = Float32Array.from([
      -1, 1, 0, 0.5, // image 0
      2, -2, 1, -1, // image 1 (out of range values clamp)
      0, 0, 0, 0, // image 2
    ]);
    const grid = imageGrid(samples, [3, 1, 2, 2], { nrow: 2, padding: 1, padValue: 1 });
    assert.deepEqual([grid.width, grid.height, grid.channels], [7, 7, 1]);
    const at = (x: number, y: number) => grid.pixels[y * 7 + x];
    assert.equal(at(0, 0), 255, 'padding');
    assert.deepEqual([at(1, 1), at(2, 1), at(1, 2), at(2, 2)], [0, 255, 128, 191]);
    assert.deepEqual([at(4, 1), at(5, 1), at(4, 2), at(5, 2)], [255, 0, 255, 0]);
    assert.deepEqual([at(1, 4), at(2, 5)], [128, 128]);
    assert.deepEqual([at(4, 4), at(5, 5)], [255, 255], 'the empty slot is padding');
  });

  it('64 MNIST-sized images make the usual 242×242 grid; RGB keeps channels interleaved', () => {
    assert.equal(imageGrid(new Float32Array(64 * 784), [64, 1, 28, 28]).width, 242);
    const rgb = imageGrid(Float32Array.from([1, 1, -1, -1, -1, 1]), [1, 3, 1, 2], { padding: 0 });
    assert.deepEqual(Array.from(rgb.pixels), [255, 0, 0, 255, 0, 255]);
  });

  it('scaleImage repeats pixels', () => {
    const big = scaleImage({ width: 2, height: 1, channels: 1, pixels: Uint8Array.from([1, 2]) }, 2);
    assert.deepEqual(Array.from(big.pixels), [1, 1, 2, 2, 1, 1, 2, 2]);
  });
});
