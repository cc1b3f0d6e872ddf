// BigGAN (Brock et al. 2019) at small scale: a class-conditional residual GAN.
// G: z is split into chunks (the hierarchical latent): the first goes through a linear layer to a
// start×start map, each later chunk, joined with a class embedding shared by all blocks, conditions the batch
// norms of one residual up block (gain 1 + linear, bias linear); self-attention at half the image side; then
// BN-ReLU-conv3×3-tanh. D: residual down blocks with self-attention after the first, ReLU, a sum over the
// positions, and a linear output plus the projection term ⟨embed(y), h⟩ (Miyato & Koyama 2018), through which
// D judges whether the image fits its class; beside it, not from the paper, AC-GAN's auxiliary classifier,
// without which G barely learned the class in a CPU run's steps (see BigGanDiscriminator.classifier). The
// paper's training settings are the family's defaults: spectral norm in G and D (added by the wrapper), hinge loss, orthogonal regularisation, EMA of G; truncation at
// sampling is `sample --truncation`. Widths halve per block from G's first map (mirrored in D), as DCGAN's do,
// where BigGAN keeps them wide: what a 2-core CPU can train.
import { BatchNorm, Conv2d, Embedding, GraphOps, Linear, Module, ReLU, SelfAttention, Sequential, Tanh, tensorOps, withoutSpectralNorm } from '../../nn';
import { cat, Tensor, tidy } from '../../torch';
import { adversarialFamily } from '../adversarial';
import type { Discriminator, Generator, ImageShape, ModelSpec } from '../types';
import { chunkStarts, DownBlock, downBlockSize, latentChunks, UpBlock, upBlockSize } from './biggan-parts';
import { requireLabels, unlabelledReason } from './conditioning';
import { stagesFor, unsupportedSize } from './dcgan-parts';
import { selfAttentionSize } from './sagan';
import { batchNorm, conv, embedding, linear } from './sizes';

const DEFAULT_WIDTH = 32;
/**
 * Entries of the shared class embedding (BigGAN: 128 for 1,000 ImageNet classes; ten digits need fewer: 128
 * measured worse on MNIST after 200 steps, README "BigGAN").
 */
export const SHARED_EMBEDDING_DIM = 32;

/** Channels of G's maps from the first (start×start) to the image side: width·2^count halving per block. */
function generatorChannels(shape: ImageShape, width: number): number[] {
  const { count } = stagesFor(shape)!;
  return Array.from({ length: count + 1 }, (_, i) => width * 2 ** (count - i));
}

/** The up block after which G attends: the one reaching half the image side (the first, for one block). */
function generatorAttentionAfter(shape: ImageShape): number {
  return Math.max(0, stagesFor(shape)!.count - 2);
}

/** D's channels after each down block: width, 2·width, … (G's mirrored). */
function discriminatorChannels(shape: ImageShape, width: number): number[] {
  const { count } = stagesFor(shape)!;
  return Array.from({ length: count }, (_, i) => width * 2 ** i);
}

/**
 * An embedding whose vectors start at about unit length (N(0, 1/dim) entries), the scale of BigGAN's orthogonal
 * initialisation, rather than PyTorch's N(0, 1) (length √dim): with the spectrally normalised layers around
 * them (σ = 1), N(0, 1) vectors let the class outweigh z in G's gains and the projection outweigh D's linear
 * output from the first step.
 */
function unitEmbedding(count: number, dim: number): Embedding {
  const embedding = new Embedding(count, dim);
  embedding.weight.normal_(0, 1 / Math.sqrt(dim));
  return embedding;
}

export class BigGanGenerator extends Module implements Generator {
  readonly shared: Embedding;
  readonly linear: Linear;
  readonly blocks: UpBlock[];
  readonly attention: SelfAttention;
  readonly output: Sequential;
  /** z's chunk sizes: the linear layer's, then each block's. */
  readonly chunks: number[];
  readonly start: number;
  readonly channels: number[];

  constructor(readonly latentDim: number, readonly imageShape: ImageShape, numClasses: number, width: number) {
    super();
    const { start, count } = stagesFor(imageShape)!;
    this.start = start;
    this.channels = generatorChannels(imageShape, width);
    this.chunks = latentChunks(latentDim, count + 1);
    this.shared = this.addModule('shared', unitEmbedding(numClasses, SHARED_EMBEDDING_DIM));
    this.linear = this.addModule('linear', new Linear(this.chunks[0], this.channels[0] * start * start));
    this.blocks = Array.from({ length: count }, (_, i) =>
      this.addModule(`block${i + 1}`, new UpBlock(this.channels[i], this.channels[i + 1], SHARED_EMBEDDING_DIM + this.chunks[i + 1])));
    this.attention = this.addModule('attention', new SelfAttention(this.channels[generatorAttentionAfter(imageShape) + 1]));
    const last = this.channels[count];
    this.output = this.addModule('output', new Sequential(new BatchNorm(last), new ReLU(), new Conv2d(last, imageShape[0], 3, { padding: 1 }), new Tanh()));
  }

  forward(z: Tensor, labels?: Tensor): Tensor {
    return tidy(() => this.describe(tensorOps, z, labels));
  }

  describe<V>(ops: GraphOps<V>, z: V, labels?: V): V {
    const y = ops.layer(this.shared, requireLabels(labels, 'biggan generator'));
    const starts = chunkStarts(this.chunks);
    const chunk = (i: number) => ops.slice(z, [1], [starts[i]], [this.chunks[i]]);
    let h = ops.reshape(ops.layer(this.linear, chunk(0)), [this.channels[0], this.start, this.start]);
    const attendAfter = generatorAttentionAfter(this.imageShape);
    this.blocks.forEach((block, i) => {
      h = block.describe(ops, h, ops.concat([y, chunk(i + 1)], 1));
      if (i === attendAfter) h = ops.layer(this.attention, h);
    });
    return ops.layer(this.output, h);
  }
}

export class BigGanDiscriminator extends Module implements Discriminator {
  readonly blocks: DownBlock[];
  readonly attention: SelfAttention;
  readonly linear: Linear;
  /** The projection's class embedding: one vector per class in the space of D's pooled features. */
  readonly embed: Embedding;
  /**
   * The auxiliary classifier (AC-GAN's head, not the paper's): class logits from D's last feature map, read whole
   * as AC-GAN's head reads its trunk's (a conv with the map's size), and never spectrally normalised. It reads the
   * map rather than the pooled h because the sum over positions keeps no layout: on 16 pooled features of digits
   * a classifier's cross-entropy stays near ln 10 for 100 steps, on the 7×7 map it falls to ~0.5 (README
   * "BigGAN"). The shared step trains it on real images (classifyFakes false, the family's default) and adds its
   * loss on G's images, ×classWeight, to G's: the class signal the projection gives too weakly in a CPU run.
   */
  readonly classifier: Conv2d;

  constructor(imageShape: ImageShape, numClasses: number, width: number) {
    super();
    const channels = discriminatorChannels(imageShape, width);
    this.blocks = channels.map((out, i) =>
      this.addModule(`block${i + 1}`, new DownBlock(i === 0 ? imageShape[0] : channels[i - 1], out, { preactivation: i > 0, downsample: true })));
    this.attention = this.addModule('attention', new SelfAttention(channels[0]));
    const top = channels[channels.length - 1];
    this.linear = this.addModule('linear', new Linear(top, 1));
    this.embed = this.addModule('embed', unitEmbedding(numClasses, top));
    this.classifier = this.addModule('aux', withoutSpectralNorm(new Conv2d(top, numClasses, stagesFor(imageShape)!.start)));
  }

  /**
   * [N, 1 + classes]: linear(h) + ⟨embed(y), h⟩, h the ReLU'd features summed over positions, then the
   * auxiliary classifier's logits from the ReLU'd feature map.
   */
  forward(x: Tensor, labels?: Tensor): Tensor {
    return tidy(() => {
      let h = x;
      this.blocks.forEach((block, i) => {
        h = block.forward(h);
        if (i === 0) h = this.attention.forward(h);
      });
      const features = h.relu();
      const pooled = features.sum([2, 3]);
      const projection = this.embed.forward(requireLabels(labels, 'biggan discriminator')).mul(pooled).sum([1], true);
      const classes = this.classifier.forward(features).reshape([x.shape[0], -1]);
      return cat([this.linear.forward(pooled).add(projection), classes], 1);
    });
  }
}

export const bigganFamily = adversarialFamily({
  name: 'biggan',
  summary: 'BigGAN: class-conditional residual GAN with a hierarchical latent, shared-embedding conditional batch norm, self-attention and a projection D with an auxiliary classifier learning on real images (spectral norm in G and D, hinge, orthogonal regularisation, EMA)',
  conditioning: 'conditional',
  // The paper's: Adam 1e-4 (G) / 4e-4 (D), β (0, 0.999), hinge, spectral norm in G and D, β_ortho 1e-4; EMA
  // 0.999 (the paper's 0.9999 averages over ~10k steps, longer than a CPU run lasts). 100 grid images: with ten
  // classes, a 10×10 grid of one class per column.
  defaults: {
    lrG: 1e-4, lrD: 4e-4, beta1: 0, beta2: 0.999, loss: 'hinge', spectralNorm: 'gd', orthoBeta: 1e-4, emaDecay: 0.999, gridSize: 100,
    classifyFakes: false, classWeight: 3,
  },
  unsupported: (spec: ModelSpec) => unlabelledReason(spec) ?? unsupportedSize(spec) ?? tooFewLatents(spec),
  generator: (spec: ModelSpec) => new BigGanGenerator(spec.latentDim, spec.imageShape, spec.numClasses, spec.width ?? DEFAULT_WIDTH),
  discriminator: (spec: ModelSpec) => new BigGanDiscriminator(spec.imageShape, spec.numClasses, spec.width ?? DEFAULT_WIDTH),
  stateSize: ({ latentDim, imageShape, numClasses, width }: ModelSpec) => {
    const w = width ?? DEFAULT_WIDTH;
    const { start, count } = stagesFor(imageShape)!;
    const g = generatorChannels(imageShape, w);
    const chunks = latentChunks(latentDim, count + 1);
    let generator = embedding(numClasses, SHARED_EMBEDDING_DIM) + linear(chunks[0], g[0] * start * start);
    for (let i = 0; i < count; i++) generator += upBlockSize(g[i], g[i + 1], SHARED_EMBEDDING_DIM + chunks[i + 1]);
    generator += selfAttentionSize(g[generatorAttentionAfter(imageShape) + 1]) + batchNorm(g[count]) + conv(g[count], imageShape[0], 3);
    const d = discriminatorChannels(imageShape, w);
    let discriminator = selfAttentionSize(d[0]) + linear(d[count - 1], 1) + embedding(numClasses, d[count - 1]) + conv(d[count - 1], numClasses, start);
    d.forEach((out, i) => (discriminator += downBlockSize(i === 0 ? imageShape[0] : d[i - 1], out, true)));
    return { generator, discriminator };
  },
});

/** Every consumer of z (the linear layer and each block) needs at least one entry of it. */
function tooFewLatents(spec: ModelSpec): string | null {
  const slots = stagesFor(spec.imageShape)!.count + 1;
  return spec.latentDim >= slots ? null : `splits z into ${slots} chunks for ${spec.imageShape.slice(1).join('×')} images: needs --latent-dim ${slots} or more`;
}
