// Sample grids, laid out as torchvision.utils.make_grid does: `nrow` images per row, `padding` pixels
// between and around them, values mapped linearly from `range` to 0…255 with clamping and rounding, so a
// grid from ganforge and one from a PyTorch run of the same model look alike.
import type { Image } from './png';

export interface GridOptions {
  /** Images per row; default ceil(sqrt(N)), so 64 samples make an 8×8 square. */
  nrow?: number;
  /** Pixels between and around images; default 2. */
  padding?: number;
  /** The sample values that map to black and white; default [-1, 1] (a tanh generator's output). */
  range?: [number, number];
  /** Grey level of the padding, 0…1; default 0 (black). */
  padValue?: number;
}

/** Tiles N×C×H×W samples (C = 1 or 3) into one gray or RGB image. NaN samples become black. */
export function imageGrid(samples: Float32Array, shape: [number, number, number, number], options: GridOptions = {}): Image {
  const [n, c, h, w] = shape;
  if (!shape.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`grid: bad sample shape [${shape.join(', ')}]`);
  if (c !== 1 && c !== 3) throw new Error(`grid: samples need 1 or 3 channels, got ${c}`);
  if (samples.length !== n * c * h * w) throw new Error(`grid: ${samples.length} values do not fit [${shape.join(', ')}]`);
  const pad = options.padding ?? 2;
  const [lo, hi] = options.range ?? [-1, 1];
  const padValue = options.padValue ?? 0;
  if (!Number.isInteger(pad) || pad < 0) throw new Error(`grid: padding must be a whole number ≥ 0, got ${pad}`);
  if (!(hi > lo) || !Number.isFinite(hi - lo)) throw new Error(`grid: range [${lo}, ${hi}] is empty`);
  if (!(padValue >= 0 && padValue <= 1)) throw new Error(`grid: padValue must be in 0…1, got ${padValue}`);
  // More columns than images would only add empty padding (make_grid caps it the same way).
  const nrow = Math.min(n, options.nrow ?? Math.ceil(Math.sqrt(n)));
  if (!Number.isInteger(nrow) || nrow < 1) throw new Error(`grid: nrow must be a whole number ≥ 1, got ${options.nrow}`);
  const rows = Math.ceil(n / nrow);
  const width = nrow * (w + pad) + pad;
  const height = rows * (h + pad) + pad;
  const pixels = new Uint8Array(width * height * c).fill(Math.round(padValue * 255));
  const scale = 255 / (hi - lo);
  for (let i = 0; i < n; i++) {
    const left = pad + (i % nrow) * (w + pad);
    const top = pad + Math.floor(i / nrow) * (h + pad);
    for (let ch = 0; ch < c; ch++) {
      const plane = (i * c + ch) * h * w;
      for (let y = 0; y < h; y++) {
        const out = ((top + y) * width + left) * c + ch;
        for (let x = 0; x < w; x++) {
          // Round half up, like make_grid + save_image's mul(255).add(0.5).clamp(0, 255) then truncation.
          const v = Math.round((samples[plane + y * w + x] - lo) * scale);
          pixels[out + x * c] = v < 0 ? 0 : v > 255 ? 255 : v; // NaN fails both tests; the store makes it 0
        }
      }
    }
  }
  return { width, height, channels: c, pixels };
}

/** Nearest-neighbour upscaling by a whole factor, for looking at small grids. */
export function scaleImage(image: Image, factor: number): Image {
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`scale factor must be a whole number ≥ 1, got ${factor}`);
  const { width, height, channels, pixels } = image;
  const outStride = width * factor * channels;
  const out = new Uint8Array(outStride * height * factor);
  for (let y = 0; y < height; y++) {
    // Widen one source row, then repeat it `factor` times.
    const first = y * factor * outStride;
    for (let x = 0; x < width; x++) {
      const pixel = pixels.subarray((y * width + x) * channels, (y * width + x + 1) * channels);
      for (let k = 0; k < factor; k++) out.set(pixel, first + (x * factor + k) * channels);
    }
    for (let k = 1; k < factor; k++) out.copyWithin(first + k * outStride, first, first + outStride);
  }
  return { width: width * factor, height: height * factor, channels, pixels: out };
}
