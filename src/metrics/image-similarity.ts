// How close translated images are to their targets, pixel by pixel: mean absolute difference (L1), PSNR and SSIM.
// Plain loops over Float32Arrays (no tensors): the sets are at most a few thousand small images, and one readable
// implementation is easier to check against hand-worked values than a chain of convolutions.
//
// SSIM follows Wang, Bovik, Sheikh & Simoncelli (2004) and their reference code: an 11×11 Gaussian window
// (σ = 1.5, weights summing to 1), statistics only where the window lies wholly inside the image ('valid'), the
// constants C1 = (0.01·L)² and C2 = (0.03·L)² for data range L, each channel on its own; the score is the mean
// of the SSIM map over positions, channels and images.

export const SSIM_WINDOW = 11;
export const SSIM_SIGMA = 1.5;

export interface ImageSetShape {
  count: number;
  channels: number;
  height: number;
  width: number;
}

function checkPair(a: Float32Array, b: Float32Array, s: ImageSetShape, what: string): void {
  const expected = s.count * s.channels * s.height * s.width;
  if (a.length !== expected || b.length !== expected) {
    throw new Error(`${what}: expected two sets of ${s.count}×${s.channels}×${s.height}×${s.width} values, got ${a.length} and ${b.length}`);
  }
  if (s.count < 1) throw new Error(`${what}: no images to compare`);
}

/** Mean |a − b| over every value, in the images' own units. */
export function meanAbsoluteError(a: Float32Array, b: Float32Array, shape: ImageSetShape): number {
  checkPair(a, b, shape, 'L1');
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

/**
 * PSNR in dB, 10·log10(L² / MSE), from the mean squared error over all values of the set (so one perfect image
 * does not make the mean infinite); Infinity when the sets are identical.
 */
export function psnr(a: Float32Array, b: Float32Array, shape: ImageSetShape, dataRange: number): number {
  checkPair(a, b, shape, 'PSNR');
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  const mse = sum / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((dataRange * dataRange) / mse);
}

/** The 1-D Gaussian of the window, normalised to sum 1 (the 2-D window is its outer product). */
export function gaussianWindow(size = SSIM_WINDOW, sigma = SSIM_SIGMA): Float64Array {
  const half = (size - 1) / 2;
  const w = Float64Array.from({ length: size }, (_, i) => Math.exp(-((i - half) ** 2) / (2 * sigma * sigma)));
  const total = w.reduce((s, v) => s + v, 0);
  return w.map((v) => v / total);
}

/** 'valid' separable filtering of one H×W plane by `w` along rows then columns: (H−k+1)×(W−k+1) values. */
function filterValid(plane: Float64Array, height: number, width: number, w: Float64Array): Float64Array {
  const k = w.length;
  const outW = width - k + 1;
  const outH = height - k + 1;
  const rows = new Float64Array(height * outW);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < outW; x++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += w[i] * plane[y * width + x + i];
      rows[y * outW + x] = s;
    }
  }
  const out = new Float64Array(outH * outW);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += w[i] * rows[(y + i) * outW + x];
      out[y * outW + x] = s;
    }
  }
  return out;
}

/** Mean SSIM of image pairs (see the top of the file); images must be at least 11×11. */
export function ssim(a: Float32Array, b: Float32Array, shape: ImageSetShape, dataRange: number): number {
  checkPair(a, b, shape, 'SSIM');
  const { count, channels, height, width } = shape;
  if (height < SSIM_WINDOW || width < SSIM_WINDOW) throw new Error(`SSIM needs images of at least ${SSIM_WINDOW}×${SSIM_WINDOW} (its window), got ${height}×${width}`);
  const c1 = (0.01 * dataRange) ** 2;
  const c2 = (0.03 * dataRange) ** 2;
  const w = gaussianWindow();
  const plane = height * width;
  const x = new Float64Array(plane), y = new Float64Array(plane);
  const xx = new Float64Array(plane), yy = new Float64Array(plane), xy = new Float64Array(plane);
  let total = 0;
  let positions = 0;
  for (let p = 0; p < count * channels; p++) {
    for (let i = 0; i < plane; i++) {
      const u = a[p * plane + i], v = b[p * plane + i];
      x[i] = u; y[i] = v; xx[i] = u * u; yy[i] = v * v; xy[i] = u * v;
    }
    const [mx, my, exx, eyy, exy] = [x, y, xx, yy, xy].map((q) => filterValid(q, height, width, w));
    for (let i = 0; i < mx.length; i++) {
      const vx = exx[i] - mx[i] * mx[i];
      const vy = eyy[i] - my[i] * my[i];
      const cov = exy[i] - mx[i] * my[i];
      total += ((2 * mx[i] * my[i] + c1) * (2 * cov + c2)) / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2));
    }
    positions += mx.length;
  }
  return total / positions;
}
