// The one pixel convention: data sets hold uint8 0…255, models see float32 in [-1, 1] ("signed"), and files
// of samples hold [0, 1] ("unit") or uint8 again. Every conversion between them is here, so each is written once
// and every caller rounds the same way.
import { Tensor, tidy } from '../torch';

/** uint8 0…255 → [-1, 1] as (v · 2) / 255 − 1, computed in double and stored as float32. */
export function bytesToSigned(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = (bytes[i] * 2) / 255 - 1;
  return out;
}

/** A uint8 tensor of pixels → float32 in [-1, 1], as float32 arithmetic: x · (2 / 255) − 1. */
export function bytesToSignedTensor(bytes: Tensor): Tensor {
  return tidy(() => bytes.to({ dtype: 'float32' }).mul(2 / 255).sub(1));
}

/** One [0, 1] value → [-1, 1]; values a rounding error outside [0, 1] are clamped first. */
export function unitToSigned(v: number): number {
  return Math.min(1, Math.max(0, v)) * 2 - 1;
}

/** [-1, 1] → [0, 1] as (v + 1) / 2, unclamped (float32 in, float32 out). */
export function signedToUnit(values: Float32Array): Float32Array {
  return values.map((v) => (v + 1) / 2);
}

/** [-1, 1] → uint8 0…255: clamped to [0, 1], then rounded to the nearest level (half up). */
export function signedToBytes(values: Float32Array): Uint8Array {
  return Uint8Array.from(values, (v) => Math.round(Math.min(1, Math.max(0, (v + 1) / 2)) * 255));
}
