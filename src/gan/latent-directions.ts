// Directions in z along which a generator's images change most, for the playground's latent sliders. z itself
// is isotropic noise, so "principal directions of z" only mean something through G: draw n samples, take the
// principal components of the images (PCA of G(z), pixels as features), and map each back to z as the
// direction whose projection best predicts that component's score (least squares; Zᵀu up to scale, since z's
// covariance is the identity). That is GANSpace's recipe (Härkönen et al. 2020) with the output layer as the
// feature space: the first slider moves the image along its largest mode of variation, as far as a linear
// direction in z can.
import { labelsInTurn } from './labels';
import { generate } from './sampling';
import { noGrad, randn, randomState, manualSeed, setRandomState, tensor, tidy } from '../torch';
import type { Generator } from './types';

export interface LatentDirection {
  /** Unit vector in z, latentDim values. */
  z: number[];
  /** The share of the images' total variance its principal component holds (0…1). */
  variance: number;
}

export interface DirectionOptions {
  /** Directions wanted (the top principal components); at most latentDim are given, as z has no more. */
  count: number;
  /** Samples the PCA is computed over. */
  samples: number;
  seed: number;
  /** Classes of a conditional generator: the samples take them in turn. */
  numClasses?: number;
}

/**
 * The top `count` eigenvectors of a symmetric n×n matrix (row-major), by power iteration with deflation:
 * n is a few hundred, so this is milliseconds and needs no linear-algebra library.
 */
export function topEigenvectors(matrix: Float64Array, n: number, count: number, iterations = 500): { vectors: Float64Array[]; values: number[] } {
  const a = Float64Array.from(matrix);
  const vectors: Float64Array[] = [], values: number[] = [];
  for (let k = 0; k < count; k++) {
    // A fixed, non-degenerate start (not random): the same matrix gives the same vectors.
    let v = Float64Array.from({ length: n }, (_, i) => 1 + ((i * 7919) % 13) / 13);
    let value = 0;
    for (let it = 0; it < iterations; it++) {
      const next = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += a[i * n + j] * v[j];
        next[i] = s;
      }
      const norm = Math.hypot(...next);
      if (norm === 0) break;
      for (let i = 0; i < n; i++) next[i] /= norm;
      const change = next.reduce((m, x, i) => Math.max(m, Math.abs(x - v[i])), 0);
      v = next;
      value = norm;
      if (change < 1e-10) break;
    }
    vectors.push(v);
    values.push(value);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] -= value * v[i] * v[j];
  }
  return { vectors, values };
}

/** The generator's top principal directions in z (see the file's comment). The global random state is kept. */
export function latentDirections(generator: Generator, options: DirectionOptions): LatentDirection[] {
  const { samples: n } = options;
  const d = generator.latentDim;
  const count = Math.min(options.count, d);
  if (count < 1 || count >= n) throw new RangeError(`latent directions: want 1…${n - 1} directions from ${n} samples, got ${count}`);
  const saved = randomState();
  let zs: Float32Array, images: Float32Array;
  try {
    manualSeed(options.seed);
    ({ zs, images } = noGrad(() => tidy(() => {
      const z = randn([n, d]);
      const labels = options.numClasses ? labelsInTurn(0, n, options.numClasses) : undefined;
      return { zs: z.toFloat32Array(), images: generate(generator, z, labels) };
    })));
  } finally {
    setRandomState(saved);
  }
  const pixels = images.length / n;
  // Gram matrix of the centred images (n×n): its eigenvectors are the components' scores over the samples.
  const gram = noGrad(() => tidy(() => {
    const y = tensor(images, [n, pixels]);
    const centred = y.sub(y.mean([0], true));
    return Float64Array.from(centred.matmul(centred.transpose(0, 1)).toFloat32Array());
  }));
  let total = 0;
  for (let i = 0; i < n; i++) total += gram[i * n + i];
  const { vectors, values } = topEigenvectors(gram, n, count);
  const zMean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) zMean[j] += zs[i * d + j] / n;
  return vectors.map((u, k) => {
    const direction = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) direction[j] += u[i] * (zs[i * d + j] - zMean[j]);
    const norm = Math.hypot(...direction) || 1;
    return { z: Array.from(direction, (x) => x / norm), variance: total > 0 ? values[k] / total : 0 };
  });
}
