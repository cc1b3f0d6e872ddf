// sketch2faces: the sketch operator on constructed colour boundaries (a line where any channel steps by 32 levels
// or more, none below), and the written folder round-tripping through pix2pix's aligned layout: each pair is
// the sketch of the face beside the face, the test faces are not the training faces, and there are no labels.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { drawFace, seededRandom } from '../../src/data/faces';
import { loadDataset } from '../../src/data/select';
import { faceSketch } from '../../src/data/sketches';
import { ganforge, tempDir } from '../helpers/fixtures';

/** A 12×12 RGB image (HWC): `left` in columns 0–5, `right` in 6–11. */
function halves(left: [number, number, number], right: [number, number, number]): Uint8Array {
  const out = new Uint8Array(12 * 12 * 3);
  for (let p = 0; p < 144; p++) out.set(p % 12 < 6 ? left : right, p * 3);
  return out;
}

describe('sketch2faces', () => {
  it('draws a black line where any one channel steps by 32 levels or more, white elsewhere', () => {
    // Green alone steps by 40: Sobel gives 4·40 = 160 ≥ 128 on the two columns beside the boundary.
    const line = faceSketch(halves([200, 100, 50], [200, 140, 50]), 12);
    for (let y = 0; y < 12; y++) {
      assert.deepEqual(Array.from(line.subarray(y * 12, y * 12 + 12)), [255, 255, 255, 255, 255, 0, 0, 255, 255, 255, 255, 255]);
    }
    // A step of 31 in every channel (4·31 = 124 < 128) draws nothing; 32 (exactly 128) draws the line.
    assert.ok(faceSketch(halves([100, 100, 100], [131, 131, 131]), 12).every((v) => v === 255));
    assert.equal(faceSketch(halves([100, 100, 100], [100, 100, 132]), 12).filter((v) => v === 0).length, 24);
    assert.throws(() => faceSketch(new Uint8Array(10), 12), /10 values do not fit 12×12×3/);
  });

  it('writes the aligned layout: sketch | face pairs that load as paired data, test faces apart from training faces', async () => {
    const out = path.join(tempDir('sketch2faces'), 'set');
    const result = ganforge(['data', 'sketch2faces', '--out', out, '--n', '6', '--test-n', '3', '--size', '32', '--seed', '5']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /wrote 6 train and 3 test pairs \(sketch \| face, 32×32 RGB each\)/);
    const data = await loadDataset(out, { imageSize: 32, grayscale: false });
    assert.equal(data.count, 6);
    assert.equal(data.heldOut!.count, 3);
    assert.equal(data.labels, null);
    const per = 3 * 32 * 32;
    const chw = (hwc: Uint8Array) => Uint8Array.from({ length: per }, (_, i) => hwc[(i % 1024) * 3 + Math.floor(i / 1024)]);
    const check = (split: typeof data, seed: number) => {
      const random = seededRandom(seed);
      for (let i = 0; i < split.count; i++) {
        const face = drawFace(32, random);
        assert.deepEqual(split.targets!.subarray(i * per, (i + 1) * per), chw(face), `face ${i}`);
        const sketch = faceSketch(face, 32);
        const gray = Uint8Array.from({ length: per }, (_, k) => sketch[k % 1024]);
        assert.deepEqual(split.images.subarray(i * per, (i + 1) * per), gray, `sketch ${i}`);
      }
    };
    check(data, 5);
    check(data.heldOut!, 6);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 6; j++) {
        assert.notDeepEqual(data.heldOut!.targets!.subarray(i * per, (i + 1) * per), data.targets!.subarray(j * per, (j + 1) * per));
      }
    }
  });
});
