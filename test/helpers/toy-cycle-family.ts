// A toy family of the CycleGAN shape, to prove that the trainer carries families other than one G and one D:
// two generators (A→B and B→A), two discriminators, three optimizers, fixed inputs for the preview, and a step
// that returns its own named losses. Domain A is the data; domain B is its negative (−x), so the translation
// has a known answer. Tiny fully connected networks keep it fast; it exists only for the tests.
import type { ImageDataset } from '../../src/data/dataset';
import { BatchLoader } from '../../src/data/loader';
import type { TrainConfig } from '../../src/gan/config';
import { generate } from '../../src/gan/sampling';
import type { FamilyRun, Generator, ImageShape, LogField, ModelFamily, Scalars, StepPosition } from '../../src/gan/types';
import { imageGrid } from '../../src/io/grid';
import type { Image } from '../../src/io/png';
import { Linear, Module, Sequential, Tanh, LeakyReLU } from '../../src/nn';
import { Adam } from '../../src/optim';
import { keep, Tensor, tensor, tidy } from '../../src/torch';

/** Image → image through a small bottleneck, as a Generator so the shared sampling helpers apply. */
class Translator extends Module implements Generator {
  readonly net: Sequential;
  readonly latentDim: number;

  constructor(readonly imageShape: ImageShape) {
    super();
    const pixels = imageShape[0] * imageShape[1] * imageShape[2];
    this.latentDim = pixels;
    this.net = this.addModule('net', new Sequential(new Linear(pixels, 32), new LeakyReLU(0.2), new Linear(32, pixels), new Tanh()));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => this.net.forward(x.flatten(1)).reshape([x.shape[0], ...this.imageShape]));
  }
}

class Critic extends Module {
  readonly net: Sequential;

  constructor(imageShape: ImageShape) {
    super();
    const pixels = imageShape[0] * imageShape[1] * imageShape[2];
    this.net = this.addModule('net', new Sequential(new Linear(pixels, 16), new LeakyReLU(0.2), new Linear(16, 1)));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => this.net.forward(x.flatten(1)));
  }
}

const LOG_FIELDS: LogField[] = [
  { label: 'Loss_G', keys: ['loss_g'] },
  { label: 'Loss_D_A / D_B', keys: ['loss_d_a', 'loss_d_b'] },
  { label: 'Cycle', keys: ['loss_cycle'] },
];

class ToyCycleRun implements FamilyRun {
  readonly gAB: Translator;
  readonly gBA: Translator;
  readonly dA: Critic;
  readonly dB: Critic;
  readonly optG: Adam;
  readonly optDA: Adam;
  readonly optDB: Adam;
  readonly fixedA: Tensor;
  readonly loader: BatchLoader;
  readonly logFields = LOG_FIELDS;
  readonly probabilisticOutputs = false;
  readonly networks: ReadonlyMap<string, Module>;
  readonly optimizers: ReadonlyMap<string, Adam>;
  readonly tensors: ReadonlyMap<string, Tensor>;

  constructor(readonly config: TrainConfig, dataset: ImageDataset) {
    const shape = config.imageShape;
    this.gAB = new Translator(shape);
    this.gBA = new Translator(shape);
    this.dA = new Critic(shape);
    this.dB = new Critic(shape);
    const betas: [number, number] = [config.beta1, config.beta2];
    this.optG = new Adam([...this.gAB.parameters(), ...this.gBA.parameters()], { lr: config.lrG, betas });
    this.optDA = new Adam(this.dA.parameters(), { lr: config.lrD, betas });
    this.optDB = new Adam(this.dB.parameters(), { lr: config.lrD, betas });
    this.loader = new BatchLoader(dataset, config.batchSize, config.seed);
    const first = this.loader.batch(1, 0);
    this.fixedA = keep(tidy(() => first.images.narrow(0, 0, Math.min(4, first.images.shape[0])).clone()));
    first.images.dispose();
    first.labels?.dispose();
    this.networks = new Map<string, Module>([['G_AB', this.gAB], ['G_BA', this.gBA], ['D_A', this.dA], ['D_B', this.dB]]);
    this.optimizers = new Map([['optG', this.optG], ['optD_A', this.optDA], ['optD_B', this.optDB]]);
    this.tensors = new Map([['fixed_a', this.fixedA]]);
  }

  get batchesPerEpoch(): number {
    return this.loader.batchesPerEpoch;
  }

  step(at: StepPosition): Scalars {
    const batch = this.loader.batch(at.epoch, at.batchInEpoch);
    try {
      return tidy(() => {
        const realA = batch.images;
        const realB = realA.neg();
        // Generators: least-squares adversarial terms plus cycle consistency in both directions.
        this.optG.zeroGrad();
        this.dA.requiresGrad_(false);
        this.dB.requiresGrad_(false);
        const fakeB = this.gAB.forward(realA);
        const fakeA = this.gBA.forward(realB);
        const cycle = this.gBA.forward(fakeB).sub(realA).abs().mean().add(this.gAB.forward(fakeA).sub(realB).abs().mean());
        const lossG = this.dB.forward(fakeB).sub(1).square().mean().add(this.dA.forward(fakeA).sub(1).square().mean()).add(cycle.mul(10));
        lossG.backward();
        this.dA.requiresGrad_(true);
        this.dB.requiresGrad_(true);
        this.optG.step();
        // Each discriminator on its own domain, with its own optimizer.
        const critic = (d: Critic, opt: Adam, real: Tensor, fake: Tensor) => {
          opt.zeroGrad();
          const loss = d.forward(real).sub(1).square().mean().add(d.forward(fake.detach()).square().mean()).mul(0.5);
          loss.backward();
          opt.step();
          return loss.item();
        };
        return { loss_g: lossG.item(), loss_cycle: cycle.item(), loss_d_a: critic(this.dA, this.optDA, realA, fakeA), loss_d_b: critic(this.dB, this.optDB, realB, fakeB) };
      });
    } finally {
      batch.images.dispose();
      batch.labels?.dispose();
    }
  }

  /** A | G_AB(A) | G_BA(G_AB(A)), one row each. */
  preview(): Image {
    const n = this.fixedA.shape[0];
    const [c, h, w] = this.config.imageShape;
    const per = n * c * h * w;
    const there = generate(this.gAB, this.fixedA);
    const thereTensor = tensor(there, [n, c, h, w]);
    const back = generate(this.gBA, thereTensor);
    thereTensor.dispose();
    const rows = new Float32Array(3 * per);
    rows.set(this.fixedA.toFloat32Array(), 0);
    rows.set(there, per);
    rows.set(back, 2 * per);
    return imageGrid(rows, [3 * n, c, h, w], { nrow: n });
  }

  dispose(): void {
    for (const network of this.networks.values()) network.dispose();
    for (const optimizer of this.optimizers.values()) optimizer.dispose();
    this.loader.dispose();
    this.fixedA.dispose();
  }
}

export const toyCycleFamily: ModelFamily = {
  name: 'toy-cycle',
  summary: 'test only: two generators (A→B, B→A) and two discriminators on the data and its negative',
  needsLabels: false,
  defaults: { lrG: 1e-3, lrD: 1e-3, beta1: 0.5, loss: 'lsgan' },
  checkpointLayout: (config) => {
    const pixels = config.imageShape[0] * config.imageShape[1] * config.imageShape[2];
    const translator = pixels * 32 + 32 + 32 * pixels + pixels;
    const critic = pixels * 16 + 16 + 16 + 1;
    return {
      networks: new Map([
        ['G_AB', { size: translator, label: 'A→B generator' }], ['G_BA', { size: translator, label: 'B→A generator' }],
        ['D_A', { size: critic, label: 'A discriminator' }], ['D_B', { size: critic, label: 'B discriminator' }],
      ]),
      optimizers: ['optG', 'optD_A', 'optD_B'],
      tensors: new Map([['fixed_a', [Math.min(4, config.batchSize), ...config.imageShape]]]),
    };
  },
  createRun: (config, dataset) => new ToyCycleRun(config, dataset),
};
