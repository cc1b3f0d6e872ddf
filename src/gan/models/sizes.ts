// Element counts of layers' state (parameters and buffers), computed without building anything: a model
// family states how many elements its networks hold for a spec, so a checkpoint whose config claims a model
// far larger than the tensors in its file is refused before that model is allocated. Each family's count is
// tested against the built networks' state dicts (test/gan/state-size.test.ts).
import { stagesFor } from './dcgan-parts';
import type { ImageShape } from '../types';

export const linear = (inputs: number, outputs: number, bias = true) => inputs * outputs + (bias ? outputs : 0);
export const conv = (inputs: number, outputs: number, kernel: number, bias = true) => inputs * outputs * kernel * kernel + (bias ? outputs : 0);
/** weight, bias, running_mean, running_var. */
export const batchNorm = (features: number) => 4 * features;
export const embedding = (count: number, dim: number) => count * dim;

export const pixels = ([c, h, w]: ImageShape) => c * h * w;

/** mlpGeneratorLayers(inputs, pixels) and mlpDiscriminatorLayers(inputs). */
export const mlpGeneratorSize = (inputs: number, out: number) => linear(inputs, 256) + linear(256, 512) + linear(512, 1024) + linear(1024, out);
export const mlpDiscriminatorSize = (inputs: number) => linear(inputs, 1024) + linear(1024, 512) + linear(512, 256) + linear(256, 1);

/** generatorTrunk(inputs, shape, width); the shape must have DCGAN stages. */
export function dcganGeneratorTrunkSize(inputs: number, shape: ImageShape, width: number): number {
  const { start, count } = stagesFor(shape)!;
  let channels = width * 2 ** (count - 1);
  let size = conv(inputs, channels, start, false) + batchNorm(channels);
  for (let i = 1; i < count; i++) {
    size += conv(channels, channels / 2, 4, false) + batchNorm(channels / 2);
    channels /= 2;
  }
  return size + conv(channels, shape[0], 4, false);
}

/** discriminatorTrunk(shape, width): its size, and the channels and side of its output. */
export function dcganDiscriminatorTrunkSize(shape: ImageShape, width: number): { size: number; channels: number; start: number } {
  const { start, count } = stagesFor(shape)!;
  let channels = width;
  let size = conv(shape[0], channels, 4, false);
  for (let i = 1; i < count; i++) {
    size += conv(channels, channels * 2, 4, false) + batchNorm(channels * 2);
    channels *= 2;
  }
  return { size, channels, start };
}
