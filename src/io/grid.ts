// Sample grids, laid out as torchvision.utils.make_grid does: `nrow` images per row, `padding` pixels
// between and around them, values mapped linearly from `range` to 0…255 with clamping.
import type { Image } from './png';

export interface GridOptions {
  nrow?: number;
  padding?: number;
  range?: [number, number];
  /** Colour of the padding, 0…1. */
  padValue?: number;
}

export function imageGrid(samples: Float32Array, shape: [number, number, number, number], options: GridOptions = {}): Image {
  const [n, c, h, w] = shape;
  if (c !== 1 && c !== 3) throw new Error(`a grid needs 1 or 3 channels, got ${c}`);
  if (samples.length !== n * c * h * w) throw new Error(`grid: ${samples.length} values do not fit [${shape.join(', ')}]`);
  const nrow = Math.max(1, Math.min(n, options.nrow ?? Math.ceil(Math.sqrt(n))));
  const rows = Math.ceil(n / nrow);
  const pad = options.padding ?? 2;
  const [lo, hi] = options.range ?? [-1, 1];
  const width = nrow * (w + pad) + pad;
  const height = rows * (h + pad) + pad;
  const pixels = new Uint8Array(width * height * c).fill(Math.round((options.padValue ?? 0) * 255));
  const scale = 255 / (hi - lo);
  for (let i = 0; i < n; i++) {
    const left = pad + (i % nrow) * (w + pad);
    const top = pad + Math.floor(i / nrow) * (h + pad);
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const v = (samples[((i * c + ch) * h + y) * w + x] - lo) * scale;
          pixels[((top + y) * width + left + x) * c + ch] = Math.round(Math.min(255, Math.max(0, v)));
        }
      }
    }
  }
  return { width, height, channels: c as 1 | 3, pixels };
}

/** Nearest-neighbour upscaling by an integer factor, for looking at small grids. */
export function scaleImage(image: Image, factor: number): Image {
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`scale factor must be a positive integer, got ${factor}`);
  const { width, height, channels, pixels } = image;
  const out = new Uint8Array(width * factor * height * factor * channels);
  for (let y = 0; y < height * factor; y++) {
    for (let x = 0; x < width * factor; x++) {
      const from = ((Math.floor(y / factor) * width) + Math.floor(x / factor)) * channels;
      out.set(pixels.subarray(from, from + channels), (y * width * factor + x) * channels);
    }
  }
  return { width: width * factor, height: height * factor, channels, pixels: out };
}
