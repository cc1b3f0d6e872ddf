// `ganforge data sketch2faces`: pairs in pix2pix's aligned layout, a line drawing of a procedural face (A) beside
// the coloured face (B), as edges2shoes pairs a sketch-like edge map with the photo.
//
// The sketch operator: the thresholded Sobel edge map of src/data/edges.ts applied to each of the face's R, G and B
// channels, a pixel an edge when any channel's gradient magnitude reaches SKETCH_THRESHOLD (so a boundary between
// two colours of equal brightness, hair against a background, still gets its line), drawn dark (0) on white
// (255) as a pencil drawing is. A step of Δ levels gives a magnitude of 4Δ, so 128 draws every boundary of 32
// levels or more in some channel (edges2digits' 255 missed pale hair on pale backgrounds); the background's
// gradient changes by about one level per pixel and draws nothing.
import * as path from 'path';
import * as fs from 'fs';
import { writeFileAtomic } from '../io/atomic';
import { encodePng } from '../io/png';
import { sobelEdges } from './edges';
import { drawFace, seededRandom } from './faces';

export const SKETCH_THRESHOLD = 128;
export const SKETCH_OPERATOR = `Sobel gradient magnitude of each RGB channel, an edge where any channel's reaches ${SKETCH_THRESHOLD}, drawn black on white`;

/** The sketch of one face (size×size RGB, HWC): one gray plane, 0 on the lines, 255 elsewhere. */
export function faceSketch(hwc: Uint8Array, size: number): Uint8Array {
  if (hwc.length !== size * size * 3) throw new Error(`faceSketch: ${hwc.length} values do not fit ${size}×${size}×3`);
  const sketch = new Uint8Array(size * size).fill(255);
  const plane = new Uint8Array(size * size);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < size * size; p++) plane[p] = hwc[p * 3 + c];
    const edges = sobelEdges(plane, size, size, SKETCH_THRESHOLD);
    for (let p = 0; p < size * size; p++) if (edges[p]) sketch[p] = 0;
  }
  return sketch;
}

/** One RGB pair image: the sketch (gray, repeated over the channels) on the left, the face on the right. */
function sketchBesideFace(sketch: Uint8Array, face: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size * 2 * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const left = (y * 2 * size + x) * 3;
      const right = left + size * 3;
      for (let c = 0; c < 3; c++) {
        out[left + c] = sketch[y * size + x];
        out[right + c] = face[(y * size + x) * 3 + c];
      }
    }
  }
  return out;
}

/**
 * Writes `count` pairs to DIR/split/face-NNNNNN.png, faces drawn from `seed`'s stream (the train and test splits
 * get different seeds, so no test face is a training face). The names carry no class: faces have none.
 */
export function writeSketchPairs(dir: string, split: 'train' | 'test', count: number, size: number, seed: number, onFile?: () => void): void {
  const folder = path.join(dir, split);
  fs.mkdirSync(folder, { recursive: true });
  const random = seededRandom(seed);
  for (let i = 0; i < count; i++) {
    const face = drawFace(size, random);
    const pair = sketchBesideFace(faceSketch(face, size), face, size);
    writeFileAtomic(path.join(folder, `face-${String(i).padStart(6, '0')}.png`), encodePng({ width: 2 * size, height: size, channels: 3, pixels: pair }));
    onFile?.();
  }
}
