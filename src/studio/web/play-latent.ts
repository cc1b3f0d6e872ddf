// The playground's latent vectors, drawn in the page: a seed gives the same z every time, in every browser.
// Uniforms come from mulberry32 (a 32-bit counter hash), normals from them by Box–Muller. This is not torch's
// generator: seed 5 here is not seed 5 of `ganforge sample`.

/** mulberry32: uniform numbers in [0, 1) from a 32-bit seed. */
function uniforms(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` N(0, 1) values from `seed` (Box–Muller: two uniforms give two normals). */
export function seededNormal(seed: number, count: number): Float32Array {
  const next = uniforms(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u1 = 1 - next(); // (0, 1]: log(0) never happens
    const u2 = next();
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/**
 * The z the generator is given: the seed's noise scaled by `truncation` (toward 0, the mean: less variety,
 * more typical images), then moved `amounts[k]` along each unit direction k.
 */
export function composeZ(noise: Float32Array, truncation: number, directions: number[][], amounts: number[]): Float32Array {
  const z = noise.map((v) => v * truncation);
  directions.forEach((d, k) => {
    if (amounts[k]) for (let i = 0; i < z.length; i++) z[i] += amounts[k] * d[i];
  });
  return z;
}

/** Spherical interpolation from a to b (t in [0, 1]): keeps |z| typical of N(0, I) all the way, as lerp does not. */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  const omega = Math.acos(Math.min(1, Math.max(-1, dot / (Math.sqrt(na * nb) || 1))));
  if (omega < 1e-6) return a.map((v, i) => v + t * (b[i] - v));
  const s = Math.sin(omega);
  const wa = Math.sin((1 - t) * omega) / s, wb = Math.sin(t * omega) / s;
  return a.map((v, i) => wa * v + wb * b[i]);
}

/** Images [N, C, H, W] in [-1, 1] → one RGBA picture per image: byte = round((v + 1) · 127.5), clamped. */
export function toRgba(data: Float32Array, n: number, [c, h, w]: [number, number, number]): Uint8ClampedArray<ArrayBuffer>[] {
  const plane = h * w;
  const pictures: Uint8ClampedArray<ArrayBuffer>[] = [];
  for (let k = 0; k < n; k++) {
    const rgba = new Uint8ClampedArray(plane * 4);
    const base = k * c * plane;
    for (let p = 0; p < plane; p++) {
      for (let ch = 0; ch < 3; ch++) rgba[p * 4 + ch] = Math.round((data[base + (c === 1 ? 0 : ch) * plane + p] + 1) * 127.5);
      rgba[p * 4 + 3] = 255;
    }
    pictures.push(rgba);
  }
  return pictures;
}
