// The convolutional GAN of the classic Keras/PyTorch tutorials:
//   G: fc z → 256·(H/4)·(W/4), reshape, ×2 bilinear upsample (align_corners), conv3×3 256→128 + BN + ReLU,
//      ×2 upsample, conv3×3 128→64 + BN + ReLU, conv1×1 64→C, sigmoid (rescaled to [-1, 1]);
//   D: conv3×3 C→16 and 16→32, each BN + ReLU + 2×2 max-pool, conv3×3 32→64 + BN + ReLU, fc → 1.
// Trained with Adam lr 1e-3 and AMSGrad, BCE.
import { BatchNorm, Conv2d, Flatten, GraphOps, Linear, MaxPool2d, Module, ReLU, Sequential, Sigmoid, tensorOps, Unflatten, Upsample } from '../../nn';
import { Tensor, tidy } from '../../torch';
import { adversarialFamily } from '../adversarial';
import type { Discriminator, Generator, ImageShape, ModelSpec } from '../types';
import { batchNorm, conv, linear } from './sizes';

export class ConvGenerator extends Module implements Generator {
  readonly model: Sequential;

  constructor(readonly latentDim: number, readonly imageShape: ImageShape) {
    super();
    const [c, h, w] = imageShape;
    this.model = this.addModule('model', new Sequential(
      new Linear(latentDim, 256 * (h / 4) * (w / 4)), new Unflatten([256, h / 4, w / 4]),
      new Upsample(2, 'bilinear', true), new Conv2d(256, 128, 3, { padding: 1 }), new BatchNorm(128), new ReLU(),
      new Upsample(2, 'bilinear', true), new Conv2d(128, 64, 3, { padding: 1 }), new BatchNorm(64), new ReLU(),
      new Conv2d(64, c, 1), new Sigmoid(),
    ));
  }

  forward(z: Tensor): Tensor {
    return tidy(() => this.describe(tensorOps, z));
  }

  describe<V>(ops: GraphOps<V>, z: V): V {
    // The tutorial's sigmoid gives [0, 1]; ganforge's images live in [-1, 1].
    return ops.affine(ops.layer(this.model, z), 2, -1);
  }
}

export class ConvDiscriminator extends Module implements Discriminator {
  readonly model: Sequential;

  constructor(imageShape: ImageShape) {
    super();
    const [c, h, w] = imageShape;
    this.model = this.addModule('model', new Sequential(
      new Conv2d(c, 16, 3, { padding: 1 }), new BatchNorm(16), new ReLU(), new MaxPool2d(2),
      new Conv2d(16, 32, 3, { padding: 1 }), new BatchNorm(32), new ReLU(), new MaxPool2d(2),
      new Conv2d(32, 64, 3, { padding: 1 }), new BatchNorm(64), new ReLU(),
      new Flatten(), new Linear(64 * (h / 4) * (w / 4), 1),
    ));
  }

  forward(x: Tensor): Tensor {
    return this.model.forward(x);
  }
}

export const convFamily = adversarialFamily({
  name: 'conv',
  summary: 'tutorial conv GAN: fc→7×7×256, bilinear upsampling + conv/BN/ReLU in G; conv/BN/ReLU/max-pool D',
  conditioning: 'none',
  threads: 2, // 380 vs 720 ms/step with 1 (bilinear upsampling, BatchNorm and 3×3 convs on 14×14 and 28×28 maps)
  defaults: { lrG: 1e-3, lrD: 1e-3, beta1: 0.9, beta2: 0.999, amsgrad: true, loss: 'non-saturating' },
  unsupported: (spec: ModelSpec) =>
    spec.imageShape[1] % 4 === 0 && spec.imageShape[2] % 4 === 0 ? null : `needs image sides divisible by 4, got ${spec.imageShape.slice(1).join('×')}`,
  generator: (spec: ModelSpec) => new ConvGenerator(spec.latentDim, spec.imageShape),
  discriminator: (spec: ModelSpec) => new ConvDiscriminator(spec.imageShape),
  stateSize: ({ latentDim, imageShape: [c, h, w] }: ModelSpec) => ({
    generator: linear(latentDim, 256 * (h / 4) * (w / 4)) + conv(256, 128, 3) + batchNorm(128) + conv(128, 64, 3) + batchNorm(64) + conv(64, c, 1),
    discriminator: conv(c, 16, 3) + batchNorm(16) + conv(16, 32, 3) + batchNorm(32) + conv(32, 64, 3) + batchNorm(64) + linear(64 * (h / 4) * (w / 4), 1),
  }),
});
