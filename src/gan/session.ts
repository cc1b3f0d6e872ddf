// A training session: the networks, optimizers, fixed noise, data loader and loss of one run, built in a
// fixed order after seeding, and one method that performs a training step. The trainer loops over it;
// the benchmark times it, so what is measured is exactly what trains.
import { BatchLoader } from '../data/loader';
import type { ImageDataset } from '../data/dataset';
import { Adam } from '../optim';
import { emaUpdate, F, keep, manualSeed, noGrad, randint, randn, rngState, setNumThreads, setRngState, Tensor, tensor, tidy } from '../torch';
import type { TrainingState } from './checkpoint';
import type { TrainConfig } from './config';
import { ganLoss, GanLoss, gradientPenalty } from './losses';
import { familyFor } from './registry';
import type { Generator, ModelFamily, ModelSpec } from './types';

export interface StepScalars {
  lossD: number;
  lossG: number;
  /** Mean D output on real images, and on fakes before and after D's update (the tutorial's D(G(z)) pair):
   *  probabilities for the BCE losses, raw scores for the others. */
  dReal: number;
  dFake: number;
  dFakeAfter: number;
}

export function modelSpec(config: TrainConfig): ModelSpec & { model: string } {
  return { model: config.model, imageShape: config.imageShape, latentDim: config.latentDim, numClasses: config.numClasses, width: config.width };
}

/** Labels for a grid: 0, 1, …, C−1, 0, 1, … (drawn with C columns, each column is one class); none for unconditional models. */
export function gridLabels(family: ModelFamily, count: number, numClasses: number): Tensor | undefined {
  if (family.conditioning === 'none') return undefined;
  return tensor(Array.from({ length: count }, (_, i) => i % numClasses), [count], 'int64');
}

export class GanSession {
  readonly state: TrainingState;
  readonly loader: BatchLoader;
  readonly loss: GanLoss;
  readonly family: ModelFamily;
  readonly fixedLabels: Tensor | undefined;

  constructor(readonly config: TrainConfig, dataset: ImageDataset) {
    const spec = modelSpec(config);
    this.family = familyFor(spec);
    setNumThreads(this.family.threads ?? 1);
    // Seed, then build G, D and the fixed noise in this order: the same seed gives the same run.
    manualSeed(config.seed);
    const generator = this.family.generator(spec);
    const discriminator = this.family.discriminator(spec);
    const fixedNoise = keep(randn([config.gridSize, config.latentDim]));
    const fixedLabels = gridLabels(this.family, config.gridSize, config.numClasses);
    this.fixedLabels = fixedLabels ? keep(fixedLabels) : undefined;
    const adam = (lr: number) => ({ lr, betas: [config.beta1, config.beta2] as [number, number], amsgrad: config.amsgrad });
    // The moving average starts as a copy of G; building it must not shift the random stream.
    let averageGenerator: Generator | null = null;
    if (config.emaDecay > 0) {
      const before = rngState();
      averageGenerator = this.family.generator(spec);
      setRngState(before);
      averageGenerator.loadStateDict(generator.stateDict());
      averageGenerator.requiresGrad_(false);
    }
    this.state = {
      generator, discriminator, fixedNoise, averageGenerator,
      optimizerG: new Adam(generator.parameters(), adam(config.lrG)),
      optimizerD: new Adam(discriminator.parameters(), adam(config.lrD)),
    };
    this.loader = new BatchLoader(dataset, config.batchSize, config.seed);
    if (this.family.conditioning !== 'none' && !dataset.labels) throw new Error(`model '${config.model}' needs labels, and ${dataset.name} has none`);
    this.loss = ganLoss(config.loss, config);
  }

  /** The generator to sample from: the moving average when there is one. */
  get samplingGenerator(): Generator {
    return this.state.averageGenerator ?? this.state.generator;
  }

  /** One step on batch `batchIndex` of `epoch`: a D update, then a G update when `updateG`. */
  step(epoch: number, batchIndex: number, updateG: boolean): StepScalars {
    const batch = this.loader.batch(epoch, batchIndex);
    try {
      return this.#update(batch.images, batch.labels ?? undefined, updateG);
    } finally {
      batch.images.dispose();
      batch.labels?.dispose();
    }
  }

  #update(realImages: Tensor, realLabels: Tensor | undefined, updateG: boolean): StepScalars {
    return tidy(() => {
      const { generator: G, discriminator: D, optimizerG, optimizerD } = this.state;
      const { conditioning } = this.family;
      const n = realImages.shape[0];
      const z = randn([n, this.config.latentDim]);
      const fakeLabels = conditioning === 'none' ? undefined : randint(0, this.config.numClasses, [n]);
      const dLabels = (labels: Tensor | undefined) => (conditioning === 'conditional' ? labels : undefined);
      const fake = G.forward(z, fakeLabels);

      // D step: fakes are detached so this backward stops at D.
      optimizerD.zeroGrad();
      const realOut = this.#split(D.forward(realImages, dLabels(realLabels)));
      const fakeOut = this.#split(D.forward(fake.detach(), dLabels(fakeLabels)));
      let lossD = this.loss.discriminator(realOut.adversarial, fakeOut.adversarial);
      if (realOut.classes && fakeOut.classes) {
        lossD = lossD.add(F.crossEntropy(realOut.classes, realLabels!)).add(F.crossEntropy(fakeOut.classes, fakeLabels!));
      }
      if (this.loss.name === 'wgan-gp' && this.config.gpWeight > 0) {
        const critic = (x: Tensor) => this.#split(D.forward(x, dLabels(realLabels))).adversarial;
        lossD = lossD.add(gradientPenalty(critic, realImages, fake).mul(this.config.gpWeight));
      }
      lossD.backward();
      optimizerD.step();
      const scalars: StepScalars = {
        lossD: lossD.item(), lossG: NaN, dReal: this.#meanOutput(realOut.adversarial), dFake: this.#meanOutput(fakeOut.adversarial), dFakeAfter: NaN,
      };

      if (updateG) {
        // G step through the freshly updated D, reusing the same fakes (as the PyTorch DCGAN tutorial does).
        // D's parameters are frozen meanwhile: G's gradient is the same, and backward skips D's weight
        // gradients, which the G step would only throw away.
        optimizerG.zeroGrad();
        D.requiresGrad_(false);
        let after: { adversarial: Tensor; classes: Tensor | null };
        let lossG: Tensor;
        try {
          after = this.#split(D.forward(fake, dLabels(fakeLabels)));
          lossG = this.loss.generator(after.adversarial);
          if (after.classes) lossG = lossG.add(F.crossEntropy(after.classes, fakeLabels!));
          lossG.backward();
        } finally {
          D.requiresGrad_(true);
        }
        optimizerG.step();
        if (this.state.averageGenerator) this.#updateAverage();
        scalars.lossG = lossG.item();
        scalars.dFakeAfter = this.#meanOutput(after.adversarial);
      }
      return scalars;
    });
  }

  /** Column 0 is the real/fake output; further columns (AC-GAN) are class logits. */
  #split(out: Tensor): { adversarial: Tensor; classes: Tensor | null } {
    if (out.shape[1] === 1) return { adversarial: out, classes: null };
    return { adversarial: out.narrow(1, 0, 1), classes: out.narrow(1, 1, out.shape[1] - 1) };
  }

  /** D's average verdict: a probability for the BCE losses, the raw score otherwise. */
  #meanOutput(out: Tensor): number {
    return tidy(() => (this.loss.probabilistic ? out.sigmoid() : out).mean().item());
  }

  #updateAverage(): void {
    const average = this.state.averageGenerator!;
    emaUpdate(average.parameters(), this.state.generator.parameters(), this.config.emaDecay);
    // Running statistics (BatchNorm) are copied, not averaged.
    noGrad(() => {
      const own = new Map(this.state.generator.namedBuffers());
      for (const [name, buffer] of average.namedBuffers()) buffer.copy_(own.get(name)!);
    });
  }

  dispose(): void {
    this.loader.dispose();
    this.state.generator.dispose();
    this.state.discriminator.dispose();
    this.state.averageGenerator?.dispose();
    this.state.optimizerG.dispose();
    this.state.optimizerD.dispose();
    this.state.fixedNoise.dispose();
    this.fixedLabels?.dispose();
  }
}
