// What the families that train one generator against one discriminator on image batches share (pix2pix,
// StarGAN): the two networks and their Adam optimizers, the batch loader, the GAN loss, and what the trainer
// reads of them (checkpoint names G/D/optG/optD, batches per epoch, whether D's outputs are probabilities).
// Each family adds its step, its preview and its fixed tensors. Built in this order after the trainer seeds
// (G, D, optimizers, loader): the same seed gives the same run.
import type { ImageDataset } from '../../data/dataset';
import { BatchLoader } from '../../data/loader';
import type { Module } from '../../nn';
import type { Optimizer } from '../../optim';
import type { TrainConfig } from '../config';
import { ganLoss, GanLoss } from '../losses';
import { adamFor } from '../optimizers';

export abstract class GeneratorDiscriminatorRun<G extends Module, D extends Module> {
  readonly optimizerG: Optimizer;
  readonly optimizerD: Optimizer;
  readonly loader: BatchLoader;
  readonly loss: GanLoss;
  readonly networks: ReadonlyMap<string, Module>;
  readonly optimizers: ReadonlyMap<string, Optimizer>;

  constructor(readonly config: TrainConfig, dataset: ImageDataset, readonly generator: G, readonly discriminator: D) {
    this.optimizerG = adamFor(config, generator.parameters(), config.lrG);
    this.optimizerD = adamFor(config, discriminator.parameters(), config.lrD);
    this.loader = new BatchLoader(dataset, config.batchSize, config.seed);
    this.loss = ganLoss(config.loss, config);
    this.networks = new Map<string, Module>([['G', generator], ['D', discriminator]]);
    this.optimizers = new Map([['optG', this.optimizerG], ['optD', this.optimizerD]]);
  }

  get batchesPerEpoch(): number {
    return this.loader.batchesPerEpoch;
  }

  get probabilisticOutputs(): boolean {
    return this.loss.probabilistic;
  }

  /** Frees the networks, optimizers and loader; a family frees its own tensors and then calls this. */
  dispose(): void {
    this.loader.dispose();
    this.generator.dispose();
    this.discriminator.dispose();
    this.optimizerG.dispose();
    this.optimizerD.dispose();
  }
}
