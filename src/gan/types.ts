// What the trainer knows about a model family, and what a family hands it for one run. The trainer owns time,
// logging, grids, checkpoints, resume and alarms; a family owns its networks, optimizers and one training step,
// so a family with two generators and two discriminators (CycleGAN), an encoder (Age-cGAN) or a regulariser on
// its own schedule is one file plus one registry entry, and the trainer never learns its name.
import type { DataKind, ImageDataset } from '../data/dataset';
import type { Image } from '../io/png';
import type { Direction } from '../data/paired';
import type { GraphOps, Layer, Module } from '../nn';
import type { Optimizer } from '../optim';
import type { Tensor } from '../torch';
import type { TrainConfig } from './config';
import type { Domains } from './domains';
import type { SpectralNormTarget, Stabiliser } from './stabilisers';

/** C×H×W of the data a model is built for. */
export type ImageShape = [number, number, number];

export interface Generator extends Module {
  readonly latentDim: number;
  readonly imageShape: ImageShape;
  /** Noise [N, latentDim] (and int64 classes [N] for conditional models) → images [N, C, H, W] in [-1, 1]. */
  forward(z: Tensor, labels?: Tensor): Tensor;
  /**
   * The forward with the truncation trick applied in the generator's own latent space (StyleGAN: w pulled
   * towards its running average by ψ). Absent: sampling truncates z itself (sampling.ts truncatedNoise).
   */
  forwardTruncated?(z: Tensor, psi: number, labels?: Tensor): Tensor;
  /**
   * The forward written once over `ops`: on tensorOps it is the forward, on the ONNX exporter's values it is the
   * exported graph, so the two cannot differ. A generator without it runs but cannot be exported.
   */
  describe?<V>(ops: GraphOps<V>, z: V, labels?: V): V;
}

export interface Discriminator extends Module {
  /**
   * Images [N, C, H, W] (and classes, for conditional models) → [N, 1 + auxiliaryClasses]: column 0 is the
   * real/fake output (a logit for the BCE losses), the rest are class logits (AC-GAN).
   */
  forward(x: Tensor, labels?: Tensor): Tensor;
}

/** Everything a family needs to build its networks. */
export interface ModelSpec {
  imageShape: ImageShape;
  latentDim: number;
  numClasses: number;
  /** Base channel width (null: the family's default). */
  width: number | null;
  /** Which networks the family wrapper gives spectral norm (absent: none); families never read it themselves. */
  spectralNorm?: SpectralNormTarget;
}

/** What one training step measured, by the key it gets in metrics.jsonl (e.g. loss_d, d_x). */
export type Scalars = Record<string, number>;

/** One entry of the log line: `Loss_D: 0.4794`, or `D(G(z)): 0.1829 / 0.0897` when it shows several keys. */
export interface LogField {
  label: string;
  keys: string[];
}

/** Where training stands when a step starts: steps done so far, and the epoch (1-based) and batch to train on. */
export interface StepPosition {
  step: number;
  epoch: number;
  batchInEpoch: number;
}

/**
 * Everything one run of a family trains, built by `ModelFamily.createRun` right after the trainer seeds the
 * random generator (so the same seed builds the same run). The trainer checkpoints every network, optimizer and
 * tensor declared here under its name, restores them by name on resume, and disposes the run at the end.
 */
export interface FamilyRun {
  /** Networks by checkpoint prefix: a network `G` is saved as `G.<parameter name>`. */
  readonly networks: ReadonlyMap<string, Module>;
  /** Optimizers by checkpoint prefix (`optG.exp_avg.0`, …). */
  readonly optimizers: ReadonlyMap<string, Optimizer>;
  /** Other state a resume needs, saved under its own name (e.g. the fixed noise of the grids). */
  readonly tensors: ReadonlyMap<string, Tensor>;
  readonly batchesPerEpoch: number;
  /** What the log line shows, in order; every key named here is also recorded in metrics.jsonl. */
  readonly logFields: readonly LogField[];
  /** The discriminator's outputs are probabilities (BCE losses): the D(x)/D(G(z)) alarms apply. */
  readonly probabilisticOutputs: boolean;
  /**
   * Trains one step on batch `batchInEpoch` of `epoch` and returns what it measured. A value this step did not
   * measure (G's loss on a step that only updates D) is left out; the trainer shows the last one instead.
   */
  step(at: StepPosition): Scalars;
  /**
   * The picture of progress written after every epoch, drawn from fixed inputs. The trainer calls it from a
   * fixed seed with the training random state kept aside (sampling.ts drawSeeded), so random numbers it draws
   * (StyleGAN's noise inputs) are the same at every epoch and never change training.
   */
  preview(): Image;
  /**
   * `n` samples (N×C×H×W in [-1, 1]) for periodic scoring by the judge, from the global random generator (the
   * trainer seeds it and restores its state around the call). Absent for families the judge cannot score.
   */
  sample?(n: number): { images: Float32Array; shape: [number, number, number, number] };
  dispose(): void;
}

/**
 * Data parallelism as a family's step sees it (src/dist/ implements it over c10d; SINGLE_PROCESS is the
 * default). Every rank runs the same step on its slice of the global batch: the family draws the global batch's
 * noise from the shared random generator and keeps `localRows` of it (so the world size changes speed, not
 * results), and calls `syncGradients` after each backward and before the optimizer step that uses those
 * gradients, so every rank steps with the gradient of the whole global batch.
 */
export interface DataParallel {
  readonly rank: number;
  readonly worldSize: number;
  /** Averages the gradients of `parameters` over all ranks, in place; parameters without a gradient are skipped. */
  syncGradients(parameters: readonly Tensor[]): void;
  /** This rank's rows of a tensor holding the whole global batch along dim 0 (a view: N/worldSize rows). */
  localRows(global: Tensor): Tensor;
}

/** One process: nothing to synchronise, every row is local. */
export const SINGLE_PROCESS: DataParallel = {
  rank: 0,
  worldSize: 1,
  syncGradients: () => {},
  localRows: (global) => global,
};

/**
 * The checkpoint entries of a family's run, by name, as FamilyRun declares them: each network's element count
 * (parameters and buffers of its state dict) and what to call it in messages, the optimizers, and each other
 * tensor's shape.
 */
export interface CheckpointLayout {
  networks: ReadonlyMap<string, { size: number; label: string }>;
  optimizers: readonly string[];
  tensors: ReadonlyMap<string, number[]>;
}

/** How `ganforge sample` and `eval` rebuild a noise-to-image generator from a checkpoint. */
export interface NoiseSampler {
  /** 'conditional': G and D take class labels; 'auxiliary': G takes labels and D also predicts them (AC-GAN). */
  conditioning: 'none' | 'conditional' | 'auxiliary';
  generator(spec: ModelSpec): Generator;
  /** The checkpoint prefix of the weights to draw from: the moving average when the run kept one, unless `raw`. */
  weightsPrefix(config: TrainConfig, raw: boolean): string;
}

/** How `ganforge translate` rebuilds an image-to-image generator from a checkpoint. */
export interface Translator {
  /**
   * The checkpoint prefix of the generator that translates in `direction` (AtoB: the data's left image to its
   * right one), or null when the run has none (a pix2pix run learns only the direction it was trained in).
   */
  weightsPrefix(config: TrainConfig, direction: Direction): string | null;
  /** The generator to load those weights into: images [N, C, H, W] in [-1, 1] → images of the same shape. */
  generator(config: TrainConfig, direction: Direction): Module & Layer;
}

/** A generator that edits images into target domains: images [N, C, H, W] and domain vectors [N, K] → images. */
export interface EditingGenerator extends Module {
  edit(x: Tensor, domains: Tensor): Tensor;
  /** The edit written once over `ops` (runs on tensors, exports to ONNX). */
  describe<V>(ops: GraphOps<V>, x: V, domains: V): V;
}

/** How `ganforge edit` and `export` rebuild an attribute-editing model (StarGAN) from a checkpoint. */
export interface Editor {
  /** The generator, whose weights are the checkpoint's `G.`. */
  generator(config: TrainConfig): EditingGenerator;
  /** The discriminator (`D.`), whose domain logits read what an input image already is. */
  domainReader(config: TrainConfig): Module & { judge(x: Tensor): { logits: Tensor } };
}

/** An opened editing model: what `ganforge edit` and `eval` call, on N×C×H×W images in [-1, 1] of the run's shape. */
export interface OpenedEditor {
  /**
   * The images edited to target domain vectors [N, K]; `sources` are the images' own domain vectors where the
   * caller knows them (labelled test images), else the editor reads them itself if it needs them.
   */
  edit(images: Float32Array, targets: Float32Array, count: number, sources?: Float32Array): Float32Array;
  /** What the run reads in the images: their domain vectors [N, K] of 0/1. */
  readDomains(images: Float32Array, count: number): Float32Array;
  dispose(): void;
}

/**
 * How `ganforge edit` rebuilds a model that edits by inverting a conditional generator (Age-cGAN: encode,
 * optimise the latent, draw it at another age) rather than with a feed-forward editing generator (Editor).
 */
export interface LatentEditor {
  /** The domains its edits move between (Age-cGAN: the age groups). */
  domains(config: TrainConfig): Domains;
  /** Builds its networks, loading each from the checkpoint by prefix with `restore`. */
  open(config: TrainConfig, restore: (prefix: string, network: Module) => void): OpenedEditor;
}

export interface ModelFamily {
  name: string;
  summary: string;
  /** The data must have class labels (conditional families). */
  needsLabels: boolean;
  /**
   * What the family trains on: one set of images (the default; noise-to-image GANs) or pairs of an input and
   * its target (image-to-image, e.g. pix2pix). Data of the other kind is refused before anything is built.
   */
  dataKind?: DataKind;
  /**
   * Intra-op threads that train this family fastest on a 2-core CPU (measured; default 1). Convolutions with
   * wide feature maps gain from 2; GEMM-bound models lose, as OpenBLAS already uses every core. On a busy machine
   * the thread governor (src/torch/thread-governor.ts) lowers a count of 2 while other processes hold the cores.
   */
  threads?: number;
  /** Hyperparameters that come with the architecture (its paper's or tutorial's). */
  defaults: Partial<TrainConfig>;
  /** Why this family cannot model images of this shape, or null when it can. */
  unsupported?(spec: ModelSpec): string | null;
  /**
   * What a checkpoint of this family holds for `config`, computed without building anything, so a hostile
   * checkpoint is checked before any model is allocated (see checkpoint.ts).
   */
  checkpointLayout(config: TrainConfig): CheckpointLayout;
  /**
   * Builds the networks, optimizers and step of one run on `dataset`; with `parallel` (default SINGLE_PROCESS)
   * this rank trains on its slice of each global batch of config.batchSize and synchronises gradients by it.
   */
  createRun(config: TrainConfig, dataset: ImageDataset, parallel?: DataParallel): FamilyRun;
  /** Present for families that draw images from noise (all the GANs of `models/` so far). */
  noiseSampler?: NoiseSampler;
  /** Present for families that translate one image into another (pix2pix). */
  translator?: Translator;
  /** Present for families that edit images into chosen domains (StarGAN). */
  editor?: Editor;
  /** Present for families that edit images by inverting a conditional generator (Age-cGAN). */
  latentEditor?: LatentEditor;
  /** The training aids of stabilisers.ts this family applies; a run asking for another is refused. */
  stabilisers?: readonly Stabiliser[];
}
