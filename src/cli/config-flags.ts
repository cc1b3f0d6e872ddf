// The flags of `ganforge train` that set config keys, paired with the key each sets. The pairing is the
// one place that knows a flag's spelling and its config key: the train command builds its flags from it,
// and a --config file may use either spelling (config-file.ts).
import { PRECISIONS } from '../torch/device';
import { DIRECTIONS } from '../data/paired';
import { DATASET_HELP } from '../data/select';
import { NORM_KINDS } from '../nn/norm';
import type { TrainConfig } from '../gan/config';
import { GAN_LOSSES } from '../gan/losses';
import { MODEL_NAMES } from '../gan/registry';
import { DIFFAUGMENT_HELP } from '../gan/diffaugment';
import { SPECTRAL_NORM_TARGETS } from '../gan/stabilisers';
import type { FlagSpec } from './args';

/** Flags that set config keys. They carry no parser default: absent means "not given", which --resume and the
 *  recipe/config-file layering need to tell apart from a value that happens to equal the default. */
export const CONFIG_FLAGS = [
  { name: 'model', key: 'model', type: 'string', choices: MODEL_NAMES, help: 'model family (default: from the recipe)' },
  { name: 'width', key: 'width', type: 'int', min: 1, placeholder: 'N', help: 'base channel width of conv models (dcgan, acgan: 64)' },
  { name: 'dataset', key: 'dataset', type: 'string', placeholder: 'NAME|DIR', help: `${DATASET_HELP} (default: mnist)` },
  { name: 'download', key: 'download', type: 'boolean', help: 'fetch the full standard data set (checksummed, cached in ~/.cache/ganforge)' },
  { name: 'image-size', key: 'imageSize', type: 'int', min: 4, placeholder: 'N', help: 'image folders: resize and center-crop to N×N (default: 64)' },
  { name: 'grayscale', key: 'grayscale', type: 'boolean', help: 'image folders: read images as gray (default: RGB)' },
  { name: 'epochs', key: 'epochs', type: 'int', min: 1, placeholder: 'N', help: 'train for N passes over the data' },
  { name: 'steps', key: 'steps', type: 'int', min: 1, placeholder: 'N', help: 'train for N steps (one discriminator batch each)' },
  { name: 'time-budget', key: 'timeBudget', type: 'number', min: 0, placeholder: 'SECONDS', help: 'also stop after this much wall time, with a final checkpoint and grid (0: no limit; the default recipe sets 120)' },
  { name: 'batch-size', key: 'batchSize', type: 'int', min: 1, placeholder: 'N', help: 'images per batch (default: 64)' },
  { name: 'seed', key: 'seed', type: 'int', min: 0, max: 0xffffffff, placeholder: 'S', help: 'random seed: same seed, same run (default: 1)' },
  { name: 'lr', key: 'lr', type: 'number', min: 0, placeholder: 'RATE', help: 'Adam learning rate for both G and D' },
  { name: 'lr-g', key: 'lrG', type: 'number', min: 0, placeholder: 'RATE', help: "G's learning rate (default: the model's, 2e-4 for most)" },
  { name: 'lr-d', key: 'lrD', type: 'number', min: 0, placeholder: 'RATE', help: "D's learning rate" },
  { name: 'beta1', key: 'beta1', type: 'number', min: 0, max: 0.999999, help: 'Adam β1 (default: 0.5 for most models)' },
  { name: 'beta2', key: 'beta2', type: 'number', min: 0, max: 0.999999, help: 'Adam β2 (default: 0.999)' },
  { name: 'amsgrad', key: 'amsgrad', type: 'boolean', help: 'Adam with AMSGrad (default: on for conv, off otherwise)' },
  { name: 'loss', key: 'loss', type: 'string', choices: GAN_LOSSES, help: 'GAN objective (default: non-saturating)' },
  { name: 'lsgan-a', key: 'lsganA', type: 'number', placeholder: 'A', help: 'lsgan: target for fakes in D (default: 0)' },
  { name: 'lsgan-b', key: 'lsganB', type: 'number', placeholder: 'B', help: 'lsgan: target for reals in D (default: 1)' },
  { name: 'lsgan-c', key: 'lsganC', type: 'number', placeholder: 'C', help: 'lsgan: target G aims for (default: 1)' },
  { name: 'gp-weight', key: 'gpWeight', type: 'number', min: 0, placeholder: 'λ', help: 'wgan-gp: gradient penalty weight (default: 10)' },
  { name: 'label-smoothing', key: 'labelSmoothing', type: 'number', min: 0, max: 0.5, placeholder: 'S', help: "one-sided: D's target for real images is 1 − S (default: 0)" },
  { name: 'd-steps', key: 'dSteps', type: 'int', min: 1, placeholder: 'K', help: 'discriminator steps per generator step (default: 1; 5 for wgan-gp)' },
  { name: 'ema', key: 'emaDecay', type: 'number', min: 0, max: 0.99999, placeholder: 'DECAY', help: "sample from a moving average of G's weights (e.g. 0.999; default: off)" },
  { name: 'latent-dim', key: 'latentDim', type: 'int', min: 1, placeholder: 'N', help: 'noise dimensions (default: 100)' },
  { name: 'log-every', key: 'logEvery', type: 'int', min: 1, placeholder: 'N', help: 'print a log line every N steps (default: 50)' },
  { name: 'metrics-every', key: 'metricsEvery', type: 'int', min: 1, placeholder: 'N', help: 'record metrics.jsonl every N steps (default: 10)' },
  { name: 'checkpoint-every', key: 'checkpointEvery', type: 'int', min: 0, placeholder: 'N', help: 'also checkpoint every N steps (default: epoch ends only)' },
  { name: 'eval-every', key: 'evalEvery', type: 'int', min: 0, placeholder: 'N', help: 'score a small sample every N steps and raise alarms (default: off)' },
  { name: 'grid-size', key: 'gridSize', type: 'int', min: 1, placeholder: 'N', help: 'images in each sample grid (default: 64)' },
  { name: 'precision', key: 'precision', type: 'string', choices: PRECISIONS, help: 'fp32 (default), or mixed precision on a GPU: bf16, or fp16 (with dynamic loss scaling)' },
  { name: 'sync-bn', key: 'syncBn', type: 'boolean', help: 'with --nproc/--world-size: batch norm over the whole global batch (all ranks) instead of each rank\'s slice' },
  { name: 'direction', key: 'direction', type: 'string', choices: DIRECTIONS, help: 'paired data (pix2pix): AtoB translates the left image of each pair into the right one, BtoA the other way; unpaired data (cyclegan, discogan): BtoA swaps trainA and trainB (default: AtoB)' },
  { name: 'norm', key: 'norm', type: 'string', choices: NORM_KINDS, help: 'pix2pix: normalisation in G and D (default: batch, as in the paper)' },
  { name: 'attributes', key: 'attributeFile', type: 'path', placeholder: 'FILE', help: "image folders: CelebA's list_attr_celeba.txt (or any file in its format) labelling the folder's images" },
  { name: 'select', key: 'attributes', type: 'string', placeholder: 'A,B,…', help: 'attribute-labelled data: the attribute columns to learn, e.g. Black_Hair,Blond_Hair,Brown_Hair,Gray_Hair,Young (default: all)' },
  { name: 'class-weight', key: 'classWeight', type: 'number', min: 0, placeholder: 'λ', help: "acgan, biggan, stargan: weight of G's classification loss (StarGAN: also D's on real images) (default: 1; the default recipe and biggan: 3)" },
  { name: 'classify-fakes', key: 'classifyFakes', type: 'boolean', help: "acgan, biggan: D's classifier also learns on G's images (AC-GAN's paper; acgan's default); --no-classify-fakes: on real images only (the default recipe; biggan's default)" },
  { name: 'l1-weight', key: 'l1Weight', type: 'number', min: 0, placeholder: 'λ', help: "pix2pix: weight of the L1 distance to the target beside the GAN loss (default: 100)" },
  // Stabilisers and aids (src/gan/stabilisers.ts), one block.
  { name: 'spectral-norm', key: 'spectralNorm', type: 'string', choices: SPECTRAL_NORM_TARGETS, help: 'spectral norm on every weight layer of D (d, as SNGAN) or of G and D (gd, as SAGAN/BigGAN) (default: none)' },
  { name: 'diffaugment', key: 'diffAugment', type: 'string', placeholder: 'LIST', help: `DiffAugment (Zhao et al. 2020): ${DIFFAUGMENT_HELP}, applied to real and fake images alike before D (e.g. color,translation,cutout)` },
  { name: 'r1', key: 'r1Gamma', type: 'number', min: 0, placeholder: 'γ', help: 'R1 gradient penalty γ/2·E‖∇D(x)‖² on real images (e.g. 10; default: off)' },
  { name: 'r1-every', key: 'r1Every', type: 'int', min: 1, placeholder: 'N', help: 'lazy R1: apply it every N D steps, its weight multiplied by N (StyleGAN2 uses 16; default: 1)' },
  { name: 'ortho', key: 'orthoBeta', type: 'number', min: 0, placeholder: 'β', help: "orthogonal regularisation β‖WᵀW ⊙ (1 − I)‖² on G's weights (BigGAN: 1e-4; default: off)" },
  { name: 'cycle-weight', key: 'cycleWeight', type: 'number', min: 0, placeholder: 'λ', help: 'cyclegan, discogan, stargan: weight of the reconstruction loss A→B→A and B→A→B, or G(G(x, c′), c) → x (default: 10 for cyclegan and stargan, 1 for discogan)' },
  { name: 'identity-weight', key: 'identityWeight', type: 'number', min: 0, placeholder: 'SHARE', help: 'cyclegan: identity loss weight as a share of --cycle-weight (default: 0.5; 0: off)' },
  { name: 'cycle-noise', key: 'cycleNoise', type: 'number', min: 0, placeholder: 'σ', help: 'cyclegan, discogan: σ of Gaussian noise added to each translation before it is translated back, against hiding the source in faint detail (e.g. 0.1; default: off)' },
  { name: 'pool-size', key: 'poolSize', type: 'int', min: 0, max: 10_000, placeholder: 'N', help: "cyclegan: translated images in each discriminator's history pool (default: 50; 0: off)" },
  { name: 'residual-blocks', key: 'residualBlocks', type: 'int', min: 1, max: 64, placeholder: 'N', help: 'cyclegan, stargan: residual blocks in each generator (default: 6)' },
  { name: 'lr-decay-start', key: 'lrDecayStart', type: 'number', min: 0, max: 1, placeholder: 'SHARE', help: "share of the run's steps after which the learning rates fall linearly to 0 (default: 1 = constant; 0.5 for cyclegan and stargan; pix2pix and agecgan ignore it)" },
  { name: 'tensorboard', key: 'tensorboard', type: 'boolean', help: 'also write TensorBoard event files (scalars, grids, the config) to OUT/tb, for `tensorboard --logdir runs`' },
] as const satisfies readonly (FlagSpec & { key: keyof TrainConfig | 'lr' })[];
