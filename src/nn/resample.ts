// Layers that change the spatial size without learned weights: max and average pooling, upsampling.
import { F, Tensor } from '../torch';
import { Layer, Module } from './module';

type Pair = F.Pair;

export class MaxPool2d extends Module implements Layer {
  constructor(readonly kernel: Pair, readonly stride?: Pair) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.maxPool2d(x, this.kernel, { stride: this.stride ?? this.kernel });
  }
}

export class AvgPool2d extends Module implements Layer {
  constructor(readonly kernel: Pair, readonly stride?: Pair) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.kernel, { stride: this.stride ?? this.kernel });
  }
}

/** Resizes by an integer factor: bilinear (alignCorners as given) or nearest. */
export class Upsample extends Module implements Layer {
  constructor(readonly scale: number, readonly mode: 'bilinear' | 'nearest' = 'nearest', readonly alignCorners = false) {
    super();
  }
  forward(x: Tensor): Tensor {
    const [, , h, w] = x.shape;
    const size: [number, number] = [h * this.scale, w * this.scale];
    return this.mode === 'bilinear' ? F.upsampleBilinear(x, size, this.alignCorners) : F.upsampleNearest(x, size);
  }
}
