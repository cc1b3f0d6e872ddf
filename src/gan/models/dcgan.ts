// DCGAN (Radford et al. 2016). The layout follows the data: 28×28 images start from 7×7 (ConvT 7→14→28,
// D two strided convs), 64×64 colour images are the standard four-stage DCGAN (4→8→16→32→64).
import { Conv2d, GraphOps, Module, Sequential, tensorOps } from '../../nn';
import { Tensor, tidy } from '../../torch';
import { adversarialFamily } from '../adversarial';
import type { Discriminator, Generator, ImageShape, ModelSpec } from '../types';
import { discriminatorTrunk, generatorTrunk, initDcgan, unsupportedSize } from './dcgan-parts';
import { conv, dcganDiscriminatorTrunkSize, dcganGeneratorTrunkSize } from './sizes';

const DEFAULT_WIDTH = 64;

export class DcganGenerator extends Module implements Generator {
  readonly main: Sequential;

  constructor(readonly latentDim: number, readonly imageShape: ImageShape, width: number) {
    super();
    this.main = this.addModule('main', generatorTrunk(latentDim, imageShape, width));
    initDcgan(this);
  }

  forward(z: Tensor): Tensor {
    return tidy(() => this.describe(tensorOps, z));
  }

  describe<V>(ops: GraphOps<V>, z: V): V {
    return ops.layer(this.main, ops.reshape(z, [this.latentDim, 1, 1]));
  }
}

export class DcganDiscriminator extends Module implements Discriminator {
  readonly main: Sequential;

  constructor(imageShape: ImageShape, width: number) {
    super();
    const { layers, channels, start } = discriminatorTrunk(imageShape, width);
    // The last conv covers the whole start×start map: one output per image.
    this.main = this.addModule('main', new Sequential(...(layers as never[]), new Conv2d(channels, 1, start, { bias: false })));
    initDcgan(this);
  }

  forward(x: Tensor): Tensor {
    const out = this.main.forward(x);
    const flat = out.reshape([x.shape[0], 1]);
    out.dispose();
    return flat;
  }
}

export const dcganFamily = adversarialFamily({
  name: 'dcgan',
  summary: 'DCGAN: transposed-conv G with BatchNorm/ReLU/tanh, strided-conv D with LeakyReLU 0.2; 28×28 (7→14→28) or 64×64 (4→…→64)',
  conditioning: 'none',
  // 183 vs 259 ms/step with 1 at width 64 on 28×28, now that G's transposed convolutions run as oneDNN convolutions
  // (src/torch/conv-transpose.ts); libtorch's own transposed-conv kernel was 3–4× slower with 2 threads than 1.
  threads: 2,
  defaults: { lrG: 2e-4, lrD: 2e-4, beta1: 0.5, loss: 'non-saturating' },
  unsupported: unsupportedSize,
  generator: (spec: ModelSpec) => new DcganGenerator(spec.latentDim, spec.imageShape, spec.width ?? DEFAULT_WIDTH),
  discriminator: (spec: ModelSpec) => new DcganDiscriminator(spec.imageShape, spec.width ?? DEFAULT_WIDTH),
  stateSize: ({ latentDim, imageShape, width }: ModelSpec) => {
    const trunk = dcganDiscriminatorTrunkSize(imageShape, width ?? DEFAULT_WIDTH);
    return {
      generator: dcganGeneratorTrunkSize(latentDim, imageShape, width ?? DEFAULT_WIDTH),
      discriminator: trunk.size + conv(trunk.channels, 1, trunk.start, false),
    };
  },
});
