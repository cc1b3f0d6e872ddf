// Drawing images from a generator: for grids during training and for `ganforge sample`.
import { imageGrid } from '../io/grid';
import type { Image } from '../io/png';
import { noGrad, randn, Tensor, tidy } from '../torch';
import type { Generator } from './types';

/** G(z) in eval mode without autograd, as N×C×H×W floats in [-1, 1]; the generator's mode is restored. */
export function generate(generator: Generator, z: Tensor, labels?: Tensor): Float32Array {
  const wasTraining = generator.training;
  generator.eval();
  try {
    return noGrad(() => tidy(() => generator.forward(z, labels).toFloat32Array()));
  } finally {
    generator.train(wasTraining);
  }
}

/** A square-ish grid of G(z), one image per row of z. */
export function sampleGrid(generator: Generator, z: Tensor, labels?: Tensor, nrow?: number): Image {
  const data = generate(generator, z, labels);
  const [c, h, w] = generator.imageShape;
  return imageGrid(data, [z.shape[0], c, h, w], { nrow });
}

/**
 * n images from fresh noise, in batches, calling `onBatch` with each batch's data (N×C×H×W in [-1, 1]).
 * Noise comes from the global generator: seed it first for reproducible samples.
 */
export function sampleInBatches(
  generator: Generator, n: number, batchSize: number, onBatch: (data: Float32Array, count: number) => void,
  labelsFor?: (start: number, count: number) => Tensor,
): void {
  for (let done = 0; done < n; done += batchSize) {
    const count = Math.min(batchSize, n - done);
    const z = randn([count, generator.latentDim]);
    const labels = labelsFor?.(done, count);
    try {
      onBatch(generate(generator, z, labels), count);
    } finally {
      z.dispose();
      labels?.dispose();
    }
  }
}
