// The two pictures StyleGAN is known for, drawn from a trained StyleGenerator: the style-mixing grid (StyleGAN
// Fig. 3: each cell takes its coarse styles from its row's source and its fine styles from its column's) and
// the noise variation (Fig. 4: one w with fresh per-layer noise in each column, and where those images differ).
// Both draw every random number from the global generator after seeding it, so one seed gives one picture.
import { imageGrid } from '../io/grid';
import type { Image } from '../io/png';
import { COARSE_STYLES, StyleGenerator } from './models/stylegan-parts';
import { cat, manualSeed, noGrad, randn, Tensor, tidy } from '../torch';

export const STYLE_PICTURES = ['style-mixing', 'noise-variation'] as const;
export type StylePicture = (typeof STYLE_PICTURES)[number];

export interface StylePictureOptions {
  seed: number;
  /** Truncation ψ in w (absent: none). */
  truncation?: number;
  /** Sources down the side (style mixing) or rows (noise variation). */
  rows?: number;
  /** Sources along the top (style mixing) or noise draws per row (noise variation). */
  columns?: number;
}

/** The picture `kind` as an image (grids of the generator's images, 2-pixel black padding). */
export function stylePicture(generator: StyleGenerator, kind: StylePicture, o: StylePictureOptions): Image {
  const wasTraining = generator.training;
  generator.eval();
  try {
    manualSeed(o.seed);
    return noGrad(() => (kind === 'style-mixing' ? styleMixing(generator, o.rows ?? 5, o.columns ?? 6, o.truncation) : noiseVariation(generator, o.rows ?? 4, o.columns ?? 6, o.truncation)));
  } finally {
    generator.train(wasTraining);
  }
}

/** n latents mapped to w (and truncated when asked). */
function styles(generator: StyleGenerator, n: number, truncation: number | undefined): Tensor {
  return tidy(() => {
    const w = generator.mapping.forward(randn([n, generator.latentDim]));
    return truncation === undefined ? w : generator.truncate(w, truncation);
  });
}

/** One draw of every noise map, shared by all n images, so only the styles differ between them. */
function sharedNoise(generator: StyleGenerator, n: number): Tensor[] {
  return generator.noiseShapes(1).map((shape) => randn(shape).expand([n, ...shape.slice(1)]));
}

/**
 * (rows + 1) × (columns + 1) tiles: the top row shows the column sources, the left column the row sources
 * (the corner is black), and cell (i, j) has row source i's coarse styles and column source j's fine ones.
 */
function styleMixing(generator: StyleGenerator, rows: number, columns: number, truncation: number | undefined): Image {
  return tidy(() => {
    const coarse = styles(generator, rows, truncation);
    const fine = styles(generator, columns, truncation);
    const cells: Tensor[] = [];
    for (let i = 0; i < rows; i++) {
      const a = coarse.narrow(0, i, 1).expand([columns, generator.wDim]);
      cells.push(generator.mix(a, fine, COARSE_STYLES));
    }
    // Column sources, row sources, then the mixes row by row: one synthesis pass with one draw of noise.
    const ws = cat([generator.broadcast(fine), generator.broadcast(coarse), ...cells], 0);
    const images = generator.synthesize(ws, { noise: sharedNoise(generator, ws.shape[0]) });
    // Lay the images out: corner, column sources; then per row its source and its mixes.
    const [c, h, w] = generator.imageShape;
    const per = c * h * w;
    const data = images.toFloat32Array();
    const at = (k: number) => data.subarray(k * per, (k + 1) * per);
    const tiles = new Float32Array((rows + 1) * (columns + 1) * per).fill(-1);
    const put = (tile: number, from: Float32Array) => tiles.set(from, tile * per);
    for (let j = 0; j < columns; j++) put(1 + j, at(j));
    for (let i = 0; i < rows; i++) {
      put((i + 1) * (columns + 1), at(columns + i));
      for (let j = 0; j < columns; j++) put((i + 1) * (columns + 1) + 1 + j, at(columns + rows + i * columns + j));
    }
    return imageGrid(tiles, [(rows + 1) * (columns + 1), c, h, w], { nrow: columns + 1 });
  });
}

/**
 * rows × (draws + 1) tiles: each row one w drawn `draws` times with fresh noise, then the per-pixel standard
 * deviation over those draws (averaged over channels, scaled so the row's largest is white): where noise acts.
 */
function noiseVariation(generator: StyleGenerator, rows: number, draws: number, truncation: number | undefined): Image {
  return tidy(() => {
    const w = styles(generator, rows, truncation);
    const ws = generator.broadcast(w);
    const shots = Array.from({ length: draws }, () => generator.synthesize(ws).unsqueeze(1)); // each [rows, 1, C, H, W]
    const perRow = cat(shots, 1); // [rows, draws, C, H, W]
    const [c, h, wd] = generator.imageShape;
    const spread = perRow.variance([1], { unbiased: false }).sqrt().mean([1], true); // [rows, 1, H, W]
    const largest = spread.flatten(1).maxAlong(1, true).values.reshape([rows, 1, 1, 1]);
    const shown = spread.div(largest.add(1e-8)).mul(2).sub(1).unsqueeze(1).expand([rows, 1, c, h, wd]);
    return imageGrid(cat([perRow, shown], 1).toFloat32Array(), [rows * (draws + 1), c, h, wd], { nrow: draws + 1 });
  });
}
