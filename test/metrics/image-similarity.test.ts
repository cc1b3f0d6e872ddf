// L1, PSNR and SSIM against values worked out by hand: identical images, constant images (SSIM's luminance term
// alone), an 11×11 image (exactly one window position, so SSIM is one closed-form expression of the Gaussian
// weights), symmetry, and the sizes it refuses.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gaussianWindow, meanAbsoluteError, psnr, ssim } from '../../src/metrics/image-similarity';

const C1 = 0.01 ** 2;
const C2 = 0.03 ** 2;

function filled(count: number, channels: number, side: number, value: (i: number) => number): Float32Array {
  return Float32Array.from({ length: count * channels * side * side }, (_, i) => value(i));
}

describe('image similarity', () => {
  it('identical images: L1 0, PSNR ∞, SSIM 1', () => {
    let s = 3;
    const x = filled(2, 3, 16, () => ((s = (s * 16807) % 2147483647) / 2147483647));
    const shape = { count: 2, channels: 3, height: 16, width: 16 };
    assert.equal(meanAbsoluteError(x, x, shape), 0);
    assert.equal(psnr(x, x, shape, 1), Infinity);
    assert.ok(Math.abs(ssim(x, x, shape, 1) - 1) < 1e-12);
  });

  it('a constant offset: L1 is the offset, PSNR 10·log10(1/offset²), SSIM the luminance term (2ab + C1)/(a² + b² + C1)', () => {
    const shape = { count: 1, channels: 1, height: 12, width: 12 };
    const a = filled(1, 1, 12, () => 0.5);
    const b = filled(1, 1, 12, () => 0.25);
    assert.ok(Math.abs(meanAbsoluteError(a, b, shape) - 0.25) < 1e-12);
    // MSE = 0.0625 → 10·log10(16) = 12.0412 dB.
    assert.ok(Math.abs(psnr(a, b, shape, 1) - 12.041199826559248) < 1e-9);
    // σ = 0 everywhere: the structure term is C2/C2 = 1; luminance (0.25 + 1e-4)/(0.3125 + 1e-4) = 0.80006398…
    assert.ok(Math.abs(ssim(a, b, shape, 1) - 0.2501 / 0.3126) < 1e-12, `${ssim(a, b, shape, 1)}`);
    // The data range scales the constants: with L = 255 on the same numbers C1 = 6.5025, C2 = 58.5225.
    const c1 = (0.01 * 255) ** 2;
    assert.ok(Math.abs(ssim(a, b, shape, 255) - (0.25 + c1) / (0.3125 + c1)) < 1e-12);
  });

  it('one window (11×11): weighted mean, variance and covariance of a centre spike, in closed form', () => {
    // x = a + d at the centre pixel, a elsewhere; y = a + e there. With w0 the centre weight (1/S² for
    // S = Σ exp(−k²/4.5), k = −5…5): μx = a + w0·d, σx² = w0(1 − w0)·d², σxy = w0(1 − w0)·d·e.
    const S = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / 4.5)).reduce((p, v) => p + v, 0);
    const w0 = 1 / (S * S);
    const a = 0.5, d = 0.25;
    const shape = { count: 1, channels: 1, height: 11, width: 11 };
    const spike = (value: number) => filled(1, 1, 11, (i) => (i === 60 ? a + value : a));
    for (const e of [0.25, -0.25, 0.125, 0]) {
      const mx = a + w0 * d, my = a + w0 * e;
      const vx = w0 * (1 - w0) * d * d, vy = w0 * (1 - w0) * e * e, cov = w0 * (1 - w0) * d * e;
      const expected = ((2 * mx * my + C1) * (2 * cov + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
      const got = ssim(spike(d), spike(e), shape, 1);
      assert.ok(Math.abs(got - expected) < 1e-9, `e=${e}: ${got} vs ${expected}`);
    }
    // An opposite spike scores below zero: the structure term is negative.
    assert.ok(ssim(spike(d), spike(-d), shape, 1) < 0);
  });

  it('is symmetric, at most 1, and lower for noisier copies', () => {
    let s = 11;
    const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    const shape = { count: 3, channels: 3, height: 20, width: 17 };
    const n = 3 * 3 * 20 * 17;
    const x = Float32Array.from({ length: n }, rand);
    const noise = Float32Array.from({ length: n }, () => rand() - 0.5);
    const near = x.map((v, i) => v + 0.05 * noise[i]);
    const far = x.map((v, i) => v + 0.5 * noise[i]);
    assert.ok(Math.abs(ssim(x, far, shape, 1) - ssim(far, x, shape, 1)) < 1e-12);
    assert.ok(Math.abs(psnr(x, far, shape, 1) - psnr(far, x, shape, 1)) < 1e-12);
    const sNear = ssim(x, near, shape, 1), sFar = ssim(x, far, shape, 1);
    assert.ok(sNear < 1 && sFar < sNear, `near ${sNear}, far ${sFar}`);
    assert.ok(psnr(x, far, shape, 1) < psnr(x, near, shape, 1));
  });

  it('the window: 11 weights summing to 1, symmetric, the edge exp(−25/4.5) of the centre', () => {
    const w = gaussianWindow();
    assert.equal(w.length, 11);
    assert.ok(Math.abs(w.reduce((p, v) => p + v, 0) - 1) < 1e-15);
    for (let i = 0; i < 11; i++) assert.equal(w[i], w[10 - i]);
    assert.ok(Math.abs(w[0] / w[5] - Math.exp(-25 / 4.5)) < 1e-15);
  });

  it('refuses images smaller than the window and sets of different sizes', () => {
    const ten = filled(1, 1, 10, () => 0);
    assert.throws(() => ssim(ten, ten, { count: 1, channels: 1, height: 10, width: 10 }, 1), /SSIM needs images of at least 11×11 \(its window\), got 10×10/);
    const twelve = filled(1, 1, 12, () => 0);
    assert.throws(() => meanAbsoluteError(twelve, ten, { count: 1, channels: 1, height: 12, width: 12 }, ), /L1: expected two sets of 1×1×12×12 values, got 144 and 100/);
  });
});
