// What the image-to-image families share outside their networks: applying a generator to a batch of images for
// previews and `ganforge translate`, the rows of examples their grids show (input | output | target for paired
// data; A | G(A) | F(G(A)) for cycles), and the fixed examples those grids are drawn from.
import type { ImageDataset } from '../data/dataset';
import { bytesToSigned } from '../data/pixels';
import { imageGrid } from '../io/grid';
import type { Image } from '../io/png';
import type { Layer, Module } from '../nn';
import { keep, noGrad, Tensor, tensor, tidy } from '../torch';

/** Examples in each preview grid (at most; config.gridSize may ask for fewer). */
export const PREVIEW_EXAMPLES = 8;

/** Examples in the preview of a run: what its checkpoint stores the fixed images for. */
export function previewCount(gridSize: number): number {
  return Math.min(PREVIEW_EXAMPLES, gridSize);
}

/** G(x) in eval mode (dropout off, batch norm's running statistics) without autograd; G's mode is restored. */
export function applyGenerator(generator: Module & Layer, x: Tensor): Float32Array {
  const wasTraining = generator.training;
  generator.eval();
  try {
    return noGrad(() => tidy(() => generator.forward(x).toFloat32Array()));
  } finally {
    generator.train(wasTraining);
  }
}

/**
 * One grid of examples, each a row segment of `columns.length` images side by side (e.g. input | output |
 * target), two examples per row; every column holds N×C×H×W values in [-1, 1].
 */
export function exampleGrid(columns: Float32Array[], shape: [number, number, number, number]): Image {
  const [n, c, h, w] = shape;
  const per = c * h * w;
  const k = columns.length;
  const tiles = new Float32Array(n * k * per);
  for (let i = 0; i < n; i++) columns.forEach((column, j) => tiles.set(column.subarray(i * per, (i + 1) * per), (i * k + j) * per));
  return imageGrid(tiles, [n * k, c, h, w], { nrow: k * Math.min(2, n) });
}

/**
 * `count` fixed examples for previews: images spread evenly over the held-out split (sets sorted by class, as
 * CLASS-INDEX names sort, then show several classes; a split with fewer images is cycled), or over the training
 * data when there is no held-out split. Picked by position, so drawing them consumes no random numbers. Also
 * returns the split and the rows picked from it, for the examples' labels.
 */
export function fixedExamples(data: ImageDataset, count: number): { inputs: Tensor; targets: Tensor | null; source: ImageDataset; rows: number[] } {
  const source = data.heldOut ?? data;
  const { channels, height, width } = source;
  const per = channels * height * width;
  const spacing = Math.max(1, Math.floor(source.count / count));
  const rows = Array.from({ length: count }, (_, i) => (i * spacing) % source.count);
  const pick = (bytes: Uint8Array) => {
    const out = new Uint8Array(count * per);
    rows.forEach((row, i) => out.set(bytes.subarray(row * per, (row + 1) * per), i * per));
    return keep(tensor(bytesToSigned(out), [count, channels, height, width]));
  };
  return { inputs: pick(source.images), targets: source.targets ? pick(source.targets) : null, source, rows };
}
