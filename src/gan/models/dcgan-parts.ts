// Building blocks shared by the DCGAN-style families (dcgan, acgan): the stage layout for an image size, the
// generator trunk of transposed convolutions and the discriminator trunk of strided convolutions
// (Radford et al. 2016: BatchNorm, ReLU in G, LeakyReLU 0.2 in D, no bias before BatchNorm, tanh output),
// and the paper's initialisation: conv weights N(0, 0.02), BatchNorm weights N(1, 0.02) and biases 0.
import { BatchNorm, Conv2d, ConvTranspose2d, LeakyReLU, Module, ReLU, Sequential, Tanh } from '../../nn';
import type { ImageShape, ModelSpec } from '../types';

export interface Stages {
  /** Side of the first feature map (7 for 28×28 images, else 4). */
  start: number;
  /** Number of ×2 upsamplings from `start` to the image side. */
  count: number;
}

/** 28 = 7·2², 32 = 4·2³, 64 = 4·2⁴; other sizes are not a start·2ⁿ of this kind and are refused. */
export function stagesFor(shape: ImageShape): Stages | null {
  const [, h, w] = shape;
  if (h !== w) return null;
  for (const start of [4, 7]) {
    const count = Math.log2(h / start);
    if (Number.isInteger(count) && count >= 1) return { start, count };
  }
  return null;
}

export function unsupportedSize(spec: ModelSpec): string | null {
  return stagesFor(spec.imageShape) ? null : `needs square images of side 4·2ⁿ or 7·2ⁿ (28, 32, 64, …), got ${spec.imageShape.slice(1).join('×')}`;
}

/** G: z [N, inputs, 1, 1] → ConvT to start×start, then ×2 per stage, halving channels, to C×H×W in [-1, 1]. */
export function generatorTrunk(inputs: number, shape: ImageShape, width: number): Sequential {
  const { start, count } = stagesFor(shape)!;
  let channels = width * 2 ** (count - 1);
  const layers: Module[] = [new ConvTranspose2d(inputs, channels, start, { bias: false }), new BatchNorm(channels), new ReLU()];
  for (let i = 1; i < count; i++) {
    layers.push(new ConvTranspose2d(channels, channels / 2, 4, { stride: 2, padding: 1, bias: false }), new BatchNorm(channels / 2), new ReLU());
    channels /= 2;
  }
  layers.push(new ConvTranspose2d(channels, shape[0], 4, { stride: 2, padding: 1, bias: false }), new Tanh());
  return new Sequential(...(layers as never[]));
}

/** D trunk layers: C×H×W → strided convs, doubling channels, down to [N, channels, start, start]. */
export function discriminatorTrunk(shape: ImageShape, width: number): { layers: Module[]; channels: number; start: number } {
  const { start, count } = stagesFor(shape)!;
  let channels = width;
  const layers: Module[] = [new Conv2d(shape[0], channels, 4, { stride: 2, padding: 1, bias: false }), new LeakyReLU(0.2)];
  for (let i = 1; i < count; i++) {
    layers.push(new Conv2d(channels, channels * 2, 4, { stride: 2, padding: 1, bias: false }), new BatchNorm(channels * 2), new LeakyReLU(0.2));
    channels *= 2;
  }
  return { layers, channels, start };
}

export function initDcgan(module: Module): void {
  for (const m of module.modules()) {
    if (m instanceof Conv2d || m instanceof ConvTranspose2d) {
      m.weight.normal_(0, 0.02);
      m.bias?.fill_(0);
    } else if (m instanceof BatchNorm) {
      m.weight?.normal_(1, 0.02);
      m.bias?.fill_(0);
    }
  }
}
