// Edge maps for the paired sets `ganforge data edges2digits|edges2fashion` (the edges2shoes setup on MNIST-sized
// images), and the writer of pix2pix's aligned layout those sets are stored in.
//
// The edge operator: the Sobel gradient magnitude of the gray image (3×3 kernels [-1 0 1; -2 0 2; -1 0 1] and its
// transpose, borders replicated), thresholded at SOBEL_THRESHOLD: white (255) where |∇| ≥ 255, black elsewhere.
// 255 is half the response of a full black-to-white step (4·255 at the step), so faint anti-aliasing does not
// count as an edge while every stroke border does; edges are white on black, as MNIST's strokes are.
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../io/atomic';
import { encodePng } from '../io/png';

export const SOBEL_THRESHOLD = 255;
export const EDGE_OPERATOR = `Sobel gradient magnitude of the gray image, thresholded at ${SOBEL_THRESHOLD} (white edges on black)`;

/** The thresholded Sobel edge map of one gray image (H×W uint8, row-major): 255 where |∇| ≥ threshold. */
export function sobelEdges(pixels: Uint8Array, height: number, width: number, threshold = SOBEL_THRESHOLD): Uint8Array {
  if (pixels.length !== height * width) throw new Error(`sobelEdges: ${pixels.length} pixels do not fit ${height}×${width}`);
  const at = (y: number, x: number) => pixels[Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))];
  const out = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const gx = at(y - 1, x + 1) + 2 * at(y, x + 1) + at(y + 1, x + 1) - at(y - 1, x - 1) - 2 * at(y, x - 1) - at(y + 1, x - 1);
      const gy = at(y + 1, x - 1) + 2 * at(y + 1, x) + at(y + 1, x + 1) - at(y - 1, x - 1) - 2 * at(y - 1, x) - at(y - 1, x + 1);
      out[y * width + x] = gx * gx + gy * gy >= threshold * threshold ? 255 : 0;
    }
  }
  return out;
}

/** One pair as the layout stores it: A on the left, B on the right, both gray H×W. */
export function sideBySide(a: Uint8Array, b: Uint8Array, height: number, width: number): Uint8Array {
  const out = new Uint8Array(height * 2 * width);
  for (let y = 0; y < height; y++) {
    out.set(a.subarray(y * width, (y + 1) * width), y * 2 * width);
    out.set(b.subarray(y * width, (y + 1) * width), y * 2 * width + width);
  }
  return out;
}

export interface PairSource {
  /** Gray images, N×H×W uint8. */
  images: Uint8Array;
  labels: Uint8Array;
  height: number;
  width: number;
  /** The index of each image in the data set it came from, kept in the file name. */
  sourceIndex: number[];
}

/**
 * The file names the written sets give their images: CLASS-INDEX.png, the index of the source image padded to
 * six digits (or more, for larger sources) so the names sort by class, then by source index.
 */
export function classIndexNames(labels: Uint8Array, sourceIndex: readonly number[]): string[] {
  const digits = Math.max(6, String(Math.max(...sourceIndex, 0)).length);
  return sourceIndex.map((index, i) => `${labels[i]}-${String(index).padStart(digits, '0')}.png`);
}

/**
 * Writes split `split` of an edges→image set into DIR/split/: for each image, CLASS-INDEX.png holding its edge
 * map (A) beside the image itself (B). Returns the number of files written.
 */
export function writeEdgePairs(dir: string, split: 'train' | 'test', source: PairSource, onFile?: () => void): number {
  const folder = path.join(dir, split);
  fs.mkdirSync(folder, { recursive: true });
  const { height, width } = source;
  const per = height * width;
  const names = classIndexNames(source.labels, source.sourceIndex);
  source.sourceIndex.forEach((_, i) => {
    const image = source.images.subarray(i * per, (i + 1) * per);
    const pair = sideBySide(sobelEdges(image, height, width), image, height, width);
    writeFileAtomic(path.join(folder, names[i]), encodePng({ width: 2 * width, height, channels: 1, pixels: pair }));
    onFile?.();
  });
  return source.sourceIndex.length;
}

/** classes.txt: the class names, one per line, so a loaded set names its classes. */
export function writeClassNames(dir: string, classes: readonly string[]): void {
  writeFileAtomic(path.join(dir, 'classes.txt'), classes.join('\n') + '\n');
}
