// Padding layers. Reflection padding mirrors the image at its border (without repeating the edge pixel, as
// PyTorch's ReflectionPad2d), so a convolution near the border sees image-like content rather than a band of
// zeros: the image-to-image generators (CycleGAN's ResNet blocks, its 7×7 stem) use it to avoid border artefacts.
import { F, Tensor } from '../torch';
import { Layer, Module } from './module';

/** [left, right, top, bottom], or one amount for all four sides. */
export type Padding2d = number | [number, number, number, number];

export class ReflectionPad2d extends Module implements Layer {
  readonly amounts: [number, number, number, number];

  constructor(padding: Padding2d) {
    super();
    this.amounts = typeof padding === 'number' ? [padding, padding, padding, padding] : [...padding];
    // Reflection cannot reach past the opposite border; libtorch would say so too, but only at the first forward.
    if (!this.amounts.every((p) => Number.isInteger(p) && p >= 0)) throw new RangeError(`reflection padding must be non-negative integers, got [${this.amounts}]`);
  }

  forward(x: Tensor): Tensor {
    const [left, right, top, bottom] = this.amounts;
    const [, , h, w] = x.shape;
    if (left >= w || right >= w || top >= h || bottom >= h) {
      throw new RangeError(`reflection padding [${this.amounts}] needs each amount smaller than the side it mirrors (input ${h}×${w})`);
    }
    return F.pad(x, this.amounts, 'reflect');
  }
}
