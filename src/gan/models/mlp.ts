// The classic fully connected GAN (Goodfellow et al. 2014, as in most tutorials):
//   G: z(100) → 256 → 512 → 1024 → C·H·W, LeakyReLU 0.2, tanh output reshaped to C×H×W;
//   D: C·H·W → 1024 → 512 → 256 → 1, LeakyReLU 0.2, a logit (the sigmoid lives in the loss).
// Names follow a PyTorch `self.model = nn.Sequential(...)`, so `model.0.weight` etc. load in PyTorch.
import { GraphOps, LeakyReLU, Linear, Module, Sequential, Tanh, tensorOps } from '../../nn';
import { Tensor, tidy } from '../../torch';
import { adversarialFamily } from '../adversarial';
import type { Discriminator, Generator, ImageShape, ModelSpec } from '../types';
import { mlpDiscriminatorSize, mlpGeneratorSize, pixels } from './sizes';

const SLOPE = 0.2;

/** G's layers: `inputs` → 256 → 512 → 1024 → `pixels`, tanh (cgan widens the input by its label embedding). */
export function mlpGeneratorLayers(inputs: number, pixels: number): Sequential {
  return new Sequential(
    new Linear(inputs, 256), new LeakyReLU(SLOPE),
    new Linear(256, 512), new LeakyReLU(SLOPE),
    new Linear(512, 1024), new LeakyReLU(SLOPE),
    new Linear(1024, pixels), new Tanh(),
  );
}

/** D's layers: `inputs` → 1024 → 512 → 256 → 1 logit. */
export function mlpDiscriminatorLayers(inputs: number): Sequential {
  return new Sequential(
    new Linear(inputs, 1024), new LeakyReLU(SLOPE),
    new Linear(1024, 512), new LeakyReLU(SLOPE),
    new Linear(512, 256), new LeakyReLU(SLOPE),
    new Linear(256, 1),
  );
}

export class MlpGenerator extends Module implements Generator {
  readonly model: Sequential;

  constructor(readonly latentDim: number, readonly imageShape: ImageShape) {
    super();
    const pixels = imageShape[0] * imageShape[1] * imageShape[2];
    this.model = this.addModule('model', mlpGeneratorLayers(latentDim, pixels));
  }

  forward(z: Tensor): Tensor {
    return tidy(() => this.describe(tensorOps, z));
  }

  describe<V>(ops: GraphOps<V>, z: V): V {
    return ops.reshape(ops.layer(this.model, z), this.imageShape);
  }
}

export class MlpDiscriminator extends Module implements Discriminator {
  readonly model: Sequential;

  constructor(imageShape: ImageShape) {
    super();
    const pixels = imageShape[0] * imageShape[1] * imageShape[2];
    this.model = this.addModule('model', mlpDiscriminatorLayers(pixels));
  }

  forward(x: Tensor): Tensor {
    const flat = x.flatten(1);
    const logits = this.model.forward(flat);
    flat.dispose();
    return logits;
  }
}

export const mlpFamily = adversarialFamily({
  name: 'mlp',
  summary: 'fully connected GAN: G 100→256→512→1024→pixels (tanh), D pixels→1024→512→256→1, LeakyReLU 0.2',
  conditioning: 'none',
  defaults: { lrG: 2e-4, lrD: 2e-4, beta1: 0.5, loss: 'non-saturating' },
  generator: (spec: ModelSpec) => new MlpGenerator(spec.latentDim, spec.imageShape),
  discriminator: (spec: ModelSpec) => new MlpDiscriminator(spec.imageShape),
  stateSize: (spec: ModelSpec) => ({
    generator: mlpGeneratorSize(spec.latentDim, pixels(spec.imageShape)),
    discriminator: mlpDiscriminatorSize(pixels(spec.imageShape)),
  }),
});
