// A training session: the networks, optimizers, fixed noise, data loader and loss of one run, built in a
// fixed order after seeding, and one method that performs a training step. The trainer loops over it;
// the benchmark times it, so what is measured is exactly what trains.
import { BatchLoader } from '../data/loader';
import type { ImageDataset } from '../data/dataset';
import { Adam } from '../optim';
import { keep, manualSeed, randn, Tensor, tidy } from '../torch';
import type { TrainingState } from './checkpoint';
import type { TrainConfig } from './config';
import { ganLoss, GanLoss } from './losses';
import { modelFamily } from './registry';

export interface StepScalars {
  lossD: number;
  lossG: number;
  /** Mean D output on real images, and on fakes before and after D's update (the tutorial's D(G(z)) pair). */
  dReal: number;
  dFake: number;
  dFakeAfter: number;
}

/** The mean of sigmoid(logits): the discriminator's average probability of "real". */
function meanProbability(logits: Tensor): number {
  return tidy(() => logits.sigmoid().mean().item());
}

export class GanSession {
  readonly state: TrainingState;
  readonly loader: BatchLoader;
  readonly loss: GanLoss;

  constructor(readonly config: TrainConfig, dataset: ImageDataset) {
    // Seed, then build G, D and the fixed noise in this order: the same seed gives the same run.
    manualSeed(config.seed);
    const { generator, discriminator } = modelFamily(config.model).build({
      imageShape: config.imageShape, latentDim: config.latentDim, numClasses: config.numClasses,
    });
    const fixedNoise = keep(randn([config.gridSize, config.latentDim]));
    const adam = { lr: config.lr, betas: [config.beta1, config.beta2] as [number, number] };
    this.state = {
      generator, discriminator, fixedNoise,
      optimizerG: new Adam(generator.parameters(), adam),
      optimizerD: new Adam(discriminator.parameters(), adam),
    };
    this.loader = new BatchLoader(dataset, config.batchSize, config.seed);
    this.loss = ganLoss(config.loss);
  }

  /** One step on batch `batchIndex` of `epoch`: a D update, then a G update when `updateG`. */
  step(epoch: number, batchIndex: number, updateG: boolean): StepScalars {
    const batch = this.loader.batch(epoch, batchIndex);
    try {
      return this.#update(batch.images, updateG);
    } finally {
      batch.images.dispose();
      batch.labels?.dispose();
    }
  }

  #update(realImages: Tensor, updateG: boolean): StepScalars {
    return tidy(() => {
      const { generator: G, discriminator: D, optimizerG, optimizerD } = this.state;
      const z = randn([realImages.shape[0], this.config.latentDim]);
      const fake = G.forward(z);

      // D step: fakes are detached so this backward stops at D.
      optimizerD.zeroGrad();
      const realLogits = D.forward(realImages);
      const fakeLogits = D.forward(fake.detach());
      const lossD = this.loss.discriminator(realLogits, fakeLogits);
      lossD.backward();
      optimizerD.step();
      const scalars: StepScalars = {
        lossD: lossD.item(), lossG: NaN, dReal: meanProbability(realLogits), dFake: meanProbability(fakeLogits), dFakeAfter: NaN,
      };

      if (updateG) {
        // G step through the freshly updated D, reusing the same fakes (as the PyTorch DCGAN tutorial does).
        // D's parameters are frozen meanwhile: G's gradient is the same, and backward skips D's weight
        // gradients, which the G step would only throw away (about a quarter of the step's backward work).
        optimizerG.zeroGrad();
        D.requiresGrad_(false);
        let lossG: Tensor;
        let fakeLogitsAfter: Tensor;
        try {
          fakeLogitsAfter = D.forward(fake);
          lossG = this.loss.generator(fakeLogitsAfter);
          lossG.backward();
        } finally {
          D.requiresGrad_(true);
        }
        optimizerG.step();
        scalars.lossG = lossG.item();
        scalars.dFakeAfter = meanProbability(fakeLogitsAfter);
      }
      return scalars;
    });
  }

  dispose(): void {
    this.loader.dispose();
    this.state.generator.dispose();
    this.state.discriminator.dispose();
    this.state.optimizerG.dispose();
    this.state.optimizerD.dispose();
    this.state.fixedNoise.dispose();
  }
}
