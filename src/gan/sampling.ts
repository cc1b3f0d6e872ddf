// Drawing images from a generator: for grids during training and for `ganforge sample`.
import { imageGrid } from '../io/grid';
import type { Image } from '../io/png';
import { manualSeed, noGrad, randn, randomState, setRandomState, Tensor, tidy, where } from '../torch';
import type { Generator } from './types';

/**
 * G(z) in eval mode without autograd, as N×C×H×W floats in [-1, 1]; the generator's mode is restored. With
 * `truncation` ψ the generator truncates in its own latent space (Generator.forwardTruncated, which it must have).
 */
export function generate(generator: Generator, z: Tensor, labels?: Tensor, truncation?: number): Float32Array {
  const wasTraining = generator.training;
  generator.eval();
  try {
    return noGrad(() => tidy(() => (truncation === undefined ? generator.forward(z, labels) : generator.forwardTruncated!(z, truncation, labels)).toFloat32Array()));
  } finally {
    generator.train(wasTraining);
  }
}

/**
 * `draw` run from a fixed seed, with the global random state saved and restored around it: pictures and
 * samples taken during training are the same whenever they are taken, and never change what training computes
 * (a generator may draw random numbers even in eval mode: StyleGAN's noise inputs).
 */
export function drawSeeded<T>(seed: number, draw: () => T): T {
  const saved = randomState();
  try {
    manualSeed(seed);
    return draw();
  } finally {
    setRandomState(saved);
  }
}

/** A square-ish grid of G(z), one image per row of z. */
export function sampleGrid(generator: Generator, z: Tensor, labels?: Tensor, nrow?: number): Image {
  const data = generate(generator, z, labels);
  const [c, h, w] = generator.imageShape;
  return imageGrid(data, [z.shape[0], c, h, w], { nrow });
}

/**
 * The truncation trick as BigGAN defines it (Brock et al. 2019, §3.1): z ~ N(0, I) with every entry whose
 * magnitude exceeds `threshold` drawn again until none does, i.e. a normal truncated to [−ψ, ψ] per entry.
 * Smaller ψ trades variety for fidelity. Each round draws a whole fresh tensor from the global generator and
 * keeps the entries still outside, so the same seed gives the same noise (and the same picture). (StyleGAN's
 * truncation, which scales w towards its mean, is the generator's own: Generator.forwardTruncated.)
 */
export function truncatedNoise(shape: number[], threshold: number): Tensor {
  if (!(threshold > 0) || !Number.isFinite(threshold)) throw new RangeError(`truncation must be a positive number, got ${threshold}`);
  return tidy(() => {
    let z = randn(shape);
    for (;;) {
      const outside = z.abs().gt(threshold);
      if (outside.sum().item() === 0) return z;
      z = where(outside, randn(shape), z);
    }
  });
}

/**
 * n images from fresh noise, in batches, calling `onBatch` with each batch's data (N×C×H×W in [-1, 1]).
 * Noise comes from the global generator: seed it first for reproducible samples. With `truncation` ψ a
 * generator that truncates in its own latent space (forwardTruncated) does so; for the others the noise is
 * truncatedNoise's.
 */
export function sampleInBatches(
  generator: Generator, n: number, batchSize: number, onBatch: (data: Float32Array, count: number) => void,
  labelsFor?: (start: number, count: number) => Tensor, truncation?: number,
): void {
  const ownTruncation = truncation !== undefined && generator.forwardTruncated !== undefined;
  for (let done = 0; done < n; done += batchSize) {
    const count = Math.min(batchSize, n - done);
    const z = truncation === undefined || ownTruncation ? randn([count, generator.latentDim]) : truncatedNoise([count, generator.latentDim], truncation);
    const labels = labelsFor?.(done, count);
    try {
      onBatch(generate(generator, z, labels, ownTruncation ? truncation : undefined), count);
    } finally {
      z.dispose();
      labels?.dispose();
    }
  }
}
