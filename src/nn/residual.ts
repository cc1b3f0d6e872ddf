// The residual block of the ResNet image-to-image generators (Johnson et al. 2016, as CycleGAN uses it):
// x + [reflect-pad 1, conv 3×3, norm, ReLU, (dropout), reflect-pad 1, conv 3×3, norm](x). Channels and size are
// kept, so blocks stack; the skip lets a deep stack start near the identity.
import { Tensor, tidy } from '../torch';
import { Conv2d } from './conv';
import { Dropout, ReLU, Sequential } from './layers';
import { Layer, Module } from './module';
import { NormKind, normLayer, normTakesBias } from './norm';
import { ReflectionPad2d } from './padding';

export interface ResidualBlockOptions {
  /** The normalisation after each conv (default 'instance', CycleGAN's). */
  norm?: NormKind;
  /** Dropout between the two convs, in training only (0: none, the default). */
  dropout?: number;
}

export class ResidualBlock extends Module implements Layer {
  readonly block: Sequential;

  constructor(readonly channels: number, options: ResidualBlockOptions = {}) {
    super();
    const norm = options.norm ?? 'instance';
    // A bias before batch norm is cancelled by its mean; instance norm without affine (the default) has no
    // bias of its own, so the conv keeps one (the same rule as CycleGAN's reference code states for its layers).
    const bias = normTakesBias(norm);
    const layers: (Module & Layer)[] = [
      new ReflectionPad2d(1), new Conv2d(channels, channels, 3, { bias }), normLayer(norm, channels), new ReLU(),
    ];
    if ((options.dropout ?? 0) > 0) layers.push(new Dropout(options.dropout));
    layers.push(new ReflectionPad2d(1), new Conv2d(channels, channels, 3, { bias }), normLayer(norm, channels));
    this.block = this.addModule('block', new Sequential(...layers));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => x.add(this.block.forward(x)));
  }
}
