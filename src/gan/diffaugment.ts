// DiffAugment (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN Training"): the same
// random, differentiable transforms on real and fake images before every call of D, in D's step and G's, so D
// cannot memorise a small data set and G still gets a gradient through the transform. The transforms are the
// paper's: 'color' (brightness ± 0.5, saturation × [0, 2], contrast × [0.5, 1.5]), 'translation' (by up to 1/8
// of the side, zero padded) and 'cutout' (a zero square of half the side). Everything is tensor ops on the
// image's device: shifts are products with 0/1 shift matrices and cutout a product with a mask, so autograd
// differentiates them as it does any product. The draws come from the global (seeded, checkpointed) generator,
// so a resumed run augments exactly as an uninterrupted one.
import { arange, rand, randint, Tensor, tidy } from '../torch';

export const DIFFAUGMENT_OPS = ['color', 'translation', 'cutout'] as const;
export type DiffAugmentOp = (typeof DIFFAUGMENT_OPS)[number];

export const DIFFAUGMENT_HELP = `a comma-separated list of ${DIFFAUGMENT_OPS.join(', ')}`;

/** The transforms of a config value ('color,translation'), in order; '' is none. One error line otherwise. */
export function parseDiffAugment(text: string): DiffAugmentOp[] {
  if (typeof text !== 'string') throw new RangeError(`diffAugment must be ${DIFFAUGMENT_HELP}`);
  if (text.trim() === '') return [];
  const ops = text.split(',').map((s) => s.trim());
  for (const op of ops) {
    if (!(DIFFAUGMENT_OPS as readonly string[]).includes(op)) {
      throw new RangeError(`diffAugment: unknown transform '${op.slice(0, 40)}' (expected ${DIFFAUGMENT_HELP})`);
    }
  }
  const twice = ops.find((op, i) => ops.indexOf(op) !== i);
  if (twice) throw new RangeError(`diffAugment: '${twice}' is listed twice`);
  return ops as DiffAugmentOp[];
}

/**
 * Where the random numbers come from: per-image draws for `n` images. A data-parallel rank draws the global
 * batch's and keeps its own rows (so the world size does not change the numbers); one process keeps them all.
 */
export interface AugmentDraws {
  /** U(0, 1) of shape [n, ...rest]. */
  uniform(rest: number[]): Tensor;
  /** Integers in [low, high), one per image: [n]. */
  integers(low: number, high: number): Tensor;
}

/** Draws for a batch of `n` images from the global generator, on `device`. */
export function drawsFor(n: number, device: string, rows: (global: Tensor) => Tensor = (t) => t): AugmentDraws {
  return {
    uniform: (rest) => rows(rand([n, ...rest], { device })),
    integers: (low, high) => rows(randint(low, high, [n], { device })),
  };
}

/** x [N, C, H, W] with `ops` applied in order, each with fresh draws. */
export function diffAugment(x: Tensor, ops: readonly DiffAugmentOp[], draws: AugmentDraws = drawsFor(x.shape[0], x.device)): Tensor {
  return tidy(() => {
    let out = x;
    for (const op of ops) {
      if (op === 'color') out = randContrast(randSaturation(randBrightness(out, draws), draws), draws);
      else if (op === 'translation') out = randTranslation(out, draws);
      else out = randCutout(out, draws);
    }
    return out;
  });
}

/** x + (r − 0.5), r ~ U(0, 1) per image. */
export function randBrightness(x: Tensor, draws: AugmentDraws): Tensor {
  return tidy(() => x.add(draws.uniform([1, 1, 1]).sub(0.5).to({ dtype: x.dtype })));
}

/** Each pixel's colour moved from its channel mean by a factor 2r, r ~ U(0, 1) per image. */
export function randSaturation(x: Tensor, draws: AugmentDraws): Tensor {
  return tidy(() => {
    const mean = x.mean([1], true);
    return x.sub(mean).mul(draws.uniform([1, 1, 1]).mul(2).to({ dtype: x.dtype })).add(mean);
  });
}

/** Each image moved from its mean over all pixels and channels by a factor r + 0.5, r ~ U(0, 1). */
export function randContrast(x: Tensor, draws: AugmentDraws): Tensor {
  return tidy(() => {
    const mean = x.mean([1, 2, 3], true);
    return x.sub(mean).mul(draws.uniform([1, 1, 1]).add(0.5).to({ dtype: x.dtype })).add(mean);
  });
}

/**
 * out[n, c, i, j] = x[n, c, i + a, j + b] (zero outside the image), a and b drawn per image from
 * −s…s with s = round(side / 8): the paper's translation with zero padding.
 */
export function randTranslation(x: Tensor, draws: AugmentDraws, ratio = 0.125): Tensor {
  return tidy(() => {
    const [, , h, w] = x.shape;
    const sh = Math.floor(h * ratio + 0.5);
    const sw = Math.floor(w * ratio + 0.5);
    const a = draws.integers(-sh, sh + 1);
    const b = draws.integers(-sw, sw + 1);
    // Rows: (S_a x)[i] = x[i + a]; columns: (x S_bᵀ)[j] = x[j + b].
    return shiftMatrix(a, h, x.dtype).matmul(x).matmul(shiftMatrix(b, w, x.dtype).transpose(2, 3));
  });
}

/** [N, 1, side, side] with S[n, 0, i, k] = 1 where k = i + shift[n] (an index inside the image), else 0. */
function shiftMatrix(shift: Tensor, side: number, dtype: Tensor['dtype']): Tensor {
  return tidy(() => {
    const i = arange(side, undefined, 1, { dtype: 'int64', device: shift.device }).reshape([1, side, 1]);
    const k = arange(side, undefined, 1, { dtype: 'int64', device: shift.device }).reshape([1, 1, side]);
    return k.eq(i.add(shift.reshape([-1, 1, 1]))).to({ dtype }).unsqueeze(1);
  });
}

/**
 * Zeroes a square of round(side / 2) centred at a random point per image (clipped at the borders), as the
 * paper's cutout: offsets o drawn from 0…side − (size odd ? 1 : 0), rows o − size//2 … o − size//2 + size − 1.
 */
export function randCutout(x: Tensor, draws: AugmentDraws, ratio = 0.5): Tensor {
  return tidy(() => {
    const [, , h, w] = x.shape;
    const ch = Math.floor(h * ratio + 0.5);
    const cw = Math.floor(w * ratio + 0.5);
    const oy = draws.integers(0, h + (1 - (ch % 2)));
    const ox = draws.integers(0, w + (1 - (cw % 2)));
    const rows = inBand(oy, h, ch); // [N, H]
    const cols = inBand(ox, w, cw); // [N, W]
    const hole = rows.unsqueeze(2).mul(cols.unsqueeze(1)); // [N, H, W], 1 inside the square
    return x.mul(hole.neg().add(1).unsqueeze(1).to({ dtype: x.dtype }));
  });
}

/** [N, side] floats: 1 where the index lies in the band of `size` starting at offset − size//2. */
function inBand(offset: Tensor, side: number, size: number): Tensor {
  return tidy(() => {
    const index = arange(side, undefined, 1, { dtype: 'int64', device: offset.device }).reshape([1, side]);
    const start = offset.reshape([-1, 1]).sub(Math.floor(size / 2));
    return index.ge(start).to({ dtype: 'float32' }).mul(index.le(start.add(size - 1)).to({ dtype: 'float32' }));
  });
}
